"""Check the advice explorer page as a person uses it: in a real headless Chromium.

Starts the service on a free loopback port (or uses ``--url``), opens ``/`` in
headless Chromium driven over the DevTools protocol (``--remote-debugging-pipe``:
no extra package, no network), and checks, exiting non-zero with the problems
otherwise:

1. the form is built from the case schema (a control for every top-level case field);
2. ticking "LRS" and typing NPRS 8 makes the referral card appear, with the
   guideline sentence behind it;
3. typing NPRS 11 names the field: the error next to ``nprs`` says the allowed range,
   and the cards are gone;
4. with the neurological examination done but its MRC grade ticked "not known", the
   card about the inputs not known appears, as a warning that asks for the MRC grade.

Run: ``python tests/check_page.py`` (Debian's ``chromium``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext, suppress
from typing import Any

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-pipe",
)


class Browser:
    """Headless Chromium over the DevTools pipe (fd 3: commands in, fd 4: events out)."""

    def __init__(self, executable: str) -> None:
        self.profile = tempfile.TemporaryDirectory()
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def wire() -> None:  # in the child: the pipe ends at fds 3 and 4
            a, b = os.dup(to_child_r), os.dup(from_child_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.process = subprocess.Popen(
            [executable, *CHROMIUM_FLAGS, f"--user-data-dir={self.profile.name}", "about:blank"],
            preexec_fn=wire,
            close_fds=False,  # fds 3 and 4 are made in the child (dup2 leaves them inheritable)
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self._buffer = b""
        self._next = 0
        self.session: str | None = None

    def _read_message(self, deadline: float) -> dict[str, Any]:
        import select

        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_child], [], [], left)[0]:
                raise TimeoutError("no answer from the browser")
            chunk = os.read(self._from_child, 65536)
            if not chunk:
                raise RuntimeError("the browser closed the pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return dict(json.loads(message))

    def send(self, method: str, params: dict[str, Any] | None = None, timeout: float = 30) -> Any:
        """Send one command; return its result."""
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if self.session is not None and not method.startswith("Target."):
            message["sessionId"] = self.session
        os.write(self._to_child, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def open(self, url: str) -> None:
        """Open ``url`` in a new page and attach to it."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        self.send("Page.navigate", {"url": url})

    def js(self, expression: str) -> Any:
        """Evaluate ``expression`` in the page; return its value."""
        result = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        return result.get("result", {}).get("value")

    def wait(self, expression: str, timeout: float = 20) -> Any:
        """Wait until ``expression`` is truthy in the page; return it (or the last value)."""
        deadline = time.monotonic() + timeout
        value = None
        while time.monotonic() < deadline:
            value = self.js(expression)
            if value:
                return value
            time.sleep(0.1)
        return value

    def type_into(self, selector: str, text: str) -> None:
        """Select the field's text and type ``text`` as a user would."""
        target = f"document.querySelector({json.dumps(selector)})"
        self.js(f"(() => {{ const e = {target}; e.focus(); e.select(); }})()")
        self.send("Input.insertText", {"text": text})

    def close(self) -> None:
        """Close the browser."""
        with suppress(RuntimeError, TimeoutError, OSError):
            self.send("Browser.close", timeout=5)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        os.close(self._to_child)
        os.close(self._from_child)
        self.profile.cleanup()


@contextmanager
def browser(executable: str) -> Iterator[Browser]:
    """A headless Chromium, closed on exit."""
    opened = Browser(executable)
    try:
        yield opened
    finally:
        opened.close()


def check(url: str, executable: str) -> list[str]:
    """Run the three checks against the page at ``url``; return the problems."""
    from lbp_spec.contract import case_schema
    from lbp_spec.service.cards import card_uuid
    from lbp_spec.service.partial_cards import UNKNOWN_CARD

    problems: list[str] = []

    def expect(ok: Callable[[], Any], why: str) -> None:
        if not ok():
            problems.append(why)

    with browser(executable) as page:
        page.open(url + "/")
        if not page.wait("document.body && document.body.getAttribute('data-ready') === 'true'"):
            return ["the page did not build its form"]
        fields = [n for n in case_schema()["properties"] if n != "contract_version"]
        present = page.js(
            "JSON.stringify([...document.querySelectorAll('[data-field]')]"
            ".map(e => e.getAttribute('data-field')))"
        )
        missing = sorted(set(fields) - set(json.loads(present or "[]")))
        expect(lambda: not missing, f"the form lacks controls for {missing}")
        page.wait("document.body.getAttribute('data-updated')")
        page.js("document.querySelector('[data-path=\"lrs\"]').click()")
        page.type_into('[data-path="nprs"]', "8")
        referral = page.wait(
            "(() => { const c = [...document.querySelectorAll('.card')]"
            ".find(c => c.textContent.includes('Referral')); "
            "return c ? c.getAttribute('data-indicator') + '|' + c.textContent : ''; })()"
        )
        expect(lambda: bool(referral), "no referral card after LRS and NPRS 8")
        expect(
            lambda: "NPRS ≥ 8" in (referral or ""),
            "the referral card does not quote the guideline sentence (NPRS ≥ 8)",
        )
        expect(
            lambda: (referral or "").startswith("warning|"), "the referral card is not a warning"
        )
        page.type_into('[data-path="nprs"]', "11")
        error = page.wait("document.querySelector('[data-error-for=\"nprs\"]').textContent")
        expect(
            lambda: "nprs" in (error or "") and "0 to 10" in (error or ""),
            f"NPRS 11 is not named next to its field (got {error!r})",
        )
        expect(
            lambda: page.js("document.querySelectorAll('.card').length") == 0,
            "cards are still shown for an invalid case",
        )
        invalid = page.js(
            "document.querySelector('[data-path=\"nprs\"]').getAttribute('aria-invalid')"
        )
        expect(lambda: invalid == "true", "the NPRS field is not marked invalid")
        page.type_into('[data-path="nprs"]', "5")
        page.js(
            "(() => { const b = document.querySelector("
            "'[data-present-for=\"neurological_exam\"]'); if (!b.checked) b.click(); })()"
        )
        page.js(
            "document.querySelector('[data-unknown-for=\"neurological_exam.mrc_lowest\"]').click()"
        )
        selector = json.dumps(f'.card[data-card="{card_uuid(UNKNOWN_CARD)}"]')
        unknown = page.wait(
            f"(() => {{ const c = document.querySelector({selector}); "
            "return c ? c.getAttribute('data-indicator') + '|' + c.textContent : ''; })()"
        )
        expect(lambda: bool(unknown), "no card about the inputs not known for MRC 'not known'")
        expect(
            lambda: (
                (unknown or "").startswith("warning|") and "Lowest MRC grade" in (unknown or "")
            ),
            f"the card about the inputs not known does not ask for the MRC grade: {unknown!r}",
        )
    return problems


def main(argv: list[str] | None = None) -> int:
    """Run the checks; print each problem; status 1 if any."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running service (default: start one on loopback)")
    parser.add_argument("--browser", default="chromium", help="the Chromium executable")
    args = parser.parse_args(argv)
    executable = shutil.which(args.browser)
    if executable is None:
        print(f"no browser {args.browser!r}: apt-get install chromium", file=sys.stderr)
        return 2
    from lbp_spec.service.server import running

    server = nullcontext(args.url) if args.url else running()
    with server as url:
        problems = check(url, executable)
    for problem in problems:
        print(problem)
    print(f"page check in Chromium: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""Check the built documentation as a reader would: in a real headless browser.

Run after ``sphinx-build -b html docs docs/_build/html``::

    python docs/check_site.py docs/_build/html

It checks, and exits non-zero with the list of problems otherwise:

1. every internal link of every page resolves: the target file exists and, for a
   link with a fragment, the target page has an element with that id;
2. in headless Chromium (Debian's ``chromium`` package; no network), the front
   page, the rule catalogue, one rule's entry, the property catalogue and the
   decision flow render with their content (the DOM after scripts ran);
3. the site's search finds the rule catalogue by a word of a rule's quote;
4. every page fits a reader's window (rendered in Chromium at 1400 px wide, after
   layout, by a script injected into a copy of the page):

   * no text in a diagram (SVG) renders smaller than 12 px, and no diagram is
     scaled down to fit, wider than its column or outside the window;
   * no text or shape of a diagram lies outside its SVG (clipped);
   * no table is wider than its column (it wraps instead of scrolling);
   * a code block wider than its column scrolls, with a visible scrollbar
     (``overflow-x`` auto or scroll), and none is wider than the window;
   * prose (paragraphs, list items, table cells, definitions; code left out)
     shows no Python literal: ``True``, ``False``, or ``None`` inside a sentence.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

# (page, text the rendered DOM must contain, why)
RENDER_CHECKS = (
    ("index.html", "Who it is for", "the front page"),
    ("_generated/rules.html", "Rule catalogue", "the rule catalogue"),
    ("_generated/rules.html#rule-lrs-refer-severe", "NPRS ≥ 8", "one rule's entry and its quote"),
    ("_generated/properties.html", "proven", "the property catalogue with live results"),
    ("_generated/flow.html", "Need for assistance", "the clinical flowchart"),
    ("_generated/pathway.html", "lbp-timeline", "the care pathway over time"),
    ("_generated/committee.html", "Errata and ambiguities", "the committee's page"),
    ("_generated/findings.html", "RES.MOST_URGENT_REFERRAL", "the literal findings"),
)

WINDOW_WIDTH = 1400
"""The window width (CSS px) at which the layout is checked."""
MIN_FONT_PX = 12
"""The smallest rendered text size allowed in a diagram."""

LAYOUT_SCRIPT = Path(__file__).with_name("check_site.js")
"""The layout checks, run in each page after layout (see the module docstring)."""


# A word that occurs in a rule's quote ("passive arthrogenic mobilisations").
SEARCH_WORD = "arthrogenic"
SEARCH_EXPECTS = "_generated/rules.html"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            if tag == "a" and name in ("href", "xlink:href"):  # links in inline SVG too
                self.links.append(value)


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def check_links(site: Path) -> list[str]:
    """Every internal link of every page: its file exists, its fragment is an id there."""
    problems: list[str] = []
    parsed = {p: _parse(p) for p in site.rglob("*.html")}
    for page, links in parsed.items():
        for href in links.links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:")):
                continue
            target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            if parts.path and not target.exists():
                problems.append(f"{page.relative_to(site)}: broken link {href}")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = parsed.get(target) or _parse(target)
                if unquote(parts.fragment) not in ids.ids:
                    problems.append(f"{page.relative_to(site)}: no #{parts.fragment} in {href}")
    return problems


def _layout_problems(browser: str, page: Path, site: Path) -> list[str]:
    """Render ``page`` at the window width with the layout script; what it finds."""
    copy = page.with_name(f".lbp-layout-{page.name}")
    text = page.read_text(encoding="utf-8")
    code = LAYOUT_SCRIPT.read_text(encoding="utf-8").replace("MIN", str(MIN_FONT_PX))
    script = f"<script>\n{code}</script>\n"
    copy.write_text(text.replace("</body>", script + "</body>", 1), encoding="utf-8")
    try:
        dom = _dump_dom(browser, copy.as_uri(), WINDOW_WIDTH)
    finally:
        copy.unlink()
    found = re.search(r'data-lbp-layout="([^"]*)"', dom)
    where = page.relative_to(site)
    if found is None:
        return [f"{where}: the layout check did not run"]
    return [f"{where}: {p}" for p in json.loads(html.unescape(found.group(1)))]


def check_layout(site: Path, browser: str) -> list[str]:
    """Every page of the site, as :data:`LAYOUT_SCRIPT` checks it at 1400 px."""
    problems: list[str] = []
    for page in sorted(site.rglob("*.html")):
        if page.name.startswith(".") or page.name in {"search.html", "genindex.html"}:
            continue
        problems += _layout_problems(browser, page, site)
    return problems


def _dump_dom(browser: str, url: str, width: int = WINDOW_WIDTH) -> str:
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [
                browser,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                "--virtual-time-budget=10000",
                f"--window-size={width},1000",
                "--dump-dom",
                url,
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    return done.stdout


def check_browser(site: Path, browser: str) -> list[str]:
    """Render pages and run the search in headless Chromium."""
    problems: list[str] = []
    for page, expected, why in RENDER_CHECKS:
        dom = _dump_dom(
            browser,
            (site / page.split("#")[0]).as_uri()
            + ("#" + page.split("#")[1] if "#" in page else ""),
        )
        if expected not in dom:
            problems.append(f"{page} ({why}): rendered page lacks {expected!r}")
        if "#" in page and f'id="{page.split("#")[1]}"' not in dom:
            problems.append(f"{page} ({why}): no element with that id")
    dom = _dump_dom(browser, (site / "search.html").as_uri() + f"?q={SEARCH_WORD}")
    results = dom.split('id="search-results"', 1)[-1] if 'id="search-results"' in dom else ""
    if f'href="{SEARCH_EXPECTS}' not in results:
        problems.append(
            f"search for {SEARCH_WORD!r} (a word of a rule's quote) did not find {SEARCH_EXPECTS}"
        )
    return problems


def main(argv: list[str] | None = None) -> int:
    """Run the checks; print each problem; status 1 if any."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="the built HTML directory")
    parser.add_argument("--browser", default="chromium", help="the Chromium executable")
    args = parser.parse_args(argv)
    site: Path = args.site.resolve()
    if not (site / "index.html").exists():
        print(f"{site} holds no built site (no index.html)", file=sys.stderr)
        return 2
    browser = shutil.which(args.browser)
    if browser is None:
        print(f"no browser {args.browser!r}: apt-get install chromium", file=sys.stderr)
        return 2
    problems = check_links(site) + check_browser(site, browser) + check_layout(site, browser)
    for problem in problems:
        print(problem)
    pages = len(list(site.rglob("*.html")))
    print(
        f"site check: {pages} pages, links checked, {len(RENDER_CHECKS)} pages rendered in "
        f"Chromium, search for {SEARCH_WORD!r}, every page's layout at {WINDOW_WIDTH} px: "
        f"{len(problems)} problem(s)"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

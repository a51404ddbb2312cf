"""Load and fault benchmark of the CDS Hooks service, with a real HTTP client.

Starts ``lbp-spec serve`` as its own process on a free loopback port, measures it
with ``httpx`` and stops it with SIGTERM (its graceful shutdown). Prints figures;
asserts nothing about speed. Fails (status 1) only if a fault is handled wrongly:

    .venv/bin/python benchmarks/bench_service.py            # 2000 calls per level
    .venv/bin/python benchmarks/bench_service.py --quick    # 300 calls per level (CI)
    .venv/bin/python benchmarks/bench_service.py --output docs/explanation/service-figures.md

Load: throughput and p50/p99 latency of the ``patient-view`` call (a realistic
prefetch: an intake QuestionnaireResponse and coded Observations; eight distinct
patients in turn) at 1, 10 and 50 concurrent clients, with the time to answer the
same request in-process (no HTTP: read the prefetch, evaluate, build the cards)
measured in the same run as the baseline the HTTP latency is compared with.

Faults, each sent while 10 well-behaved clients keep calling (all of whose answers
must be 200 with exactly the expected cards): malformed JSON, a wrong FHIR
resource, an invalid FHIR value, a huge body, a slow client that trickles its body,
a client that disconnects mid-request, and SIGTERM with requests in flight. Each
must end in a 4xx with an OperationOutcome (or, for a disconnect, nothing), and the
server must keep serving.

With ``--output`` the figures are written as a markdown page (the docs include it).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from lbp_spec import Case, NeurologicalExam, Sbst
from lbp_spec.fhir import case_observations, case_to_response
from lbp_spec.service.hooks import call_service
from lbp_spec.vocabulary import EmergencySign, FactorLevel, PrognosticFactor, RedFlag

SCRIPT = Path(sys.executable).parent / "lbp-spec"
BODY_TIMEOUT = 2.0
MAX_BODY = 1_048_576
CASES = (
    Case(nprs=3),
    Case(lrs=True, nprs=8, neurological_exam=NeurologicalExam(mrc_lowest=4, lasegue=True)),
    Case(lrs=True, nprs=4, neurological_emergency_signs={EmergencySign.SADDLE_NUMBNESS}),
    Case(red_flags={RedFlag.FRACTURE}, nprs=6),
    Case(nprs=5, sbst=Sbst(total=6, psychosocial=4)),
    Case(nprs=2, prognostic_factors={PrognosticFactor.FEAR_OF_MOVEMENT: FactorLevel.DOMINANT}),
    Case(lrs=True, nprs=6, symptoms_below_knee=True),
    Case(nprs=7, mechanical_problem=True),
)


def searchset(*resources: dict[str, Any]) -> dict[str, Any]:
    """A searchset Bundle of ``resources``."""
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [{"resource": r} for r in resources],
    }


def request_for(case: Case) -> dict[str, Any]:
    """A patient-view call whose prefetch describes ``case``."""
    return {
        "hook": "patient-view",
        "hookInstance": str(uuid.uuid4()),
        "context": {"userId": "Practitioner/1", "patientId": "1"},
        "prefetch": {
            "intake": searchset(case_to_response(case, subject="Patient/1")),
            "observations": searchset(*case_observations(case, subject="Patient/1")),
        },
    }


REQUESTS = [json.dumps(request_for(c)).encode() for c in CASES]
EXPECTED = [
    sorted((c["uuid"], c["summary"]) for c in call_service("lbp-spec", json.loads(r))["cards"])
    for r in REQUESTS
]


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(port: int) -> subprocess.Popen[bytes]:
    """``lbp-spec serve`` on ``port``, waited for until it answers."""
    process = subprocess.Popen(
        [
            str(SCRIPT),
            "serve",
            "--port",
            str(port),
            "--body-timeout",
            str(BODY_TIMEOUT),
            "--max-body",
            str(MAX_BODY),
            "--grace",
            "10",
        ],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/cds-services", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("the server did not start")


def baseline_seconds(rounds: int) -> float:
    """In-process time per call: read the prefetch, evaluate, build the cards (no HTTP)."""
    bodies = [json.loads(r) for r in REQUESTS]
    start = time.perf_counter()
    for i in range(rounds):
        call_service("lbp-spec", bodies[i % len(bodies)])
    return (time.perf_counter() - start) / rounds


async def one_call(client: httpx.AsyncClient, url: str, i: int) -> tuple[float, bool]:
    """One timed call; whether it answered 200 with exactly the expected cards."""
    body = REQUESTS[i % len(REQUESTS)]
    start = time.perf_counter()
    reply = await client.post(url, content=body, headers={"Content-Type": "application/json"})
    elapsed = time.perf_counter() - start
    ok = reply.status_code == 200 and EXPECTED[i % len(REQUESTS)] == sorted(
        (c["uuid"], c["summary"]) for c in reply.json()["cards"]
    )
    return elapsed, ok


async def load(base: str, clients: int, total: int) -> dict[str, Any]:
    """``total`` calls by ``clients`` concurrent clients: throughput and latencies."""
    url = f"{base}/cds-services/lbp-spec"
    latencies: list[float] = []
    failed = 0
    counter = iter(range(total))
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:

        async def worker() -> None:
            nonlocal failed
            for i in counter:
                elapsed, ok = await one_call(client, url, i)
                latencies.append(elapsed)
                failed += not ok

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        wall = time.perf_counter() - start
    latencies.sort()
    return {
        "clients": clients,
        "calls": total,
        "failed": failed,
        "per_second": total / wall,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
    }


# -- faults ------------------------------------------------------------------------------------


def is_outcome(reply: httpx.Response) -> bool:
    """Whether ``reply`` is an OperationOutcome."""
    try:
        return bool(reply.json().get("resourceType") == "OperationOutcome")
    except ValueError:
        return False


async def raw(
    port: int, head: bytes, chunks: list[bytes], pause: float = 0.0, expect: bool = False
) -> tuple[bytes, int, bool]:
    """Send ``head`` then ``chunks`` (``pause`` seconds apart) over a raw connection.

    Reads the answer concurrently, piece by piece, so that a server answering (and
    closing) before the client has sent everything is still heard. With ``expect``
    the client waits for the server's first word before sending the body, as an
    HTTP client sending ``Expect: 100-continue`` does.

    Returns:
        The answer, the body bytes sent, and whether sending was cut off.

    """
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    answered = asyncio.Event()
    go_on = asyncio.Event()
    sent = 0
    cut = False

    async def send() -> None:
        nonlocal sent, cut
        try:
            writer.write(head)
            await writer.drain()
            if expect:
                await go_on.wait()
            for chunk in chunks:
                if pause:
                    await asyncio.sleep(pause)
                if answered.is_set():  # as an HTTP client does: stop sending once answered
                    return
                writer.write(chunk)
                await writer.drain()
                sent += len(chunk)
        except ConnectionError:
            cut = True

    sender = asyncio.create_task(send())
    answer = bytearray()
    deadline = time.monotonic() + 60
    with contextlib.suppress(ConnectionError, TimeoutError):
        while time.monotonic() < deadline:  # piece by piece: a reset must not lose the answer
            piece = await asyncio.wait_for(reader.read(65536), deadline - time.monotonic())
            if not piece:
                break
            answer += piece
            if answer.startswith(b"HTTP/1.1 100"):
                answer.clear()
                go_on.set()
                continue
            answered.set()
    if not sender.done():
        sender.cancel()
    with contextlib.suppress(BaseException):
        await sender
    writer.close()
    with contextlib.suppress(Exception):
        await writer.wait_closed()
    return bytes(answer), sent, cut


def head_of(length: int | None, expect: bool = False) -> bytes:
    """Request headers of a POST to the service (``None``: a chunked body)."""
    size = "Transfer-Encoding: chunked" if length is None else f"Content-Length: {length}"
    if expect:
        size += "\r\nExpect: 100-continue"
    return (
        b"POST /cds-services/lbp-spec HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nConnection: close\r\n" + size.encode() + b"\r\n\r\n"
    )


def chunked(data: bytes) -> bytes:
    """One chunk of a chunked body."""
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def in_pieces(data: bytes, n: int) -> list[bytes]:
    """``data`` cut into ``n`` pieces."""
    step = -(-len(data) // n)
    return [data[i : i + step] for i in range(0, len(data), step)]


def status_of(response: bytes) -> int | None:
    """The status code of a raw HTTP response."""
    try:
        return int(response.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return None


async def faults(base: str, port: int) -> list[dict[str, Any]]:
    """Each fault while 10 clients keep calling; what happened, and whether it is right."""
    url = f"{base}/cds-services/lbp-spec"
    results: list[dict[str, Any]] = []
    stop = asyncio.Event()
    background = {"calls": 0, "failed": 0}

    async def steady(client: httpx.AsyncClient, offset: int) -> None:
        i = offset
        while not stop.is_set():
            try:
                _, ok = await one_call(client, url, i)
            except httpx.HTTPError:
                ok = False
            background["calls"] += 1
            background["failed"] += not ok
            i += 1

    async def check(name: str, run: Callable[[], Awaitable[tuple[str, bool]]]) -> None:
        before = dict(background)
        outcome, right = await run()
        await asyncio.sleep(0.2)
        alive = httpx.get(f"{base}/cds-services", timeout=5).status_code == 200
        results.append(
            {
                "fault": name,
                "outcome": outcome,
                "right": right and alive,
                "serving": alive,
                "others_ok": background["calls"] - before["calls"],
                "others_failed": background["failed"] - before["failed"],
            }
        )

    async def http_fault(body: bytes, expected: int) -> tuple[str, bool]:
        async with httpx.AsyncClient(timeout=30) as client:
            reply = await client.post(
                url, content=body, headers={"Content-Type": "application/json"}
            )
        return f"{reply.status_code}, {_outcome_words(is_outcome(reply))}", (
            reply.status_code == expected and is_outcome(reply)
        )

    wrong_resource = request_for(CASES[0])
    wrong_resource["prefetch"]["intake"] = {"resourceType": "Patient", "id": "1"}
    bad_value = request_for(CASES[0])
    bad_value["prefetch"]["observations"] = searchset(
        {
            "resourceType": "Observation",
            "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "72514-3"}]},
            "valueQuantity": {"value": "high"},
        }
    )

    def answer(reply: bytes, expected: int) -> tuple[str, bool]:
        status = status_of(reply)
        outcome = b"OperationOutcome" in reply
        return f"{status}, {_outcome_words(outcome)}", status == expected and outcome

    huge = 8 * MAX_BODY

    async def huge_declared() -> tuple[str, bool]:
        reply, sent, _ = await raw(
            port, head_of(huge, expect=True), [b" " * 65536] * 128, expect=True
        )
        text, right = answer(reply, 413)
        return f"{text}; body bytes sent: {sent}", right and sent == 0

    async def huge_streamed() -> tuple[str, bool]:
        block = chunked(b" " * 65536)
        reply, sent, cut = await raw(port, head_of(None), [block] * 128 + [b"0\r\n\r\n"])
        text, right = answer(reply, 413)
        if right:
            return f"{text} after {sent / 1_048_576:.1f} MiB sent", True
        # The server stops reading at the limit and closes; a client still sending then
        # gets a reset (TCP discards the answer it had not read yet).
        stopped = cut and sent < huge
        return f"reset after {sent / 1_048_576:.1f} MiB of {huge / 1_048_576:.0f} sent", stopped

    async def slow() -> tuple[str, bool]:
        started = time.perf_counter()
        body = REQUESTS[0]
        reply, _, _ = await raw(port, head_of(len(body)), in_pieces(body, 200), 0.05)
        seconds = time.perf_counter() - started
        text, right = answer(reply, 408)
        return f"{text}, after {seconds:.1f} s (limit {BODY_TIMEOUT:g} s)", right

    async def disconnect() -> tuple[str, bool]:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(head_of(len(REQUESTS[0])) + REQUESTS[0][:200])
        await writer.drain()
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()
        return "closed by the client after 200 bytes; nothing to answer", True

    limits = httpx.Limits(max_connections=10)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        tasks = [asyncio.create_task(steady(client, k)) for k in range(10)]
        await asyncio.sleep(0.3)
        await check("malformed JSON", lambda: http_fault(b'{"hook": "patient-view",', 400))
        await check(
            "wrong FHIR resource (a Patient as the intake)",
            lambda: http_fault(json.dumps(wrong_resource).encode(), 422),
        )
        await check(
            "invalid FHIR value (valueQuantity.value 'high')",
            lambda: http_fault(json.dumps(bad_value).encode(), 422),
        )
        await check("huge body, declared (8 MiB, Expect: 100-continue)", huge_declared)
        await check("huge body, streamed without a length (8 MiB)", huge_streamed)
        await check("slow client (its body in 200 pieces, 50 ms apart)", slow)
        await check("client disconnects mid-body", disconnect)
        stop.set()
        await asyncio.gather(*tasks)
    return results


async def shutdown_in_flight(port: int, process: subprocess.Popen[bytes]) -> dict[str, Any]:
    """SIGTERM while 10 calls are in flight (their bodies still arriving): do they finish?"""
    body = REQUESTS[1]
    calls = [
        asyncio.create_task(raw(port, head_of(len(body)), in_pieces(body, 10), 0.1))
        for _ in range(10)
    ]
    await asyncio.sleep(0.4)
    process.send_signal(signal.SIGTERM)
    answers = [a for a, _, _ in await asyncio.gather(*calls)]
    completed = sum(
        1
        for a in answers
        if status_of(a) == 200
        and EXPECTED[1]
        == sorted(
            (c["uuid"], c["summary"]) for c in json.loads(a.partition(b"\r\n\r\n")[2])["cards"]
        )
    )
    code = process.wait(timeout=30)
    return {"completed": completed, "cut": len(answers) - completed, "exit": code}


def _exit_words(code: int) -> str:
    if code == -signal.SIGTERM:
        return "by SIGTERM, which uvicorn re-raises after its graceful shutdown"
    return f"status {code}"


def markdown(figures: dict[str, Any]) -> str:
    """The figures as a markdown page for the docs."""
    lines = [
        "% Generated by benchmarks/bench_service.py; do not edit.",
        "",
        f"Measured on {figures['machine']} ({figures['date']}); client and server on the "
        "same machine, over loopback. The baseline is the same call in-process (read the "
        f"prefetch, evaluate, build the cards): **{figures['baseline_ms']:.2f} ms** per call.",
        "",
        "| clients | calls | per second | p50 | p99 | p50 / baseline | failed |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in figures["load"]:
        lines.append(
            f"| {row['clients']} | {row['calls']} | {row['per_second']:.0f} | "
            f"{row['p50_ms']:.1f} ms | {row['p99_ms']:.1f} ms | "
            f"{row['p50_ms'] / figures['baseline_ms']:.1f}x | {row['failed']} |"
        )
    lines += [
        "",
        "Faults, each while 10 other clients kept calling:",
        "",
        "| fault | answer | right | still serving | other calls during it (failed) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in figures["faults"]:
        lines.append(
            f"| {row['fault']} | {row['outcome']} | {'yes' if row['right'] else 'NO'} | "
            f"{'yes' if row['serving'] else 'NO'} | {row['others_ok']} ({row['others_failed']}) |"
        )
    s = figures["shutdown"]
    lines += [
        "",
        f"SIGTERM with 10 calls in flight (bodies still arriving): {s['completed']} completed "
        f"with their cards, {s['cut']} cut off; then the server exited "
        f"({_exit_words(s['exit'])}).",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; status 1 if a fault was handled wrongly."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="300 calls per level (CI)")
    parser.add_argument("--output", type=Path, help="write the figures as markdown here")
    args = parser.parse_args(argv)
    total = 300 if args.quick else 2000
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    figures: dict[str, Any] = {
        "machine": (
            f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
        ),
        "date": time.strftime("%Y-%m-%d"),
        "baseline_ms": 1000 * baseline_seconds(200 if args.quick else 1000),
    }
    process = start_server(port)
    try:
        figures["load"] = [asyncio.run(load(base, c, total)) for c in (1, 10, 50)]
        figures["faults"] = asyncio.run(faults(base, port))
        figures["shutdown"] = asyncio.run(shutdown_in_flight(port, process))
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    page = markdown(figures)
    print(page)
    if args.output:
        args.output.write_text(page, encoding="utf-8")
    wrong = [f["fault"] for f in figures["faults"] if not f["right"] or f["others_failed"]]
    failed = sum(row["failed"] for row in figures["load"])
    if figures["shutdown"]["cut"] or figures["shutdown"]["exit"] not in (0, -signal.SIGTERM):
        wrong.append("graceful shutdown")
    if wrong or failed:
        print(f"wrong: {wrong}; failed calls under load: {failed}", file=sys.stderr)
        return 1
    return 0


def _outcome_words(present: bool) -> str:
    """Whether the answer was an OperationOutcome, in words (the docs show it)."""
    return "with an OperationOutcome" if present else "without an OperationOutcome"


if __name__ == "__main__":
    sys.exit(main())

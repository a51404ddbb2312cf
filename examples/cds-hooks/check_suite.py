"""Check a CDS service against the CDS Hooks form of the conformance suite.

    lbp-spec conformance generate --output suite --format cds-hooks
    python examples/cds-hooks/check_suite.py suite                      # this reference
    python examples/cds-hooks/check_suite.py suite --url https://your-service.example

Without ``--url`` it starts this reference service on a free loopback port and
stops it after. Prints each disagreeing vector, then "N passed, M failed";
status 1 if any failed.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import nullcontext
from pathlib import Path

from lbp_spec.service.server import running
from lbp_spec.service.suite import CDS_HOOKS_FILE, check_service


def main(argv: list[str] | None = None) -> int:
    """Run the check; status 1 if a vector's cards differ."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("suite", type=Path, help="the suite directory (with cds-hooks.jsonl)")
    parser.add_argument("--url", help="the service's base URL (default: run this reference)")
    args = parser.parse_args(argv)
    total = sum(1 for _ in (args.suite / CDS_HOOKS_FILE).open(encoding="utf-8"))
    with nullcontext(args.url) if args.url else running() as url:
        failures = check_service(url, args.suite)
    for failure in failures:
        print(failure)
    print(f"{total - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

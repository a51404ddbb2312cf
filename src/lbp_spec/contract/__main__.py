"""Regenerate the committed JSON Schemas: ``python -m lbp_spec.contract [DIRECTORY]``."""

from __future__ import annotations

import sys
from pathlib import Path

from lbp_spec.contract.schema import write_schemas


def main(argv: list[str]) -> int:
    """Write the schemas into ``argv[0]`` (default: the package's ``schemas/``)."""
    directory = Path(argv[0]) if argv else None
    for path in write_schemas(directory):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

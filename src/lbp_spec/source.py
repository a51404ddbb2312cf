"""The guideline text that the rules quote, shipped with the package byte for byte.

Quotes are compared after :func:`normalise`: HTML tags stripped and runs of
whitespace collapsed to one space, as ``shared/guideline/README.md`` prescribes.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Final

__all__ = ["SOURCE_NAME", "guideline_text", "normalise", "normalised_text", "quote_occurs"]

SOURCE_NAME: Final = "kngf-2021-low-back-pain-summary.txt"
"""File name of the English summary of the KNGF 2021 guideline."""

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Strip HTML tags and collapse whitespace, the way quotes are compared."""
    return _SPACE.sub(" ", _TAG.sub(" ", text)).strip()


@cache
def guideline_text() -> str:
    """The guideline summary exactly as shipped."""
    return resources.files("lbp_spec").joinpath("data", SOURCE_NAME).read_text(encoding="utf-8")


@cache
def normalised_text() -> str:
    """The guideline summary, normalised."""
    return normalise(guideline_text())


def quote_occurs(quote: str) -> bool:
    """Whether ``quote`` (normalised) occurs in the normalised guideline text."""
    return normalise(quote) in normalised_text()

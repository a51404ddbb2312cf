r"""Untrusted text made safe to print: no terminal control sequences, no line breaks.

Text that comes from input (a case's keys, a vendor program's standard error, a
vector id in a suite) may hold escape sequences that a terminal would obey
(moving the cursor, rewriting earlier lines, setting the window title). Every
human-readable output of ``lbp-spec`` passes such text through
:func:`safe_text`, which writes each control character as a visible escape
(``\x1b``, ``\u202e``); JSON output needs nothing, since JSON escapes control
characters itself.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["safe_text"]

_UNSAFE: Final = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def safe_text(text: str) -> str:
    r"""``text`` with every control and bidirectional-override character escaped.

    Example:
        >>> safe_text("red\x1b[2Jflag")
        'red\\x1b[2Jflag'

    """
    return _UNSAFE.sub(_escape, text)

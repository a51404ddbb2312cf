"""The skip list: vectors a vendor declines, each with a reason.

A skip list is a text file, one entry per line: a vector id or a pattern
(``fnmatch``: ``*`` matches anything, including ``/``), whitespace, and the
reason, which is required. Blank lines and lines starting with ``#`` are
ignored::

    # our system has no SBST field yet (ticket PT-123)
    values/warnings/sbst_disagrees_with_profile   SBST not recorded before release 5
    thresholds/SBST.SUPPORT_ONLY/*                SBST not recorded before release 5

A JSON object ``{"pattern": "reason", ...}`` is read too. An entry without a
reason, or one that matches no vector of the suite, is an error: a skip must
say why, and a stale one must not hide silently.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterable
from pathlib import Path

import attrs

__all__ = ["Skip", "SkipList", "SkipListError", "load_skips", "parse_skips"]


class SkipListError(ValueError):
    """A skip list is malformed: an entry without a reason, or one matching nothing."""


@attrs.frozen
class Skip:
    """One entry of a skip list.

    Attributes:
        pattern: A vector id, or an ``fnmatch`` pattern of ids.
        reason: Why the vendor skips it.
        line: Where it is written (line number; 0 in a JSON file).

    """

    pattern: str
    reason: str
    line: int = 0

    def matches(self, vector_id: str) -> bool:
        """Whether this entry skips ``vector_id``."""
        return fnmatch.fnmatchcase(vector_id, self.pattern)


@attrs.frozen
class SkipList:
    """The entries of a skip list.

    Attributes:
        entries: The entries, in file order.
        source: Where they were read from, for messages.

    """

    entries: tuple[Skip, ...] = ()
    source: str = "<skip list>"

    def reason(self, vector_id: str) -> str | None:
        """The reason ``vector_id`` is skipped (the first entry that matches), or ``None``."""
        for entry in self.entries:
            if entry.matches(vector_id):
                return entry.reason
        return None

    def check_against(self, vector_ids: Iterable[str]) -> None:
        """Raise unless every entry matches at least one of ``vector_ids``.

        Raises:
            SkipListError: Naming each entry that matches no vector.

        """
        ids = list(vector_ids)
        stale = [e for e in self.entries if not any(e.matches(i) for i in ids)]
        if stale:
            listed = "; ".join(f"line {e.line}: {e.pattern}" for e in stale)
            raise SkipListError(
                f"{self.source}: entries that match no vector of the suite: {listed}"
            )


def parse_skips(text: str, source: str = "<skip list>") -> SkipList:
    """Read a skip list (text lines, or a JSON object of pattern to reason).

    Raises:
        SkipListError: An entry has no reason, or the JSON is malformed.

    Example:
        >>> skips = parse_skips("values/profile/*  no profiles before release 5")
        >>> skips.reason("values/profile/2")
        'no profiles before release 5'
        >>> parse_skips("values/profile/*")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        lbp_spec.conformance.skips.SkipListError: <skip list> line 1: ... has no reason; ...

    """
    if text.lstrip().startswith("{"):
        return _parse_json(text, source)
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        parts = stripped.split(maxsplit=1)
        pattern = parts[0]
        reason = parts[1].strip() if len(parts) > 1 else ""
        if not reason:
            raise SkipListError(
                f"{source} line {number}: {pattern!r} has no reason; write the reason after the id"
            )
        entries.append(Skip(pattern, reason, number))
    return SkipList(tuple(entries), source)


def _parse_json(text: str, source: str) -> SkipList:
    try:
        obj = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise SkipListError(f"{source}: not valid JSON: {error}") from None
    if not isinstance(obj, dict):
        raise SkipListError(f"{source}: must be a JSON object of vector id to reason")
    entries = []
    for pattern, reason in obj.items():
        if not isinstance(reason, str) or not reason.strip():
            raise SkipListError(f"{source}: {pattern!r} has no reason")
        entries.append(Skip(pattern, reason.strip()))
    return SkipList(tuple(entries), source)


def load_skips(path: Path | str) -> SkipList:
    """Read the skip list in file ``path``.

    Raises:
        SkipListError: The file is malformed.
        OSError: The file cannot be read.

    """
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SkipListError(f"{path}: not UTF-8 text (byte {error.start + 1})") from None
    return parse_skips(text, str(path))

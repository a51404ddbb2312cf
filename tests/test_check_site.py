"""The docs site checker finds broken internal links (the browser part runs in CI)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).parents[1] / "docs" / "check_site.py"


def _checker():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("check_site", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_broken_file_and_fragment_links_are_reported(tmp_path: Path) -> None:
    """A link to a missing page and one to a missing id are both problems; good ones are not."""
    (tmp_path / "index.html").write_text(
        '<a href="a.html#here">ok</a> <a href="a.html#gone">bad id</a> '
        '<a href="missing.html">bad file</a> <a href="https://example.org">external</a>',
        encoding="utf-8",
    )
    (tmp_path / "a.html").write_text('<h1 id="here">A</h1>', encoding="utf-8")
    problems = _checker().check_links(tmp_path)
    assert [
        "index.html: no #gone in a.html#gone",
        "index.html: broken link missing.html",
    ] == sorted(problems, reverse=True)

"""The docs site checker finds broken links and, in Chromium, pages that do not fit."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

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
        '<a href="missing.html">bad file</a> <a href="https://example.org">external</a>'
        '<svg><a xlink:href="a.html#nowhere"><text>in a diagram</text></a></svg>',
        encoding="utf-8",
    )
    (tmp_path / "a.html").write_text('<h1 id="here">A</h1>', encoding="utf-8")
    problems = _checker().check_links(tmp_path)
    assert [
        "index.html: no #nowhere in a.html#nowhere",
        "index.html: no #gone in a.html#gone",
        "index.html: broken link missing.html",
    ] == sorted(problems, reverse=True)


_BAD_PAGE = """<!doctype html><html><body><article>
<p>The referral is None and the flag is True.</p>
<p>None of this is code.</p>
<div style="width: 300px"><svg width="600" height="100" viewBox="0 0 600 100"
 style="width: 300px" aria-label="small"><text x="10" y="50" font-size="14">tiny</text>
<text x="580" y="50" font-size="14">cut off at the edge</text></svg></div>
<div style="width: 300px"><table><tr><td style="white-space: nowrap">a very long cell
that does not wrap at all and is wider than its column</td></tr></table></div>
<div style="width: 300px"><pre style="overflow-x: hidden">a code line that is much longer
than the column it sits in and is cut off</pre></div>
</article></body></html>"""


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium")
def test_layout_check_finds_small_text_clipping_wide_tables_and_literals(tmp_path: Path) -> None:
    """Each layout problem is reported: it is measured in the browser, so it can fail."""
    (tmp_path / "page.html").write_text(_BAD_PAGE, encoding="utf-8")
    problems = _checker()._layout_problems(
        shutil.which("chromium"), tmp_path / "page.html", tmp_path
    )
    text = "\n".join(problems)
    assert 'text at 7.0 px (< 12): "tiny"' in text
    assert 'text clipped by the diagram\'s edge: "cut off at the edge"' in text
    assert "table 1" in text
    assert "code block 1: wider than its column and cut off" in text
    assert 'Python literal in prose: "The referral is None and the flag is True."' in text
    assert "None of this" not in text
    assert [] == list(tmp_path.glob(".lbp-layout-*"))

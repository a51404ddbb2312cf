"""The advice explorer page in a real headless Chromium (tests/check_page.py)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

pytest.importorskip("starlette")

sys.path.insert(0, str(Path(__file__).resolve().parent))

import check_page


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium")
def test_page_builds_the_form_shows_the_referral_and_names_a_bad_field() -> None:
    """LRS with NPRS 8 shows the referral card with its quote; NPRS 11 is named at its field."""
    from lbp_spec.service.server import running

    with running() as url:
        assert [] == check_page.check(url, str(shutil.which("chromium")))

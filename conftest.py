"""Shared test set-up: Hypothesis profiles chosen with HYPOTHESIS_PROFILE, shared reports.

``dev`` (the default) is quick for local runs; ``ci`` is thorough and is what
``.ci/run`` selects; ``mutation`` is quick and derandomized, for the code-level
mutation run (one pytest per mutant). Under pytest-xdist each worker loads the same
profile.

Expensive results that several test modules read (the episode proofs of the
built-in guideline) are session fixtures here, made once per test process.

The tests run as from a terminal: a SIGINT that the runner was started ignoring is
restored, so that the tests of Ctrl-C see it.
"""

from __future__ import annotations

import os
import signal
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, settings

if TYPE_CHECKING:
    from lbp_spec.episodes.verify import EpisodeReport

# Ctrl-C reaches a command started from a terminal. A runner that starts the tests
# in the background of a shell without job control has SIGINT ignored, and every
# process it starts inherits that: the tests of what Ctrl-C does (and their child
# processes) then see none. They run as from a terminal instead.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile(
    "ci",
    max_examples=1000,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(  # benchmarks/code_mutation.py: quick and the same every run
    "mutation",
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(scope="session")
def episode_report() -> EpisodeReport:
    """Every episode property of the built-in guideline, bound 16 weeks (made once)."""
    from lbp_spec.episodes.verify import verify_episodes

    return verify_episodes()

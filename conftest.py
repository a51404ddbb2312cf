"""Shared test set-up: Hypothesis profiles chosen with HYPOTHESIS_PROFILE.

``dev`` (the default) is quick for local runs; ``ci`` is thorough and is what
``.ci/run`` selects; ``mutation`` is quick and derandomized, for the code-level
mutation run (one pytest per mutant).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

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

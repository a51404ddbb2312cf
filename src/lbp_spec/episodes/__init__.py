"""Episodes: the care pathway over time, simulated and verified on the same rules.

An episode is a sequence of consultations of one patient; each is a
:class:`~lbp_spec.case.Case` evaluated by the rules, and the *pathway*
(:mod:`lbp_spec.episodes.pathway`) links one consultation to the next: when the
next one happens, whether it must, what may change. The concrete side lives
here and never imports Z3:

* :func:`~lbp_spec.episodes.simulate.simulate` plays an episode from a start
  case and a list of :class:`~lbp_spec.episodes.simulate.Change` values;
* :func:`~lbp_spec.episodes.pathway.problems` says whether an episode follows
  the pathway.

Its names are re-exported here from :mod:`lbp_spec.episodes.pathway` and
:mod:`lbp_spec.episodes.simulate`, where they are documented.

The bounded verification (Z3) lives in :mod:`lbp_spec.episodes.verify`
(:func:`~lbp_spec.episodes.verify.verify_episodes`), with the property catalogue
in :mod:`lbp_spec.episodes.properties`, the model in
:mod:`lbp_spec.episodes.model` and the reports in :mod:`lbp_spec.episodes.report`;
the timing findings of the literal text are in :mod:`lbp_spec.episodes.timing`.
"""

from __future__ import annotations

from lbp_spec.episodes.pathway import (
    PATHWAY,
    Episode,
    EpisodeEnd,
    NextStep,
    Pathway,
    Schedule,
    Visit,
    next_step,
    problems,
    schedule,
)
from lbp_spec.episodes.simulate import Change, EpisodeError, simulate

__all__ = [
    "PATHWAY",
    "Change",
    "Episode",
    "EpisodeEnd",
    "EpisodeError",
    "NextStep",
    "Pathway",
    "Schedule",
    "Visit",
    "next_step",
    "problems",
    "schedule",
    "simulate",
]

"""Standard codes: the only hand-written part of the FHIR mapping.

Where a case field has a code in a standard terminology, the intake
``Questionnaire`` item carries it, and a standalone ``Observation`` with that
code is read into (and written from) the field. Every code was checked against
its publisher before it was used here; the source is given with each.

==================================  ===========  ============  ==========================
Case field                          System       Code          Meaning (publisher's name)
==================================  ===========  ============  ==========================
``nprs``                            LOINC        72514-3       Pain severity - 0-10 verbal
                                                               numeric rating [Score] -
                                                               Reported
``nprs`` (Dutch national pain       SNOMED CT    225908003     Pain score (observable
score, method NRS)                                             entity), with method ``NRS``
``sbst.total``                      LOINC        91351-7       Total score [STarT Back]
``sbst.psychosocial``               LOINC        91350-9       Distress subscore [STarT
                                                               Back] (items 5-9, the
                                                               "psych score")
==================================  ===========  ============  ==========================

Sources: loinc.org/72514-3, loinc.org/91351-7, loinc.org/91350-9 and the panel
loinc.org/91349-1 (STarT Back Screening Tool panel, which lists both scores);
the Dutch zib PainScore 2020 profile (Nictiz, ``nl-core-PainScore``), which fixes
``Observation.code`` to SNOMED CT 225908003 and takes the measuring method from
the PijnMeetmethode code list, in which ``NRS`` is the numeric rating scale (0-10).
The method code system of that list is a Nictiz code system; this package matches
the method by its code ``NRS`` and requires it, so that a VAS score (also coded
225908003) is never read as an NPRS.
"""

from __future__ import annotations

from typing import Final

import attrs

__all__ = [
    "LOINC",
    "OBSERVATION_CODES",
    "SNOMED",
    "UCUM",
    "ZIB_NRS_METHOD",
    "ObservationCode",
    "codes_for",
]

LOINC: Final = "http://loinc.org"
SNOMED: Final = "http://snomed.info/sct"
UCUM: Final = "http://unitsofmeasure.org"

ZIB_NRS_METHOD: Final = "NRS"
"""The code of the numeric rating scale in the zib PainScore's measuring-method list."""


@attrs.frozen
class ObservationCode:
    """A standard code for one case field.

    Attributes:
        path: The case field (dotted path).
        system: The code system URI.
        code: The code.
        display: The publisher's name for the code.
        method: A method code the Observation must carry to mean this field
            (``None``: the code alone means it).
        written: Whether Observations are written with this code (the reader
            accepts every code of the table).
        source: Where the code and its meaning were checked.

    """

    path: str
    system: str
    code: str
    display: str
    method: str | None = None
    written: bool = True
    source: str = ""


OBSERVATION_CODES: Final = (
    ObservationCode(
        "nprs",
        LOINC,
        "72514-3",
        "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
        source="LOINC, loinc.org/72514-3 (0 is no pain, 10 the worst pain imaginable)",
    ),
    ObservationCode(
        "nprs",
        SNOMED,
        "225908003",
        "Pain score",
        method=ZIB_NRS_METHOD,
        written=False,
        source=(
            "Nictiz zib PainScore 2020 (nl-core-PainScore): code fixed to SNOMED CT "
            "225908003, method NRS from the PijnMeetmethode code list"
        ),
    ),
    ObservationCode(
        "sbst.total",
        LOINC,
        "91351-7",
        "Total score [STarT Back]",
        source="LOINC, loinc.org/91351-7 (member of the panel 91349-1)",
    ),
    ObservationCode(
        "sbst.psychosocial",
        LOINC,
        "91350-9",
        "Distress subscore [STarT Back]",
        source=(
            "LOINC, loinc.org/91350-9: the sum of items 5-9, the 'psych score' of the Keele "
            "documentation (member of the panel 91349-1)"
        ),
    ),
)
"""Every standard code this package reads, with the case field it means."""


def codes_for(path: str) -> tuple[ObservationCode, ...]:
    """The standard codes of the case field ``path`` (empty when it has none)."""
    return tuple(c for c in OBSERVATION_CODES if c.path == path)

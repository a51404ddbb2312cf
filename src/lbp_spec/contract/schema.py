"""JSON Schemas (draft 2020-12) of the contract's documents, generated from their shapes.

``case`` and ``advice`` are the documents; ``batch`` is one line of the output of
``lbp-spec evaluate`` on JSON Lines (the answer to one input line, in place).

The schemas are derived from :mod:`lbp_spec.contract.documents`, the same shapes
the codec reads with: enums from the vocabulary, ranges from
:data:`lbp_spec.logic.VARIABLES`, descriptions from the docstrings of the types.
The generated files are committed under ``contract/schemas/`` and shipped as
package data, so that a change of the contract shows in review; a test checks
that they equal what this module generates. Regenerate them with::

    python -m lbp_spec.contract

The ``$id`` is a URN (``urn:lbp-spec:contract:<version>:<document>``): the
project has no web address to publish the schemas under yet.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Final

from lbp_spec.contract.codec import MAX_ID_LENGTH, MAX_PROBLEMS
from lbp_spec.contract.documents import ADVICE, CASE, CONTRACT_VERSION, PARTIAL_CASE
from lbp_spec.contract.shape import JsonSchema, Obj

__all__ = [
    "SCHEMA_NAMES",
    "advice_schema",
    "batch_schema",
    "case_schema",
    "render",
    "schema_for",
    "schema_text",
    "write_schemas",
]

SCHEMA_NAMES: Final = ("case", "advice", "partial_case", "batch")
"""The documents that have a JSON Schema."""
"""The documents of the contract that have a schema."""

_DRAFT: Final = "https://json-schema.org/draft/2020-12/schema"

_TITLES: Final = {
    "case": "lbp_spec case (KNGF 2021 low back pain guideline)",
    "advice": "lbp_spec advice (KNGF 2021 low back pain guideline)",
    "partial_case": "lbp_spec partial case (KNGF 2021 low back pain guideline)",
    "batch": "lbp_spec batch answer line (KNGF 2021 low back pain guideline)",
}

_SHAPES: Final = {"case": CASE, "advice": ADVICE, "partial_case": PARTIAL_CASE, "batch": ADVICE}

_ID: Final[JsonSchema] = {
    "title": "Id",
    "description": (
        "The sender's own name for this case (informative: it never changes the advice); "
        "a batch echoes it with the answer."
    ),
    "type": "string",
    "minLength": 1,
    "maxLength": MAX_ID_LENGTH,
}


def _described(title: str, description: str, schema: JsonSchema) -> JsonSchema:
    return {"title": title, "description": description, **schema}


def _batch_body(defs: dict[str, JsonSchema]) -> JsonSchema:
    defs["advice"] = {}  # reserve the name: the advice's own parts go beside it
    defs["advice"] = ADVICE.object_schema(defs)
    defs["problem"] = {
        "type": "object",
        "title": "Problem",
        "description": "One thing wrong with the input record, at one field path.",
        "properties": {
            "path": _described(
                "Path",
                'Dotted field path from the case root (e.g. "nprs", "red_flags[1]"); '
                '"" for the record itself.',
                {"type": "string"},
            ),
            "message": _described(
                "Message", "What is wrong, in words.", {"type": "string", "minLength": 1}
            ),
        },
        "required": ["path", "message"],
        "additionalProperties": False,
    }
    defs["error"] = {
        "type": "object",
        "title": "Error",
        "description": "Why the record got no advice.",
        "properties": {
            "problems": _described(
                "Problems",
                f"Every problem found (at most {MAX_PROBLEMS}, then one saying how many more).",
                {"type": "array", "items": {"$ref": "#/$defs/problem"}, "minItems": 1},
            )
        },
        "required": ["problems"],
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "description": (
            "One line of the output of 'lbp-spec evaluate' on JSON Lines: the answer to one "
            "non-blank input line, in input order, so that N records in give N lines out. "
            "Exactly one of advice and error is present."
        ),
        "properties": {
            "line": _described(
                "Line",
                "The number of the input line answered (from 1, blank lines counted).",
                {"type": "integer", "minimum": 1},
            ),
            "id": _described(
                "Id",
                "The record's own id, when it has a valid one; null otherwise.",
                {"type": ["string", "null"], "minLength": 1, "maxLength": MAX_ID_LENGTH},
            ),
            "advice": _described(
                "Advice", "The advice for a valid record.", {"$ref": "#/$defs/advice"}
            ),
            "error": _described(
                "Error", "The problems of an invalid record.", {"$ref": "#/$defs/error"}
            ),
        },
        "required": ["line", "id"],
        "oneOf": [{"required": ["advice"]}, {"required": ["error"]}],
        "additionalProperties": False,
    }


def _generate(name: str, shape: Obj) -> JsonSchema:
    defs: dict[str, JsonSchema] = {}
    body = _batch_body(defs) if name == "batch" else shape.object_schema(defs)
    if name in ("case", "partial_case"):
        body["properties"] = {"id": _ID, **body["properties"]}
    out: JsonSchema = {
        "$schema": _DRAFT,
        "$id": f"urn:lbp-spec:contract:{CONTRACT_VERSION}:{name}",
        "title": _TITLES[name],
        **body,
    }
    if defs:
        out["$defs"] = dict(sorted(defs.items()))
    return out


@cache
def _generated(name: str) -> JsonSchema:
    return _generate(name, _SHAPES[name])


def schema_for(name: str) -> JsonSchema:
    """The generated schema of document ``name`` (``case``, ``advice``, ``partial_case``); a copy.

    Raises:
        KeyError: ``name`` is not one of :data:`~lbp_spec.contract.SCHEMA_NAMES`.

    """
    if name not in _SHAPES:
        raise KeyError(f"no schema {name!r}; known: {', '.join(SCHEMA_NAMES)}")
    return copy.deepcopy(_generated(name))


def case_schema() -> JsonSchema:
    """The JSON Schema of a case document."""
    return schema_for("case")


def advice_schema() -> JsonSchema:
    """The JSON Schema of an advice document."""
    return schema_for("advice")


def batch_schema() -> JsonSchema:
    """The JSON Schema of one line of batch output (``lbp-spec evaluate`` on JSON Lines)."""
    return schema_for("batch")


def render(schema: JsonSchema) -> str:
    """The text of a schema as committed: two-space indent, UTF-8, final newline."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def _file_name(name: str) -> str:
    return f"{name}.schema.json"


def schema_text(name: str) -> str:
    """The committed schema file of document ``name``, as shipped with the package.

    Raises:
        KeyError: ``name`` is not one of :data:`~lbp_spec.contract.SCHEMA_NAMES`.

    """
    if name not in _SHAPES:
        raise KeyError(f"no schema {name!r}; known: {', '.join(SCHEMA_NAMES)}")
    files = resources.files("lbp_spec").joinpath("contract", "schemas", _file_name(name))
    return files.read_text(encoding="utf-8")


def write_schemas(directory: Path | None = None) -> list[Path]:
    """Write every generated schema into ``directory`` (default: the package's ``schemas/``).

    Returns:
        The files written.

    """
    target = directory or Path(__file__).parent / "schemas"
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name in SCHEMA_NAMES:
        path = target / _file_name(name)
        path.write_text(render(schema_for(name)), encoding="utf-8")
        written.append(path)
    return written

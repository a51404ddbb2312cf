"""Sphinx configuration for lbp_spec.

Build (CI runs both, offline):

    .venv/bin/sphinx-build -n -W --keep-going -b html docs docs/_build/html
    .venv/bin/sphinx-build -b doctest docs docs/_build/doctest

The rule catalogue, the resolutions and the traceability table are generated from
the rules at build time by the local extension ``_ext/lbp_docs.py``; measured
figures are read from ``benchmarks/results.json`` by ``_ext/lbp_figures.py``.
"""

from __future__ import annotations

import sys
from importlib.metadata import version as _version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "lbp_spec"
author = "lbp_spec developers"
copyright = "2024, lbp_spec developers"
release = _version("lbp-spec")
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.doctest",
    "sphinx.ext.intersphinx",
    "myst_parser",
    "lbp_docs",
    "lbp_rule_change",
    "lbp_figures",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
# cli-help.md is a fragment, included by reference/cli.md, not a page of its own.
exclude_patterns = [
    "_build",
    "_generated/cli-help.md",
    "_generated/rule-change-results.md",
    "Thumbs.db",
    ".DS_Store",
]

# -- MyST ------------------------------------------------------------------------------------

myst_enable_extensions = ["deflist", "colon_fence"]
myst_heading_anchors = 3

# -- autodoc and napoleon ------------------------------------------------------------------

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_preserve_defaults = True
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False

# -- doctest -----------------------------------------------------------------------------------

doctest_global_setup = """
from lbp_spec import *
from lbp_spec.conformance import *
"""

# -- intersphinx -----------------------------------------------------------------------------

# Builds run offline, so no inventory is fetched. The extension stays loaded so that
# a local inventory can be added here as (url, path-to-objects.inv) when one exists.
intersphinx_mapping: dict[str, tuple[str, str | None]] = {}

# -- nitpicky ----------------------------------------------------------------------------------

nitpicky = True
nitpick_ignore_regex = [
    # Standard-library types in signatures. Builds run offline, so there is no Python
    # inventory to resolve them against (builtins such as str and int resolve on
    # their own). No project name is ignored: every lbp_spec reference must resolve.
    (r"py:class", r"collections\.abc\.(Callable|Generator|Iterable|Iterator|Mapping|Sequence)"),
    (r"py:class", r"enum\.Enum"),
    (r"py:class", r"pathlib\.Path"),
    # Third-party types in signatures (no network, so no inventories): Z3 terms and
    # models, Hypothesis strategies.
    (r"py:class", r"z3\..*"),
    (r"py:class", r"hypothesis\..*"),
    # A type alias of lbp_spec.conformance.fuzz (a vendor's advise function), shown by
    # name in signatures; its meaning is in find_disagreement's docstring.
    (r"py:class", r"Advise"),
]

# -- attribute docstrings -----------------------------------------------------------------


def _plain_attribute_docstring(app, what, name, obj, options, lines):  # type: ignore[no-untyped-def]
    """Keep napoleon from reading a plain sentence as ``type: description``.

    Napoleon reads the first line of an attribute, data or property docstring as
    ``type: description`` when it holds a colon. In this package the types come from
    the annotations, and such a line is a sentence ("Position on the scale: 5 for
    DO ..."). An empty rST comment (``..``) is put in front of it, which napoleon
    takes as the first line and which renders as nothing. Runs before napoleon
    (priority 400 < 500).
    """
    first = next((line for line in lines if line.strip()), "")
    before, colon, _ = first.partition(":")
    sentence = colon and " " in before.strip() and "[" not in before
    if what in {"attribute", "data", "property"} and sentence:
        lines[:0] = ["..", ""]


def setup(app):  # type: ignore[no-untyped-def]
    """Local configuration hooks."""
    app.connect("autodoc-process-docstring", _plain_attribute_docstring, priority=400)


# -- HTML --------------------------------------------------------------------------------------

html_theme = "furo"
html_title = f"lbp_spec {release}"
# Diagrams, wrapping tables, visible scrollbars and the print stylesheet.
html_static_path = ["_static"]
html_css_files = ["lbp.css"]

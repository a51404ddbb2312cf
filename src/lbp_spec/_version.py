"""The version of the package, as a plain string (no metadata lookup at import time).

``pyproject.toml`` holds the same number; a test keeps the two equal.
"""

from __future__ import annotations

__version__ = "0.1.0"

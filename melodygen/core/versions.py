"""The versions of Python and of the libraries a result was made with, for the files that keep it
(summary.json, saved models)."""

from __future__ import annotations

import platform
from importlib import metadata

VERSION = "0.1.0"  # melodygen's own (pyproject.toml says the same; a test checks it)
LIBRARIES = ("melodygen", "tensorflow", "keras", "numpy", "mido", "music21", "verovio")


def versions() -> dict[str, str]:
    """{"python": "3.11.7", "melodygen": "0.1.0", ..., a library not installed: "not installed"}."""
    found = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found

"""How melodygen's objects show themselves in a notebook: ``html(value)`` and ``text(value)``.

The objects a notebook user holds live in the lower layers (a ``Melody`` in core, a song's run
and a trained model in learning, an evaluation in evaluation), but drawing them (an engraved
score, an audio player, tables and plots) is the presentation layer's work, above them all.
Each class's ``_repr_html_`` and ``__repr__`` is one line that calls this module, and this
module finds ``melodygen.presentation.display`` by name when a notebook asks: the one
deliberate edge from the bottom of the package to its top, taken at run time and for display
only (docs/developers.md, "The layers"; tests/test_layers.py checks it is the only one).
Importing melodygen loads none of the presentation layer.
"""

from __future__ import annotations

from importlib import import_module

PRESENTATION = "melodygen.presentation.display"


def html(value) -> str:
    """``value`` as a self-contained piece of HTML (scores as inline SVG, audio as data URIs, no
    script), as Jupyter's ``_repr_html_`` wants it."""
    return import_module(PRESENTATION).html(value)


def text(value) -> str:
    """``value`` in a short line of plain text, as ``__repr__`` gives it."""
    return import_module(PRESENTATION).text(value)

"""melodygen's objects in a notebook: ``html(value)`` for ``_repr_html_``, ``text(value)`` for
``__repr__``. ``core.display`` finds this module by name when a notebook asks (the one edge from
the bottom of the package to its top, at run time, for display only); the views themselves are
in ``views`` and ``song_views``.

Every piece of HTML is self-contained, so that JupyterLab, the classic Notebook, VS Code and
Colab show it alike (see ``views``).
"""

from __future__ import annotations

from ..core.collection import Collection, Tune
from ..core.note import Melodies, Melody
from ..evaluation.cross_validation import Evaluation, ModelResult
from ..evaluation.style import StyleComparison
from ..learning.interface import MelodyModel
from ..learning.song.encoding import Ambiguity
from ..learning.song.experiment import ModelRun, SongRun
from . import song_views, style_view, views
from .summary import RunSummary

# each type a notebook user holds -> its view (the first that fits)
DRAWERS = ((Melody, views.melody_html), (Melodies, views.melodies_html), (Tune, views.tune_html),
           (Collection, views.collection_html), (SongRun, song_views.run_html),
           (ModelRun, song_views.model_run_html), (Ambiguity, song_views.ambiguity_html),
           (MelodyModel, views.model_html), (Evaluation, views.evaluation_html),
           (RunSummary, song_views.summary_html), (StyleComparison, style_view.style_html))
# the types whose __repr__ is said here -> their line
SAYERS = ((SongRun, song_views.run_text), (ModelRun, song_views.model_run_text),
          (Ambiguity, song_views.ambiguity_text), (Evaluation, views.evaluation_text),
          (ModelResult, views.result_text))


def html(value) -> str:
    """``value`` as HTML: a melody, melodies, a tune, a collection, a song's run or one model of
    it, an ambiguous context, a trained model or an evaluation (anything else: its repr)."""
    draw = next((draw for kind, draw in DRAWERS if isinstance(value, kind)), None)
    return views.box(draw(value) if draw else f"<pre>{views.text(repr(value))}</pre>")


def text(value) -> str:
    """``value`` in one short line (the ``__repr__`` of the classes that have none of their own)."""
    say = next((say for kind, say in SAYERS if isinstance(value, kind)), None)
    return say(value) if say else object.__repr__(value)

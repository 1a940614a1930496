"""Evaluation: how well models predict songs they have not seen, in bits per note, by k-fold
cross-validation over a collection's songs, in one of three tasks (the pitch from the pitches
before it; the pitch given the rhythm and the key; the whole note); PPM and IDyOM's
multiple-viewpoint systems and the collection networks on the same folds, scored by one metric;
the surprise of every note (``per_note``).

TensorFlow loads only when a network is evaluated.
"""

from .cross_validation import PUBLISHED, Evaluation, ModelResult, NetworkSettings, evaluate
from .data import EvaluationData
from .metrics import SongScore, score_song
from .models import DEFAULT_MODELS, TASK_MODELS, MVSModel, NetworkModel, PPMModel
from .per_note import NoteSurprise, evaluation_rows, per_note_csv

__all__ = ["NetworkSettings", "DEFAULT_MODELS", "TASK_MODELS", "Evaluation", "EvaluationData",
           "MVSModel", "NetworkModel", "ModelResult", "NoteSurprise", "PPMModel", "PUBLISHED",
           "SongScore", "evaluate", "evaluation_rows", "per_note_csv", "score_song"]

"""Evaluation: how well models predict songs they have not seen, in bits per note, by k-fold
cross-validation over a collection's songs; PPM (IDyOM's models) and the collection LSTM on the
same folds, scored by one metric.

TensorFlow loads only when an LSTM is evaluated.
"""

from .cross_validation import PUBLISHED, NetworkSettings, Evaluation, ModelResult, evaluate
from .data import EvaluationData
from .metrics import SongScore, score_song
from .models import DEFAULT_MODELS, NetworkModel, PPMModel

__all__ = ["NetworkSettings", "DEFAULT_MODELS", "Evaluation", "EvaluationData", "NetworkModel",
           "ModelResult", "PPMModel", "PUBLISHED", "SongScore", "evaluate", "score_song"]

"""Learning: notes to classes and arrays, the Keras models, their training and predictions, and
saved models; ``ppm``, IDyOM's variable-order Markov models (PPM, PPM*), a baseline in numpy.

TensorFlow and Keras load only when a model is built, trained, loaded or asked to predict
(``models``, ``training``, ``predict`` and ``backend`` import them; the modules named here do not
at import time).
"""

from .checkpoint import Checkpoint, Defaults, TrainedModel, TrainingFacts, load, save, train_model
from .config import DEFAULT_MODELS, MODELS, RECIPES, ModelSpec, TrainConfig, model_spec
from .encoding import Dataset, Encoding, make_dataset, make_encoding, window_ceiling
from .experiment import ModelRun, SongRun, prepare, run_song
from .ppm import PPM, CountIndex, PPMConfig, ReadingIndex
from .vocabulary import Vocabulary

__all__ = ["Checkpoint", "CountIndex", "DEFAULT_MODELS", "Dataset", "Defaults", "Encoding",
           "MODELS", "ModelRun", "ModelSpec", "PPM", "PPMConfig", "RECIPES", "ReadingIndex",
           "SongRun", "TrainConfig", "TrainedModel",
           "TrainingFacts", "Vocabulary", "load", "make_dataset", "make_encoding", "model_spec",
           "prepare", "run_song", "save", "train_model", "window_ceiling"]

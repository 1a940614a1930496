"""melodygen: learn a melody with the lecture's MLP and LSTM models and play back what they learnt.

TensorFlow is imported only by the functions that train or predict.
"""

from .config import DEFAULT_MODELS, MODELS, ModelSpec, TrainConfig
from .errors import MelodyError
from .notation import format_song, format_token, parse_notes, parse_song, parse_token, read_song
from .note import Melody, Note, pitch_name, pitch_number
from .songs import bundled_songs, load_melody, load_song

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_MODELS", "MODELS", "Melody", "MelodyError", "ModelSpec", "Note", "TrainConfig",
    "bundled_songs", "format_song", "format_token", "load_melody", "load_song", "parse_notes",
    "parse_song", "parse_token", "pitch_name", "pitch_number", "read_song", "run_song",
    "load", "train_model",
]


def run_song(melody, models=DEFAULT_MODELS, config=None, progress=None):
    """Train ``models`` on ``melody`` and predict with them; see ``pipeline.run_song``."""
    from .pipeline import run_song as run
    return run(melody, models, config or TrainConfig(), progress)


def train_model(melody, model="stateful2", config=None, progress=None):
    """Train one model on ``melody``, ready to ``.generate()`` and ``.save(path)``; see
    ``checkpoint.train_model``."""
    from .checkpoint import train_model as train
    return train(melody, model, config, progress)


def load(path):
    """A model saved by ``melodygen train`` or ``.save(path)``, ready to generate:
    ``melodygen.load("models/nabiya.melodygen").generate(primer="g8 e8 e4 f8", length=64,
    temperature=0.9, top_k=5, count=4, seed=7)`` -> 4 Melody objects. See ``checkpoint.load``."""
    from .checkpoint import load as load_model
    return load_model(path)

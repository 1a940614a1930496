"""The kinds of model by name, and a model file of any kind read back.

Each kind is a subpackage whose ``model`` module offers ``read(path, metadata)`` (the model
without its network, no TensorFlow) and ``load(path, metadata)`` (with it): ``song`` (a model of
one song), ``collection`` (a model of a collection).
"""

from __future__ import annotations

from pathlib import Path

from .collection import model as collection_model
from .interface import MelodyModel
from .modelfile import COLLECTION, SONG, read_metadata
from .song import model as song_model

KINDS = {SONG: song_model, COLLECTION: collection_model}


def read(path: str | Path) -> MelodyModel:
    """The model saved at ``path``, of any kind, without its network and without TensorFlow: what
    a command checks before it loads TensorFlow. A bad file is a ``MelodyError``."""
    metadata = read_metadata(path)
    return KINDS[metadata["kind"]].read(path, metadata)


def load(path: str | Path) -> MelodyModel:
    """The model saved at ``path``, of any kind, ready to generate (imports TensorFlow)."""
    metadata = read_metadata(path)
    return KINDS[metadata["kind"]].load(path, metadata)

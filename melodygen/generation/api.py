"""Trained models that generate: ``melodygen.load(path).generate(...)`` and
``melodygen.train_model(...).generate(...)``, for a model of either kind.

The learning layer's models know nothing of generation (it is a layer above them); here each
kind gets a class that adds ``generate``: the one loop (``loop.generate``) with the settings of
``config.make_config``.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from ..core.collection import Collection
from ..core.note import Melodies, Melody
from ..learning import kinds
from ..learning.collection import model as collection
from ..learning.collection.config import CollectionModelConfig, CollectionTrainConfig
from ..learning.interface import MelodyModel, TrainingProgress
from ..learning.song import model as song
from ..learning.song.config import DEFAULT_MODEL, TrainConfig
from .config import make_config
from .loop import Generated, generate as generate_melodies


def generate(model: MelodyModel, **settings) -> Melodies:
    """New melodies from ``model``: ``count`` of them (default 1), each ``length`` notes after
    the ``primer`` or ``bars`` whole bars, greedy or sampled (``temperature``, ``top_k``,
    ``top_p``, ``seed``), in ``key`` and ``meter`` (a model of a collection), ending on the tonic
    or not (``end_on_tonic``); see ``generation.config.make_config`` for every setting and its
    default."""
    made = generate_melodies(model, make_config(model, **settings))
    return Melodies(generated.melody for generated in made)


def generate_tunes(model: MelodyModel, **settings) -> list[Generated]:
    """``generate``, each new melody with what it was made as (a ``loop.Generated``): the melody
    as written (a tune with form: its parts once each), its ``form`` (``core.form.Form``), the
    melody as ``played`` (its repeats played out: what MIDI and audio hold) and the model's bits
    per note."""
    return generate_melodies(model, make_config(model, **settings))


class Generates:
    """``generate``, for a trained model (a ``MelodyModel``)."""

    def generate(self, **settings) -> Melodies:
        """New melodies (``generation.api.generate``)."""
        return generate(self, **settings)


class SongModel(Generates, song.SongModel):
    """A trained model of one song that generates (``learning.song.model.SongModel``)."""


class CollectionModel(Generates, collection.CollectionModel):
    """A trained model of a collection that generates (``learning.collection.model``)."""


_GENERATING = {song.SongModel: SongModel, collection.CollectionModel: CollectionModel}


def generating(model: MelodyModel) -> MelodyModel:
    """``model`` as an object of its kind's class that generates (the same fields)."""
    cls = _GENERATING.get(type(model))
    if cls is None:
        return model
    return cls(**{field.name: getattr(model, field.name) for field in fields(model)})


def load(path: str | Path) -> MelodyModel:
    """The model saved at ``path`` (of any kind), ready to ``generate`` (imports TensorFlow)."""
    return generating(kinds.load(path))


def train_model(data: Melody | Collection, model: str | None = None,
                config: TrainConfig | CollectionTrainConfig | None = None,
                progress: TrainingProgress | None = None, *,
                network: CollectionModelConfig | None = None, save_to: str | Path | None = None,
                resume: bool = False) -> MelodyModel:
    """Train a model on ``data`` and return it, ready to ``generate`` and ``save`` (imports
    TensorFlow): on one song (a ``Melody``), one of the lecture's presets (``model``, default
    stateful2; ``config`` a ``TrainConfig``); on a collection (``read_collection``), a
    collection model (``network``: its sizes and family; ``config`` a
    ``CollectionTrainConfig``; ``save_to``/``resume``: keep the training's state beside that
    model file after every epoch, and go on from it). ``progress`` hears of every epoch
    (``EpochReport``)."""
    if isinstance(data, Collection):
        if model is not None:
            raise ValueError("a collection model is set by network=CollectionModelConfig(...), "
                             "not by a preset name")
        return generating(collection.train(data, network, config, progress, save_to, resume))
    return generating(song.train(data, model or DEFAULT_MODEL, config, progress))

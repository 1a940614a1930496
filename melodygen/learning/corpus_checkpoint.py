"""A model of a collection: train it on all of a collection, keep it in one file, load it, and go on
with a training that stopped.

The file is the saved-model archive of ``checkpoint.py`` (``kind: "corpus"``, format 2): the Keras
model (``model.keras``), ``melodygen.json`` (the model's sizes, its event vocabulary, how it was
trained and how far it got, the collection's usual meter and tempo, the library versions) and
``reference.npz``: the training tunes' notes, which generated tunes are compared with (how much of
a new tune is copied from a training tune).

A training that stops (Ctrl-C, a crash) can go on from its last finished epoch: after every
epoch its whole state is kept beside the model file (``MODEL.partial``, written whole or not at
all), and training with ``resume`` starts from it; the epochs end as they would have without the
stop. The file goes once the model is saved. A training on several workers (``strategy``,
``distributed.py``) keeps its epochs in a folder beside the model file instead
(``MODEL.distributed``), which goes too.
"""

from __future__ import annotations

import shutil
import statistics
from collections import Counter
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..core.collection import Collection
from ..core.errors import MelodyError
from ..core.note import Melody
from ..core.versions import versions
from ..formats import cache
from .checkpoint import FORMAT, NEWEST_FORMAT_VERSION, load_keras_member, model_kind, read_member, \
    read_metadata, write_archive
from .config import CorpusModelConfig, CorpusTrainConfig
from .corpus_data import PreparedCollection, prepare_collection
from .corpus_history import CorpusHistory, EpochProgress, TrainingState
from .sequences import EventVocabulary

if TYPE_CHECKING:
    import keras

CORPUS_KIND = "corpus"
REFERENCE_MEMBER = "reference.npz"
PARTIAL_SUFFIX = ".partial"
DISTRIBUTED_SUFFIX = ".distributed"


@dataclass(frozen=True)
class CorpusFacts:
    """How training on the collection went (``training`` in melodygen.json)."""

    tunes: int                    # tunes trained on
    validation_tunes: int         # tunes held out for early stopping
    notes: int                    # notes trained on
    epochs: int                   # epochs run
    best_epoch: int               # the epoch whose weights were kept
    validation_bits: float        # bits per note (pitch and length) on the held-out tunes
    validation_pitch_bits: float  # bits per note of the pitch alone there
    seconds: float                # training, all sessions of a resumed training together

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "CorpusFacts":
        return cls(**{field.name: data[field.name] for field in fields(cls)})


@dataclass(frozen=True, eq=False)
class CorpusCheckpoint:
    """Everything a saved model of a collection holds besides its weights (no TensorFlow)."""

    source: str                     # the collection's name
    model_config: CorpusModelConfig
    train_config: CorpusTrainConfig
    vocabulary: EventVocabulary
    meter: tuple[int, int]          # the collection's most common time signature
    tempo: float                    # its median tempo (quarter notes per minute)
    pitch_range: tuple[int, int]    # the lowest and highest relative pitch class it trained on
    facts: CorpusFacts
    history: CorpusHistory
    reference: tuple[Melody, ...]   # the training tunes (their sources name them)
    versions: dict[str, str]


@dataclass(eq=False)
class TrainedCorpusModel:
    """A trained corpus model and its checkpoint data: ready to generate or to be saved."""

    model: keras.Model
    checkpoint: CorpusCheckpoint

    def __repr__(self) -> str:
        facts = self.checkpoint.facts
        return (f"TrainedCorpusModel({self.checkpoint.source}: {facts.tunes} tunes, "
                f"{facts.validation_bits:.3f} bits per note held out)")

    def save(self, path: str | Path) -> Path:
        return save_corpus(self, path)


def partial_path(path: str | Path) -> Path:
    """Where the state of an unfinished training towards model file ``path`` is kept."""
    path = Path(path)
    return path.with_name(path.name + PARTIAL_SUFFIX)


def checkpoint_folder(path: str | Path) -> Path:
    """Where a distributed training towards model file ``path`` keeps its checkpoints."""
    path = Path(path)
    return path.with_name(path.name + DISTRIBUTED_SUFFIX)


def train_on_collection(collection: Collection, model_config: CorpusModelConfig | None = None,
                        train_config: CorpusTrainConfig | None = None, validation: float = 0.05,
                        progress: EpochProgress | None = None, save_to: str | Path | None = None,
                        resume: bool = False, strategy=None) -> TrainedCorpusModel:
    """Train the corpus model on every tune of ``collection`` but a held-out ``validation`` share
    (for early stopping; versions of one tune stay on one side) and return it.

    save_to:  the model file to come: after every epoch the training state is kept beside it
              (``partial_path``); with ``resume`` training goes on from there.
    strategy: a ``tf.distribute`` strategy to train under (``distributed.choose_strategy``),
              every worker calling this with the same arguments: the same batches, learning rate
              and loss as without it, each replica computing its rows of every batch. The state
              after every epoch goes to ``checkpoint_folder(save_to)`` (the chief writes it) and
              a worker that starts again goes on from the newest one there, ``resume`` or not
              (with ``resume`` there must be one). ``progress`` is called on the chief only.
    """
    from .backend import load_keras
    load_keras()
    from . import corpus_training as training

    model_config = model_config or CorpusModelConfig()
    train_config = train_config or CorpusTrainConfig()
    prepared = prepare_collection(collection, validation, train_config.seed)
    parts = prepared.parts
    if strategy is not None:
        from .distributed import train_distributed
        model, history = train_distributed(
            strategy, prepared, model_config, train_config, progress,
            checkpoint_folder(save_to) if save_to else None, resume)
        return _trained(prepared, model_config, train_config, model, history)
    rows = [prepared.encode(index) for index in range(len(collection))]
    state_file = partial_path(save_to) if save_to else None
    state = load_state(state_file, train_config) if resume and state_file else None
    if resume and state_file and state is None:
        raise MelodyError("no training to resume (it has no saved state), or it was made with "
                          "other settings; train without --resume", source=str(state_file))
    model = training.new_model(model_config, prepared.vocabulary, train_config.seed)
    keep = (lambda s: keep_state(state_file, s, train_config)) if state_file else None
    history = training.train_corpus(model, [rows[i] for i in parts.train],
                                    [rows[i] for i in parts.validation], train_config, progress,
                                    resume=state, after_epoch=keep)
    return _trained(prepared, model_config, train_config, model, history)


def _trained(prepared: PreparedCollection, model_config: CorpusModelConfig,
             train_config: CorpusTrainConfig, model: keras.Model, history: CorpusHistory
             ) -> TrainedCorpusModel:
    """The trained model of ``prepared`` with its checkpoint data."""
    collection, parts = prepared.collection, prepared.parts
    melodies = collection.melodies()
    best = history.best_epoch - 1
    facts = CorpusFacts(len(parts.train), len(parts.validation),
                        sum(prepared.lengths[i] for i in parts.train), len(history.validation_bits),
                        history.best_epoch, round(history.validation_bits[best], 5),
                        round(history.validation_pitch_bits[best], 5),
                        round(history.seconds[-1], 2))
    meters = Counter(melody.time_signature for melody in melodies)
    checkpoint = CorpusCheckpoint(
        collection.name, model_config, train_config, prepared.vocabulary,
        meters.most_common(1)[0][0], float(statistics.median(melody.tempo for melody in melodies)),
        prepared.pitch_range(), facts, history, tuple(melodies[i] for i in parts.train),
        versions())
    return TrainedCorpusModel(model, checkpoint)


# ---- the training state of a resume ------------------------------------------------------------

def keep_state(path: Path, state: TrainingState, config: CorpusTrainConfig) -> None:
    """The training state after an epoch, at ``path`` (whole or not at all)."""
    arrays = {f"variable{i}": v for i, v in enumerate(state.variables)}
    arrays.update({f"optimizer{i}": v for i, v in enumerate(state.optimizer)})
    arrays.update({f"best{i}": v for i, v in enumerate(state.best_weights or [])})
    meta = {"config": asdict(config), "epoch": state.epoch, "best": state.best,
            "waited": state.waited, "history": state.history.to_json(full=True),
            "counts": [len(state.variables), len(state.optimizer), len(state.best_weights or [])]}
    if not cache.write_arrays(path, arrays, meta):
        raise MelodyError("cannot keep the training state here", source=str(path))


def load_state(path: Path, config: CorpusTrainConfig) -> TrainingState | None:
    """The state ``keep_state`` kept, or None when there is none, it is damaged, or it comes
    from a training with other settings."""
    found = cache.read_arrays(path)
    if found is None:
        return None
    arrays, meta = found
    if meta.get("config") != asdict(config):
        return None
    variables, optimizer, best = meta["counts"]
    return TrainingState(meta["epoch"], CorpusHistory.from_json(meta["history"]), meta["best"],
                         [arrays[f"best{i}"] for i in range(best)], meta["waited"],
                         [arrays[f"variable{i}"] for i in range(variables)],
                         [arrays[f"optimizer{i}"] for i in range(optimizer)])


# ---- saving and loading ------------------------------------------------------------------------

def corpus_json(checkpoint: CorpusCheckpoint) -> dict:
    return {
        "format": FORMAT, "format_version": NEWEST_FORMAT_VERSION, "kind": CORPUS_KIND,
        "source": checkpoint.source,
        "model": checkpoint.model_config.to_json(),
        "config": asdict(checkpoint.train_config),
        "vocabulary": checkpoint.vocabulary.to_json(),
        "meter": list(checkpoint.meter), "tempo": checkpoint.tempo,
        "pitch_range": list(checkpoint.pitch_range),
        "training": checkpoint.facts.to_json(),
        "history": checkpoint.history.to_json(),
        "reference": {"member": REFERENCE_MEMBER, "tunes": len(checkpoint.reference)},
        "versions": checkpoint.versions,
    }


def save_corpus(model: TrainedCorpusModel, path: str | Path) -> Path:
    """Write ``model`` to ``path`` (one zip file, written atomically); the state of its
    training, if it was kept beside ``path`` (``partial_path``, ``checkpoint_folder``), goes."""
    import io

    arrays = cache.encode_melodies(model.checkpoint.reference)
    heads = arrays.pop("heads")
    buffer = io.BytesIO()
    np.savez_compressed(buffer, heads=np.frombuffer(_json_bytes(heads), dtype=np.uint8), **arrays)
    written = write_archive(path, model.model, corpus_json(model.checkpoint),
                            {REFERENCE_MEMBER: buffer.getvalue()})
    partial_path(written).unlink(missing_ok=True)
    shutil.rmtree(checkpoint_folder(written), ignore_errors=True)
    return written


def read_corpus_checkpoint(path: str | Path, metadata: dict | None = None) -> CorpusCheckpoint:
    """The checkpoint data of a saved model of a collection, without TensorFlow."""
    import io
    import json

    path = Path(path)
    data = metadata if metadata is not None else read_metadata(path)
    if model_kind(data) != CORPUS_KIND:
        raise MelodyError("a model of one song, not of a collection", source=str(path))
    try:
        with np.load(io.BytesIO(read_member(path, REFERENCE_MEMBER)), allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in stored.files}
        heads = json.loads(arrays.pop("heads").tobytes().decode("utf-8"))
        return CorpusCheckpoint(
            str(data["source"]), CorpusModelConfig(**data["model"]),
            CorpusTrainConfig(**data["config"]), EventVocabulary.from_json(data["vocabulary"]),
            tuple(data["meter"]), float(data["tempo"]), tuple(data["pitch_range"]),
            CorpusFacts.from_json(data["training"]),
            CorpusHistory.from_json(data["history"]),
            tuple(cache.decode_melodies(arrays, heads)), dict(data["versions"]))
    except KeyError as error:
        raise MelodyError(f"corrupted model file: melodygen.json lacks {error}",
                          source=str(path)) from None
    except (TypeError, ValueError, OSError) as error:
        raise MelodyError(f"corrupted model file: {error}", source=str(path)) from None


def load_corpus(path: str | Path) -> TrainedCorpusModel:
    """A saved model of a collection, ready to generate (imports TensorFlow)."""
    checkpoint = read_corpus_checkpoint(path)
    return TrainedCorpusModel(load_keras_member(path), checkpoint)


def _json_bytes(value) -> bytes:
    import json
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


"""A model of a collection: train it on all of a collection, keep it in one file, read it back,
and go on with a training that stopped.

In its file (``modelfile``, kind "collection") ``melodygen.json`` holds the network's sizes, the
event vocabulary, how it was trained and how far it got, the collection's usual meter, tempo
and key, and the library versions; ``reference.npz`` the training tunes' notes, which generated
tunes are compared with (how much of a new tune is copied from a training tune).

A training that stops (Ctrl-C, a crash, a lost worker) goes on from its last finished epoch:
the state after every epoch is kept beside the model file (``resume``), and training with
``resume`` starts from it, ending as it would have without the stop. The state goes once the
model is saved.
"""

from __future__ import annotations

import io
import json
import statistics
from collections import Counter
from dataclasses import asdict, dataclass, fields
from functools import cached_property
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ...core.collection import Collection
from ...core.errors import ConfigError, MelodyError
from ...core.form import FormFacts
from ...core.keys import Key, melody_key
from ...core.note import DEFAULT_TEMPO, Melody
from ...core.versions import versions
from ...formats import cache
from .. import resume as resuming
from ..interface import Defaults, MelodyModel, Stepper, TrainingProgress
from ..modelfile import (COLLECTION, METADATA_MEMBER, check_shapes, load_network, read_member,
                         write_model_file)
from ..networks import TITLES, family
from .config import CollectionModelConfig, CollectionTrainConfig
from .config import train_config as family_train_config
from .data import PreparedCollection, prepare
from .events import COLUMNS, RELATIVE_CLASSES, TASKS, EventVocabulary, absolute_pitch
from .state import CollectionHistory, TrainingState

if TYPE_CHECKING:
    import keras

REFERENCE_MEMBER = "reference.npz"
DEFAULT_BARS = 16  # of a new tune


@dataclass(frozen=True)
class CollectionFacts:
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
    def from_json(cls, data: dict) -> "CollectionFacts":
        return cls(**{field.name: data[field.name] for field in fields(cls)})


def signature_tonic(key: Key) -> int:
    """The major tonic of the key's signature (A minor, E phrygian -> C): the pitch class that
    generated tunes' pitches are relative to, as the tunebooks' ``K:`` fields give the model."""
    return key.fifths * 7 % 12


@dataclass(eq=False)
class CollectionModel(MelodyModel):
    """A model of a collection: its network and everything besides (plain data, no TensorFlow)."""

    kind = COLLECTION

    source: str                     # the collection's name
    model_config: CollectionModelConfig
    train_config: CollectionTrainConfig
    vocabulary: EventVocabulary
    meter: tuple[int, int]          # the collection's most common time signature
    tempo: float                    # its median tempo (quarter notes per minute)
    pitch_range: tuple[int, int]    # the lowest and highest relative pitch class it trained on
    training: CollectionFacts
    history: CollectionHistory
    reference: tuple[Melody, ...]   # the training tunes (their sources name them)
    versions: dict[str, str]
    network: keras.Model | None = None  # None when read without TensorFlow (``read``)
    form: FormFacts | None = None   # its tunes' forms, pickups, kind and tempo (None: derived
                                    # from ``reference``, as for a file older than them)
    reference_marks: tuple = ()     # each reference tune's structure marks (Tune.marks), in
                                    # order; () in a file older than them (one part each)

    def __post_init__(self) -> None:
        if self.form is None:  # an older model file: what the training tunes show
            self.form = FormFacts.of(self.reference, tempi=given_tempi(self.reference))

    @property
    def name(self) -> str:
        return self.model_config.family

    @property
    def family(self) -> str:
        return self.model_config.family

    def describe(self) -> str:
        return f"collection {TITLES[self.family]} of {self.source} ({self.training.tunes:,} tunes)"

    @property
    def learnt_from(self) -> str:
        return self.source

    @cached_property
    def key(self) -> Key:
        """The collection's most common key (its tunes' keys as their files give them, else as
        found in their notes; G major when none is found)."""
        keys = Counter(melody_key(melody)
                       for melody in self.reference)
        keys.pop(None, None)
        return keys.most_common(1)[0][0] if keys else Key.parse("G")

    @property
    def defaults(self) -> Defaults:
        """A tune of 16 bars in the collection's most common meter and key, from no primer, at
        the tempo its tunes give (else of its kind of tune, else 120), called after its kind
        ("Jig 1")."""
        facts = self.form
        tempo = facts.tempo or facts.dance_tempo(self.meter) or self.tempo
        title = facts.rhythm.capitalize() if facts.rhythm else "Tune"
        return Defaults(title, self.meter, Fraction(0), tempo, self.key, bars=DEFAULT_BARS)

    def meters(self) -> tuple[tuple[int, int], ...]:
        return tuple(tuple(int(part) for part in name.split("/"))
                     for name in self.vocabulary.meters)

    @cached_property
    def absolute_range(self) -> tuple[int, int]:
        """The lowest and highest MIDI pitch of the tunes it learnt."""
        pitches = [note.pitch for melody in self.reference for note in melody.notes
                   if note.pitch is not None]
        return (min(pitches), max(pitches)) if pitches else (0, 127)

    @property
    def lengths(self) -> tuple[Fraction, ...]:
        return self.vocabulary.durations

    def pitch_limits(self, key: Key) -> tuple[int, int]:
        """The lowest and highest MIDI pitch of tunes in ``key``: the range, relative to the
        tonic, of the tunes the model learnt, within their lowest and highest pitch (a tune in
        another key never goes below or above every note it learnt); the absolute range alone
        when the two do not meet."""
        reference = signature_tonic(key)
        low, high = (absolute_pitch(self.pitch_range[0], reference),
                     absolute_pitch(self.pitch_range[1], reference))
        lowest, highest = self.absolute_range
        if max(low, lowest) > min(high, highest):
            return lowest, highest
        return max(low, lowest), min(high, highest)

    def facts(self) -> dict:
        return {"kind": COLLECTION, "name": self.name, "family": self.family,
                "description": self.describe(), "source": self.source,
                "tunes": self.training.tunes, "validation_bits": self.reference_bits,
                "training": self.training.to_json()}

    @property
    def reference_bits(self) -> float:
        """Bits per note (pitch and length) on the held-out tunes."""
        return self.training.validation_bits

    def __repr__(self) -> str:
        return (f"CollectionModel({self.source}: {self.family}, {self.training.tunes} tunes, "
                f"{self.reference_bits:.3f} bits per note held out)")

    def stepper(self, key: Key | None = None, meter: tuple[int, int] | None = None) -> Stepper:
        """The model writing a tune in ``key`` (default: the collection's) and ``meter`` (default:
        the collection's most common)."""
        from ..backend import load_keras
        load_keras()
        from .predict import CollectionStepper

        if self.network is None:
            raise ValueError("the model was read without its network (collection.model.read); "
                             "load it with melodygen.load")
        return CollectionStepper(self.network, self.model_config, self.vocabulary,
                                 signature_tonic(key or self.key), meter or self.meter)

    def save(self, path: str | Path) -> Path:
        """Write the model to ``path`` (one zip file, written atomically); the state of its
        training, if it was kept beside ``path`` (``resume.state_path``), goes."""
        arrays = cache.encode_melodies(self.reference)
        heads = arrays.pop("heads")
        buffer = io.BytesIO()
        np.savez_compressed(buffer, heads=np.frombuffer(
            json.dumps(heads, ensure_ascii=False).encode("utf-8"), dtype=np.uint8), **arrays)
        written = write_model_file(path, self.network, self.to_json(),
                                   {REFERENCE_MEMBER: buffer.getvalue()})
        resuming.state_path(written).unlink(missing_ok=True)
        return written

    def to_json(self) -> dict:
        """Its ``melodygen.json`` (without the format fields ``modelfile`` adds)."""
        return {
            "kind": COLLECTION, "family": self.family, "source": self.source,
            "model": self.model_config.to_json(), "config": self.train_config.to_json(),
            "vocabulary": self.vocabulary.to_json(),
            "meter": list(self.meter), "tempo": self.tempo,
            "pitch_range": list(self.pitch_range),
            "training": self.training.to_json(),
            "history": self.history.to_json(),
            "reference": {"member": REFERENCE_MEMBER, "tunes": len(self.reference)},
            "form": self.form.to_json(),
            "reference_marks": [[[mark, str(time)] for mark, time in marks]
                                for marks in self.reference_marks],
            "versions": self.versions,
        }

    def with_network(self, network: keras.Model, source: str) -> "CollectionModel":
        """This model with ``network``, which must read its events and predict its classes (a
        ``MelodyError`` otherwise: a damaged file)."""
        outputs = {"pitch": RELATIVE_CLASSES}
        if TASKS[self.model_config.task].predicts_length:
            outputs["duration"] = self.vocabulary.classes("length")
        # models saved before the onset column read seven columns
        width = network.input_shape[-1] if network.input_shape[-1] in (7, COLUMNS) else COLUMNS
        check_shapes(network, (None, width), outputs, source)
        self.network = network
        return self


def given_tempi(melodies) -> list[float | None]:
    """Each melody's tempo as its file gave it, None where the reader put the default."""
    return [None if melody.tempo == DEFAULT_TEMPO else melody.tempo for melody in melodies]


def read(path: str | Path, metadata: dict) -> CollectionModel:
    """The collection model of file ``path`` without its network, and without TensorFlow
    (``metadata``: its ``modelfile.read_metadata``); a damaged file is a ``MelodyError`` that
    says which part is damaged."""
    path, data = Path(path), metadata
    try:
        fields_of = (str(data["source"]), CollectionModelConfig(**data["model"]),
                     CollectionTrainConfig(**data["config"]),
                     EventVocabulary.from_json(data["vocabulary"]), tuple(data["meter"]),
                     float(data["tempo"]), tuple(data["pitch_range"]),
                     CollectionFacts.from_json(data["training"]),
                     CollectionHistory.from_json(data["history"]))
    except KeyError as error:
        raise MelodyError(f"corrupted model file: {METADATA_MEMBER} lacks {error}",
                          source=str(path)) from None
    except (TypeError, ValueError, AttributeError, ZeroDivisionError) as error:
        raise MelodyError(f"corrupted model file: bad {METADATA_MEMBER} ({error})",
                          source=str(path)) from None
    try:
        form = FormFacts.from_json(data["form"]) if "form" in data else None  # older: derived
    except (KeyError, TypeError, ValueError, AttributeError, ZeroDivisionError) as error:
        raise MelodyError(f"corrupted model file: bad form in {METADATA_MEMBER} ({error})",
                          source=str(path)) from None
    try:
        marks = tuple(tuple((str(mark), Fraction(time)) for mark, time in tune)
                      for tune in data.get("reference_marks", ()))
    except (TypeError, ValueError, ZeroDivisionError) as error:
        raise MelodyError(f"corrupted model file: bad reference_marks in {METADATA_MEMBER} "
                          f"({error})", source=str(path)) from None
    return CollectionModel(*fields_of, _reference(path), dict(data.get("versions", {})),
                           form=form, reference_marks=marks)


def _reference(path: Path) -> tuple[Melody, ...]:
    """The training tunes kept in the model file (``reference.npz``)."""
    try:
        with np.load(io.BytesIO(read_member(path, REFERENCE_MEMBER)), allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in stored.files}
        heads = json.loads(arrays.pop("heads").tobytes().decode("utf-8"))
        return tuple(cache.decode_melodies(arrays, heads))
    except MelodyError:
        raise
    except Exception as error:  # numpy and json raise many types for damaged data
        raise MelodyError(f"corrupted model file: {REFERENCE_MEMBER} (the training tunes) cannot "
                          f"be read ({type(error).__name__})", source=str(path)) from None


def load(path: str | Path, metadata: dict) -> CollectionModel:
    """The collection model of file ``path`` with its network (imports TensorFlow)."""
    model = read(path, metadata)
    family(model.family)  # its layers known to Keras before it reads them
    return model.with_network(load_network(path), str(path))


def prepare_training(collection: Collection,
                     train_config: CollectionTrainConfig | None = None) -> PreparedCollection:
    """``collection`` ready to train on (no TensorFlow): its tunes split into training and
    held-out tunes; a collection too small to split is a ``ConfigError``."""
    train_config = train_config or CollectionTrainConfig()
    prepared = prepare(collection, train_config.validation, train_config.seed) \
        if len(collection) >= 2 else None
    if prepared is None or not prepared.parts.train or not prepared.parts.validation:
        raise ConfigError(f"training needs tunes to train on and to validate on; "
                          f"{collection.name} has {len(collection)} tune"
                          f"{'s' if len(collection) != 1 else ''}")
    return prepared


def train(collection: Collection | PreparedCollection,
          model_config: CollectionModelConfig | None = None,
          train_config: CollectionTrainConfig | None = None,
          progress: TrainingProgress | None = None, save_to: str | Path | None = None,
          resume: bool = False, strategy=None) -> CollectionModel:
    """Train a collection model on every tune of ``collection`` (or the ``prepare_training`` of
    it) but a held-out share (``train_config.validation``, for early stopping; versions of one
    tune stay on one side).

    save_to:  the model file to come: after every epoch the training state is kept beside it
              (``resume.state_path``); with ``resume`` training goes on from there.
    strategy: a ``tf.distribute`` strategy to train under (``distributed.choose_strategy``),
              every worker calling this with the same arguments: the same batches, learning rate
              and loss as without it, each replica computing its rows of every batch. The chief
              keeps the state; a worker that starts again goes on from it, ``resume`` or not
              (with ``resume`` there must be one). ``progress`` hears from the chief only.
    """
    model_config = model_config or CollectionModelConfig()
    train_config = train_config or family_train_config(model_config.family)
    prepared = collection if isinstance(collection, PreparedCollection) else \
        prepare_training(collection, train_config)
    collection, parts = prepared.collection, prepared.parts
    state_file = resuming.state_path(save_to) if save_to else None
    settings = prepared.training_settings(model_config, train_config)
    from ..backend import load_keras
    load_keras()
    from . import training

    if strategy is not None:
        from .distributed import train_distributed
        network, history = train_distributed(strategy, prepared, model_config, train_config,
                                             progress, state_file, resume)
        return _trained(prepared, model_config, train_config, network, history)
    state = None
    if resume:
        if state_file is None:
            raise ConfigError("resuming needs the model file the training saves to")
        state = TrainingState.from_arrays(*resuming.read(state_file, settings))
    rows = [prepared.encode(index) for index in range(len(collection))]
    network = training.new_network(model_config, prepared.vocabulary, train_config.seed)
    keep = resuming.Keeper(state_file, settings) if state_file else None
    history = training.fit(network, [rows[i] for i in parts.train],
                           [rows[i] for i in parts.validation], train_config, progress,
                           resume=state, after_epoch=keep)
    return _trained(prepared, model_config, train_config, network, history)


def _trained(prepared: PreparedCollection, model_config: CollectionModelConfig,
             train_config: CollectionTrainConfig, network: keras.Model,
             history: CollectionHistory) -> CollectionModel:
    """The trained model of ``prepared`` with everything besides its network."""
    collection, parts = prepared.collection, prepared.parts
    melodies = collection.melodies()
    best = history.best_epoch - 1
    facts = CollectionFacts(len(parts.train), len(parts.validation),
                            sum(prepared.lengths[i] for i in parts.train),
                            len(history.validation_bits), history.best_epoch,
                            round(history.validation_bits[best], 5),
                            round(history.validation_pitch_bits[best], 5),
                            round(history.seconds[-1], 2))
    meters = Counter(melody.time_signature for melody in melodies)
    trained = [collection.tunes[i] for i in parts.train]
    learnt = [tune.melody for tune in trained]
    form = FormFacts.of(learnt, [tune.marks for tune in trained],
                        [tune.rhythm for tune in trained], given_tempi(learnt))
    return CollectionModel(
        collection.name, model_config, train_config, prepared.vocabulary,
        meters.most_common(1)[0][0], float(statistics.median(melody.tempo for melody in melodies)),
        prepared.pitch_range(), facts, history, tuple(learnt),
        versions(), network, form, tuple(tune.marks for tune in trained))

"""A trained model of one song with everything it needs to generate later: train one, save it,
read it back.

In its file (``modelfile``, kind "song"), ``melodygen.json`` holds the model preset, the window,
the vocabulary and the encoding table, the training song (title, time signature, pickup, tempo,
key and notes), the training configuration and results, and the library versions.

The training song gives the ``defaults`` of what is generated (the primer, the meter, the tempo,
the length) and is the ``reference`` melody that statistics compare a new melody with. ``read`` gives the model without its network and without
TensorFlow (quick checks, e.g. of a primer, before the 4 s import); ``load`` adds the network.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ...core.errors import MelodyError
from ...core.keys import Key, melody_key
from ...core.note import Melody, Note, notes_json
from ...core.versions import versions
from ...formats.notation import note_label
from ..interface import Defaults, MelodyModel, Stepper, TrainingProgress
from ..modelfile import METADATA_MEMBER, SONG, check_shapes, load_network, write_model_file
from ..networks import family
from .config import DEFAULT_MODEL, ModelSpec, TrainConfig, model_spec
from .encoding import Encoding, make_encoding
from .vocabulary import Vocabulary

if TYPE_CHECKING:
    import keras


@dataclass(frozen=True)
class TrainingFacts:
    """How training went (``training`` in melodygen.json)."""

    epochs: int                  # epochs run
    reached_epoch: int | None    # first epoch whose predictions reached the target, or None
    seconds: float               # building, compiling and training
    final_loss: float            # cross-entropy of the last epoch
    samples: int                 # windows of the song
    target_right: int            # windows right that end fast training
    one_step_right: int          # windows whose next note the model predicts right
    full_song_right: int         # notes right when the model replays the song on its own

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "TrainingFacts":
        names = [field.name for field in fields(cls)]
        missing = [name for name in names if name not in data]
        if missing:
            raise KeyError(missing[0])
        return cls(**{name: data[name] for name in names})


@dataclass(eq=False)
class SongModel(MelodyModel):
    """A model of one song: its network and everything besides (plain data, no TensorFlow)."""

    kind = SONG

    spec: ModelSpec               # the model preset it was built from
    window: int                   # notes the model sees to predict the next one
    vocabulary: Vocabulary        # the notes it predicts, by index
    encoding: Encoding            # how an index becomes model input (row i = note i)
    reference: tuple[Melody, ...]  # the training song: statistics compare with it
    config: TrainConfig           # how it was trained
    training: TrainingFacts       # how training went
    versions: dict[str, str]      # python and library versions at training time
    network: keras.Model | None = None  # None when read without TensorFlow (``read``)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def family(self) -> str:
        return self.spec.family

    def describe(self) -> str:
        return self.spec.description

    @property
    def learnt_from(self) -> str:
        return self.song.title

    def reference_names(self) -> list[str]:
        return [self.song.title]  # not its file's path, which was the trainer's

    @property
    def song(self) -> Melody:
        """The training song (a model of one song has one reference melody)."""
        return self.reference[0]

    @property
    def key(self) -> Key | None:
        """The song's key (its file's, else found in its notes): notes are spelt in it."""
        return melody_key(self.song)

    @property
    def defaults(self) -> Defaults:
        """The song's: its title, meter, pickup, tempo and key; its first ``window`` notes as the
        primer, continued for as many notes as the song has after them."""
        song = self.song
        return Defaults(f"{song.title} - generated", song.time_signature, song.pickup,
                        song.tempo, self.key, song.notes[:self.window], len(song) - self.window)

    @property
    def lengths(self) -> tuple[Fraction, ...]:
        return tuple(sorted({note.duration for note in self.vocabulary.notes}))

    def facts(self) -> dict:
        return {"kind": SONG, "name": self.name, "family": self.family,
                "description": self.describe(), "song": self.song.title, "window": self.window,
                "vocabulary": [note_label(note, self.key) for note in self.vocabulary.notes],
                "training": self.training.to_json()}

    def check_notes(self, notes, source: str) -> None:
        known = set(self.vocabulary.notes)
        for position, note in enumerate(notes, start=1):
            if note not in known:
                vocabulary = " ".join(note_label(n, self.key) for n in self.vocabulary.notes)
                raise MelodyError(f"note {position} '{note_label(note, self.key)}' is not in the "
                                  f"model's vocabulary: {vocabulary}", source=source)

    def __repr__(self) -> str:
        return (f"{type(self).__name__}({self.spec.name} trained on {self.song.title!r}, "
                f"window {self.window}, {len(self.vocabulary)} notes)")

    def stepper(self, key=None, meter=None) -> Stepper:
        """The model continuing a primer in its song's key and meter (``key`` and ``meter`` are
        the song's: a model of one song writes in no other)."""
        from ..backend import load_keras
        load_keras()
        from .predict import SongStepper, predictor

        return SongStepper(predictor(self.spec, self._network(), self.encoding), self.vocabulary,
                           self.window, self.spec.stateful)

    def _network(self) -> keras.Model:
        if self.network is None:
            raise ValueError("the model was read without its network (song.model.read); "
                             "load it with melodygen.load")
        return self.network

    def save(self, path: str | Path) -> Path:
        from .predict import reset_state

        reset_state(self._network())  # a stateful model is saved with a zero state
        return write_model_file(path, self.network, self.to_json())

    def to_json(self) -> dict:
        """Its ``melodygen.json`` (without the format fields ``modelfile`` adds)."""
        song = self.song
        return {
            "kind": SONG,
            "family": self.family,
            "model": asdict(self.spec),
            "window": self.window,
            "vocabulary": {"name": self.vocabulary.name,
                           "tokens": [note_label(note, self.key) for note in self.vocabulary.notes],
                           "notes": notes_json(self.vocabulary.notes)},
            "encoding": {"name": self.encoding.name,
                         "table": [[float(x) for x in row] for row in self.encoding.table]},
            "song": {"title": song.title, "source": song.source,
                     "time_signature": list(song.time_signature), "tempo": song.tempo,
                     "pickup": str(song.pickup), "notes": notes_json(song.notes),
                     "key": None if song.key is None else str(song.key)},
            "config": asdict(self.config),
            "training": self.training.to_json(),
            "versions": self.versions,
        }

    @classmethod
    def from_json(cls, data: dict, source: str = "<model file>") -> "SongModel":
        """The parsed ``melodygen.json`` of a song model -> the model without its network; a
        missing or bad field is a ``MelodyError``."""
        try:
            spec = ModelSpec.from_json(data["model"])
            window = int(data["window"])
            vocabulary = Vocabulary(_notes(data["vocabulary"]["notes"], "vocabulary"),
                                    str(data["vocabulary"]["name"]))
            table = np.array(data["encoding"]["table"], dtype=np.float32)
            encoding = Encoding(str(data["encoding"]["name"]), table)
            song = data["song"]
            beats, unit = song["time_signature"]
            key = song.get("key")
            melody = Melody(_notes(song["notes"], "song notes"), str(song["title"]),
                            (int(beats), int(unit)), float(song["tempo"]),
                            source=str(song["source"]), pickup=Fraction(song["pickup"]),
                            key=None if key is None else Key.parse(key))
            config = TrainConfig(**data["config"])
            training = TrainingFacts.from_json(dict(data["training"]))
            versions = dict(data["versions"])
            if table.ndim != 2 or len(table) != len(vocabulary) or not len(vocabulary):
                raise ValueError(f"the encoding table has shape {table.shape} for "
                                 f"{len(vocabulary)} notes")
            if not 1 <= window < len(melody):
                raise ValueError(f"window {window} does not fit a song of {len(melody)} notes")
            if not set(melody.notes) <= set(vocabulary.notes):
                raise ValueError("the song has notes outside the vocabulary")
        except KeyError as error:
            raise MelodyError(f"corrupted model file: {METADATA_MEMBER} lacks {error}",
                              source=source) from None
        except (TypeError, ValueError, AttributeError) as error:
            raise MelodyError(f"corrupted model file: bad {METADATA_MEMBER} ({error})",
                              source=source) from None
        return cls(spec, window, vocabulary, encoding, (melody,), config, training, versions)

    def with_network(self, network: keras.Model, source: str) -> "SongModel":
        """This model with ``network``, which must take its windows and predict its vocabulary
        (a ``MelodyError`` otherwise: a damaged file)."""
        features = self.encoding.features_per_note
        inputs = {"mlp": (self.window * features,),
                  "transformer": (None, features)}.get(self.spec.family, (self.window, features))
        check_shapes(network, inputs, {"": len(self.vocabulary)}, source)
        self.network = network
        return self


def _notes(rows, what: str) -> tuple[Note, ...]:
    if not isinstance(rows, list):
        raise ValueError(f"{what} must be a list")
    return tuple(Note(pitch, Fraction(duration)) for pitch, duration in rows)


def read(path: str | Path, metadata: dict) -> SongModel:
    """The song model of file ``path`` without its network, and without TensorFlow
    (``metadata``: its ``modelfile.read_metadata``); a damaged file is a ``MelodyError``."""
    return SongModel.from_json(metadata, str(path))


def load(path: str | Path, metadata: dict) -> SongModel:
    """The song model of file ``path`` with its network (imports TensorFlow)."""
    model = read(path, metadata)
    family(model.family)  # its layers known to Keras before it reads them
    return model.with_network(load_network(path), str(path))


def train(melody: Melody, model: str = DEFAULT_MODEL, config: TrainConfig | None = None,
          progress: TrainingProgress | None = None, on_stage=None) -> SongModel:
    """Train one of the lecture's models on ``melody`` (imports TensorFlow); ``progress`` and
    ``on_stage`` as ``experiment.run_song`` calls them."""
    from .experiment import run_song

    config = config or TrainConfig()
    spec = model_spec(model)
    run = run_song(melody, [spec.name], config, progress, on_stage)
    trained = run.models[0]
    result = trained.training
    facts = TrainingFacts(
        epochs=result.epochs,
        reached_epoch=result.reached_epoch,
        seconds=round(result.seconds, 3),
        final_loss=round(result.history.loss[-1], 6),
        samples=len(run.dataset),
        target_right=result.target,
        one_step_right=run.right(trained.one_step),
        full_song_right=run.right(trained.full_song),
    )
    encoding = make_encoding(spec.encoding, run.vocabulary)
    return SongModel(spec, config.window, run.vocabulary, encoding, (melody,), config, facts,
                     versions(), result.model)

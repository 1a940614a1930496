"""A trained model with everything it needs to generate later: train one, save it, load it.

A saved model is one file (any name; ``.melodygen`` by convention), a zip archive of:

- ``model.keras``: the Keras model, architecture and weights, in Keras's own format;
- ``melodygen.json``: the model preset, the window, the vocabulary and the encoding table, the
  training song (title, time signature, pickup, tempo and notes), the training configuration
  and results, and the library versions.

In memory the training song plays three parts, each a field of its own (``Checkpoint``): the
``defaults`` of what is generated (the primer, the meter, the tempo, the length), and the
``reference`` melodies that statistics compare a new melody with.

Loading needs neither the song file nor any training. ``read_checkpoint`` reads the JSON part
without TensorFlow (quick checks, e.g. of a primer, before the 4 s import); ``load`` adds the
Keras model.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
import zlib
from dataclasses import asdict, dataclass, fields
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..core.errors import MelodyError
from ..core.keys import Key, song_key
from ..core.note import Melody, Note, notes_json
from ..core.versions import versions
from ..formats.files import prepare_folder, write_atomic
from ..formats.notation import note_label
from .config import ModelSpec, TrainConfig, model_spec
from .encoding import Encoding, make_encoding
from .vocabulary import Vocabulary

if TYPE_CHECKING:
    import keras

    from .training import Progress

FORMAT = "melodygen-model"
FORMAT_VERSION = 1         # of a song model's melodygen.json (unchanged since the first)
NEWEST_FORMAT_VERSION = 2  # the newest this melodygen reads: 2 adds models of collections
SONG_KIND = "song"
METADATA_MEMBER = "melodygen.json"
MODEL_MEMBER = "model.keras"
SUFFIX = ".melodygen"
DEFAULT_MODEL = "stateful2"  # the lecture's LSTM: it learns the whole song


@dataclass(frozen=True)
class Defaults:
    """What a generated melody is unless the caller says otherwise: the training song's."""

    title: str                       # generated melodies are called "TITLE - generated N"
    time_signature: tuple[int, int]  # (beats, beat unit)
    pickup: Fraction                 # quarter notes before the first bar line of the primer
    tempo: float                     # quarter notes per minute
    primer: tuple[Note, ...]         # the notes continued: the song's first ``window`` notes
    length: int                      # notes generated after the primer: the rest of the song

    @classmethod
    def of_song(cls, song: Melody, window: int) -> "Defaults":
        return cls(song.title, song.time_signature, song.pickup, song.tempo,
                   song.notes[:window], len(song) - window)


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


@dataclass(frozen=True, eq=False)
class Checkpoint:
    """Everything a saved model needs besides its weights, as plain data (no TensorFlow)."""

    spec: ModelSpec               # the model preset it was built from
    window: int                   # notes the model sees to predict the next one
    vocabulary: Vocabulary        # the notes it predicts, by index
    encoding: Encoding            # how an index becomes model input (row i = note i)
    defaults: Defaults            # primer, meter, tempo and length of what is generated
    reference: tuple[Melody, ...]  # the training melodies: statistics compare with them
    config: TrainConfig           # how it was trained
    training: TrainingFacts       # how training went
    versions: dict[str, str]      # python and library versions at training time

    @classmethod
    def for_song(cls, spec: ModelSpec, window: int, vocabulary: Vocabulary, encoding: Encoding,
                 song: Melody, config: TrainConfig, training: TrainingFacts,
                 versions: dict[str, str]) -> "Checkpoint":
        """The checkpoint of a model trained on one song."""
        return cls(spec, window, vocabulary, encoding, Defaults.of_song(song, window), (song,),
                   config, training, versions)

    @property
    def song(self) -> Melody:
        """The training song (a model of one song has one reference melody)."""
        return self.reference[0]

    def primer(self) -> tuple[Note, ...]:
        """The default primer: the song's first ``window`` notes."""
        return self.defaults.primer

    @property
    def key(self) -> Key | None:
        """The key of the training melodies taken together: notes are spelt in it."""
        return song_key(Melody(tuple(note for melody in self.reference for note in melody.notes)))


@dataclass(eq=False)
class TrainedModel:
    """A trained Keras model and its checkpoint data: ready to predict or to be saved."""

    model: keras.Model
    checkpoint: Checkpoint

    def __repr__(self) -> str:
        checkpoint = self.checkpoint
        return (f"{type(self).__name__}({checkpoint.spec.name} trained on "
                f"{checkpoint.song.title!r}, window {checkpoint.window}, "
                f"{len(checkpoint.vocabulary)} notes)")

    def save(self, path: str | Path) -> Path:
        return save(self, path)


def train_model(melody: Melody, model: str = DEFAULT_MODEL, config: TrainConfig | None = None,
                progress: Progress | None = None, on_stage=None) -> TrainedModel:
    """Train one of the lecture's models on ``melody`` (imports TensorFlow); ``progress`` and
    ``on_stage`` as ``experiment.run_song`` calls them (``on_stage`` with the model's name)."""
    from .experiment import run_song

    config = config or TrainConfig()
    spec = model_spec(model)
    report = (lambda _name, *values: progress(*values)) if progress else None
    run = run_song(melody, [spec.name], config, report, on_stage)
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
    checkpoint = Checkpoint.for_song(spec, config.window, run.vocabulary, encoding, melody, config,
                                     facts, versions())
    return TrainedModel(result.model, checkpoint)


# ---- saving ------------------------------------------------------------------------------

def checkpoint_json(checkpoint: Checkpoint) -> dict:
    song = checkpoint.song
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "model": {field.name: getattr(checkpoint.spec, field.name) for field in fields(ModelSpec)},
        "window": checkpoint.window,
        "vocabulary": {"name": checkpoint.vocabulary.name,
                       "tokens": [note_label(note, checkpoint.key)
                                  for note in checkpoint.vocabulary.notes],
                       "notes": notes_json(checkpoint.vocabulary.notes)},
        "encoding": {"name": checkpoint.encoding.name,
                     "table": [[float(x) for x in row] for row in checkpoint.encoding.table]},
        "song": {"title": song.title, "source": song.source,
                 "time_signature": list(song.time_signature), "tempo": song.tempo,
                 "pickup": str(song.pickup), "notes": notes_json(song.notes)},
        "config": {field.name: getattr(checkpoint.config, field.name)
                   for field in fields(TrainConfig)},
        "training": checkpoint.training.to_json(),
        "versions": checkpoint.versions,
    }


def save(model: TrainedModel, path: str | Path) -> Path:
    """Write ``model`` to ``path`` (one zip file, written atomically); returns the path."""
    from .backend import load_keras
    load_keras()
    from .models import reset_state

    reset_state(model.model)  # a stateful model is saved with a zero state
    return write_archive(path, model.model, checkpoint_json(model.checkpoint))


def write_archive(path: str | Path, model: keras.Model, metadata: dict,
                  members: dict[str, bytes] | None = None) -> Path:
    """A saved model: ``model`` as model.keras, ``metadata`` as melodygen.json and any other
    ``members``, in one zip file written atomically at ``path`` (a folder that cannot be
    written, or a path that is a folder, is a ``MelodyError``)."""
    from .backend import load_keras
    keras = load_keras()

    path = Path(path)
    if path.is_dir():
        raise MelodyError(f"is a folder; give a file name, e.g. {path / ('model' + SUFFIX)}",
                          source=str(path))
    prepare_folder(path.parent)
    with tempfile.TemporaryDirectory(prefix="melodygen-") as folder:
        keras_file = Path(folder) / MODEL_MEMBER
        keras.saving.save_model(model, keras_file)
        archive_file = Path(folder) / "checkpoint.zip"
        with zipfile.ZipFile(archive_file, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(METADATA_MEMBER,
                             json.dumps(metadata, ensure_ascii=False, indent=1) + "\n")
            archive.write(keras_file, MODEL_MEMBER)
            for name, data in (members or {}).items():
                archive.writestr(name, data)
        return write_atomic(path, archive_file.read_bytes())


# ---- loading -----------------------------------------------------------------------------

def _open_archive(path: Path) -> zipfile.ZipFile:
    if path.is_dir():
        raise MelodyError("is a folder, not a melodygen model file", source=str(path))
    try:
        return zipfile.ZipFile(path)
    except FileNotFoundError:
        raise MelodyError("no such model file (make one with: melodygen train SONG --save "
                          f"{path})", source=str(path)) from None
    except OSError as error:
        raise MelodyError(f"cannot read: {error.strerror or error}", source=str(path)) from None
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise MelodyError("not a melodygen model file, or a corrupted one (not a zip archive)",
                          source=str(path)) from None


def _read_member(archive: zipfile.ZipFile, name: str, source: str) -> bytes:
    try:
        return archive.read(name)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as error:
        raise MelodyError(f"corrupted model file: cannot read {name} ({error})",
                          source=source) from None


def _notes(rows, what: str) -> tuple[Note, ...]:
    if not isinstance(rows, list):
        raise ValueError(f"{what} must be a list")
    return tuple(Note(pitch, Fraction(duration)) for pitch, duration in rows)


def checkpoint_from_json(data: dict, source: str = "<checkpoint>") -> Checkpoint:
    """The parsed ``melodygen.json`` of a song model -> Checkpoint; a missing or bad field is a
    MelodyError."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise MelodyError(f"corrupted model file: {METADATA_MEMBER} is not a melodygen model "
                          "description", source=source)
    try:
        spec = ModelSpec(**data["model"])
        window = int(data["window"])
        vocabulary = Vocabulary(_notes(data["vocabulary"]["notes"], "vocabulary"),
                                str(data["vocabulary"]["name"]))
        table = np.array(data["encoding"]["table"], dtype=np.float32)
        encoding = Encoding(str(data["encoding"]["name"]), table)
        song = data["song"]
        beats, unit = song["time_signature"]
        melody = Melody(_notes(song["notes"], "song notes"), str(song["title"]),
                        (int(beats), int(unit)), float(song["tempo"]), source=str(song["source"]),
                        pickup=Fraction(song["pickup"]))
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
    except (TypeError, ValueError) as error:
        raise MelodyError(f"corrupted model file: bad {METADATA_MEMBER} ({error})",
                          source=source) from None
    return Checkpoint.for_song(spec, window, vocabulary, encoding, melody, config, training,
                               versions)


def read_metadata(path: str | Path) -> dict:
    """The parsed melodygen.json of a saved model of either kind (no TensorFlow): a file that is
    no melodygen model, a damaged one or one of a newer format is a ``MelodyError``."""
    path = Path(path)
    with _open_archive(path) as archive:
        names = set(archive.namelist())
        if METADATA_MEMBER not in names or MODEL_MEMBER not in names:
            if {"config.json", "model.weights.h5"} <= names:
                raise MelodyError("a plain Keras model, without the vocabulary and song that "
                                  "generating needs; make a melodygen model with: melodygen "
                                  "train SONG --save FILE", source=str(path))
            raise MelodyError(f"not a melodygen model file (it has no {METADATA_MEMBER} and "
                              f"{MODEL_MEMBER})", source=str(path))
        raw = _read_member(archive, METADATA_MEMBER, str(path))
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise MelodyError(f"corrupted model file: {METADATA_MEMBER} is not JSON ({error})",
                          source=str(path)) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise MelodyError(f"corrupted model file: {METADATA_MEMBER} is not a melodygen model "
                          "description", source=str(path))
    version = data.get("format_version")
    if not isinstance(version, int) or version > NEWEST_FORMAT_VERSION:
        raise MelodyError(f"model file format {version!r} is newer than this melodygen reads "
                          f"({NEWEST_FORMAT_VERSION}); update melodygen", source=str(path))
    return data


def model_kind(metadata: dict) -> str:
    """"song" (a model of one song: the lecture's) or "corpus" (a model of a collection)."""
    return metadata.get("kind", SONG_KIND)


def read_member(path: str | Path, name: str) -> bytes:
    """One member of a saved model's archive."""
    path = Path(path)
    with _open_archive(path) as archive:
        if name not in archive.namelist():
            raise MelodyError(f"corrupted model file: it has no {name}", source=str(path))
        return _read_member(archive, name, str(path))


def read_checkpoint(path: str | Path) -> Checkpoint:
    """The checkpoint data of a saved model of one song, without its weights and without
    TensorFlow."""
    data = read_metadata(path)
    if model_kind(data) != SONG_KIND:
        raise MelodyError(f"a model of a collection ({data.get('source', '?')}), not of one song",
                          source=str(path))
    return checkpoint_from_json(data, str(path))


def load_keras_member(path: str | Path):
    """The Keras model of a saved model (imports TensorFlow); a broken one is a ``MelodyError``."""
    from .backend import load_keras
    keras = load_keras()

    path = Path(path)
    data = read_member(path, MODEL_MEMBER)
    if not zipfile.is_zipfile(io.BytesIO(data)):  # Keras would call it "File not found"
        raise MelodyError(f"corrupted model file: {MODEL_MEMBER} is not a Keras archive",
                          source=str(path))
    with tempfile.TemporaryDirectory(prefix="melodygen-") as folder:
        keras_file = Path(folder) / MODEL_MEMBER
        keras_file.write_bytes(data)
        try:
            return keras.saving.load_model(keras_file, compile=False)
        except Exception as error:  # Keras raises many types for a broken file
            reason = str(error).replace(str(keras_file), MODEL_MEMBER).splitlines()
            reason = reason[0][:200] if reason else type(error).__name__
            raise MelodyError(f"corrupted model file: Keras cannot load {MODEL_MEMBER} ({reason})",
                              source=str(path)) from None


def load(path: str | Path) -> TrainedModel:
    """A saved model of one song, ready to generate (imports TensorFlow)."""
    checkpoint = read_checkpoint(path)
    model = load_keras_member(path)
    _check_shapes(model, checkpoint, str(path))
    return TrainedModel(model, checkpoint)


def _check_shapes(model: keras.Model, checkpoint: Checkpoint, source: str) -> None:
    """The Keras model must take the checkpoint's windows and predict its vocabulary."""
    features = checkpoint.encoding.features_per_note
    expected_input = (checkpoint.window * features,) if checkpoint.spec.layer == "dense" \
        else (checkpoint.window, features)
    found_input, found_output = tuple(model.input_shape[1:]), model.output_shape[-1]
    if found_input != expected_input or found_output != len(checkpoint.vocabulary):
        raise MelodyError(f"corrupted model file: the Keras model takes {found_input} and predicts "
                          f"{found_output} notes, {METADATA_MEMBER} describes {expected_input} and "
                          f"{len(checkpoint.vocabulary)}", source=source)

"""The one file format of a trained model, whatever its kind: ``.melodygen``, a zip archive of

- ``melodygen.json``: ``format`` ("melodygen-model"), ``format_version``, ``kind`` ("song" or
  "collection": ``interface.MelodyModel.kind``), ``family`` (its network's), and everything the
  kind keeps besides the weights (its vocabulary, how it was trained, ...);
- ``model.keras``: the Keras model, architecture and weights, in Keras's own format;
- any members of the kind's own (a collection model's training tunes: ``reference.npz``).

Reading the JSON part needs no TensorFlow (``read_metadata``: the checks a command makes before
it loads TensorFlow); ``load_network`` adds the Keras model. ``kinds.load`` reads a file of any
kind. Files of earlier versions still load: format 1 (a song model, no ``kind``) and format 2
(``kind`` "corpus", a collection model).
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import MelodyError
from ..formats.files import prepare_folder, write_atomic

if TYPE_CHECKING:
    import keras

FORMAT = "melodygen-model"
FORMAT_VERSION = 3   # 3: every file names its kind and family (1: songs only, 2: "corpus" added)
METADATA_MEMBER = "melodygen.json"
MODEL_MEMBER = "model.keras"
SUFFIX = ".melodygen"
SONG, COLLECTION = "song", "collection"
_OLD_KINDS = {None: SONG, "corpus": COLLECTION}  # what formats 1 and 2 call a kind


def write_model_file(path: str | Path, network: keras.Model, metadata: dict,
                     members: dict[str, bytes] | None = None) -> Path:
    """``network`` as model.keras, ``metadata`` (with the format fields added) as melodygen.json
    and the other ``members``, in one zip file written atomically at ``path``; a folder that
    cannot be written, or a path that is a folder, is a ``MelodyError``."""
    from .backend import load_keras
    keras = load_keras()

    path = Path(path)
    if path.is_dir():
        raise MelodyError(f"is a folder; give a file name, e.g. {path / ('model' + SUFFIX)}",
                          source=str(path))
    prepare_folder(path.parent)
    metadata = {"format": FORMAT, "format_version": FORMAT_VERSION, **metadata}
    with tempfile.TemporaryDirectory(prefix="melodygen-") as folder:
        keras_file = Path(folder) / MODEL_MEMBER
        keras.saving.save_model(network, keras_file)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(METADATA_MEMBER,
                             json.dumps(metadata, ensure_ascii=False, indent=1) + "\n")
            archive.write(keras_file, MODEL_MEMBER)
            for name, data in (members or {}).items():
                archive.writestr(name, data)
    return write_atomic(path, buffer.getvalue())


def _open(path: Path) -> zipfile.ZipFile:
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


def _read(archive: zipfile.ZipFile, name: str, source: str) -> bytes:
    try:
        return archive.read(name)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as error:
        raise MelodyError(f"corrupted model file: cannot read {name} ({error})",
                          source=source) from None


def read_metadata(path: str | Path) -> dict:
    """The parsed melodygen.json of a model file of any kind and version, its ``kind`` filled in
    (no TensorFlow). A file that is no melodygen model, a damaged one or one of a newer format is
    a ``MelodyError``."""
    path = Path(path)
    with _open(path) as archive:
        names = set(archive.namelist())
        if METADATA_MEMBER not in names or MODEL_MEMBER not in names:
            if {"config.json", "model.weights.h5"} <= names:
                raise MelodyError("a plain Keras model, without the vocabulary and song that "
                                  "generating needs; make a melodygen model with: melodygen "
                                  "train SONG --save FILE", source=str(path))
            raise MelodyError(f"not a melodygen model file (it has no {METADATA_MEMBER} and "
                              f"{MODEL_MEMBER})", source=str(path))
        raw = _read(archive, METADATA_MEMBER, str(path))
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise MelodyError(f"corrupted model file: {METADATA_MEMBER} is not JSON ({error})",
                          source=str(path)) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise MelodyError(f"corrupted model file: {METADATA_MEMBER} is not a melodygen model "
                          "description", source=str(path))
    version = data.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise MelodyError(f"model file format {version!r} is newer than this melodygen reads "
                          f"({FORMAT_VERSION}); update melodygen", source=str(path))
    kind = data.get("kind")
    kind = _OLD_KINDS.get(kind, kind) if version < 3 else kind
    if kind not in (SONG, COLLECTION):
        raise MelodyError(f"corrupted model file: {METADATA_MEMBER} names no kind of model "
                          f"(song or collection), it says {kind!r}", source=str(path))
    return {**data, "kind": kind}


def read_member(path: str | Path, name: str) -> bytes:
    """One member of a model file's archive."""
    path = Path(path)
    with _open(path) as archive:
        if name not in archive.namelist():
            raise MelodyError(f"corrupted model file: it has no {name}", source=str(path))
        return _read(archive, name, str(path))


def load_network(path: str | Path):
    """The Keras model of a model file (imports TensorFlow); a broken one is a ``MelodyError``."""
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


def check_shapes(network, inputs: tuple, outputs: dict[str, int], source: str) -> None:
    """The Keras model must take ``inputs`` (its input shape without the batch) and predict
    ``outputs`` (output name -> classes; "" for a model of one output); else the file is damaged
    (a ``MelodyError`` that says what differs)."""
    found_input = tuple(network.input_shape[1:])
    shapes = network.output_shape
    if isinstance(shapes, list):  # a model of several outputs, in the order of their names
        found = {name: shape[-1] for name, shape in zip(network.output_names, shapes)}
    else:
        found = {"": shapes[-1]}
    if found_input != tuple(inputs) or found != outputs:
        said = ", ".join(f"{name or 'notes'} {count}" for name, count in outputs.items())
        has = ", ".join(f"{name or 'notes'} {count}" for name, count in found.items())
        raise MelodyError(f"corrupted model file: the Keras model takes {found_input} and "
                          f"predicts {has}; {METADATA_MEMBER} describes {tuple(inputs)} and "
                          f"{said}", source=source)

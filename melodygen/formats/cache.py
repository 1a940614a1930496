"""The cache of readings: what a file's tunes were read as, kept so that reading it again is quick.

An entry is keyed by the file's content (SHA-256 of its bytes), the reader's version and the
reading options, so it is never stale: an edited file, a new melodygen reader or other options
give another key. Entries live in the user's cache folder (``$MELODYGEN_CACHE``, else
``$XDG_CACHE_HOME/melodygen``, else ``~/.cache/melodygen``), one ``.npz`` file each: the notes of
every tune as integer arrays and the rest (titles, provenance, dropped tunes, losses) as JSON,
with a checksum over both.

Safe by construction: an entry is written to a temporary file and renamed into place, so two
processes reading the same file at once both write whole entries and the last one stays, and
Ctrl-C leaves no half-written entry. A damaged entry (unreadable, wrong checksum, wrong shape)
is never trusted: it reads as missing, and the file is read again. A cache folder that cannot be
written only costs speed.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import zipfile
from fractions import Fraction
from pathlib import Path

from ..core.keys import Key
from ..core.note import Melody, Note

FORMAT = 3  # the layout of an entry; part of every key (2: melodies keep their key; 3: and its
            # signature)


def cache_folder() -> Path:
    """Where entries are kept (see the module)."""
    if os.environ.get("MELODYGEN_CACHE"):
        return Path(os.environ["MELODYGEN_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "melodygen"


def entry_key(data: bytes, reader: str, options: dict) -> str:
    """The key of a file's entry: its content, the reader's name and version, the options."""
    digest = hashlib.sha256()
    digest.update(hashlib.sha256(data).digest())
    digest.update(json.dumps({"format": FORMAT, "reader": reader, "options": options},
                             sort_keys=True).encode())
    return digest.hexdigest()[:40]


def encode_melodies(melodies) -> dict:
    """Melodies -> integer arrays: every note's pitch (-1 for a rest) and length as a fraction
    of two integers, the tunes' note offsets, and each melody's own fields ("heads", JSON-able:
    [title, [beats, unit], tempo, source, pickup, key], the key ``[tonic, mode, fifths]`` or
    None). Saved collection models keep this encoding too (``reference.npz``)."""
    import numpy as np

    pitches, numerators, denominators, offsets, heads = [], [], [], [0], []
    for melody in melodies:
        for note in melody.notes:
            pitches.append(-1 if note.pitch is None else note.pitch)
            numerators.append(note.duration.numerator)
            denominators.append(note.duration.denominator)
        offsets.append(len(pitches))
        heads.append([melody.title, list(melody.time_signature), melody.tempo, melody.source,
                      str(melody.pickup), None if melody.key is None else
                      [melody.key.tonic, melody.key.mode, melody.key.fifths]])
    return {"pitch": np.array(pitches, dtype=np.int16),
            "numerator": np.array(numerators, dtype=np.int64),
            "denominator": np.array(denominators, dtype=np.int64),
            "offsets": np.array(offsets, dtype=np.int64), "heads": heads}


def decode_melodies(arrays: dict, heads: list) -> list[Melody]:
    """The inverse of ``encode_melodies``. Older heads decode as they did: a key ``[tonic,
    mode]`` (before keys kept their signature) has the usual signature, and a head of five
    fields (before melodies kept a key) no key."""
    pitch = arrays["pitch"].tolist()
    numerator, denominator = arrays["numerator"].tolist(), arrays["denominator"].tolist()
    offsets = arrays["offsets"].tolist()
    made: dict[tuple[int, int, int], Note] = {}  # a corpus has few distinct notes: make each once
    notes = []
    for key in zip(pitch, numerator, denominator):
        note = made.get(key)
        if note is None:
            p, n, d = key
            note = made[key] = Note(None if p < 0 else p, Fraction(n, d))
        notes.append(note)
    melodies = []
    for (start, end), (title, signature, tempo, source, pickup, *key) in \
            zip(zip(offsets, offsets[1:]), heads):
        key = key[0] if key else None
        melodies.append(Melody(tuple(notes[start:end]), title, tuple(signature), tempo, source,
                               Fraction(pickup), None if key is None else Key(*key)))
    return melodies


def save_entry(key: str, melodies, meta: dict, folder: Path | None = None) -> bool:
    """Keep ``melodies`` and ``meta`` (JSON-able) under ``key``; False when the folder cannot be
    written (the cache is then only slower, never wrong)."""
    arrays = encode_melodies(melodies)
    heads = arrays.pop("heads")
    return save_arrays(key, arrays, {"meta": meta, "heads": heads}, folder)


def load_entry(key: str, folder: Path | None = None) -> tuple[list[Melody], dict] | None:
    """(melodies, meta) kept under ``key``, or None when there is no entry or it is damaged."""
    found = load_arrays(key, folder)
    if found is None:
        return None
    arrays, data = found
    try:
        return decode_melodies(arrays, data["heads"]), data["meta"]
    except (ValueError, KeyError, TypeError):
        return None  # a damaged entry: read the file again


def save_arrays(key: str, arrays: dict, meta: dict, folder: Path | None = None) -> bool:
    """Keep named numpy ``arrays`` and ``meta`` (JSON-able) under ``key`` (``write_arrays``);
    False when the folder cannot be written."""
    return write_arrays((folder or cache_folder()) / f"{key}.npz", arrays, meta)


def load_arrays(key: str, folder: Path | None = None) -> tuple[dict, dict] | None:
    """(arrays, meta) kept under ``key``, or None when there is none or it is damaged."""
    return read_arrays((folder or cache_folder()) / f"{key}.npz")


def arrays_bytes(arrays: dict, meta: dict) -> bytes:
    """Named numpy ``arrays`` and ``meta`` (JSON-able) as the bytes of one ``.npz`` file, with a
    checksum over both (``read_arrays`` reads them)."""
    import numpy as np

    payload = dict(arrays)
    payload["json"] = np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"),
                                    dtype=np.uint8)
    payload["checksum"] = np.frombuffer(_checksum(payload).encode(), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, **payload)
    return buffer.getvalue()


def write_arrays(path: Path, arrays: dict, meta: dict) -> bool:
    """``arrays_bytes`` into a file at ``path``, written whole or not at all; False when it
    cannot be written (a cache that cannot be kept only costs the next run its time)."""
    path = Path(path)
    folder, key = path.parent, path.name
    data = arrays_bytes(arrays, meta)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{key}.", suffix=".tmp")
    except OSError:
        return False
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
        return True
    except OSError:
        return False
    finally:
        Path(temporary).unlink(missing_ok=True)


def read_arrays(path: Path) -> tuple[dict, dict] | None:
    """(arrays, meta) of a file ``write_arrays`` wrote, or None when there is none or it is
    damaged."""
    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as stored:
            payload = {name: stored[name] for name in stored.files}
        checksum = payload.pop("checksum").tobytes().decode()
        if checksum != _checksum(payload):
            return None
        meta = json.loads(payload.pop("json").tobytes().decode("utf-8"))
        return payload, meta
    except (OSError, ValueError, KeyError, TypeError, EOFError, UnicodeDecodeError,
            zipfile.BadZipFile):
        return None  # no entry, or a damaged one


def _checksum(payload: dict) -> str:
    digest = hashlib.sha256()
    for name in sorted(payload):
        if name != "checksum":
            digest.update(name.encode())
            digest.update(payload[name].tobytes())
    return digest.hexdigest()

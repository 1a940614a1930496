"""The bundled songs (the ``songs/`` folder, installed as ``melodygen/bundled``) and song lookup."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from .errors import MelodyError
from .note import Melody
from .notation import read_song

SONG_SUFFIX = ".txt"


def songs_folder() -> Path:
    """Where the bundled song files are: inside the installed package, or ``songs/`` of a checkout."""
    try:
        installed = Path(str(importlib.resources.files("melodygen.bundled")))
        if installed.is_dir():
            return installed
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parent.parent / "songs"


def bundled_songs() -> dict[str, Path]:
    """Song name (file stem) -> path, sorted by name."""
    return {path.stem: path for path in sorted(songs_folder().glob("*" + SONG_SUFFIX))}


def load_song(name: str) -> Melody:
    """A bundled song by name, e.g. ``load_song("nabiya")``."""
    songs = bundled_songs()
    if name not in songs:
        raise MelodyError(f"unknown song {name!r}; bundled songs: {', '.join(songs) or 'none'}")
    melody = read_song(songs[name])
    return melody


def load_melody(spec: str | Path) -> Melody:
    """A bundled song name, or a path: a song file (.txt), MIDI (.mid, .midi), or a score
    (.musicxml, .xml, .mxl, .abc)."""
    path = Path(spec)
    suffix = path.suffix.lower()
    if suffix in (".mid", ".midi"):
        from .midi import read_midi
        return read_midi(path)
    from .musicxml import SCORE_SUFFIXES
    if suffix in SCORE_SUFFIXES:
        from .musicxml import read_score
        return read_score(path)
    if suffix == SONG_SUFFIX or path.exists():
        return read_song(path)
    return load_song(str(spec))


def song_name(spec: str | Path) -> str:
    """A short name for output folders: the bundled name or the file's stem."""
    return Path(spec).stem

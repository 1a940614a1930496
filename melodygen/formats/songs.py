"""The bundled songs (the ``songs/`` folder, installed as ``melodygen/bundled``) and song lookup."""

from __future__ import annotations

import difflib
from pathlib import Path

from ..core.errors import MelodyError
from ..core.note import Melody
from .musicxml import SCORE_SUFFIXES  # music21 itself loads only when a score is read
from .notation import read_song

SONG_SUFFIX = ".txt"
MIDI_SUFFIXES = (".mid", ".midi")


def songs_folder() -> Path:
    """Where the bundled song files are: inside the installed package, or ``songs/`` of a checkout."""
    package = Path(__file__).resolve().parent.parent
    installed = package / "bundled"  # pyproject.toml installs songs/ there
    return installed if installed.is_dir() else package.parent / "songs"


def bundled_songs() -> dict[str, Path]:
    """Song name (file stem) -> path, sorted by name."""
    return {path.stem: path for path in sorted(songs_folder().glob("*" + SONG_SUFFIX))}


def load_song(name: str) -> Melody:
    """A bundled song by name, e.g. ``load_song("nabiya")``."""
    songs = bundled_songs()
    if name not in songs:
        close = difflib.get_close_matches(name, list(songs), n=1, cutoff=0.6)
        guess = f" (did you mean {close[0]!r}?)" if close else ""
        raise MelodyError(f"unknown song {name!r}{guess}; bundled songs: {', '.join(songs) or 'none'}")
    melody = read_song(songs[name])
    return melody


def load_melody(spec: str | Path) -> Melody:
    """A bundled song name, or a path: a song file (.txt, or any other name), MIDI (.mid, .midi),
    or a score (.musicxml, .xml, .mxl, .abc)."""
    path = Path(spec)
    suffix = path.suffix.lower()
    if suffix in MIDI_SUFFIXES:
        from .midi import read_midi
        return read_midi(path)
    if suffix in SCORE_SUFFIXES:
        from .musicxml import read_score
        return read_score(path)
    if suffix == SONG_SUFFIX or path.exists():
        return read_song(path)
    if str(spec) in bundled_songs() or (not suffix and len(path.parts) == 1):
        return load_song(str(spec))
    raise MelodyError("no such file (songs are .txt, MIDI .mid or .midi, scores "
                      f"{', '.join(SCORE_SUFFIXES)})", source=str(spec))


def song_name(spec: str | Path) -> str:
    """A short name for output folders: the bundled name or the file's stem."""
    return Path(spec).stem

"""The bundled songs (the ``songs/`` folder, installed as ``melodygen/bundled``) and song lookup:
which reader a file goes to, by its name and, for other names, by what it holds."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from ..core.errors import MelodyError
from ..core.note import Melody
from .files import check_regular
from .musicxml import SCORE_SUFFIXES  # music21 itself loads only when a score is read
from .notation import read_song
from .timeline import AUTO, quantize_grid

SONG_SUFFIX = ".txt"
MIDI_SUFFIXES = (".mid", ".midi", ".kar", ".rmi", ".smf")
# Files melodygen does not read, by suffix and by their first bytes: what to call them.
OTHER_SUFFIXES = {
    ".wav": "a WAV audio file", ".mp3": "an MP3 audio file", ".flac": "a FLAC audio file",
    ".ogg": "an Ogg audio file", ".m4a": "an AAC audio file", ".aif": "an AIFF audio file",
    ".aiff": "an AIFF audio file", ".pdf": "a PDF document", ".png": "a PNG image",
    ".jpg": "a JPEG image", ".jpeg": "a JPEG image", ".svg": "an SVG image",
    ".mscz": "a MuseScore file (export it as MusicXML)", ".mscx": "a MuseScore file (export it as MusicXML)",
    ".sib": "a Sibelius file (export it as MusicXML)", ".musx": "a Finale file (export it as MusicXML)",
    ".mus": "a Finale file (export it as MusicXML)", ".gp": "a Guitar Pro file",
    ".gp5": "a Guitar Pro file", ".gpx": "a Guitar Pro file", ".ly": "a LilyPond file",
    ".mei": "an MEI file", ".json": "a JSON file", ".zip": "a zip archive",
    ".melodygen": "a saved melodygen model (melodygen generate reads it)",
    ".keras": "a Keras model",
}
MAGIC = ((b"RIFF", "a RIFF file (WAV audio?)"), (b"ID3", "an MP3 audio file"),
         (b"fLaC", "a FLAC audio file"), (b"OggS", "an Ogg audio file"), (b"%PDF", "a PDF document"),
         (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"PK\x03\x04", "a zip archive"))
READS = ("melodygen reads song files (.txt), MIDI (.mid, .midi, .kar) and scores "
         f"({', '.join(SCORE_SUFFIXES)})")
_TUNE_SUFFIX = re.compile(r"(?P<path>.+\.abc):(?P<tune>\d+)", re.IGNORECASE)


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


def load_melody(spec: str | Path, quantize=AUTO, tune: int | None = None) -> Melody:
    """A bundled song name, or a path: a song file (.txt), MIDI (.mid, .midi, .kar), or a score
    (.musicxml, .xml, .mxl, .abc, .krn); a file of another name is read by what it holds.

    ``quantize``: ``auto`` or a grid for MIDI and scores (``timeline.quantize_grid``).
    ``tune``: the ``X:`` number of the tune to read from an ABC file with several;
    ``tunes.abc:3`` as ``spec`` says the same."""
    quantize_grid(quantize)  # a bad grid is refused even for a song file, which has no use for it
    path = Path(spec)
    numbered = _TUNE_SUFFIX.fullmatch(str(spec))
    if numbered and not path.exists():
        if tune is not None and tune != int(numbered["tune"]):
            raise MelodyError(f"two tune numbers: {numbered['tune']} and --tune {tune}", source=str(spec))
        path, tune = Path(numbered["path"]), int(numbered["tune"])
    check_regular(path)  # before anything opens it: a named pipe would wait for a writer
    kind = _kind(path)
    if tune is not None and kind != ".abc":
        raise MelodyError("a tune number is for ABC files (.abc) with several tunes",
                          source=str(path))
    if kind == "midi":
        from .midi import read_midi
        return read_midi(path, quantize)
    if kind == ".abc":
        from .abc import read_abc
        return read_abc(path, tune)
    if kind in SCORE_SUFFIXES:
        from .musicxml import read_score
        return read_score(path, quantize, tune, kind)
    if kind == "song":
        return read_song(path)
    if kind == "bundled":
        return load_song(str(spec))
    if kind == "missing":
        raise MelodyError("no such file (songs are .txt, MIDI .mid, .midi or .kar, scores "
                          f"{', '.join(SCORE_SUFFIXES)})", source=str(spec))
    raise MelodyError(f"{kind}, not a song; {READS}", source=str(path))


def _kind(path: Path) -> str:
    """Which reader a path goes to: 'midi', a score suffix ('.abc', '.musicxml', ...), 'song',
    'bundled', 'missing', or what the file is when melodygen does not read it."""
    suffix = path.suffix.lower()
    if suffix in MIDI_SUFFIXES:
        return "midi"
    if suffix in SCORE_SUFFIXES:
        return suffix
    if suffix == SONG_SUFFIX:
        return "song"
    if not path.exists():
        if str(path) in bundled_songs() or (not suffix and len(path.parts) == 1):
            return "bundled"
        return "missing"
    if suffix in OTHER_SUFFIXES:
        return OTHER_SUFFIXES[suffix]
    return _sniff(path)


def _sniff(path: Path) -> str:
    """A file of another name, by its first bytes: MIDI, MusicXML, ABC, Humdrum, a song file, or
    the name of a type melodygen does not read."""
    try:
        with path.open("rb") as file:
            head = file.read(512)
    except OSError:
        return "song"  # read_song names the problem
    if head.startswith(b"MThd") or (head[:4], head[8:12]) == (b"RIFF", b"RMID"):
        return "midi"
    for magic, name in MAGIC:
        if head.startswith(magic):
            return name
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if text.startswith(("<?xml", "<score-partwise")):
        return ".musicxml"
    if text.startswith(("!!", "**kern")):
        return ".krn"
    if re.match(r"(%[^\n]*\n)*X:", text):
        return ".abc"
    return "song"


def song_name(spec: str | Path) -> str:
    """A short name for output folders: the bundled name or the file's stem."""
    numbered = _TUNE_SUFFIX.fullmatch(str(spec))
    if numbered and not Path(spec).exists():
        return f"{Path(numbered['path']).stem}-{numbered['tune']}"
    return Path(spec).stem

"""Collections in: every tune of a folder, a glob, an ABC tunebook or a named corpus of music21's.

``read_collection(source)`` gives a ``core.collection.Collection``. A source is

- a named corpus of music21's (offline, in its pip package): ``essen`` (all of the Essen folk
  song collection but its four ``test*.abc`` files), ``essen/kinder`` (``kinder0.abc``, the
  German children's songs of Pearce's studies), ``essen/NAME`` for each file (``essen/han1``),
  the tunebooks ``ryansMammoth``, ``oneills1850``, ``airdsAirs``, ``miscFolk``; and ``chorales``,
  the soprano (first part) of Bach's chorales BWV 253-438 but 327 (``bach/bwvNNN.mxl``; 327
  repeats 326's melody a major third higher: Pearce's 2005 Dataset 2 of 185 melodies), read as
  written: their repeat signs taken out, then read as any MusicXML file is
  (``musicxml.from_score``), so that a repeated section counts once, as in Pearce's data;
- a folder, read recursively: ``.abc`` (every tune), ``.mid``/``.midi``, ``.musicxml``/``.xml``/
  ``.mxl``, ``.krn`` and song ``.txt`` files; other files are not melodies and are skipped;
- a glob (``songs/*.txt``, ``tunes/**/*.abc``);
- one file: an ABC tunebook gives every tune, any other melody file one.

Every file is read once per content: its readings are cached (``cache.py``) by content, reader
version and options, so a second reading of all Essen takes a few seconds. Files are read in
parallel on every core, with progress reported to ``progress(done_tunes, total_tunes)``.

What is dropped is counted, never lost silently: a broken tune of a tunebook drops that tune (its
reason kept), a file that cannot be read is skipped (its reason kept), a tune with the same
notes as an earlier one (pitch and length, same key) is merged into it and counted. Notes left
out inside the tunes kept (grace notes, chord tones below the top note) are counted by reason.
A source with no melody at all is a ``MelodyError``.
"""

from __future__ import annotations

import glob
import importlib.util
import os
import re
import signal
import warnings
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Callable

from ..core.collection import Collection, Dropped, Tune
from ..core.errors import MelodyError, MelodyWarning
from ..core.note import Melody
from . import cache
from .files import check_regular

READER_VERSION = "5"  # part of every cache key: raise it when a reader reads anything differently
                      # (2: ABC tunes keep their K: key, keys their signature; 4: MIDI's top line
                      # before the legato rule, 64ths exact, notes of absurd length refused,
                      # Latin-1 tunebooks, reasons without places; 5: ABC tunes keep their R: and
                      # their structure marks)
ABC_SUFFIX = ".abc"
MELODY_SUFFIXES = (".mid", ".midi", ".musicxml", ".xml", ".mxl", ".krn", ".txt")
TUNEBOOKS = ("ryansMammoth", "oneills1850", "airdsAirs", "miscFolk")  # music21 corpus folders
ESSEN = "essenFolksong"
ESSEN_ALIASES = {"kinder": "kinder0"}
# (name, music21 corpus folder, BWV numbers): 253-438 but 327, the melody of 326 a third higher
CHORALES = ("chorales", "bach", [number for number in range(253, 439) if number != 327])

Progress = Callable[[int, int], None]  # (tunes read, tunes in all)


@dataclass
class FileReading:
    """What one file gave: its tunes in order, the tunes it dropped, the notes it left out."""

    tunes: list[Tune] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    losses: Counter = field(default_factory=Counter)


# --- sources -------------------------------------------------------------------------------------

def music21_corpus() -> Path:
    """music21's bundled corpus folder, found without importing music21."""
    spec = importlib.util.find_spec("music21")
    if spec is None or not spec.submodule_search_locations:
        raise MelodyError("music21 is not installed; its corpus holds the named collections")
    return Path(list(spec.submodule_search_locations)[0]) / "corpus"


def named_collections() -> list[str]:
    """Every name ``read_collection`` knows, e.g. ``essen``, ``essen/kinder``, ``ryansMammoth``."""
    essen = sorted(path.stem for path in (music21_corpus() / ESSEN).glob("*.abc")
                   if not path.stem.startswith("test"))
    return (["essen", "essen/kinder"] + [f"essen/{name}" for name in essen] + list(TUNEBOOKS)
            + [CHORALES[0]])


def source_files(source: str) -> tuple[Path, list[Path]]:
    """(the folder file names are given relative to, the files) of a source; see the module.
    A source that does not exist, or holds no melody file, is a ``MelodyError``."""
    root, files = _source_files(source)
    if not files:
        raise MelodyError("no melody files (.abc, .mid, .midi, .musicxml, .xml, .mxl, .krn, "
                          ".txt)", source=source)
    return root, files


def _source_files(source: str) -> tuple[Path, list[Path]]:
    if source == "essen" or source.startswith("essen/"):
        folder = music21_corpus() / ESSEN
        if source == "essen":
            return folder, sorted(p for p in folder.glob("*.abc") if not p.stem.startswith("test"))
        name = source.split("/", 1)[1]
        path = folder / f"{ESSEN_ALIASES.get(name, name)}.abc"
        if not path.is_file():
            raise MelodyError(f"no Essen file {name!r}; known: kinder, "
                              + ", ".join(sorted(p.stem for p in folder.glob("*.abc"))),
                              source=source)
        return folder, [path]
    if source in TUNEBOOKS:
        folder = music21_corpus() / source
        return folder, sorted(folder.glob("*.abc"))
    if source == CHORALES[0]:
        folder = music21_corpus() / CHORALES[1]
        return folder, [folder / f"bwv{number}.mxl" for number in CHORALES[2]
                        if (folder / f"bwv{number}.mxl").is_file()]
    path = Path(source)
    check_regular(path)  # a named pipe or a device: refused before it is opened
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file()
                       and p.suffix.lower() in (ABC_SUFFIX,) + MELODY_SUFFIXES)
        return path, files
    if path.is_file():
        return path.parent, [path]
    if any(char in source for char in "*?["):
        files = sorted(Path(p) for p in glob.glob(source, recursive=True) if Path(p).is_file())
        return Path("."), files
    raise MelodyError("no such file, folder or collection (named collections: essen, "
                      f"essen/kinder, essen/NAME, {', '.join(TUNEBOOKS)}, {CHORALES[0]})",
                      source=source)


# --- reading one file ----------------------------------------------------------------------------

def read_file(path: Path, name: str, repeats: bool = True) -> FileReading:
    """Every tune of one file, ``name`` being how the collection calls the file; without
    ``repeats``, a score's repeat signs are taken out first (its repeats are not played)."""
    if path.suffix.lower() == ABC_SUFFIX:
        return _read_tunebook(path, name)
    from .songs import load_melody

    reading = FileReading()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", MelodyWarning)
        try:
            melody = load_melody(path) if repeats else _as_written(path)
        except MelodyError as error:
            reading.dropped.append(Dropped(name, _reason(error.message), _place(error)))
            return reading
    for warning in caught:
        if issubclass(warning.category, MelodyWarning):
            reading.losses[_reason(str(warning.message).split(": ", 1)[-1])] += 1
    reading.tunes.append(Tune(_named(melody, name), name, None, melody.title,
                              "/".join(map(str, melody.time_signature))))
    return reading


def _as_written(path: Path) -> Melody:
    """A score read with its repeat bar lines taken out: each section once, as written."""
    import music21
    from music21 import bar

    from .musicxml import from_score

    try:
        score = music21.converter.parse(str(path))
    except Exception as error:  # music21 raises many types for a broken file
        raise MelodyError(f"cannot read score: {error}", source=str(path)) from None
    for measure in score.recurse().getElementsByClass("Measure"):
        for side in ("leftBarline", "rightBarline"):
            if isinstance(getattr(measure, side), bar.Repeat):
                setattr(measure, side, bar.Barline("regular"))
    return from_score(score, source=str(path))


def _read_tunebook(path: Path, name: str) -> FileReading:
    from .abc import read_tunebook

    reading = FileReading()
    try:
        book = read_tunebook(path)
    except MelodyError as error:
        reading.dropped.append(Dropped(name, _reason(error.message), _place(error)))
        return reading
    for tune_reading in book.readings:
        abc = tune_reading.tune
        number = abc.number if abc.number is not None else abc.line
        reading.tunes.append(Tune(_named(tune_reading.melody, f"{name}:{number}"), name, number,
                                  abc.title, abc.meter, abc.key, abc.origin, abc.field("R"),
                                  tune_reading.marks))
        for what in ("grace_notes", "chord_tones"):
            count = getattr(tune_reading, what)
            if count:
                reading.losses[what.replace("_", " ")] += count
    for abc, reason in book.failed:
        number = abc.number if abc.number is not None else abc.line
        detail = _PLACE.sub("", reason, count=1)  # the tune's place is its name
        reading.dropped.append(Dropped(f"{name}:{number}", _reason(reason), detail))
    return reading


def _place(error: MelodyError) -> str:
    """The error without its file: "3:13: bar lasts 3 quarter notes, 2/4 needs 2"."""
    where = [str(part) for part in (error.line, error.column) if part is not None]
    return ":".join(where + [" " + error.message]) if where else error.message


def _named(melody: Melody, source: str) -> Melody:
    """The melody with the collection's name of it as its source."""
    return Melody(melody.notes, melody.title, melody.time_signature, melody.tempo, source,
                  melody.pickup, melody.key)


def _reason(message: str) -> str:
    """A reason to group dropped tunes by: the message without its place (``file:12:``), the
    places inside it (``line 1, column 9``, as expat says them), quoted values and parentheses:
    "unknown note 'H' (line 3)" -> "unknown note"; "cannot read score: not well-formed (invalid
    token): line 1, column 9" -> "cannot read score: not well-formed"."""
    message = _PLACE.sub("", message, count=1)
    text = _QUOTED.sub("", message.split("; ")[0])
    while _PARENTHESES.search(text):  # the innermost first: "(melodygen: no letter (C4))"
        text = _PARENTHESES.sub("", text)
    text = _INSIDE.sub("", text)
    return " ".join(text.split()).rstrip(" :;,.") or message


_PLACE = re.compile(r"^\S+?:\d+(?::\d+)?: ")          # "book.abc:12: " or "book.abc:12:3: "
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")             # quoted values
_PARENTHESES = re.compile(r"\([^()]*\)")
_INSIDE = re.compile(r"[\s:,]*\b(?:line|column|col|row|byte|offset|position|char)\s+\d+",
                     re.IGNORECASE)  # a place inside a message: "line 1, column 9"


def count_tunes(path: Path) -> int:
    """Tunes in a file, without reading their notes (progress needs the total up front)."""
    if path.suffix.lower() != ABC_SUFFIX:
        return 1
    try:
        with open(path, "rb") as file:
            return max(1, sum(1 for line in file if line.lstrip().startswith(b"X:")))
    except OSError:
        return 1


# --- a collection --------------------------------------------------------------------------------

def _ignore_interrupts() -> None:
    """In a worker: Ctrl-C is the parent's to handle (it stops the pool), not a traceback each."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _cache_key(path: Path, repeats: bool = True) -> str | None:
    """The cache key of a file's readings, or None when the file cannot be read (the reader
    will say why)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    kind = path.suffix.lower()  # files of the same bytes but another kind read otherwise
    return cache.entry_key(data, f"melodygen-{READER_VERSION}{kind}",
                           {} if repeats else {"repeats": False})


def _read_one(job: tuple[str, str, str | None, bool]) -> tuple[str, FileReading]:
    """A worker's job: (path, name, cache key or None, repeats played) -> (name, reading), kept
    in the cache."""
    path, name, key, repeats = job
    reading = read_file(Path(path), name, repeats)
    if key:
        cache.save_entry(key, [tune.melody for tune in reading.tunes], _meta(reading, name))
    return name, reading


def _meta(reading: FileReading, name: str) -> dict:
    """What a cache entry keeps beside the melodies; places relative to the file, whose name
    another copy of it may not share."""
    return {"tunes": [[t.number, t.title, t.meter, t.key, t.region, t.rhythm,
                       [[mark, str(time)] for mark, time in t.marks]] for t in reading.tunes],
            "dropped": [[d.where[len(name):], d.reason, d.detail] for d in reading.dropped],
            "losses": dict(reading.losses)}


def _from_cache(found, name: str) -> FileReading:
    melodies, meta = found
    reading = FileReading(losses=Counter(meta["losses"]))
    for melody, (number, title, meter, key, region, rhythm, marks) in zip(melodies, meta["tunes"]):
        where = name if number is None else f"{name}:{number}"
        reading.tunes.append(Tune(_named(melody, where), name, number, title, meter, key, region,
                                  rhythm, tuple((mark, Fraction(time)) for mark, time in marks)))
    reading.dropped = [Dropped(name + where, reason, detail)
                       for where, reason, detail in meta["dropped"]]
    return reading


def read_collection(source: str, *, use_cache: bool = True, workers: int | None = None,
                    progress: Progress | None = None) -> Collection:
    """Every tune of ``source`` (see the module); ``workers``: processes (default: the cores)."""
    root, files = source_files(source)
    repeats = source != CHORALES[0]
    names = [_file_name(path, root) for path in files]
    sizes = {name: count_tunes(path) for path, name in zip(files, names)}
    total, done = sum(sizes.values()), 0
    readings: dict[str, FileReading] = {}
    jobs = []
    if progress:
        progress(0, total)
    for path, name in zip(files, names):  # what the cache holds is read here, at once
        key = _cache_key(path, repeats) if use_cache else None
        found = cache.load_entry(key) if key else None
        if found is None:
            jobs.append((str(path), name, key, repeats))
            continue
        readings[name] = _from_cache(found, name)
        done += sizes[name]
        if progress:
            progress(done, total)
    # the rest in parallel, the largest files first so that no core waits alone at the end
    jobs.sort(key=lambda job: -sizes[job[1]])
    workers = min(workers or os.cpu_count() or 1, len(jobs))
    if workers > 1:
        pool = ProcessPoolExecutor(workers, initializer=_ignore_interrupts)
        try:
            for name, reading in pool.map(_read_one, jobs):
                readings[name] = reading
                done += sizes[name]
                if progress:
                    progress(done, total)
        except BaseException:  # Ctrl-C: the workers finish the file at hand (whole cache
            pool.shutdown(wait=False, cancel_futures=True)  # entries only) and stop
            raise
        pool.shutdown()
    else:
        for job in jobs:
            name, reading = _read_one(job)
            readings[name] = reading
            done += sizes[name]
            if progress:
                progress(done, total)
    return assemble(source, [readings[name] for name in names])


def assemble(source: str, readings: list[FileReading]) -> Collection:
    """File readings, in order -> the collection: duplicates merged, drops and losses summed."""
    tunes, dropped, losses, seen, duplicates = [], [], Counter(), set(), 0
    for reading in readings:
        dropped += reading.dropped
        losses.update(reading.losses)
        for tune in reading.tunes:
            if not any(not note.is_rest for note in tune.melody.notes):
                dropped.append(Dropped(tune.name, "no melodic notes"))
                continue
            if tune.melody.notes in seen:
                duplicates += 1
                continue
            seen.add(tune.melody.notes)
            tunes.append(tune)
    if not tunes:
        reasons = Counter(d.reason for d in dropped).most_common(1)
        raise MelodyError("no melody in it" + (f" ({len(dropped)} dropped, most: "
                                               f"{reasons[0][0]})" if reasons else ""),
                          source=source)
    return Collection(source, tuple(tunes), tuple(dropped), duplicates, losses)


def _file_name(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)

"""Reading ABC files: every tune of a tunebook (``read_tunebook``), or the one tune a user asks
for (``read_abc``). Each tune is read by melodygen's reader, else by music21 (the fallback); a
tune that neither reads is dropped with its reason, never the book."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

from ...core.errors import MelodyError, MelodyWarning
from ...core.note import Melody
from ..files import check_regular
from .reader import read_tune
from .reading import ALL_RULES, TuneReading, UnsupportedAbc
from .reference import music21_tune
from .tunebook import TuneText, split_tunes


@dataclass(frozen=True)
class Tunebook:
    """The tunes of an ABC file read, and the ones that could not be.

    readings: each tune read, in book order (``reading.reader`` says by which reader).
    failed:   (tune, reason) for each tune dropped; the reason names file:line.
    """

    source: str
    readings: tuple[TuneReading, ...]
    failed: tuple[tuple[TuneText, str], ...] = ()

    @property
    def melodies(self) -> tuple[Melody, ...]:
        return tuple(reading.melody for reading in self.readings)

    @property
    def fallbacks(self) -> int:
        """Tunes that music21 read because ``read_tune`` does not read them."""
        return sum(1 for reading in self.readings if reading.reader == "music21")

    def __len__(self) -> int:
        return len(self.readings)


def read_tunes(tunes, *, rules=ALL_RULES, fallback: bool = True) -> tuple[list, list]:
    """Tunes -> (readings, [(tune, reason)] of the tunes dropped): each tune read by
    ``read_tune``, or by ``music21_tune`` when ``read_tune`` does not read it (``fallback``)."""
    readings, failed = [], []
    for tune in tunes:
        try:
            try:
                readings.append(read_tune(tune, rules))
            except UnsupportedAbc as unsupported:
                if not fallback:
                    raise
                try:
                    readings.append(music21_tune(tune))
                except MelodyError as error:
                    raise MelodyError(f"{error.message} (melodygen: {unsupported.message})",
                                      source=error.source, line=error.line) from None
        except MelodyError as error:
            failed.append((tune, str(error)))
    return readings, failed


def read_tunebook(path: str | Path, *, rules=ALL_RULES, fallback: bool = True) -> Tunebook:
    """An ABC file -> its tunes read (``Tunebook``); a broken tune is dropped, not the book. The
    text is decoded as ``abc_file_text`` decodes it."""
    path = Path(path)
    return tunebook_from_text(abc_file_text(path), str(path), rules=rules, fallback=fallback)


def tunebook_from_text(text: str, source: str = "<abc>", *, rules=ALL_RULES,
                       fallback: bool = True) -> Tunebook:
    """A tunebook's text -> its tunes read; ``source`` names it in messages."""
    tunes = split_tunes(text, source)
    if not tunes:
        raise MelodyError("no tunes (no X: line)", source=source)
    readings, failed = read_tunes(tunes, rules=rules, fallback=fallback)
    return Tunebook(source, tuple(readings), tuple(failed))


def read_abc(path: str | Path, tune: int | None = None) -> Melody:
    """One tune of an ABC file -> Melody: the tune whose ``X:`` number is ``tune``, by default
    the first (with a warning naming how many the file has and how to read another). Only that
    tune is read, by ``read_tune`` (``music21_tune`` for what it does not read), with its
    repeats played out as a song's are (``repeats.played_order``; a tunebook's tunes keep them
    as written); what the reading drops is said in one warning line each, with counts. A file
    without an ``X:`` line is read as one tune; text without a ``K:`` line is no ABC tune."""
    path = Path(path)
    source = str(path)
    text = abc_file_text(path)
    if not text.strip():
        raise MelodyError("cannot read score: the file is empty", source=source)
    tunes = split_tunes(text, source) or split_tunes("X:1\n" + text, source)
    chosen = _chosen(tunes, tune, path)
    if chosen.key is None:
        raise MelodyError("not an ABC tune: no K: line (an ABC tune starts with X:, and K:, the "
                          "key, ends its header)", source=source)
    try:
        reading = read_tune(chosen, played_out=True)
    except UnsupportedAbc:
        reading = music21_tune(chosen, played_out=True)
    _warn_about(reading, source)
    melody = reading.melody
    return Melody(melody.notes, melody.title, melody.time_signature, melody.tempo, source,
                  melody.pickup, melody.key)


def abc_file_text(path: str | Path) -> str:
    """An ABC file's text, as every command reads it: UTF-8 (a byte-order mark passed over),
    else Windows-1252, else Latin-1, as older tunebooks were saved (``T:Gärten`` in Latin-1 is
    Gärten); an error for a folder, a named pipe or device, and a file that cannot be read."""
    path = Path(path)
    source = str(path)
    check_regular(path)
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise MelodyError("is a folder, not an ABC file", source=source) from None
    except OSError as error:
        raise MelodyError(f"cannot read: {error.strerror or error}", source=source) from None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")  # every byte is a character


def _chosen(tunes: tuple[TuneText, ...], number: int | None, path: Path) -> TuneText:
    """The tune of ``X:number``, or the first with a warning when the file has several."""
    source = str(path)
    numbers = [t.number for t in tunes]
    if number is None:
        chosen = tunes[0]
        if len(tunes) > 1:
            title = f" {chosen.field('T')!r}" if chosen.field("T") else ""
            warnings.warn(MelodyWarning(
                f"{source}: {len(tunes)} tunes; reading the first, X:{chosen.number}{title} "
                f"(--tune N or {path.name}:N reads the tune of X:N)"), stacklevel=3)
        return chosen
    if number in numbers:
        return tunes[numbers.index(number)]
    shown = [str(n) for n in numbers if n is not None]
    listed = ", ".join(shown[:5]) + (f" ... {shown[-1]}" if len(shown) > 5 else "")
    raise MelodyError(f"no tune X:{number} in the file (its tunes: X:{listed or 'none numbered'})",
                      source=source)


def _warn_about(reading: TuneReading, source: str) -> None:
    """One warning line for each thing the reading dropped or changed, with counts."""
    notes = sum(1 for note in reading.melody.notes if not note.is_rest)
    for count, what in ((reading.grace_notes, "are grace notes (ornaments)"),
                        (reading.chord_tones, "are chord tones below the top note")):
        if count:
            warnings.warn(MelodyWarning(
                f"{source}: {count} of {notes + count} notes {what} and were dropped"
                + ("; to keep them, write them as notes of a length" if "grace" in what else "")),
                stacklevel=3)
    for count, what in ((reading.meter_changes, "time signature"), (reading.tempo_changes, "tempo")):
        if count:
            shown = "/".join(map(str, reading.melody.time_signature)) if what == "time signature" \
                else f"{reading.melody.tempo:g} bpm"
            warnings.warn(MelodyWarning(f"{source}: the {what} changes during the song; kept the "
                                        f"first, {shown}"), stacklevel=3)
    if reading.first_passed is None:
        return
    line, column, shown = reading.first_passed
    count, (wrong, checked) = reading.passed_over, reading.odd_measures
    measures = (f"; {wrong} of {checked} measure{'s' * (checked != 1)} between the first and the "
                "last do not last a measure of their time signature"
                if wrong * 3 >= checked > 0 else "")  # many tunes break only one rule
    warnings.warn(MelodyWarning(
        f"{source}: passed over {count} character{'s' * (count != 1)} or word{'s' * (count != 1)} "
        f"of no ABC meaning, the first {shown!r} at line {line}, column {column}{measures}: the "
        "tune may be broken (read as far as it is understood)"), stacklevel=3)

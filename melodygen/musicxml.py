"""Notes <-> MusicXML scores (music21); reading also takes .mxl, .xml and ABC files.

Written scores have the title, the time signature, a metronome mark, full measures (the last
one completed with a rest) and notes tied across bar lines where they must be. Reading takes
the first part's highest voice; a trailing rest, like the one that completes the last measure,
is not part of the melody.
"""

from __future__ import annotations

import re
import warnings
from fractions import Fraction
from pathlib import Path

from .errors import MelodyError
from .files import write_atomic
from .midi import GRID, MelodyWarning
from .note import Melody, Note

SCORE_SUFFIXES = (".musicxml", ".xml", ".mxl", ".abc")
PART_NAME = "Melody"


def to_score(melody: Melody):
    """Melody -> music21 Score, in measures."""
    from music21 import instrument, metadata, meter, note, stream, tempo

    part = stream.Part(id="P1")
    piano = instrument.Piano()
    piano.partId, piano.partName, piano.instrumentId = "P1", PART_NAME, "P1-I1"
    part.append(piano)
    beats, unit = melody.time_signature
    part.append(meter.TimeSignature(f"{beats}/{unit}"))
    part.append(tempo.MetronomeMark(number=melody.tempo, referent=1.0))
    for item in melody.notes:
        event = note.Rest() if item.is_rest else note.Note(midi=item.pitch)
        event.duration.quarterLength = item.duration
        part.append(event)
    missing = -melody.total_length % melody.measure_length
    if missing:
        rest = note.Rest()
        rest.duration.quarterLength = missing
        part.append(rest)
    measured = part.makeNotation()
    score = stream.Score(id="melodygen")
    score.metadata = metadata.Metadata(title=melody.title)
    score.insert(0, measured)
    return score


def musicxml_bytes(melody: Melody) -> bytes:
    """Melody -> MusicXML document; the same melody always gives the same bytes."""
    from music21.musicxml.m21ToXml import GeneralObjectExporter

    data = GeneralObjectExporter(to_score(melody)).parse()
    # No date and no made-up composer: the same melody gives the same bytes, and MuseScore
    # shows no "Music21" as the composer.
    return re.sub(rb"\s*<(encoding-date|creator type=\"composer\")>[^<]*</(encoding-date|creator)>",
                  b"", data)


def write_musicxml(melody: Melody, path: str | Path) -> Path:
    return write_atomic(path, musicxml_bytes(melody))


def read_score(path: str | Path) -> Melody:
    """A MusicXML (.musicxml, .xml, .mxl) or ABC file -> Melody."""
    import music21

    path = Path(path)
    if path.is_dir():
        raise MelodyError("is a folder, not a score", source=str(path))
    if not path.exists():
        raise MelodyError("no such file", source=str(path))
    try:
        score = music21.converter.parse(str(path), format="abc" if path.suffix == ".abc" else None)
    except Exception as error:  # music21 raises many types for a broken file
        reason = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
        raise MelodyError(f"cannot read score: {reason}", source=str(path)) from None
    return from_score(score, source=str(path))


def from_score(score, source: str = "<score>") -> Melody:
    """music21 Score (or Part) -> Melody of its first part's highest notes."""
    from music21 import chord, meter, stream, tempo

    parts = list(score.parts) if isinstance(score, stream.Score) else [score]
    if isinstance(score, stream.Score) and not parts:
        parts = [score]
    if len(parts) > 1:
        warnings.warn(MelodyWarning(f"{source}: {len(parts)} parts; reading the first one"),
                      stacklevel=2)
    part = parts[0].stripTies()
    notes: list[Note] = []
    chords = 0
    off_grid = 0
    for event in part.flatten().notesAndRests:
        if event.duration.isGrace or event.quarterLength == 0:
            continue
        length = Fraction(event.quarterLength).limit_denominator(96)
        quantized = round(length / GRID) * GRID
        if quantized != length:
            off_grid += 1
        if quantized == 0:
            continue
        if event.isRest:
            notes.append(Note(None, quantized))
            continue
        if isinstance(event, chord.Chord):
            chords += 1
            pitch = max(p.midi for p in event.pitches)
        else:
            pitch = event.pitch.midi
        notes.append(Note(pitch, quantized))
    if chords:
        warnings.warn(MelodyWarning(f"{source}: {chords} chords; kept their highest notes"), stacklevel=2)
    if off_grid:
        warnings.warn(MelodyWarning(f"{source}: {off_grid} lengths moved to the 32nd-note grid"),
                      stacklevel=2)
    while notes and notes[-1].is_rest:
        notes.pop()
    if not notes:
        raise MelodyError("no notes in the score", source=source)
    signatures = list(score.recurse().getElementsByClass(meter.TimeSignature))
    marks = list(score.recurse().getElementsByClass(tempo.MetronomeMark))
    title = score.metadata.bestTitle if getattr(score, "metadata", None) else None
    try:
        return Melody(tuple(notes), title=title or Path(source).stem,
                      time_signature=(signatures[0].numerator, signatures[0].denominator)
                      if signatures else (4, 4),
                      tempo=float(marks[0].getQuarterBPM()) if marks and marks[0].number else 120.0,
                      source=source)
    except ValueError as error:
        raise MelodyError(str(error), source=source) from None

"""Notes <-> MusicXML scores (music21); reading also takes .mxl, .xml and ABC files.

Written scores have the title, the time signature, a metronome mark, full measures (the last
one completed with a rest), notes tied across bar lines where they must be, and a pickup
measure (numbered 0) when the melody has an upbeat. Reading takes the first part that has
notes, with its repeats played out, and makes one melody line of it like the MIDI reader
(``timeline.melody_line``: the highest voice where notes overlap, chords to their highest
note, times on the 32nd-note grid, gaps as rests, no rest at the end); the first time
signature and tempo, the title and the pickup are kept.
"""

from __future__ import annotations

import re
import warnings
from fractions import Fraction
from pathlib import Path

from .errors import MelodyError, MelodyWarning
from .files import write_atomic
from .note import Melody
from .timeline import Timed, first_value, melody_line, snap, usable_tempo

SCORE_SUFFIXES = (".musicxml", ".xml", ".mxl", ".abc")
PART_NAME = "Melody"
DEFAULT_TEMPO = 120.0  # quarter notes per minute when a score has no metronome mark


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
    padding = (melody.measure_length - melody.pickup) if melody.pickup else 0
    if padding:  # a placeholder rest puts the pickup at the end of the first measure
        part.append(note.Rest(quarterLength=padding))
    for item in melody.notes:
        event = note.Rest() if item.is_rest else note.Note(midi=item.pitch)
        event.duration.quarterLength = item.duration
        part.append(event)
    missing = -(melody.total_length - melody.pickup) % melody.measure_length
    if missing:
        rest = note.Rest()
        rest.duration.quarterLength = missing
        part.append(rest)
    measured = part.makeNotation()
    if padding:
        _make_pickup_measure(measured, padding)
    score = stream.Score(id="melodygen")
    score.metadata = metadata.Metadata(title=melody.title)
    score.insert(0, measured)
    return score


def _make_pickup_measure(part, padding) -> None:
    """Drop the placeholder rest of the first measure: it becomes a pickup, measure 0, whose
    missing beginning is ``paddingLeft``; every later measure moves ``padding`` earlier."""
    from music21 import stream

    measures = list(part.getElementsByClass(stream.Measure))
    first = measures[0]
    for event in list(first.notesAndRests):
        if event.offset < padding:
            first.remove(event)
        else:
            first.setElementOffset(event, event.offset - padding)
    first.paddingLeft = padding
    for number, measure in enumerate(measures):
        measure.number = number
        if number:
            part.setElementOffset(measure, measure.offset - padding)


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
    if path.stat().st_size == 0:
        raise MelodyError("cannot read score: the file is empty", source=str(path))
    try:
        score = music21.converter.parse(str(path), format="abc" if path.suffix.lower() == ".abc" else None,
                                        forceSource=True)
    except Exception as error:  # music21 raises many types for a broken file
        reason = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
        raise MelodyError(f"cannot read score: {reason}", source=str(path)) from None
    return from_score(score, source=str(path))


def from_score(score, source: str = "<score>") -> Melody:
    """music21 Score, Part or Opus -> Melody of the first part with notes (see the module)."""
    from music21 import stream

    if isinstance(score, stream.Opus):
        scores = list(score.scores)
        if not scores:
            raise MelodyError("no tunes in the file", source=source)
        if len(scores) > 1:
            warnings.warn(MelodyWarning(f"{source}: {len(scores)} tunes; reading the first"), stacklevel=2)
        score = scores[0]
    parts = list(score.parts) if isinstance(score, stream.Score) and score.parts else [score]
    with_notes = [part for part in parts if _pitched(part.recurse().notes)]
    if not with_notes:
        raise MelodyError("no melodic notes in the score (empty, rests or percussion only)", source=source)
    if len(parts) > 1:
        which = "the first one" if with_notes[0] is parts[0] else \
            f"part {parts.index(with_notes[0]) + 1}, the first with notes"
        warnings.warn(MelodyWarning(f"{source}: {len(parts)} parts; reading {which}"), stacklevel=2)
    part = _played(with_notes[0], source)
    notes = melody_line(_timed(part), source)
    signature = _first(part, score, "TimeSignature", lambda ts: (ts.numerator, ts.denominator),
                       source, "time signature")
    tempo = _first(part, score, "MetronomeMark", _quarter_bpm, source, "tempo")
    title = score.metadata.bestTitle if getattr(score, "metadata", None) else None
    try:
        melody = Melody(tuple(notes), title=title or Path(source).stem,
                        time_signature=signature or (4, 4),
                        tempo=usable_tempo(tempo, source) if tempo else DEFAULT_TEMPO, source=source)
        pickup = _pickup(part)
        if 0 < pickup < melody.measure_length:
            melody = Melody(melody.notes, melody.title, melody.time_signature, melody.tempo,
                            source, pickup)
        return melody
    except ValueError as error:
        raise MelodyError(str(error), source=source) from None


def _pitched(events):
    """The events that have pitches: notes and chords, not unpitched percussion or grace notes."""
    return [event for event in events
            if getattr(event, "pitches", ()) and not event.duration.isGrace and event.quarterLength > 0]


def _played(part, source: str):
    """The part with ties joined and repeats played out (as written when they cannot be)."""
    from music21 import repeat

    if part.recurse().getElementsByClass(repeat.RepeatMark):  # repeat bar lines, D.C., D.S., ...
        try:
            part = part.expandRepeats()
        except Exception:  # music21 raises several types for repeats it cannot follow
            warnings.warn(MelodyWarning(f"{source}: repeats could not be played out; read as written"),
                          stacklevel=3)
    return part.stripTies()


def _timed(part) -> list[Timed]:
    """Every pitch of every note and chord of ``part``, timed from its start in quarter notes."""
    timed = []
    for event in _pitched(part.flatten().notes):
        start = Fraction(event.offset)
        end = start + Fraction(event.quarterLength)
        timed.extend(Timed(start, end, pitch.midi) for pitch in event.pitches)
    return timed


def _first(part, score, kind: str, value, source: str, what: str):
    """The value of the first element of ``kind`` (in the part, else anywhere in the score);
    a warning when later ones differ."""
    found = list(part.recurse().getElementsByClass(kind)) or list(score.recurse().getElementsByClass(kind))
    return first_value([v for v in map(value, found) if v is not None], source, what)


def _quarter_bpm(mark) -> float | None:
    if mark.number is None:
        return None
    return round(float(mark.getQuarterBPM()), 2)


def _pickup(part) -> Fraction:
    """Length of the upbeat in quarter notes: a first measure shorter than its time signature."""
    from music21 import stream

    measures = part.getElementsByClass(stream.Measure)
    if not measures:
        return Fraction(0)
    first = measures[0]
    if first.paddingLeft:
        return snap(Fraction(first.barDuration.quarterLength) - Fraction(first.paddingLeft))
    return Fraction(0)

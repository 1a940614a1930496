"""Notes <-> MusicXML scores. melodygen writes MusicXML itself; music21 reads it (and .mxl,
.xml and ABC files).

Written scores (``musicxml_bytes``) have the title, the time signature, a metronome mark, a key
signature that fits the notes, full measures (the last one completed with a rest), notes tied
across bar lines and into written values where they must be, beams by beat group, accidentals
where the key and the measure do not give the pitch, and a pickup measure (numbered 0) when the
melody has an upbeat. Chosen notes can be marked (``marks``: a model's wrong notes): drawn in
``MARK_COLOR`` and numbered, so that a reader who does not see the colour sees the number;
MuseScore, verovio and music21 read both. Writing needs no music21: a run that writes scores loads no more than
it must (music21 takes about 24 MiB and 0.4 s to import).

Reading takes the first part that has notes, with its repeats played out, and makes one melody
line of it like the MIDI reader (``timeline.melody_line``: the highest voice where notes
overlap, chords to their highest note, times on the 32nd-note grid, gaps as rests, no rest at
the end); the first time signature and tempo, the title and the pickup are kept.
"""

from __future__ import annotations

import bisect
import itertools
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import Iterable, Mapping

from ..core.errors import MelodyError, MelodyWarning
from ..core.keys import Key, key_alters, song_key, spell  # spelling in the key: see core.keys
from ..core.note import Melody, Note
from .files import write_atomic
from .timeline import Timed, first_value, melody_line, snap, usable_tempo

SCORE_SUFFIXES = (".musicxml", ".xml", ".mxl", ".abc")
PART_NAME = "Melody"
DEFAULT_TEMPO = 120.0  # quarter notes per minute when a score has no metronome mark
BASS_CLEF_BELOW = 55   # MIDI pitch (G3): a melody whose notes average lower is written in bass clef
MARK_COLOR = "#E00000"  # colour of a marked note: each tied part, its stem, flag and accidental


# --- writing -------------------------------------------------------------------------------------

# Written note values in quarter notes, MusicXML <type> names, longest first.
NOTE_VALUES = ((Fraction(4), "whole"), (Fraction(2), "half"), (Fraction(1), "quarter"),
               (Fraction(1, 2), "eighth"), (Fraction(1, 4), "16th"), (Fraction(1, 8), "32nd"),
               (Fraction(1, 16), "64th"), (Fraction(1, 32), "128th"))
SHORTEST = NOTE_VALUES[-1][0]
MAX_DOTS = 2
# (length, type, dots) of every value a single note can have, longest first; all multiples of
# the shortest, so any multiple of it is a sum of these (a dotted 128th is not one)
_WRITTEN = sorted(((value * (2 - Fraction(1, 2 ** dots)), name, dots)
                   for value, name in NOTE_VALUES for dots in range(MAX_DOTS + 1)
                   if (value * (2 - Fraction(1, 2 ** dots)) / SHORTEST).denominator == 1), reverse=True)
_BEAMS = {"eighth": 1, "16th": 2, "32nd": 3, "64th": 4, "128th": 5}  # beams a note value takes
_ACCIDENTALS = {-2: "flat-flat", -1: "flat", 0: "natural", 1: "sharp", 2: "double-sharp"}
_PROLOG = (b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE score-partwise PUBLIC '
           b'"-//Recordare//DTD MusicXML 4.0 Partwise//EN" "http://www.musicxml.org/dtds/partwise.dtd">\n')


@dataclass(frozen=True)
class _Written:
    """One note or rest as written in a measure: a melody note may take several, tied."""

    pitch: int | None
    start: Fraction           # quarter notes from the bar line (a pickup starts late in its bar)
    length: Fraction
    value: str | None         # MusicXML <type>; None for a rest that fills the measure
    dots: int = 0
    tie_stop: bool = False    # continues the note before
    tie_start: bool = False   # continues in the note after
    position: int = 0         # 1-based place in the melody of the note or rest it is part of
                              # (0: the rest that completes the last measure)
    first: bool = True        # the first written part of that note or rest


def note_values(length: Fraction) -> list[tuple[Fraction, str, int]]:
    """Quarter notes -> the written values, tied, that make up that length, longest first:
    3/2 -> a dotted quarter, 5/8 -> an eighth and a 32nd."""
    if length <= 0 or (length / SHORTEST).denominator != 1:
        raise ValueError(f"a length of {length} quarter notes is not a sum of note values "
                         f"(multiples of a 128th note, {SHORTEST} quarter)")
    values = []
    while length:
        value = next(value for value in _WRITTEN if value[0] <= length)
        values.append(value)
        length -= value[0]
    return values


def measures(melody: Melody) -> list[list[_Written]]:
    """The melody cut into measures: a pickup measure first when it has one, then full measures,
    the last one completed with a rest; notes longer than what is left of a measure tied over."""
    size = melody.measure_length
    events = list(melody.notes)
    missing = -(melody.total_length - melody.pickup) % size
    if missing or not events:
        events.append(Note(None, missing or size))
    bars: list[list[_Written]] = [[]]
    position = size - melody.pickup if melody.pickup else Fraction(0)
    for place, event in enumerate(events, start=1):
        place = place if place <= len(melody.notes) else 0  # the filler rest has no place
        left, tied_before, first = event.duration, False, True
        while left:
            take = min(left, size - position)
            if event.is_rest and take == size:
                bars[-1].append(_Written(None, position, take, None, position=place, first=first))
                first = False
            else:
                start, values = position, note_values(take)
                for index, (length, value, dots) in enumerate(values):
                    tied_after = not event.is_rest and (index < len(values) - 1 or take < left)
                    bars[-1].append(_Written(event.pitch, start, length, value, dots, tied_before,
                                             tied_after, place, first))
                    start += length
                    tied_before = not event.is_rest
                    first = False
            position += take
            left -= take
            if position == size:
                bars.append([])
                position = Fraction(0)
    return [_no_lone_whole_rest(bar, size) for bar in bars if bar]


def _no_lone_whole_rest(bar: list[_Written], size: Fraction) -> list[_Written]:
    """A measure that holds only a whole rest and is not four quarter notes long (a pickup, a bar
    of 5/4) gets two half rests instead: readers take a lone whole rest for a rest of the whole
    bar (music21 and MuseScore do)."""
    if len(bar) != 1 or bar[0].pitch is not None or (bar[0].value, bar[0].dots) != ("whole", 0) \
            or (bar[0].start == 0 and size == bar[0].length):
        return bar
    rest = bar[0]
    half = rest.length / 2
    return [replace(rest, length=half, value="half"),
            replace(rest, start=rest.start + half, length=half, value="half", first=False)]


def beat_groups(time_signature: tuple[int, int]) -> list[Fraction]:
    """Where the beam groups of a measure end, in quarter notes: each beat in 2/4, 3/4, 4/4 and
    2/2; dotted quarters in 6/8, 9/8 and 12/8; 3/8 whole; 5/8 as 2+3, 7/8 as 2+2+3 eighths."""
    beats, unit = time_signature
    if unit < 8:
        sizes = [1] * beats
    elif beats % 3 == 0:
        sizes = [3] * (beats // 3)
    elif beats % 2 == 0:
        sizes = [2] * (beats // 2)
    else:
        sizes = ([2] * ((beats - 3) // 2) + [3]) if beats > 1 else [1]
    return list(itertools.accumulate(Fraction(4 * size, unit) for size in sizes))


def beams(bar: list[_Written], group_ends: list[Fraction]) -> list[list[tuple[int, str]]]:
    """For each note of a measure, its <beam> elements as (level, kind): notes shorter than a
    quarter are beamed within their beat group; a rest or a longer note ends the beam."""
    def group(item: _Written):
        first = bisect.bisect_right(group_ends, item.start)
        last = bisect.bisect_left(group_ends, item.start + item.length)
        return first if first == last else None  # a note across a group boundary stands alone

    runs, run = [], []
    for index, item in enumerate(bar):
        beamable = item.pitch is not None and item.value in _BEAMS and group(item) is not None
        if run and (not beamable or group(item) != group(bar[run[-1]])):
            runs.append(run)
            run = []
        if beamable:
            run.append(index)
    runs.append(run)
    result: list[list[tuple[int, str]]] = [[] for _ in bar]
    for run in (run for run in runs if len(run) > 1):
        levels = [_BEAMS[bar[index].value] for index in run]
        for place, index in enumerate(run):
            for level in range(1, levels[place] + 1):
                before = place > 0 and levels[place - 1] >= level
                after = place < len(run) - 1 and levels[place + 1] >= level
                kind = ("continue" if before and after else "end" if before else "begin" if after
                        else "forward hook" if place == 0 else "backward hook")
                result[index].append((level, kind))
    return result


def _text(parent: ET.Element, tag: str, text, **attributes) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    element.text = str(text)
    return element


def musicxml_bytes(melody: Melody, marks: Mapping[int, str] | Iterable[int] = (),
                   key: Key | None = None) -> bytes:
    """Melody -> MusicXML 4.0 document (partwise, one part); the same melody always gives the
    same bytes. Measures as ``measures`` cuts them, the signature of ``stats.song_key``,
    accidentals where the key and the measure so far do not give the pitch, beams by beat group,
    a treble clef (bass for a low melody), the title, the time signature and a metronome mark.
    ``key``: the key to write and spell in (a model's prediction in its song's key), by default
    the melody's own.

    ``marks``: {1-based position of a note or rest in the melody: label}, or positions (each
    labelled with its number). A marked note is coloured ``MARK_COLOR`` (every written part of
    it: ``<note color>``) and its label is written under it as lyrics, a line each (a label is
    one word a line: readers keep the last word of a lyric); a marked rest, which has no lyric
    in most readers, gets its label as a direction above it."""
    marks = dict(marks) if isinstance(marks, Mapping) else {place: str(place) for place in marks}
    bars = measures(melody)
    pitches = [note.pitch for note in melody.notes if not note.is_rest]
    found = key or song_key(melody)  # the key whose scale holds most of the song: fewest accidentals
    fifths = found.fifths if found else 0
    key = key_alters(fifths)
    group_ends = beat_groups(melody.time_signature)
    # every length is a multiple of a power-of-two fraction of a quarter: the largest
    # denominator is the smallest number of divisions that makes every duration whole
    divisions = max(item.length.denominator for bar in bars for item in bar)

    root = ET.Element("score-partwise", version="4.0")
    _text(ET.SubElement(root, "work"), "work-title", melody.title)
    _text(root, "movement-title", melody.title)
    _text(ET.SubElement(ET.SubElement(root, "identification"), "encoding"), "software", "melodygen")
    score_part = ET.SubElement(ET.SubElement(root, "part-list"), "score-part", id="P1")
    _text(score_part, "part-name", PART_NAME)
    _text(ET.SubElement(score_part, "score-instrument", id="P1-I1"), "instrument-name", "Piano")
    midi = ET.SubElement(score_part, "midi-instrument", id="P1-I1")
    _text(midi, "midi-channel", 1)
    _text(midi, "midi-program", 1)
    part = ET.SubElement(root, "part", id="P1")
    for number, bar in enumerate(bars, start=0 if melody.pickup else 1):
        measure = ET.SubElement(part, "measure", number=str(number))
        if number == 0:
            measure.set("implicit", "yes")  # a pickup: not counted as a measure
        if len(part) == 1:
            _first_measure(measure, melody, divisions, fifths, pitches)
        shown: dict[tuple[str, int], int] = {}  # (step, octave) -> alteration shown in this measure
        for item, item_beams in zip(bar, beams(bar, group_ends)):
            label = marks.get(item.position)
            if label is not None and item.pitch is None and item.first:
                _write_rest_label(measure, label)
            note = _write_note(measure, item, item_beams, divisions, fifths, key, shown)
            if label is not None:
                note.set("color", MARK_COLOR)
                if item.pitch is not None and item.first:
                    _write_lyric(note, label)
    _text(ET.SubElement(part[-1], "barline", location="right"), "bar-style", "light-heavy")
    ET.indent(root, "  ")
    return _PROLOG + ET.tostring(root, encoding="unicode").encode("utf-8") + b"\n"


def _write_note(measure: ET.Element, item: _Written, item_beams, divisions: int, fifths: int,
                key: dict[str, int], shown: dict[tuple[str, int], int]) -> ET.Element:
    """One <note> (or rest); ``shown`` holds the accidentals of the measure so far, and gets this
    note's when it shows one (a note tied from the one before shows none)."""
    note = ET.SubElement(measure, "note")
    accidental = None
    if item.pitch is None:
        ET.SubElement(note, "rest", {"measure": "yes"} if item.value is None else {})
    else:
        step, alter, octave = spell(item.pitch, fifths)
        pitch = ET.SubElement(note, "pitch")
        _text(pitch, "step", step)
        if alter:
            _text(pitch, "alter", alter)
        _text(pitch, "octave", octave)
        if not item.tie_stop and shown.get((step, octave), key.get(step, 0)) != alter:
            accidental = _ACCIDENTALS[alter]
            shown[(step, octave)] = alter
    # children in the order the MusicXML schema sets
    _text(note, "duration", int(item.length * divisions))
    ties = [kind for kind, tied in (("stop", item.tie_stop), ("start", item.tie_start)) if tied]
    for kind in ties:
        ET.SubElement(note, "tie", type=kind)
    _text(note, "voice", 1)
    if item.value is not None:
        _text(note, "type", item.value)
    for _ in range(item.dots):
        ET.SubElement(note, "dot")
    if accidental:
        _text(note, "accidental", accidental)
    for level, kind in item_beams:
        _text(note, "beam", kind, number=str(level))
    if ties:
        notations = ET.SubElement(note, "notations")
        for kind in ties:
            ET.SubElement(notations, "tied", type=kind)
    return note


def _write_lyric(note: ET.Element, label: str) -> None:
    """A mark's label under its note: a lyric per line of it (after the notations, as the
    schema orders)."""
    for number, line in enumerate(label.splitlines(), start=1):
        lyric = ET.SubElement(note, "lyric", number=str(number), placement="below", color=MARK_COLOR)
        _text(lyric, "syllabic", "single")
        _text(lyric, "text", line)


def _write_rest_label(measure: ET.Element, label: str) -> None:
    """A mark's label above the rest that comes next in ``measure``: a direction of words."""
    direction = ET.SubElement(measure, "direction", placement="above")
    _text(ET.SubElement(direction, "direction-type"), "words", " ".join(label.splitlines()),
          color=MARK_COLOR)


def _first_measure(measure: ET.Element, melody: Melody, divisions: int, fifths: int, pitches) -> None:
    """Divisions, key, time signature and clef, then the metronome mark."""
    attributes = ET.SubElement(measure, "attributes")
    _text(attributes, "divisions", divisions)
    _text(ET.SubElement(attributes, "key"), "fifths", fifths)
    time = ET.SubElement(attributes, "time")
    _text(time, "beats", melody.time_signature[0])
    _text(time, "beat-type", melody.time_signature[1])
    clef = ET.SubElement(attributes, "clef")
    low = bool(pitches) and sum(pitches) / len(pitches) < BASS_CLEF_BELOW
    _text(clef, "sign", "F" if low else "G")
    _text(clef, "line", 4 if low else 2)
    direction = ET.SubElement(measure, "direction", placement="above")
    metronome = ET.SubElement(ET.SubElement(direction, "direction-type"), "metronome")
    _text(metronome, "beat-unit", "quarter")
    _text(metronome, "per-minute", f"{melody.tempo:g}")
    ET.SubElement(direction, "sound", tempo=f"{melody.tempo:g}")


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
    # A written natural sign and no sign are the same pitch; music21 holds them apart and would
    # not join a natural tied into the next measure, where the sign is not written again.
    for event in part.recurse().notes:
        for pitch in event.pitches:
            if pitch.accidental is not None and pitch.accidental.alter == 0:
                pitch.accidental = None
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

"""Notes <-> MusicXML scores. melodygen writes MusicXML itself; music21 reads it (and .mxl,
.xml, ABC and Humdrum files).

Written scores (``musicxml_bytes``) have the title, the time signature, a metronome mark, the
melody's key signature (else one that fits the notes), full measures (the last one completed
with a rest), notes tied across bar lines and into written values where they must be, tuplets
(``<time-modification>`` and a ``<tuplet>`` bracket per beat group: a triplet eighth is an
eighth, 3 in the time of 2), beams by beat group, accidentals where the key and the measure do
not give the pitch, and a pickup measure (numbered 0) when the melody has an upbeat. Chosen
notes can be marked (``marks``: a model's wrong notes): drawn in ``MARK_COLOR`` and numbered, so
that a reader who does not see the colour sees the number; MuseScore, verovio and music21 read
both. Writing needs no music21: a run that writes scores loads no more than it must (music21
takes about 24 MiB and 0.4 s to import).

Reading takes the first part that has notes, with its repeats played out (``repeats``: the one
rule of every score format) and ties joined, and
makes one melody line of it like the MIDI reader (``timeline.melody_line``: times exactly as
written, tuplets included, the highest voice where notes overlap, chords to their highest note,
gaps as rests, no rest at the end); grace notes are dropped and counted. The first time
signature, tempo and key, the title and the pickup are kept. Of an ABC file with several tunes
only the one asked for is read, by melodygen's ABC reader (``abc.read_abc``).
"""

from __future__ import annotations

import math
import warnings
import xml.etree.ElementTree as ET
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Iterable, Mapping

from ..core.errors import MelodyError, MelodyWarning, library_reason
from ..core.form import Form, Part, cut
from ..core.keys import MODE_NAMES, Key, key_alters, melody_key, spell  # spelling: see core.keys
from ..core.note import DEFAULT_TEMPO, Melody, beat
from .files import check_regular, write_atomic
from .repeats import played_part
# the writing of notes in measures is written.py's; note_values stays importable from here
from .written import _Written, beams, beat_groups, measures, note_values, without_filler  # noqa: F401
from .timeline import (
    AUTO,
    LOSS_HINT,
    Timed,
    first_value,
    melody_line,
    of,
    read_melody,
    usable_signature,
    usable_tempo,
)

SCORE_SUFFIXES = (".musicxml", ".xml", ".mxl", ".abc", ".krn")
_FORMATS = {".musicxml": "musicxml", ".xml": "musicxml", ".krn": "humdrum"}  # music21's names
PART_NAME = "Melody"
BASS_CLEF_BELOW = 55   # MIDI pitch (G3): a melody whose notes average lower is written in bass clef
MARK_COLOR = "#E00000"  # colour of a marked note: each tied part, its stem, flag and accidental


# --- writing -------------------------------------------------------------------------------------

_ACCIDENTALS = {-2: "flat-flat", -1: "flat", 0: "natural", 1: "sharp", 2: "double-sharp"}
_PROLOG = (b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE score-partwise PUBLIC '
           b'"-//Recordare//DTD MusicXML 4.0 Partwise//EN" "http://www.musicxml.org/dtds/partwise.dtd">\n')


def _text(parent: ET.Element, tag: str, text, **attributes) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    element.text = str(text)
    return element


def musicxml_bytes(melody: Melody, marks: Mapping[int, str] | Iterable[int] = (),
                   key: Key | None = None, form: Form | None = None,
                   bars_a_system: int | None = None) -> bytes:
    """Melody -> MusicXML 4.0 document (partwise, one part); the same melody always gives the
    same bytes. Measures as ``measures`` cuts them, the signature of ``keys.melody_key``,
    accidentals where the key and the measure so far do not give the pitch, beams by beat group,
    a treble clef (bass for a low melody), the title, the time signature and a metronome mark
    (in dotted quarters in 6/8, 9/8 and 12/8).
    ``key``: the key to write and spell in (a model's prediction in its song's key), by default
    the melody's own.

    ``marks``: {1-based position of a note or rest in the melody: label}, or positions (each
    labelled with its number). A marked note is coloured ``MARK_COLOR`` (every written part of
    it: ``<note color>``) and its label is written under it as lyrics, a line each (a label is
    one word a line: readers keep the last word of a lyric); a marked rest, which has no lyric
    in most readers, gets its label as a direction above it.

    ``form`` (``core.form.Form``): the melody is written in its parts, each part's bars as
    ``measures`` cuts it (a part's pickup is a measure of its own, the bar before it short by
    it), a rehearsal mark with its letter over each part, a part after the first on a new system
    (and with ``bars_a_system``, a new system after so many bars of a part), a repeated part
    between repeat bar lines, a double bar line after the others."""
    marks = dict(marks) if isinstance(marks, Mapping) else {place: str(place) for place in marks}
    bars, parts = _part_measures(melody, form) if form is not None else (measures(melody), [])
    pitches = [note.pitch for note in melody.notes if not note.is_rest]
    # the key asked for, else the file's, else the key whose scale holds most of the song (so
    # fewest accidentals); its mode is written when it is the melody's own key
    found = key or melody_key(melody)
    fifths = found.fifths if found else 0
    mode = melody.key.mode if melody.key is not None and found == melody.key else None
    key = key_alters(fifths)
    group_ends = beat_groups(melody.time_signature)
    # the smallest number of divisions of a quarter note that makes every duration whole
    divisions = math.lcm(*(item.length.denominator for bar in bars for item in bar))

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
    number = 0 if melody.pickup else 1
    for index, bar in enumerate(bars):
        pickup = bool(bar) and bar[0].start > 0  # starts after the bar line: not counted
        measure = ET.SubElement(part, "measure", number=str(number) if not pickup or not index
                                else f"{number - 1}a")
        if pickup:
            measure.set("implicit", "yes")  # a pickup: not counted as a measure
        number += 0 if pickup and index else 1
        starts = parts[index][0] if parts else None
        if parts and index and (starts is not None or _system_starts(parts, bars, index,
                                                                     bars_a_system)):
            ET.SubElement(measure, "print", {"new-system": "yes"})  # a system a part
        if len(part) == 1:
            _first_measure(measure, melody, divisions, fifths, mode, pitches)
        if starts is not None:
            _part_start(measure, starts)
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
        ends = parts[index][1] if parts else None
        if ends is not None:
            _part_end(measure, ends, index == len(bars) - 1)
    if not parts:
        _text(ET.SubElement(part[-1], "barline", location="right"), "bar-style", "light-heavy")
    ET.indent(root, "  ")
    return _PROLOG + ET.tostring(root, encoding="unicode").encode("utf-8") + b"\n"


def _part_measures(melody: Melody, form: Form) -> tuple[list[list[_Written]], list[tuple]]:
    """The measures of a melody written in parts (``musicxml_bytes``), and per measure (the
    part it starts or None, the part it ends or None); a note across a part's end is cut there."""
    bars, parts, before = [], [], 0
    for part in form.parts:
        notes = cut(melody.notes, part.start, part.end)
        segment = Melody(tuple(notes), melody.title, melody.time_signature, melody.tempo,
                         pickup=melody.pickup)
        found = [[replace(item, position=item.position + before if item.position else 0)
                  for item in without_filler(bar)] for bar in measures(segment)]
        found = [bar for bar in found if bar]
        bars += found
        parts += [(part if number == 0 else None, part if number == len(found) - 1 else None)
                  for number in range(len(found))]
        before += len(notes)
    return bars, parts


def _system_starts(parts: list[tuple], bars: list, index: int, every: int | None) -> bool:
    """Whether measure ``index`` starts a system of ``every`` bars within its part: the full
    measures since the part's first downbeat are a multiple of ``every``."""
    if not every:
        return False
    first = max(i for i in range(index + 1) if parts[i][0] is not None)
    full = sum(1 for bar in bars[first:index] if bar and bar[0].start == 0)
    return bool(bars[index]) and bars[index][0].start == 0 and full > 0 and full % every == 0


def _part_start(measure: ET.Element, part: Part) -> None:
    """A part's first measure: a forward repeat when it is repeated, its letter above."""
    if part.repeat:
        barline = ET.SubElement(measure, "barline", location="left")
        _text(barline, "bar-style", "heavy-light")
        ET.SubElement(barline, "repeat", direction="forward")
    direction = ET.SubElement(measure, "direction", placement="above")
    _text(ET.SubElement(direction, "direction-type"), "rehearsal", part.label)


def _part_end(measure: ET.Element, part: Part, last: bool) -> None:
    """A part's last measure: a backward repeat when it is repeated, else a double bar line
    (the final one at the end)."""
    barline = ET.SubElement(measure, "barline", location="right")
    _text(barline, "bar-style", "light-heavy" if part.repeat or last else "light-light")
    if part.repeat:
        ET.SubElement(barline, "repeat", direction="backward")


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
    if item.tuplet:
        modification = ET.SubElement(note, "time-modification")
        _text(modification, "actual-notes", item.tuplet[0])
        _text(modification, "normal-notes", item.tuplet[1])
    for level, kind in item_beams:
        _text(note, "beam", kind, number=str(level))
    if ties or item.bracket:
        notations = ET.SubElement(note, "notations")
        for kind in ties:
            ET.SubElement(notations, "tied", type=kind)
        for kind in item.bracket:
            ET.SubElement(notations, "tuplet", type=kind, number="1")
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


def _first_measure(measure: ET.Element, melody: Melody, divisions: int, fifths: int,
                   mode: str | None, pitches) -> None:
    """Divisions, key (``mode``: one of MusicXML's, "major" ... "locrian", or None to write
    none), time signature and clef, then the metronome mark."""
    attributes = ET.SubElement(measure, "attributes")
    _text(attributes, "divisions", divisions)
    key = ET.SubElement(attributes, "key")
    _text(key, "fifths", fifths)
    if mode is not None:
        _text(key, "mode", mode)
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
    if beat(melody.time_signature) == Fraction(3, 2) and (melody.tempo * 2 / 3).is_integer():
        ET.SubElement(metronome, "beat-unit-dot")  # 6/8, 9/8, 12/8: dotted quarters a minute
        _text(metronome, "per-minute", f"{melody.tempo * 2 / 3:g}")
    else:
        _text(metronome, "per-minute", f"{melody.tempo:g}")
    ET.SubElement(direction, "sound", tempo=f"{melody.tempo:g}")


def write_musicxml(melody: Melody, path: str | Path) -> Path:
    return write_atomic(path, musicxml_bytes(melody))


def read_score(path: str | Path, quantize=AUTO, tune: int | None = None,
               kind: str | None = None) -> Melody:
    """A MusicXML (.musicxml, .xml, .mxl), ABC (.abc) or Humdrum (.krn) file -> Melody.

    ``tune``: of an ABC file with several tunes, the one whose ``X:`` number it is (default the
    first, with a warning naming how many there are); ABC is read by ``abc.read_abc``.
    ``quantize``: ``auto`` (times as written) or a grid (``timeline.quantize_grid``).
    ``kind``: the format as a suffix (``".abc"``) for a file whose name does not say it."""
    path = Path(path)
    check_regular(path)
    if path.is_dir():
        raise MelodyError("is a folder, not a score", source=str(path))
    if not path.exists():
        raise MelodyError("no such file", source=str(path))
    if path.stat().st_size == 0:
        raise MelodyError("cannot read score: the file is empty", source=str(path))
    suffix = (kind or path.suffix).lower()
    if suffix == ".abc":  # melodygen's ABC reader: the one tune asked for
        from .abc import read_abc
        return read_abc(path, tune)
    if tune is not None:
        raise MelodyError(f"a tune number is for ABC files with several tunes, not {suffix or 'this'} "
                          "files", source=str(path))
    import music21

    try:
        score = music21.converter.parse(str(path), format=_FORMATS.get(suffix), forceSource=True)
    except Exception as error:  # music21 raises many types for a broken file
        raise MelodyError(f"cannot read score: {library_reason(error)}", source=str(path)) from None
    return from_score(score, source=str(path), quantize=quantize)


def from_score(score, source: str = "<score>", quantize=AUTO) -> Melody:
    """music21 Score, Part or Opus -> Melody of the first part with notes (see the module)."""
    from music21 import harmony, stream

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
        counts = [sum(len(getattr(event, "pitches", ())) for event in _pitched(part.recurse().notes))
                  for part in parts]
        kept = counts[parts.index(with_notes[0])]
        warnings.warn(MelodyWarning(f"{source}: {len(parts)} parts; reading {which}, "
                                    f"{of(kept, sum(counts))} of the score"), stacklevel=2)
    part = _played(with_notes[0], source)
    events = [event for event in part.flatten().notes if not isinstance(event, harmony.Harmony)]
    symbols = sum(1 for _ in part.recurse().getElementsByClass(harmony.Harmony))
    if symbols:  # music21 keeps them as chords of no length
        warnings.warn(MelodyWarning(
            f"{source}: {symbols} chord symbol{'s' * (symbols != 1)} passed over (a lead sheet's "
            "harmony: melodygen learns its melody)"), stacklevel=2)
    graces = sum(len(getattr(event, "pitches", ())) for event in events if event.duration.isGrace)
    timed = _timed(events)
    if graces:
        hint = ("; to keep them, write them as notes of a length"
                if graces > LOSS_HINT * (len(timed) + graces) else "")
        warnings.warn(MelodyWarning(f"{source}: {of(graces, len(timed) + graces)} are grace notes "
                                    f"(ornaments) and were dropped{hint}"), stacklevel=2)
    notes = melody_line(timed, source, quantize, score=True, ignored=graces)
    signature = _first(part, score, "TimeSignature", lambda ts: (ts.numerator, ts.denominator),
                       source, "time signature", lambda s: f"{s[0]}/{s[1]}")
    tempo = _first(part, score, "MetronomeMark", _quarter_bpm, source, "tempo", lambda t: f"{t:g} bpm")
    key = _first(part, score, "KeySignature", _key, source, "key")
    title = score.metadata.bestTitle if getattr(score, "metadata", None) else None
    if title == Path(source).name:  # music21 names an untitled score after its file
        title = None
    return read_melody(notes, title=title or Path(source).stem,
                       time_signature=usable_signature(signature, source),
                       tempo=usable_tempo(tempo, source) if tempo else DEFAULT_TEMPO,
                       source=source, key=key, pickup=_pickup(part))


def _pitched(events):
    """The events that have pitches: notes and chords, not unpitched percussion or grace notes."""
    return [event for event in events
            if getattr(event, "pitches", ()) and not event.duration.isGrace and event.quarterLength > 0]


def _played(part, source: str):
    """The part with its repeats played out (``repeats.played_part``: every score format's
    rule); as written, with a warning, when music21 cannot follow a da capo or dal segno."""
    try:
        return played_part(part)
    except Exception:  # music21 raises several types for repeats it cannot follow
        warnings.warn(MelodyWarning(f"{source}: repeats could not be played out; read as written"),
                      stacklevel=3)
        return part


def _timed(events) -> list[Timed]:
    """Every pitch of every note and chord (not grace notes), timed in quarter notes, exactly,
    a note tied to the next one of its pitch joined with it. (music21's stripTies does the same
    in minutes for a long score: 281 s for a Beethoven quartet's first part; and it holds a
    natural tied into the next measure, where its sign is not written again, apart.)"""
    timed: list[Timed] = []
    tied: dict[int, int] = {}  # MIDI pitch -> index in timed of the note whose tie goes on
    for event in sorted(events, key=lambda event: event.offset):
        if event.duration.isGrace or not getattr(event, "pitches", ()):
            continue
        start = Fraction(event.offset)
        end = start + Fraction(event.quarterLength)
        for note in getattr(event, "notes", None) or [event]:
            pitch = note.pitch.midi
            tie = note.tie or event.tie
            index = tied.pop(pitch, None)
            if index is not None and timed[index].end == start:
                timed[index] = Timed(timed[index].start, end, pitch)
            else:
                timed.append(Timed(start, end, pitch))
                index = len(timed) - 1
            if tie is not None and tie.type in ("start", "continue"):
                tied[pitch] = index
    return timed


def _first(part, score, kind: str, value, source: str, what: str, show=None):
    """The value of the first element of ``kind`` (in the part, else anywhere in the score);
    a warning when later ones differ."""
    found = list(part.recurse().getElementsByClass(kind)) or list(score.recurse().getElementsByClass(kind))
    return first_value([v for v in map(value, found) if v is not None], source, what, show)


def _quarter_bpm(mark) -> float | None:
    if mark.number is None:
        return None
    return round(float(mark.getQuarterBPM()), 2)


def _key(signature) -> Key | None:
    """A music21 Key or KeySignature -> Key of its signature, in its mode when the score gives
    one that melodygen knows (``<mode>``: major, minor, dorian, ... aeolian), else major."""
    mode = getattr(signature, "mode", None)
    try:
        return Key.from_fifths(int(signature.sharps), mode if mode in MODE_NAMES else "major")
    except (AttributeError, TypeError, ValueError):
        return None


def _pickup(part) -> Fraction:
    """Length of the upbeat in quarter notes: a first measure shorter than its time signature."""
    from music21 import stream

    measures = part.getElementsByClass(stream.Measure)
    if not measures:
        return Fraction(0)
    first = measures[0]
    if first.paddingLeft:
        return Fraction(first.barDuration.quarterLength) - Fraction(first.paddingLeft)
    return Fraction(0)

"""The reference: a tune read by music21's ABC converter (``music21_tune``), made a melody by the
same rules as melodygen's reader. It reads what ``read_tune`` does not, and the benchmark and
the tests compare the two readers on it. music21 is imported only here, when first used."""

from __future__ import annotations

from fractions import Fraction

from ...core.errors import MelodyError, library_reason
from ..repeats import played_part
from .reading import TuneReading, changes, tune_reading
from .tunebook import TuneText


def music21_tune(tune: TuneText, abc_version: tuple[int, int, int] | None = None, *,
                 played_out: bool = False) -> TuneReading:
    """A tune read by music21's ABC converter (its header and its text only, not the whole book),
    made a melody by the same rules as ``read_tune``: the reference, and the reading of what
    ``read_tune`` does not read. ``abc_version`` makes music21 read the text as that version of
    ABC (``(2, 1, 0)``: accidentals carry to the end of the bar) instead of the version the text
    declares. ``played_out``: the repeats played out by melodygen's rule
    (``repeats.played_part``), as ``read_tune`` plays them out. Raises ``MelodyError`` when
    music21 cannot read the tune."""
    from music21 import abcFormat
    from music21.abcFormat import translate

    text = tune.header + tune.text
    try:
        handler = (abcFormat.ABCFile(abc_version) if abc_version else abcFormat.ABCFile()).readstr(text)
        score = translate.abcToStreamScore(handler)
    except Exception as error:  # music21 raises many types for a tune it cannot read
        raise MelodyError(f"music21 cannot read the tune: {library_reason(error)}",
                          source=tune.source, line=tune.line) from None
    parts = [part for part in score.parts if part.recurse().notes] or list(score.parts)
    if not parts:
        raise MelodyError("no notes in the tune", source=tune.source, line=tune.line)
    part = played_part(parts[0]) if played_out else parts[0]
    events, graces, tones = _events(tune, part)
    meter, tempo = _first_meter_and_tempo(part)
    meters, tempos = _fields(handler)
    return tune_reading(tune, events, meter=meter, tempo=tempo, pickup=_pickup(part),
                        reader="music21", grace_notes=graces, chord_tones=tones,
                        meter_changes=changes(meters), tempo_changes=changes(tempos))


def _events(tune: TuneText, part) -> tuple[list, int, int]:
    """(the part's events as ``tune_reading`` takes them, grace notes, chord tones below the
    top): chord symbols passed over, a gap between notes a rest."""
    from music21 import chord, harmony, note

    events, graces, tones, now = [], 0, 0, Fraction(0)
    for element in part.flatten().notesAndRests:
        if isinstance(element, harmony.Harmony):
            continue
        if element.duration.isGrace:
            graces += 1
            continue
        start, length = Fraction(element.offset), Fraction(element.quarterLength)
        if start > now:
            events.append((None, start - now, False, False))
        elif start < now:
            raise MelodyError(f"music21 put a note at quarter note {start} under the one before",
                              source=tune.source, line=tune.line)
        tie = element.tie.type if element.tie is not None else None
        if isinstance(element, chord.Chord):
            pitch = max(p.midi for p in element.pitches)
            if tie in (None, "start"):
                tones += len(element.pitches) - 1
        else:
            pitch = None if isinstance(element, note.Rest) else element.pitch.midi
        events.append((pitch, length, tie in ("start", "continue"), tie in ("stop", "continue")))
        now = start + length
    return events, graces, tones


def _first_meter_and_tempo(part):
    """(the part's first time signature (beats, unit) or None, its first metronome mark that
    gives a number, in quarter notes per minute, or None)."""
    from music21 import meter, tempo

    signatures = list(part.recurse().getElementsByClass(meter.TimeSignature))
    marks = [mark for mark in part.recurse().getElementsByClass(tempo.MetronomeMark)
             if mark.number is not None and not mark.numberImplicit]
    first_meter = (signatures[0].numerator, signatures[0].denominator) if signatures else None
    return first_meter, round(float(marks[0].getQuarterBPM()), 2) if marks else None


def _pickup(part) -> Fraction:
    """The length of the first measure when music21 made it an anacrusis, else 0."""
    from music21 import stream

    measures = part.getElementsByClass(stream.Measure)
    if measures and measures[0].paddingLeft:
        first = measures[0]
        return Fraction(first.barDuration.quarterLength) - Fraction(first.paddingLeft)
    return Fraction(0)


def _fields(handler) -> tuple[list, list]:
    """(the meters, the tempos) of every ``M:`` and ``Q:`` field music21 read, in order."""
    from music21 import abcFormat

    meters, tempos = [], []
    for token in handler.tokens:
        if isinstance(token, abcFormat.ABCMetadata) and token.isMeter():
            value = token.getTimeSignatureParameters()
            if value is not None:
                meters.append(value[:2])
        elif isinstance(token, abcFormat.ABCMetadata) and token.isTempo():
            mark = token.getMetronomeMarkObject()
            if mark is not None and mark.number is not None and not mark.numberImplicit:
                tempos.append(round(float(mark.getQuarterBPM()), 2))
    return meters, tempos

"""A melody as notation writes it, for the writers of scores (``musicxml``) and of ABC
(``abc.writer``): measures of written note values (``measures``), each note in values that exist
(plain, dotted or double-dotted, tied), tuplets by beat group (``beat_groups``) and the beams of
each beat (``beams``). Lengths are in quarter notes (exact ``Fraction``s).
"""

from __future__ import annotations

import bisect
import itertools
import math
from dataclasses import dataclass, replace
from fractions import Fraction

from ..core.note import Melody, Note

# Written note values in quarter notes, MusicXML <type> names, longest first.
NOTE_VALUES = ((Fraction(4), "whole"), (Fraction(2), "half"), (Fraction(1), "quarter"),
               (Fraction(1, 2), "eighth"), (Fraction(1, 4), "16th"), (Fraction(1, 8), "32nd"),
               (Fraction(1, 16), "64th"), (Fraction(1, 32), "128th"), (Fraction(1, 64), "256th"))
SHORTEST = NOTE_VALUES[-1][0]
MAX_DOTS = 2
# (length, type, dots) of every value a single note can have, longest first; all multiples of
# the shortest, so any multiple of it is a sum of these (a dotted 256th is not one)
_WRITTEN = sorted(((value * (2 - Fraction(1, 2 ** dots)), name, dots)
                   for value, name in NOTE_VALUES for dots in range(MAX_DOTS + 1)
                   if (value * (2 - Fraction(1, 2 ** dots)) / SHORTEST).denominator == 1), reverse=True)
_BEAMS = {"eighth": 1, "16th": 2, "32nd": 3, "64th": 4, "128th": 5, "256th": 6}  # beams a note value takes


@dataclass(frozen=True)
class _Written:
    """One note or rest as written in a measure: a melody note may take several, tied."""

    pitch: int | None
    start: Fraction           # quarter notes from the bar line (a pickup starts late in its bar)
    length: Fraction          # as it sounds: an eighth of a triplet lasts 1/3
    value: str | None         # MusicXML <type>; None for a rest that fills the measure
    dots: int = 0
    tie_stop: bool = False    # continues the note before
    tie_start: bool = False   # continues in the note after
    tuplet: tuple[int, int] | None = None  # (actual, normal): a triplet is 3 in the time of 2
    bracket: tuple[str, ...] = ()          # "start" and/or "stop" of the tuplet's bracket
    position: int = 0         # 1-based place in the melody of the note or rest it is part of
                              # (0: the rest that completes the last measure)
    first: bool = True        # the first written part of that note or rest


def note_values(length: Fraction) -> list[tuple[Fraction, str, int]]:
    """Quarter notes -> the written values, tied, that make up that length, longest first:
    3/2 -> a dotted quarter, 5/8 -> an eighth and a 32nd."""
    if length <= 0 or (length / SHORTEST).denominator != 1:
        raise ValueError(f"a length of {length} quarter notes is not a sum of note values "
                         f"(multiples of a 256th note, {SHORTEST} quarter)")
    values = []
    while length:
        value = next(value for value in _WRITTEN if value[0] <= length)
        values.append(value)
        length -= value[0]
    return values


def measures(melody: Melody) -> list[list[_Written]]:
    """The melody cut into measures: a pickup measure first when it has one, then full measures,
    the last one completed with a rest; notes longer than what is left of a measure tied over;
    in a beat group that holds a tuplet, notes cut at its edges and written as tuplet notes."""
    size = melody.measure_length
    group_ends = beat_groups(melody.time_signature)
    events = list(melody.notes)
    missing = -(melody.total_length - melody.pickup) % size
    if missing or not events:
        events.append(Note(None, missing or size))
    # per measure: (pitch, start, length, tied before, tied after, place in the melody, first part)
    bars: list[list[tuple]] = [[]]
    position = size - melody.pickup if melody.pickup else Fraction(0)
    for place, event in enumerate(events, start=1):
        place = place if place <= len(melody.notes) else 0  # the filler rest has no place
        left, tied_before, first = event.duration, False, True
        while left:
            take = min(left, size - position)
            bars[-1].append((event.pitch, position, take, tied_before,
                             take < left and not event.is_rest, place, first))
            tied_before, first = not event.is_rest, False
            position += take
            left -= take
            if position == size:
                bars.append([])
                position = Fraction(0)
    beats, unit = melody.time_signature
    compound = unit >= 8 and beats % 3 == 0 and beats > 3
    return [_no_lone_whole_rest(_written_bar(bar, size, group_ends, compound), size)
            for bar in bars if bar]


def _odd_part(time: Fraction) -> int:
    """The denominator without its factors 2: 1/12 -> 3, 1/8 -> 1."""
    odd = Fraction(time).denominator
    while odd % 2 == 0:
        odd //= 2
    return odd


def _written_bar(spans: list[tuple], size: Fraction, group_ends: list[Fraction],
                 compound: bool = False) -> list[_Written]:
    """One measure's spans (pitch, start, length, tied before, tied after, place, first part) ->
    its notes and rests.

    A beat group (``beat_groups``) in which a note starts or ends off the plain note values
    holds a tuplet: the one its times need together (1/3 -> 3 in the time of 2, 1/5 -> 5 in
    the time of 4). Notes are cut at the edges of such a group and written in its tuplet's
    values; elsewhere a span is written in plain values tied. In a ``compound`` meter (6/8,
    9/8, 12/8) a note is also cut at the beats it crosses, unless it starts on a beat and lasts
    whole beats in one value (a dotted quarter, a dotted half): five eighths from the bar line
    are a dotted quarter tied to a quarter, not a half tied to an eighth."""
    bounds = [Fraction(0)] + [end for end in group_ends if end < size] + [size]
    odd: dict[int, int] = {}  # beat group -> the odd part its times need
    for _, start, length, *_ in spans:
        for time in (start, start + length):
            group = bisect.bisect_right(bounds, time) - 1
            if group < len(bounds) - 1 and time != bounds[group]:
                odd[group] = math.lcm(odd.get(group, 1), _odd_part(time))
    tuplets = {group: (m, 1 << (m.bit_length() - 1)) for group, m in odd.items() if m > 1}
    edges = [bounds[group] for group in range(1, len(bounds) - 1)
             if group in tuplets or group - 1 in tuplets]
    written: list[_Written] = []
    for pitch, start, length, tied_before, tied_after, place, first in spans:
        if pitch is None and length == size:
            written.append(_Written(None, start, length, None, position=place, first=first))
            continue
        inside = [bound for bound in bounds[1:-1] if start < bound < start + length]
        beats = compound and inside and not (
            start in bounds and (length / bounds[1]).denominator == 1 and
            _odd_part(length) == 1 and len(note_values(length)) == 1)
        cuts = [start] + sorted({edge for edge in edges + (inside if beats else [])
                                 if start < edge < start + length}) + [start + length]
        pieces = []
        for low, high in zip(cuts, cuts[1:]):
            ratio = tuplets.get(bisect.bisect_right(bounds, low) - 1)
            scale = Fraction(*ratio) if ratio else Fraction(1)  # written length / sounding length
            pieces += [(value_length / scale, value, dots, ratio)
                       for value_length, value, dots in note_values((high - low) * scale)]
        at = start
        for index, (piece_length, value, dots, ratio) in enumerate(pieces):
            sounding = pitch is not None
            written.append(_Written(pitch, at, piece_length, value, dots,
                                    tie_stop=sounding and (index > 0 or tied_before),
                                    tie_start=sounding and (index < len(pieces) - 1 or tied_after),
                                    tuplet=ratio, position=place, first=first and index == 0))
            at += piece_length
    return _brackets(written, bounds)


def _brackets(bar: list[_Written], bounds: list[Fraction]) -> list[_Written]:
    """Each run of tuplet notes within one beat group: a bracket from its first to its last."""
    def group(item: _Written) -> int:
        return bisect.bisect_right(bounds, item.start) - 1

    out = list(bar)
    first = 0
    while first < len(out):
        if out[first].tuplet is None:
            first += 1
            continue
        last = first
        while last + 1 < len(out) and out[last + 1].tuplet == out[first].tuplet \
                and group(out[last + 1]) == group(out[first]):
            last += 1
        out[first] = replace(out[first], bracket=("start",))
        out[last] = replace(out[last], bracket=out[last].bracket + ("stop",))
        first = last + 1
    return out


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


def without_filler(bar: list[_Written]) -> list[_Written]:
    """A bar without the rest ``measures`` adds to complete the last bar (position 0), for a
    tune whose last bar is short (by its pickup); a tuplet bracket it ended ends on the last note
    before it."""
    kept = [item for item in bar if item.position]
    if len(kept) == len(bar) or not kept:
        return kept
    opened = False
    for item in kept:
        opened = (opened or "start" in item.bracket) and "stop" not in item.bracket
    if opened:
        kept[-1] = replace(kept[-1], bracket=kept[-1].bracket + ("stop",))
    return kept

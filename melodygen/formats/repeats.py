"""One rule for playing out the repeats of a score, whatever its format (ABC, MusicXML, Humdrum):
the order in which its measures are played.

A measure may carry three marks (``Marks``): a start repeat at its left (``|:``), an end repeat
at its right (``:|``, with the times its section is played, 2 unless a MusicXML ``times`` says
otherwise), and the passes a volta bracket plays it in (``[1``, ``[2``; MusicXML's
``<ending number="1, 2">``). ``played_order`` follows them as players of these tunes and
abc2midi do:

- an end repeat goes back to the last start repeat of its section; without one, to where the
  section starts: the measure after the end of the last repeated section (the end repeat
  before it, the last volta bracket), or the first measure;
- a measure of a volta bracket is played in the passes the bracket names (``[1`` the first time,
  ``[2`` the second), and skipped in the others; one whose pass never comes (a ``[2`` without an
  end repeat before it) is played as written;
- a section is played out once it has been played its times; the measure after it starts the
  next.

music21's ``expandRepeats`` agrees on well-formed repeats, and differs where: after an end
repeat that has been played out, the next end repeat without its own start goes back to the first
measure for music21 (``|: A :| B :|`` is A A B A A B for music21, A A B A B for MuseScore 3;
A A B B here and in abc2midi); repeats it cannot pair (a start repeat never ended) make it give
up on all of them (here each mark counts where it is); a second ending has lost its mark
(``:| cBAc B2z2|]``: here what follows the first ending is played after it). Da capo and dal
segno (MusicXML's words and sounds; ABC has none that music21 reads) are played out by
music21's own expander. docs/songs.md gives the figures over music21's tunebooks.
``played_part`` plays out a music21 part by this rule.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass


@dataclass(frozen=True)
class Marks:
    """The repeat marks of one measure (see the module)."""

    start: bool = False              # a start repeat at its left
    end: int = 0                     # an end repeat at its right: its section is played this
                                     # many times (0: none)
    endings: frozenset[int] = frozenset()  # the passes a volta bracket plays it in (none: all)


def played_order(marks: list[Marks]) -> list[int]:
    """The measures' repeat marks -> the indices of the measures in the order they are played
    (each index as often as it is played). Measures without marks: ``[0, 1, ..., n - 1]``."""
    order: list[int] = []
    section, passes = 0, 1        # where the section being played starts; its pass, from 1
    jumps: dict[int, int] = {}    # an end repeat's measure -> the times it went back
    in_bracket = False            # the measure played before was in a volta bracket
    index = 0
    while index < len(marks):
        mark = marks[index]
        if (mark.start and index != section) or (in_bracket and not mark.endings):
            section, passes = index, 1  # a new section: a start repeat, or after the voltas
        in_bracket = bool(mark.endings)
        if mark.endings and passes not in mark.endings and passes > min(mark.endings):
            index += 1  # a volta of another pass
            continue
        order.append(index)
        if mark.end:
            if jumps.get(index, 0) + 1 < mark.end:
                jumps[index] = jumps.get(index, 0) + 1
                index, passes, in_bracket = section, passes + 1, False
                continue
            section, passes, in_bracket = index + 1, 1, False
        index += 1
    return order


def played_part(part):
    """A music21 part -> the part with its repeats played out by ``played_order`` (the part
    itself when it has none to play out); da capo and dal segno by music21's own expander,
    which raises when it cannot follow them."""
    from music21 import bar, repeat, spanner, stream

    measures = list(part.getElementsByClass(stream.Measure))
    if part.recurse().getElementsByClass(repeat.RepeatExpression).first() is not None:  # D.C., D.S.
        return part.expandRepeats()
    endings: dict[int, set[int]] = {}
    places = {id(measure): place for place, measure in enumerate(measures)}
    for bracket in part.spannerBundle.getByClass(spanner.RepeatBracket):  # first to last measure
        first, last = places.get(id(bracket.getFirst())), places.get(id(bracket.getLast()))
        for place in range(first, last + 1) if first is not None and last is not None else ():
            endings.setdefault(place, set()).update(bracket.numberRange)
    marks = []
    for place, measure in enumerate(measures):
        left, right = measure.leftBarline, measure.rightBarline
        ends = isinstance(right, bar.Repeat) and right.direction == "end"
        following = measures[place + 1].leftBarline if place + 1 < len(measures) else None
        ends = ends or (isinstance(following, bar.Repeat) and following.direction == "end")
        times = (right.times if ends and isinstance(right, bar.Repeat) else None) or 2
        marks.append(Marks(isinstance(left, bar.Repeat) and left.direction == "start",
                           times if ends else 0, frozenset(endings.get(place, ()))))
    order = played_order(marks)
    if order == list(range(len(measures))):
        return part
    starts = [measure.offset for measure in measures]  # quarter notes, as the part has them
    lengths = [after - before for before, after in zip(starts, starts[1:])] + \
        [measures[-1].duration.quarterLength]
    played, now, before = stream.Part(), 0.0, None
    for place in order:  # each measure where it was, moved by the measures played again before it
        if before is not None:
            now += starts[place] - starts[before] if place == before + 1 else lengths[before]
        played.insert(now, copy.deepcopy(measures[place]))
        before = place
    return played

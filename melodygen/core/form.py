"""A tune's form: its parts and how they are played (``Form``, ``Part``), the form a tune's repeat
signs and parts give it (``tune_form``), the form a collection's tunes have (``FormFacts``), and
how a tune's bars repeat one another (``bar_repeats``, ``repeat_plan``).

Times are in quarter notes (exact ``Fraction``s). A part's times are measured from the tune's
start as written, its pickup included: a jig with a pickup of an eighth and two parts of 8 bars
(``AABB``) has part A from 0 to 24 (the pickup, 7 bars, and a last bar short by the pickup) and
part B from 24 to 48 (B's pickup ends A's last bar). A bar's place is counted from the first bar
line (after the pickup), from 0.

A form's letters are the parts as played: ``AABB`` is part A played twice (written once, between
repeat signs), then part B twice; ``AABA`` plays A twice, B, then A again (written out again);
``ABAC`` A, B, A, C. A new part brings the next letter (A, then B, then C).
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Iterable, Sequence

from .keys import melody_key
from .note import Melody, Note

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
MAX_PARTS = 12          # parts played: a form longer than this is refused
SAME_PART = Fraction(3, 4)  # a section whose bars equal an earlier section's in this share (or
                            # more) is that part again (a written-out repeat, a varied ending)
STABLE_DEGREES = (0, 3, 4, 7)  # semitones above the tonic a part may end on: the tonic, the
                               # third (minor or major, as the key has it) and the fifth


@dataclass(frozen=True)
class Part:
    """One part of a tune as written: where it is and how it is played."""

    label: str                 # "A", "B", ...: equal labels are the same music
    start: Fraction            # quarter notes from the tune's start as written (pickup included)
    end: Fraction
    repeat: bool = False       # written once between repeat signs, played twice
    endings: tuple[Fraction, Fraction] | None = None  # with a repeat: where its first and its
    # second ending start (the body is played with the first, then again with the second)

    @property
    def played_length(self) -> Fraction:
        """The part played once (with its first ending), in quarter notes."""
        if self.endings is None:
            return self.end - self.start
        return self.endings[1] - self.start


@dataclass(frozen=True)
class Form:
    """A tune's parts as written, in order (see the module)."""

    parts: tuple[Part, ...]

    @property
    def letters(self) -> str:
        """The parts as played: 'AABB'."""
        return "".join(part.label * (2 if part.repeat else 1) for part in self.parts)

    def part_bars(self, measure: Fraction) -> int:
        """The bars of its most common part length (one part played once), rounded."""
        lengths = Counter(max(1, round(part.played_length / measure)) for part in self.parts)
        return max(sorted(lengths), key=lambda bars: lengths[bars])

    def name(self, measure: Fraction) -> str:
        """'AABB/8': the letters and the part's bars, how ``FormFacts`` counts forms."""
        return f"{self.letters}/{self.part_bars(measure)}"

    def played(self, melody: Melody) -> Melody:
        """``melody`` (as written) with its repeats played out: each repeated part twice (the
        body with its first ending, then with its second). The pickup stays the melody's."""
        notes: list[Note] = []
        for part in self.parts:
            if part.endings is None:
                spans = [(part.start, part.end)] * (2 if part.repeat else 1)
            else:
                first, second = part.endings
                spans = [(part.start, second), (part.start, first), (second, part.end)]
            for start, end in spans:
                notes += cut(melody.notes, start, end)
        return melody.with_notes(notes)

    def to_json(self) -> list:
        return [[part.label, str(part.start), str(part.end), part.repeat,
                 None if part.endings is None else [str(time) for time in part.endings]]
                for part in self.parts]

    @classmethod
    def from_json(cls, data: list) -> "Form":
        return cls(tuple(Part(label, Fraction(start), Fraction(end), bool(repeat),
                              None if endings is None else tuple(map(Fraction, endings)))
                         for label, start, end, repeat, endings in data))


def form_error(letters: str) -> str | None:
    """Why ``letters`` is not a form ``Form.layout`` can write, or None."""
    if not letters or len(letters) > MAX_PARTS or not re.fullmatch(r"[A-Z]+", letters):
        return (f"a form is 1 to {MAX_PARTS} part letters A-Z as played (AABB, AB, AABA, ABAC), "
                f"got {letters!r}")
    seen = ""
    for letter in letters:
        if letter not in seen:
            if letter != LETTERS[len(seen)]:
                return (f"a form brings in its parts in order, A first, then B, then C: "
                        f"{letters!r} brings in {letter} after {seen or 'nothing'}")
            seen += letter
    return None


def layout(letters: str, part_bars: int, measure: Fraction) -> Form:
    """The written parts of a form: two equal letters in a row are one part between repeat signs
    (``AABA``: A repeated, B, A written out again); each part lasts ``part_bars`` bars, its own
    pickup first (the last bar of each part is short by it). Raises ``ValueError`` for a bad form
    (``form_error``)."""
    error = form_error(letters)
    if error:
        raise ValueError(error)
    parts, place, index, length = [], Fraction(0), 0, part_bars * measure
    while index < len(letters):
        repeat = index + 1 < len(letters) and letters[index + 1] == letters[index]
        parts.append(Part(letters[index], place, place + length, repeat))
        place += length
        index += 2 if repeat else 1
    return Form(tuple(parts))


def cut(notes: Sequence[Note], start: Fraction, end: Fraction) -> list[Note]:
    """The notes and rests sounding from ``start`` to ``end`` (quarter notes from the first
    note's start), those across either edge shortened to it."""
    out, now = [], Fraction(0)
    for note in notes:
        low, high = max(now, start), min(now + note.duration, end)
        if high > low:
            out.append(Note(note.pitch, high - low))
        now += note.duration
        if now >= end:
            break
    return out


# --- the form of a tune as written -----------------------------------------------------------

def tune_form(melody: Melody, marks: Iterable[tuple[str, Fraction]] = ()) -> Form:
    """The parts of a tune from its structure marks (``core.collection.Tune.marks``): a repeat
    sign ``:|`` closes a repeated part (from the ``|:`` before it, else from where the part
    before ended), ``[1``/``[2`` are its endings, ``||``, ``|]``, ``[|`` and ``P:`` end a part.
    A stretch shorter than a bar (a pickup before ``|:``) joins the part after it. Parts whose
    bars are mostly the same (``SAME_PART``) get the same letter. A tune without marks is one
    part."""
    end, measure = melody.total_length, melody.measure_length
    sections: list[list] = []  # [start, end, repeat, endings]
    start, first, closed = Fraction(0), None, None  # first ending; where a first ending closed

    def close(at: Fraction, repeat: bool, endings=None) -> None:
        nonlocal start
        if at > start:
            sections.append([start, at, repeat, endings])
        start = at

    for mark, time in sorted(marks, key=lambda item: item[1]):
        time = min(time, end)
        if mark == "[1":
            first = time
        elif mark == ":|":
            if first is not None and time > first:
                closed = time
            else:
                close(time, True)
                first = None
        elif mark == "[2":
            if closed is None:
                first = None  # a second ending with no first: read as a plain bar line
        elif mark in ("|:", "||", "|]", "[|") or mark.startswith("P:"):
            if closed is not None and time > closed:
                close(time, True, (first, closed))
                first = closed = None
            elif closed is None:
                close(time, False)
    if closed is not None:
        close(end, True, (first, closed))
    else:
        close(end, False)
    merged: list[list] = []
    for section in sections:  # a stretch shorter than a bar joins the part after it
        if merged and merged[-1][1] - merged[-1][0] < measure and not merged[-1][2]:
            section = [merged.pop()[0]] + section[1:]
        merged.append(section)
    if len(merged) > 1 and merged[-1][1] - merged[-1][0] < measure and not merged[-1][2]:
        merged[-2][1] = merged.pop()[1]  # a short stretch at the end joins the part before
    return Form(tuple(_labelled(melody, merged)))


def _labelled(melody: Melody, sections: list[list]) -> list[Part]:
    parts, heard = [], []  # heard: (label, the bars of a part played once)
    for start, end, repeat, endings in sections:
        once = Part("?", start, end, repeat, endings)
        played = cut(melody.notes, start, start + once.played_length)
        bars = _bars_of(played, melody.measure_length)
        label = next((label for label, other in heard if _same(bars, other)), None)
        if label is None:
            label = LETTERS[min(len({label for label, _ in heard}), len(LETTERS) - 1)]
            heard.append((label, bars))
        parts.append(Part(label, start, end, repeat, endings))
    return parts


def _same(bars: list, other: list) -> bool:
    if not bars or len(bars) != len(other):
        return False
    return sum(a == b for a, b in zip(bars, other)) >= SAME_PART * len(bars)


def _bars_of(notes: Sequence[Note], measure: Fraction) -> list[tuple[Note, ...]]:
    total = sum((note.duration for note in notes), Fraction(0))
    return [tuple(cut(notes, i * measure, (i + 1) * measure))
            for i in range(int(total // measure) + (total % measure > 0))]


# --- the bars of a tune and how they repeat ----------------------------------------------------

def bars(melody: Melody) -> list[tuple[Note, ...]]:
    """The full bars of ``melody`` as written, from its first bar line (after the pickup) to the
    last bar line; a note across a bar line is cut at it, a piece in each bar."""
    measure = melody.measure_length
    notes = cut(melody.notes, melody.pickup, melody.total_length)
    full = int((melody.total_length - melody.pickup) // measure)
    return [tuple(cut(notes, i * measure, (i + 1) * measure)) for i in range(full)]


def rhythm(bar: Sequence[Note]) -> tuple:
    """A bar's rhythm: its lengths, and which are rests."""
    return tuple((note.duration, note.pitch is None) for note in bar)


@dataclass(frozen=True)
class BarRepeats:
    """How a tune's bars repeat its earlier bars."""

    bars: int          # full bars
    exact: int         # bars equal to an earlier bar (pitches and lengths)
    rhythm: int        # bars with the rhythm of an earlier bar but not its pitches

    @property
    def exact_share(self) -> float:
        return self.exact / self.bars if self.bars else 0.0

    @property
    def rhythm_share(self) -> float:
        return self.rhythm / self.bars if self.bars else 0.0


def repeat_plan(melody: Melody) -> tuple[tuple[str, int] | None, ...]:
    """Per full bar (``bars``): ("exact", j) when it equals the nearest earlier bar j that it
    equals, else ("rhythm", j) when it has the rhythm of the nearest earlier bar j of that
    rhythm, else None: how the tune repeats its own bars."""
    found = bars(melody)
    plan: list = []
    for index, bar in enumerate(found):
        exact = next((j for j in range(index - 1, -1, -1) if found[j] == bar), None)
        if exact is not None:
            plan.append(("exact", exact))
            continue
        shape = rhythm(bar)
        same = next((j for j in range(index - 1, -1, -1) if rhythm(found[j]) == shape), None)
        plan.append(None if same is None else ("rhythm", same))
    return tuple(plan)


def bar_repeats(melody: Melody) -> BarRepeats:
    """How many of the full bars of ``melody`` repeat an earlier bar, exactly or in rhythm only."""
    plan = repeat_plan(melody)
    kinds = Counter(step[0] for step in plan if step is not None)
    return BarRepeats(len(plan), kinds["exact"], kinds["rhythm"])


def part_endings(melody: Melody, form: Form) -> list[Note]:
    """The last note of each part as written (of a part with endings: of each ending), the
    pitched note sounding last before the part's end; a part of rests gives none."""
    found = []
    for part in form.parts:
        ends = [part.end] if part.endings is None else [part.endings[1], part.end]
        for end in ends:
            notes = [note for note in cut(melody.notes, part.start, end) if note.pitch is not None]
            if notes:
                found.append(notes[-1])
    return found


# --- the form of a collection -------------------------------------------------------------------

# Kinds of tune (ABC R:) and their dance tempo in bars a minute (as sessions play them: a jig at
# a dotted quarter of 110 is 55 bars of 6/8; a reel at a half note of 100, 50 bars of 2/2).
RHYTHM_BARS_PER_MINUTE = {"jig": 55, "slip jig": 40, "slide": 40, "reel": 50, "hornpipe": 45,
                          "clog": 45, "strathspey": 32, "highland fling": 35, "polka": 65,
                          "march": 60, "waltz": 50, "mazurka": 50, "schottische": 40,
                          "barndance": 40, "set dance": 40}


def rhythm_name(text: str | None) -> str | None:
    """ABC ``R:`` -> one of ``RHYTHM_BARS_PER_MINUTE`` ('R: Jig' and 'jigs' -> 'jig', 'Slip
    jig' -> 'slip jig'), or None for a kind melodygen has no tempo for."""
    if not text:
        return None
    words = " ".join(re.findall(r"[a-z]+", text.lower()))
    words = re.sub(r"s\b", "", words) if words not in RHYTHM_BARS_PER_MINUTE else words
    words = words.replace("slipjig", "slip jig").replace("barn dance", "barndance")
    return next((name for name in sorted(RHYTHM_BARS_PER_MINUTE, key=len, reverse=True)
                 if words == name or words.startswith(name + " ") or words.endswith(" " + name)),
                None)


@dataclass(frozen=True)
class FormFacts:
    """What a collection's tunes are as wholes: their forms (``Form.name`` -> tunes), their
    pickups (quarter notes -> tunes), their kind (``rhythm_name`` of the most common R:), the
    median tempo of those whose file gives one (quarter notes per minute), and the degrees
    their parts but the last end on."""

    forms: dict[str, int]
    pickups: dict[Fraction, int]
    rhythm: str | None = None
    tempo: float | None = None     # None: no tune gives a tempo
    cadences: dict[int, int] = field(default_factory=dict)  # semitones above the tonic ->
    # parts (all but each tune's last) ending there

    @property
    def form(self) -> tuple[str, int]:
        """The most common form and its part's bars: ('AABB', 8); ('A', 8) with no tunes."""
        if not self.forms:
            return "A", 8
        name = max(sorted(self.forms), key=lambda name: self.forms[name])
        letters, bars = name.split("/")
        return letters, int(bars)

    def pickup_share(self) -> float:
        total = sum(self.pickups.values())
        return sum(n for length, n in self.pickups.items() if length) / total if total else 0.0

    def dance_tempo(self, meter: tuple[int, int]) -> float | None:
        """The tempo of the collection's kind of tune in ``meter`` (quarter notes per minute),
        or None when its kind has none."""
        if self.rhythm is None:
            return None
        return RHYTHM_BARS_PER_MINUTE[self.rhythm] * 4 * meter[0] / meter[1]

    def to_json(self) -> dict:
        return {"forms": dict(sorted(self.forms.items())),
                "pickups": {str(length): n for length, n in sorted(self.pickups.items())},
                "rhythm": self.rhythm, "tempo": self.tempo,
                "cadences": {str(degree): n for degree, n in sorted(self.cadences.items())}}

    @classmethod
    def from_json(cls, data: dict) -> "FormFacts":
        return cls({str(name): int(n) for name, n in data["forms"].items()},
                   {Fraction(length): int(n) for length, n in data["pickups"].items()},
                   data.get("rhythm"), data.get("tempo"),
                   {int(degree): int(n) for degree, n in data.get("cadences", {}).items()})

    @classmethod
    def of(cls, melodies: Sequence[Melody], marks: Sequence = (), rhythms: Sequence = (),
           tempi: Sequence[float | None] = ()) -> "FormFacts":
        """The facts of ``melodies``, with each one's structure marks (none: one part each),
        R: field and tempo as its file gives it (None: none given)."""
        marks = list(marks) or [()] * len(melodies)
        forms, cadences = Counter(), Counter()
        for melody, found in zip(melodies, marks):
            form = tune_form(melody, found)
            forms[form.name(melody.measure_length)] += 1
            key = melody_key(melody)
            if key is not None:
                cadences.update((note.pitch - key.tonic) % 12
                                for note in part_endings(melody, Form(form.parts[:-1])))
        pickups = Counter(melody.pickup for melody in melodies)
        kinds = Counter(name for name in map(rhythm_name, rhythms) if name)
        given = [tempo for tempo in tempi if tempo is not None]
        return cls(dict(forms), dict(pickups), kinds.most_common(1)[0][0] if kinds else None,
                   float(statistics.median(given)) if given else None, dict(cadences))

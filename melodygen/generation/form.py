"""Tunes with form, made by the one generation loop (``loop.py``): a tune's pickup, parts,
cadences and motifs are rules around it, decided per tune before it starts (``Shaper``).

- **Parts.** A form (``core.form``: ``AABB``, ``AABA``...) is laid out in parts of ``part_bars``
  bars (``core.form.layout``); each part starts with the tune's pickup, so the last bar of each
  part is short by it and the next part's pickup completes it, as a jig is written. Parts are
  generated one after another by the same model, which has read every part before: part B goes
  on from part A. A part whose letter came before (the last A of ``AABA``) is that part again:
  its notes are copied, and the model reads them.
- **Cadences.** Each part ends on a long note (at least a beat, held to the part's end) on a
  stable degree of the key (``core.form.STABLE_DEGREES`` in its scale: the tonic, its third, its
  fifth); the last part, and every part of its letter, on the tonic (``rules.Cadence``).
- **Pickups.** Without a primer, each tune draws its pickup from the collection's (lengths and how
  many tunes have each, ``core.form.FormFacts.pickups``): as many of its tunes start with a pickup
  as the collection's do (of pickups that leave the last bar, short by it, a beat at least).
- **The collection's forms.** With the form ``collection`` each tune takes the form and part
  length of a tune of the collection: with motifs, that of the tune whose bar repeats it takes
  (drawn in bands, as below); without, one drawn from the collection's forms
  (``FormFacts.forms``).
- **Motifs.** With ``motifs``, each tune takes the way one tune of the collection repeats its own
  bars (``core.form.repeat_plan`` of a tune the model learnt, of as many bars when there is one):
  where that tune's bar *i* equals its bar *j*, the new tune's bar *i* copies its own bar *j*;
  where it has bar *j*'s rhythm only, bar *i* takes bar *j*'s lengths and the model chooses the
  pitches (not all of bar *j*'s: its last note then takes another). A copy gives way to the rules: a note the rules forbid there (a cadence, the range)
  ends the copy of that bar, and the model goes on.

A tune's random choices (its pickup, its model tune) draw from PCG64 seeded (seed, tune, 1): the
notes' draws (seed, tune) are untouched, and the same seed gives the same tunes.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

import numpy as np

from ..core.form import STABLE_DEGREES, Form, form_error, layout, repeat_plan, tune_form
from ..core.keys import Key
from ..core.note import Note, beat
from ..learning.interface import MelodyModel, NoteRule
from .config import COLLECTION_FORMS, GenerateConfig
from .rules import REST, Cadence, TuneRules

BANDS = 10  # bands of the collection's tunes, by how many bars they repeat (motifs)


def stable_degrees(key: Key) -> frozenset[int]:
    """The pitch classes a part may end on in ``key``: its tonic, third and fifth (those of
    ``STABLE_DEGREES`` in its scale)."""
    scale = key.scale
    return frozenset((key.tonic + step) % 12 for step in STABLE_DEGREES
                     if (key.tonic + step) % 12 in scale)


@dataclass(frozen=True)
class Copy:
    """Notes of a tune written again later in it: from ``start`` to ``end`` (quarter notes from
    the first bar line) the notes of the same span from ``source``, pitches and lengths
    (``exact``) or lengths only."""

    start: Fraction
    end: Fraction
    source: Fraction
    exact: bool = True


@dataclass
class Shape:
    """One tune's pickup, form and rules, decided before it starts."""

    pickup: Fraction                   # quarter notes before its first bar line
    form: Form | None = None           # its parts (times from the tune's start)
    rules: "TuneRules | FormRules | None" = None  # None: a melody of a number of notes
    template: str | None = None        # the tune whose repeats its bars take (motifs)


class Shaper:
    """Each tune's ``Shape`` for ``config`` and ``model`` (see the module)."""

    def __init__(self, model: MelodyModel, config: GenerateConfig) -> None:
        self.model, self.config = model, config
        self._full_bars: list[int] | None = None  # of each tune the model learnt
        self._plans: dict = {}  # full bars -> (the plans of the tunes of as many, their bands)

    def shape(self, index: int) -> Shape:
        config, model = self.config, self.model
        rng = np.random.default_rng([config.seed or 0, index, 1])
        pickup = self._pickup(rng)
        if config.bars is None:
            return Shape(pickup)
        tonic = config.key.tonic if config.end_on_tonic and config.key is not None else None
        limits = model.pitch_limits(config.key) if config.key is not None else None
        if config.form is None:
            return Shape(pickup, None, TuneRules(config.time_signature, config.bars,
                                                 min(model.lengths), tonic, limits))
        measure = config.measure
        whole = self._whole_tune(index) if config.form == COLLECTION_FORMS and config.motifs \
            else None
        letters, part_bars = whole[1] if whole else self._form(rng)
        form = layout(letters, part_bars, measure)
        bars = len(form.parts) * part_bars
        endings = self._endings(form, rng)
        cadences = tuple(Cadence(part.end - pickup, endings[part.label])
                         for part in form.parts[:-1] if tonic is not None)
        base = TuneRules(config.time_signature, bars, min(model.lengths), tonic, limits,
                         cadences, pickup)
        copies = []
        for number, part in enumerate(form.parts):  # a part again: its notes copied
            first = next(other for other in form.parts if other.label == part.label)
            if first is not part:
                copies.append(Copy(part.start - pickup, part.end - pickup, first.start - pickup))
        template = None
        if whole:
            template, planned = whole[0], whole[2][:bars - (1 if pickup else 0)]
        elif config.motifs:
            template, planned = self._plan(rng, index, bars - (1 if pickup else 0))
        if config.motifs:
            copies += [Copy(bar * measure, (bar + 1) * measure, step[1] * measure,
                            step[0] == "exact")
                       for bar, step in enumerate(planned) if step is not None]
        return Shape(pickup, form, FormRules(base, copies, config.primer, pickup), template)

    def _whole_tune(self, index: int) -> tuple[str, tuple[str, int], tuple] | None:
        """With the collection's forms and motifs: a tune the model learnt, whose form and bar
        repeats tune ``index`` takes together (its name, (letters, part bars), its
        ``repeat_plan``); the tunes are ranked by the share of their bars they repeat and drawn
        in ``BANDS`` bands as ``_plan`` draws them. None when the model keeps no tunes."""
        reference = self.model.reference
        if not reference:
            return None
        if None not in self._plans:
            marks = list(self.model.reference_marks) or [()] * len(reference)
            found = []
            for number, (melody, marked) in enumerate(zip(reference, marks)):
                form = tune_form(melody, marked)
                if form_error(form.letters) is None:
                    plan = repeat_plan(melody)
                    share = sum(1 for step in plan if step and step[0] == "exact") / \
                        max(len(plan), 1)
                    found.append((share, number, (form.letters, form.part_bars(
                        melody.measure_length)), plan))
            found.sort(key=lambda item: item[:2])
            bands = np.array_split(np.arange(len(found)), min(BANDS, len(found))) if found \
                else []
            order = np.random.default_rng([self.config.seed or 0]).permutation(len(bands))
            self._plans[None] = (found, [bands[b] for b in order])
        found, bands = self._plans[None]
        if not found:
            return None
        band = bands[index % len(bands)]
        pick = np.random.default_rng([self.config.seed or 0, index, 2])
        _, number, letters, plan = found[int(band[int(pick.integers(len(band)))])]
        melody = reference[number]
        return melody.source or melody.title, letters, plan

    def _form(self, rng: np.random.Generator) -> tuple[str, int]:
        """A tune's form and its parts' bars: the one asked for, or with ``COLLECTION_FORMS``
        one drawn from the collection's forms (``config.forms``; the most common when
        generating greedily)."""
        config = self.config
        if config.form != COLLECTION_FORMS:
            return config.form, config.part_bars
        weights = np.array([n for _, _, n in config.forms], dtype=np.float64)
        pick = int(np.argmax(weights)) if config.greedy else \
            int(rng.choice(len(weights), p=weights / weights.sum()))
        return config.forms[pick][0], config.forms[pick][1]

    def _endings(self, form: Form, rng: np.random.Generator) -> dict[str, frozenset[int]]:
        """The pitch classes each part may end on: the last part's letter on the tonic; each
        other letter on one stable degree drawn from those the collection's parts end on
        (``config.cadences``; the most common when generating greedily), or on any stable
        degree when it gives none."""
        config, key = self.config, self.config.key
        if key is None:
            return {part.label: frozenset() for part in form.parts}
        stable = stable_degrees(key)
        usual = [(degree, n) for degree, n in config.cadences
                 if (key.tonic + degree) % 12 in stable and n > 0]
        endings = {}
        for part in form.parts:
            if part.label in endings:
                continue
            if part.label == form.parts[-1].label:
                endings[part.label] = frozenset((key.tonic,))
            elif not usual:
                endings[part.label] = stable
            else:
                weights = np.array([n for _, n in usual], dtype=np.float64)
                pick = int(np.argmax(weights)) if config.greedy else \
                    int(rng.choice(len(usual), p=weights / weights.sum()))
                endings[part.label] = frozenset(((key.tonic + usual[pick][0]) % 12,))
        return endings

    def _pickup(self, rng: np.random.Generator) -> Fraction:
        """A tune's pickup: the primer's, else one drawn from the collection's pickups (the most
        common when generating greedily)."""
        config = self.config
        last = beat(config.time_signature)  # the last bar, short by the pickup, holds a beat
        pickups = [(length, n) for length, n in config.pickups if config.measure - length >= last]
        if config.primer or not pickups:
            return config.pickup
        if config.greedy:
            return max(pickups, key=lambda item: (item[1], -item[0]))[0]
        weights = np.array([n for _, n in pickups], dtype=np.float64)
        return pickups[int(rng.choice(len(pickups), p=weights / weights.sum()))][0]

    def _plan(self, rng: np.random.Generator, index: int, full: int) -> tuple[str | None, tuple]:
        """A tune the model learnt whose bar repeats tune ``index`` takes, and its
        ``repeat_plan`` cut to ``full`` bars. The tunes of ``full`` full bars (else more, else the
        longest) are ranked by how many bars they repeat and cut into ``BANDS`` bands; tune
        ``index`` draws from band ``order[index % BANDS]`` (``order`` a permutation drawn from
        the seed alone), so any ``BANDS`` tunes in a row repeat their bars as the collection's
        tunes do on the whole (stratified sampling: a set of tunes varies less than drawn
        freely), and no tune depends on how many are made."""
        reference = self.model.reference
        if not reference:
            return None, ()
        if self._full_bars is None:
            self._full_bars = [int((m.total_length - m.pickup) // m.measure_length)
                               for m in reference]
        sizes = self._full_bars
        pool = [i for i, size in enumerate(sizes) if size == full] or \
            [i for i, size in enumerate(sizes) if size > full] or \
            [i for i, size in enumerate(sizes) if size == max(sizes)]
        if full not in self._plans:
            plans = {i: repeat_plan(reference[i])[:full] for i in pool}
            ranked = sorted(pool, key=lambda i: (sum(1 for step in plans[i]
                                                     if step and step[0] == "exact"), i))
            bands = [band for band in np.array_split(np.array(ranked), min(BANDS, len(ranked)))]
            order = np.random.default_rng([self.config.seed or 0, full]).permutation(len(bands))
            self._plans[full] = (plans, [bands[b] for b in order])
        plans, bands = self._plans[full]
        band = bands[index % len(bands)]
        chosen = int(band[int(rng.integers(len(band)))])
        melody = reference[chosen]
        return melody.source or melody.title, plans[chosen]


class FormRules:
    """The rules of one tune with form: its ``TuneRules`` (bars, cadences, range, ending) and its
    copies (parts again, motifs), given the notes so far."""

    def __init__(self, base: TuneRules, copies: Sequence[Copy], primer: Sequence[Note],
                 pickup: Fraction) -> None:
        self.base, self.copies = base, tuple(copies)
        self.notes: list[Note] = []
        self.times: list[Fraction] = []   # each note's start, from the first bar line
        self._now = -pickup
        self._made = 0
        for note in primer:
            self._add(note)

    @property
    def bars(self) -> int:
        return self.base.bars

    @property
    def end(self) -> Fraction:
        return self.base.end

    def _add(self, note: Note) -> None:
        self.notes.append(note)
        self.times.append(self._now)
        self._now += note.duration

    def at(self, now: Fraction, notes: Sequence[Note] = ()) -> NoteRule:
        """The rules at ``now``; ``notes``: the tune's notes after its primer so far."""
        for note in notes[self._made:]:
            self._add(note)
        self._made = len(notes)
        rule = self.base.at(now)
        copy = next((copy for copy in self.copies if copy.start <= now < copy.end), None)
        source = self._source(copy, now) if copy is not None else None
        if source is None:
            return rule
        if copy.exact:
            return Forced(rule, source.pitch, source.duration)
        return Forced(rule, None, source.duration, self._same_so_far(copy, source))

    def _same_so_far(self, copy: Copy, source: Note) -> int | None:
        """At the last note of a copy of lengths only whose notes so far have the source's
        pitches too: the source's last pitch, which would make it an exact copy; else None."""
        first = bisect.bisect_left(self.times, copy.start)
        origin = bisect.bisect_left(self.times, copy.source)
        last = origin + len(self.notes) - first  # the source's note at this place
        if last + 1 < len(self.notes) and self.times[last + 1] < copy.source + (copy.end -
                                                                                 copy.start):
            return None  # not the copy's last note
        if any(self.notes[origin + k].pitch != self.notes[first + k].pitch
               for k in range(len(self.notes) - first)):
            return None
        return source.pitch

    def _source(self, copy: Copy, now: Fraction) -> Note | None:
        """The note the copy puts at ``now``, or None when the tune has left the copy (a note
        since its start differs from the source's) or the source has none there."""
        offset = copy.start - copy.source
        first = bisect.bisect_left(self.times, copy.start)
        origin = bisect.bisect_left(self.times, copy.source)
        for k in range(first, len(self.notes)):  # the copy so far, note by note
            j = origin + k - first
            if j >= len(self.notes) or self.times[j] + offset != self.times[k] or \
                    not _alike(self.notes[j], self.notes[k], copy.exact):
                return None
        j = origin + len(self.notes) - first
        if j >= len(self.notes) or self.times[j] + offset != now or \
                self.times[j] >= copy.source + (copy.end - copy.start) or self.notes[j].is_rest:
            return None
        return self.notes[j]


def _alike(source: Note, note: Note, exact: bool) -> bool:
    return source == note if exact else source.duration == note.duration


@dataclass(frozen=True)
class Forced:
    """A rule (``NoteRule``) that asks for one note, ``pitch`` (None: any but ``avoid``) of
    ``duration``, where ``rule`` allows it; where it does not, ``rule`` alone."""

    rule: NoteRule
    pitch: int | None
    duration: Fraction
    avoid: int | None = None  # with no pitch asked: a pitch not to take (a copy of lengths only
                              # that would be an exact copy with it), where another is allowed

    def pitches(self, pitches: np.ndarray) -> np.ndarray:
        allowed = self.rule.pitches(pitches)
        if self.pitch is None:
            other = allowed & (np.asarray(pitches) != self.avoid)
            return other if self.avoid is not None and other.any() else allowed
        wanted = allowed & (np.asarray(pitches) == self.pitch)
        return wanted if wanted.any() else allowed

    def lengths(self, pitch: int, lengths: Sequence[Fraction]) -> np.ndarray:
        allowed = self.rule.lengths(pitch, lengths)
        wanted = allowed & np.array([length == self.duration for length in lengths], dtype=bool)
        return wanted if wanted.any() else allowed

    def held(self, pitch: int) -> Fraction | None:
        held = self.rule.held(pitch)
        if held is not None or pitch == REST or (self.pitch is not None and pitch != self.pitch):
            return held
        # a length the model may not have (a held cadence copied): kept where the rule allows it
        return self.duration if bool(self.rule.lengths(pitch, [self.duration])[0]) else None

    def fill(self) -> Fraction:
        return self.rule.fill()

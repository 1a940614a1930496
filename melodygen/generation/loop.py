"""The one generation loop: new melodies from any trained model, one note at a time.

The model reads the primer (``MelodyModel.stepper``), gives the distribution of the next note,
a note is chosen from it (greedy or sampled: ``GenerateConfig.chooser``), among the notes the
rules allow (``rules``: whole bars, the range, the tonic ending), the model reads it, and so on:
for ``length`` notes (then the melody is ended on a bar line: ``end_on_bar``), or until its
``bars`` are full. The same loop serves a model of one song and a model of a collection.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, Sequence

from ..core.form import Form
from ..core.note import Melody, Note
from ..formats.notation import LENGTHS, length_to_duration
from ..learning.interface import MelodyModel
from .config import GenerateConfig
from .form import Shape, Shaper
from .rules import LastNote


@dataclass(frozen=True)
class Generated:
    """One new melody: as written, the notes the model chose, and its surprise at them."""

    melody: Melody           # the primer (unless left out) and the new notes, in whole bars
    notes: tuple[Note, ...]  # the notes chosen after the primer
    bits: float              # the model's own bits per note for them (pitch and length)
    form: Form | None = None  # its parts, as written in ``melody`` (None: no form)
    template: str | None = None  # the tune of the collection whose bar repeats it took

    @property
    def played(self) -> Melody:
        """The melody as played: its repeats played out (what MIDI and audio hold)."""
        return self.melody if self.form is None else self.form.played(self.melody)


# (melody, of melodies, share of that melody made): called as each melody begins and every
# REPORT_NOTES notes of it
GenerationProgress = Callable[[int, int, float], None]
REPORT_NOTES = 64


def generate(model: MelodyModel, config: GenerateConfig,
             progress: GenerationProgress | None = None) -> list[Generated]:
    """``config.count`` new melodies from ``model`` (see the module); each tune's pickup, parts
    and rules are decided before it starts (``form.Shaper``)."""
    stepper = model.stepper(config.key, config.time_signature)
    shaper = Shaper(model, config)
    out = []
    for index in range(config.count):
        report = (lambda share, number=index + 1: progress(number, config.count, share)) \
            if progress else None
        shape = shaper.shape(index)
        notes, bits = _continue(stepper, config, shape, config.chooser(index), report)
        out.append(Generated(_melody(config, notes, index + 1, shape.pickup), notes, bits,
                             shape.form, shape.template))
    return out


def _continue(stepper, config: GenerateConfig, shape: Shape, pick,
              report=None) -> tuple[tuple[Note, ...], float]:
    """The notes after the primer, and the model's mean bits per note for them; ``report``
    (share made) hears of the progress."""
    next_note = stepper.start(config.primer, shape.pickup)
    notes, bits = [], 0.0
    rules = shape.rules
    now = sum((note.duration for note in config.primer), Fraction(0)) - shape.pickup
    while True:
        if report and len(notes) % REPORT_NOTES == 0:
            report(float(now / rules.end) if rules is not None else len(notes) / config.length)
        if rules is not None:
            rule = rules.at(now, notes)
        else:
            last = len(notes) + 1 == config.length
            rule = LastNote(config.key.tonic) if last and config.end_on_tonic and \
                config.key is not None else None
        choice = next_note.choose(pick, rule)
        notes.append(choice.note)
        bits += choice.bits
        now += choice.note.duration
        if (now >= rules.end) if rules is not None else len(notes) == config.length:
            return tuple(notes), bits / len(notes)
        next_note = stepper.advance(choice)


def _melody(config: GenerateConfig, notes: tuple[Note, ...], number: int,
            pickup: Fraction) -> Melody:
    """The melody written: the primer (unless left out) and the new notes, ending on a bar line.

    The primer starts where the model's own melodies start (after their pickup comes the first
    bar line); without it, a melody starts where the primer ended, in the middle of a bar if that
    is where it ended (the part before the first bar line is then its pickup)."""
    body = (config.primer if config.include_primer else ()) + notes
    if config.bars is None:
        body = end_on_bar(body, config.measure, pickup)
    title = f"{config.title} {number}"
    return Melody(body, title, config.time_signature, config.tempo, source=title,
                  pickup=pickup)


def end_on_bar(notes: Sequence[Note], measure: Fraction, pickup: Fraction = Fraction(0)
               ) -> tuple[Note, ...]:
    """Notes that end on a bar line: the last note lengthened to the bar line when that length
    has a token (e8 -> e4), else one rest when its length has a token, else rests (longest
    first). ``measure``: its length, ``pickup``: the time before the first bar line, both in
    quarter notes."""
    notes = tuple(notes)
    missing = (pickup - sum((note.duration for note in notes), Fraction(0))) % measure
    if not missing or not notes:
        return notes
    longer = notes[-1].duration + missing
    if any(length_to_duration(value, dots) == longer for value in LENGTHS for dots in range(3)):
        return notes[:-1] + (Note(notes[-1].pitch, longer),)
    if any(length_to_duration(value, dots) == missing for value in LENGTHS for dots in range(3)):
        return notes + (Note(None, missing),)
    rests = []
    for value in LENGTHS:  # whole, half, quarter, ...: the fewest rests
        while missing >= length_to_duration(value):
            rests.append(Note(None, length_to_duration(value)))
            missing -= length_to_duration(value)
    if missing:  # a length off the 32nd-note grid: one rest of what is left
        rests.append(Note(None, missing))
    return notes + tuple(rests)

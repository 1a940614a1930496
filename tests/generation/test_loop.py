"""generation/loop.py: the one generation loop over any model, with a model that follows rules of
its own, so that every note can be checked: counts of notes, whole bars, the tonic ending, bar
lines, and the two forms of next-note distribution."""

from fractions import Fraction

import numpy as np
import pytest

from melodygen.core.keys import Key
from melodygen.core.note import Note
from melodygen.formats.notation import format_token, parse_notes
from melodygen.generation.config import GenerateConfig
from melodygen.generation.loop import end_on_bar, generate
from melodygen.learning.interface import Defaults, FactoredNext, JointNext, MelodyModel, Stepper

F = Fraction
NOTES = tuple(parse_notes("c4 d4 e4 g4 c8 d8 e8 g8 c2"))


def tokens(notes) -> str:
    return " ".join(format_token(note) for note in notes)


class Scale(Stepper):
    """Each next note a step up the scale c d e g from the last note read, of the last length;
    ``joint``: whole notes at once, else the pitch and then the length."""

    def __init__(self, joint: bool, lengths=(None, F(1, 2), F(1), F(2))):
        self.joint, self.read, self.lengths = joint, [], lengths

    def start(self, primer, pickup=F(0)):
        self.read = list(primer)
        return self._next()

    def advance(self, choice):
        self.read.append(choice.note)
        return self._next()

    def _next(self):
        last = self.read[-1]
        pitches = [60, 62, 64, 67]
        pitch = pitches[(pitches.index(last.pitch) + 1) % 4]
        if self.joint:
            probs = np.array([0.8 if n == Note(pitch, last.duration) else 0.2 / 8 for n in NOTES])
            return JointNext(NOTES, probs)
        lengths = self.lengths
        length_probs = np.array([0.0] + [0.8 if d == last.duration else 0.1 for d in lengths[1:]])
        return FactoredNext(np.array(pitches), np.array([0.8 if p == pitch else 0.2 / 3
                                                         for p in pitches]),
                            lengths, lambda index: length_probs)


class Fake(MelodyModel):
    kind = "song"
    reference = ()
    name = family = "fake"
    learnt_from = "a scale"

    def __init__(self, joint=True, lengths=(None, F(1, 2), F(1), F(2))):
        self.joint, self.known = joint, lengths

    def describe(self):
        return "a fake"

    @property
    def defaults(self):
        return Defaults("t", (2, 4), F(0), 120.0, Key(0, "major"))

    @property
    def lengths(self):
        return (F(1, 2), F(1), F(2))

    def facts(self):
        return {}

    def stepper(self, key=None, meter=None):
        return Scale(self.joint, self.known)

    def save(self, path):
        raise NotImplementedError


def config(primer="c4", **settings) -> GenerateConfig:
    return GenerateConfig(tuple(parse_notes(primer)), (2, 4), 120.0, Key(0, "major"), "t",
                          **settings)


@pytest.mark.parametrize("joint", [True, False])
def test_greedy_follows_the_model(joint):
    [made] = generate(Fake(joint), config(length=5))
    assert tokens(made.notes) == "d4 e4 g4 c4 d4"
    assert tokens(made.melody.notes) == "c4 d4 e4 g4 c4 d4"  # the primer, then the new notes
    assert made.melody.title == "t 1" and made.melody.time_signature == (2, 4)
    bits = -np.log2(0.8) if joint else -np.log2(0.8) - np.log2(0.8)
    assert made.bits == pytest.approx(bits, rel=1e-6)


def test_a_melody_of_notes_ends_on_a_bar_line():
    [made] = generate(Fake(), config(primer="c4", length=2))
    assert tokens(made.melody.notes) == "c4 d4 e2"  # e4 lengthened to the bar line


@pytest.mark.parametrize("joint", [True, False])
def test_the_last_note_of_a_melody_of_notes_is_the_tonic(joint):
    [made] = generate(Fake(joint), config(length=3, end_on_tonic=True))
    assert tokens(made.notes) == "d4 e4 c4"  # g4 was the most likely: the tonic instead


@pytest.mark.parametrize("joint", [True, False])
def test_whole_bars_and_the_tonic_held_to_the_end(joint):
    [made] = generate(Fake(joint), config(primer="c8", bars=2, end_on_tonic=True))
    # d8 e8 g8 | then the last bar: the model's c8 is the tonic, which ends the tune held to
    # its end
    assert tokens(made.melody.notes) == "c8 d8 e8 g8 c2"
    notes = made.melody.notes
    assert sum((n.duration for n in notes), F(0)) == 4  # two bars of 2/4
    assert notes[-1].pitch == 60
    now = F(0)
    for note in notes:  # no note crosses a bar line
        assert (now // 2) == ((now + note.duration - F(1, 1000)) // 2)
        now += note.duration


def test_a_note_that_cannot_fit_fills_the_bar():
    # a primer of a dotted quarter leaves an eighth in its bar, and the model knows no length
    # shorter than a quarter: the note fills the bar (its length class 0, one it has not seen)
    model = Fake(joint=False, lengths=(None, F(1), F(2)))
    [made] = generate(model, config(primer="c4.", bars=2))
    assert tokens(made.melody.notes) == "c4. d8 e4 g4"


@pytest.mark.parametrize("joint", [True, False])
def test_in_the_last_bar_a_note_leaves_a_beat_for_the_tonic(joint):
    # d4 e4 | then the last bar: g4 leaves a beat, and in the last beat only the tonic is left
    [made] = generate(Fake(joint), config(primer="d4", bars=2, end_on_tonic=True))
    assert tokens(made.melody.notes) == "d4 e4 g4 c4"


def test_the_same_seed_gives_the_same_melodies():
    settings = {"length": 12, "temperature": 1.5, "count": 3, "seed": 4}
    first = generate(Fake(False), config(**settings))
    assert [m.notes for m in generate(Fake(False), config(**settings))] == \
        [m.notes for m in first]
    assert len({m.notes for m in first}) == 3


@pytest.mark.parametrize("before, measure, after", [
    ("g8 e8 e4", 2, "g8 e8 e4"),               # already full
    ("g4 e8", 2, "g4 e4"),                     # e8 + an eighth = e4
    ("e8", 2, "e2"),
    ("g8 e8 e4 f8", 2, "g8 e8 e4 f2"),         # f8 + a dotted quarter = f2
    ("e8 e8 e8 e4", 2, "e8 e8 e8 e4 r4."),     # e4 + 3/2 = 5/2 has no token: one dotted rest
    ("e4. e4", 4, "e4. e4 r4."),                # e4 + 3/2 has no token, 3/2 has: one rest
    ("c4", 3, "c2."),                          # 6/8: a measure of 3 quarter notes
    ("", 2, ""),
])
def test_end_on_bar(before, measure, after):
    notes = parse_notes(before) if before else []
    assert tokens(end_on_bar(notes, Fraction(measure))) == after


def test_end_on_bar_after_a_pickup():
    # 2/4 with a quarter-note pickup: bar lines at 1, 3, 5 ...
    assert tokens(end_on_bar(parse_notes("g4 e4 f8"), Fraction(2), Fraction(1))) == "g4 e4 f4"
    assert tokens(end_on_bar(parse_notes("g4 e4 f4"), Fraction(2), Fraction(1))) == "g4 e4 f4"

"""generation/form.py and config.form_settings: tunes with form from the one loop, with a model
that follows rules of its own (a scale upwards, eighth notes), so that every note can be
checked: parts, a part again, cadences, pickups, motifs, the same seed the same tunes."""

from fractions import Fraction as F

import numpy as np
import pytest

from melodygen.core.errors import ConfigError
from melodygen.core.form import FormFacts, bars, cut, layout, repeat_plan
from melodygen.core.keys import Key
from melodygen.core.note import Melody, Note, beat
from melodygen.generation.config import GenerateConfig, form_settings
from melodygen.generation.form import Forced, Shaper, stable_degrees
from melodygen.generation.loop import generate
from melodygen.generation.rules import REST, TuneRules
from melodygen.generation.stats import bar_check
from melodygen.learning.interface import Defaults, FactoredNext, MelodyModel, Stepper

C = Key(0, "major")
SCALE = np.array([60, 62, 64, 65, 67, 69, 71, 72, 74, 76])
LENGTHS = (None, F(1, 2), F(1), F(3, 2), F(3))


class Upwards(Stepper):
    """The next note a step up the scale from the last (wrapping round), an eighth, most likely."""

    def start(self, primer, pickup=F(0)):
        self.last = primer[-1].pitch if primer else 72
        return self._next()

    def advance(self, choice):
        self.last = choice.note.pitch
        return self._next()

    def _next(self):
        place = (int(np.searchsorted(SCALE, self.last)) + 1) % len(SCALE)
        probs = np.full(len(SCALE), 0.4 / (len(SCALE) - 1))
        probs[place] = 0.6
        lengths = np.array([0.0, 0.7, 0.1, 0.1, 0.1])
        return FactoredNext(SCALE, probs, LENGTHS, lambda index: lengths)


class Book(MelodyModel):
    """A model of a collection of jigs: it learnt one tune (the motifs' model tune)."""

    kind, name, family, learnt_from = "collection", "fake", "fake", "jigs"

    def __init__(self, reference=()):
        self.reference = tuple(reference)

    def describe(self):
        return "a fake"

    @property
    def defaults(self):
        return Defaults("Jig", (6, 8), F(0), 165.0, C, bars=16)

    @property
    def lengths(self):
        return LENGTHS[1:]

    def facts(self):
        return {}

    def stepper(self, key=None, meter=None):
        return Upwards()

    def save(self, path):
        raise NotImplementedError


def config(form="AABB", part_bars=2, **settings) -> GenerateConfig:
    parts = len(layout(form, 1, F(1)).parts)
    return GenerateConfig((), (6, 8), 165.0, C, "Jig", bars=parts * part_bars,
                          end_on_tonic=True, form=form, part_bars=part_bars, **settings)


def cadences_of(made, key=C):
    """(pitch class, length) of each written part's last note."""
    out = []
    for part in made.form.parts:
        now, last = F(0), None
        for note in made.melody.notes:
            if now < part.end:
                last = note
            now += note.duration
        out.append((last.pitch % 12, last.duration))
    return out


def test_a_part_again_is_the_same_notes_and_every_part_ends_on_a_cadence():
    [made] = generate(Book(), config("AABA", 2))
    assert made.form.letters == "AABA" and [p.label for p in made.form.parts] == ["A", "B", "A"]
    measure = F(3)
    first, again = made.form.parts[0], made.form.parts[2]
    assert cut(made.melody.notes, again.start, again.end) == \
        cut(made.melody.notes, first.start, first.end)
    assert bar_check(made.melody) == (6, True)  # 3 parts of 2 bars of 6/8
    endings = cadences_of(made)
    # A (and the A again) ends on the tonic, the letter of the last part; B on a stable degree
    assert endings[0][0] == endings[2][0] == 0 and endings[1][0] in stable_degrees(C)
    assert all(length >= beat((6, 8)) for _, length in endings)
    assert made.melody.total_length == 3 * 2 * measure


def test_a_part_ends_on_the_degree_the_collections_parts_end_on():
    # the collection's first parts end on the fifth (G) in 10 tunes, on the sixth in 30 (not a
    # stable degree: never drawn)
    [made] = generate(Book(), config("AB", 2, temperature=1.0, seed=2,
                                     cadences=((7, 10), (9, 30))))
    assert [pitch for pitch, _ in cadences_of(made)] == [7, 0]


def test_a_tune_draws_its_pickup_and_each_part_starts_with_it():
    settings = {"temperature": 1.0, "seed": 1, "pickups": ((F(1, 2), 3), (F(0), 1))}
    made = generate(Book(), config("AABB", 2, count=6, **settings))
    assert [m.melody.pickup for m in made] == [F(1, 2), F(0), F(0), F(1, 2), F(0), F(1, 2)]
    for tune in made:
        assert bar_check(tune.melody) == (4, True)  # the last bar short by the pickup
        assert tune.melody.total_length == 4 * F(3)
        assert [p.end for p in tune.form.parts] == [F(6), F(12)]
    # a pickup that leaves less than a beat for the last bar is not drawn: 6/8 takes up to 3/2
    [made] = generate(Book(), config("AB", 2, **{**settings, "pickups": ((F(2), 5),)}))
    assert made.melody.pickup == 0


def test_the_bars_repeat_as_the_model_tune_does():
    # a tune of 4 bars of 6/8: bar 2 is bar 0 again, bar 3 has bar 1's rhythm
    tune = Melody(tuple(Note(p, F(l)) for p, l in [
        (67, 1), (69, 1), (71, 1), (72, F(3, 2)), (71, F(3, 2)), (67, 1), (69, 1), (71, 1),
        (74, F(3, 2)), (72, F(3, 2))]), "model tune", (6, 8), source="book.abc:1")
    assert repeat_plan(tune) == (None, None, ("exact", 0), ("rhythm", 1))
    [made] = generate(Book([tune]), config("AB", 2, motifs=True, temperature=1.0, seed=3))
    assert made.template == "book.abc:1"
    written = bars(made.melody)
    assert written[2] == written[0]
    assert [n.duration for n in written[3]] == [n.duration for n in written[1]]
    assert repeat_plan(made.melody)[2] == ("exact", 0)


def test_the_same_seed_gives_the_same_tunes_and_a_tune_does_not_depend_on_the_count():
    settings = {"temperature": 1.0, "seed": 7, "pickups": ((F(1, 2), 1), (F(0), 1)),
                "cadences": ((7, 1), (4, 1))}
    three = generate(Book(), config("AABA", 2, count=3, **settings))
    again = generate(Book(), config("AABA", 2, count=3, **settings))
    one = generate(Book(), config("AABA", 2, count=1, **settings))
    assert [m.melody for m in three] == [m.melody for m in again]
    assert one[0].melody == three[0].melody


def test_a_forced_note_gives_way_to_the_rules():
    rules = TuneRules((6, 8), 2, F(1, 2), tonic=0, limits=(60, 72))
    forced = Forced(rules.at(F(0)), 64, F(1))
    pitches = np.array([60, 64, 76, REST])
    assert forced.pitches(pitches).tolist() == [False, True, False, False]
    assert forced.lengths(64, [F(1, 2), F(1)]).tolist() == [False, True]
    assert forced.held(64) == F(1) and forced.held(62) is None
    outside = Forced(rules.at(F(0)), 76, F(1))  # out of the range: the rules alone
    assert outside.pitches(pitches).tolist() == [True, True, False, True]
    last = Forced(rules.at(F(5)), 64, F(1, 2))  # the last beat: the tonic, whatever was asked
    assert last.pitches(pitches).tolist() == [True, False, False, False]


FACTS = FormFacts({"AABB/8": 120, "AB/8": 10, "AABB/16": 3}, {F(0): 10, F(1, 2): 30})


@pytest.mark.parametrize("asked, settings", [
    ((None, None, None), ("AABB", 8, 16)),
    ((None, None, 12), ("AABB", 6, 12)),       # --bars alone: its parts divide them
    ((None, None, 9), ("A", 9, 9)),             # ... or one part
    (("ABAC", None, None), ("ABAC", 8, 32)),
    (("aaba", 4, None), ("AABA", 4, 12)),
    (("AB", None, 10), ("AB", 5, 10)),
    ((None, 4, None), ("AABB", 4, 8)),
    (("collection", None, None), ("collection", None, 16)),
    (("none", None, 8), (None, None, 8))])
def test_form_settings(asked, settings):
    form, part_bars, bars_ = asked
    assert form_settings(FACTS, form, part_bars, bars_, None) == settings


@pytest.mark.parametrize("asked, message", [
    (("AB", 8, 10), "--bars 10 is not the 2 written parts of AB of 8 bars each; leave --bars "
                    "out or give 16"),
    (("BA", None, None), "a form brings in its parts in order, A first, then B, then C: 'BA' "
                         "brings in B after nothing"),
    (("none", 8, None), "--part-bars needs a form (not --form none)"),
    (("collection", 8, None), "--form collection draws each tune's form and length from the "
                              "collection's: leave --part-bars and --bars out")])
def test_bad_form_settings_say_why(asked, message):
    with pytest.raises(ConfigError) as error:
        form_settings(FACTS, *asked, None)
    assert str(error.value) == message


def test_the_collections_forms_each_tune_draws_one():
    facts = (("AABB", 2, 3), ("AB", 1, 1))  # (letters, part bars, tunes)
    made = generate(Book(), GenerateConfig((), (6, 8), 165.0, C, "Jig", bars=4, end_on_tonic=True,
                                           form="collection", forms=facts, temperature=1.0,
                                           seed=4, count=4))
    assert [m.form.letters for m in made] == ["AABB", "AABB", "AABB", "AB"]
    assert [bar_check(m.melody)[0] for m in made] == [4, 4, 4, 2]


def test_a_shape_without_a_form_is_the_old_rules():
    shape = Shaper(Book(), GenerateConfig((), (6, 8), 165.0, C, "Jig", bars=4)).shape(0)
    assert (shape.pickup, shape.form) == (0, None) and isinstance(shape.rules, TuneRules)

"""core/form.py: a tune's parts from its repeat signs, played out; how its bars repeat; the form
facts of a collection."""

from fractions import Fraction as F

import pytest

from melodygen.core.form import (Form, FormFacts, Part, bar_repeats, bars, cut, form_error,
                                 layout, part_endings, repeat_plan, rhythm_name, tune_form)
from melodygen.core.keys import Key
from melodygen.core.note import Melody, Note


def melody(pitches, meter=(2, 4), pickup=F(0), length=F(1)):
    """Quarter notes (or ``length``), a rest for None."""
    return Melody(tuple(Note(p, length) for p in pitches), "t", meter, pickup=pickup,
                  key=Key.parse("C"))


# A: c d | e f, B: g a | g c  (two bars of 2/4 each)
A, B = [60, 62, 64, 65], [67, 69, 67, 60]
AB = melody(A + B)


@pytest.mark.parametrize("letters, written", [
    ("AABB", [("A", 0, 24, True), ("B", 24, 48, True)]),
    ("AB", [("A", 0, 24, False), ("B", 24, 48, False)]),
    ("AABA", [("A", 0, 24, True), ("B", 24, 48, False), ("A", 48, 72, False)]),
    ("ABAC", [("A", 0, 24, False), ("B", 24, 48, False), ("A", 48, 72, False),
              ("C", 72, 96, False)]),
    ("AAA", [("A", 0, 24, True), ("A", 24, 48, False)])])
def test_a_form_is_laid_out_in_parts_of_its_bars(letters, written):
    form = layout(letters, 8, F(3))  # 8 bars of 6/8
    assert [(p.label, p.start, p.end, p.repeat) for p in form.parts] == written
    assert form.letters == letters


@pytest.mark.parametrize("letters, message", [
    ("BA", "a form brings in its parts in order, A first, then B, then C: 'BA' brings in B "
           "after nothing"),
    ("AC", "a form brings in its parts in order, A first, then B, then C: 'AC' brings in C "
           "after A"),
    ("", "a form is 1 to 12 part letters A-Z as played (AABB, AB, AABA, ABAC), got ''"),
    ("aabb", "a form is 1 to 12 part letters A-Z as played (AABB, AB, AABA, ABAC), got 'aabb'"),
    ("A" * 13, f"a form is 1 to 12 part letters A-Z as played (AABB, AB, AABA, ABAC), got "
               f"{'A' * 13!r}")])
def test_a_bad_form_says_why(letters, message):
    assert form_error(letters) == message
    with pytest.raises(ValueError, match="form"):
        layout(letters, 8, F(3))


def test_repeat_signs_make_the_parts_and_equal_parts_share_a_letter():
    assert tune_form(AB, [(":|", F(4)), ("|:", F(4)), (":|", F(8))]).letters == "AABB"
    assert tune_form(AB, [("||", F(4))]).letters == "AB"
    assert tune_form(AB, [(":|", F(4))]).letters == "AAB"
    assert tune_form(AB).letters == "A"  # no marks: one part
    same = melody(A + A + B)
    assert tune_form(same, [("||", F(4)), ("||", F(8))]).letters == "AAB"  # written out again
    assert tune_form(AB, [(":|", F(4)), ("|:", F(4)), (":|", F(8))]).name(F(2)) == "AABB/2"


def test_a_pickup_before_the_first_repeat_sign_joins_the_first_part():
    tune = melody([59] + A + B, pickup=F(1))
    form = tune_form(tune, [("|:", F(1)), (":|", F(5)), ("|:", F(5)), (":|", F(9))])
    assert [(p.label, p.start, p.end, p.repeat) for p in form.parts] == \
        [("A", 0, 5, True), ("B", 5, 9, True)]


def test_first_and_second_endings_are_played_in_turn():
    # |: c d | [1 e f :| [2 g c |] : the body, then the first ending, the body, the second
    tune = melody([60, 62, 64, 65, 67, 60])
    form = tune_form(tune, [("|:", F(0)), ("[1", F(2)), (":|", F(4)), ("[2", F(4)),
                            ("|]", F(6))])
    assert form.parts == (Part("A", F(0), F(6), True, (F(2), F(4))),)
    assert form.letters == "AA" and form.part_bars(F(2)) == 2
    assert [n.pitch for n in form.played(tune).notes] == [60, 62, 64, 65, 60, 62, 67, 60]


def test_played_out_and_cut():
    form = tune_form(AB, [(":|", F(4)), ("|:", F(4)), (":|", F(8))])
    assert [n.pitch for n in form.played(AB).notes] == A + A + B + B
    assert cut(AB.notes, F(3, 2), F(5, 2)) == [Note(62, F(1, 2)), Note(64, F(1, 2))]


def test_bars_and_their_repeats():
    # bars: c d | c d | e d | g a : bar 2 repeats bar 1, bar 3 has its rhythm only
    tune = melody([60, 62, 60, 62, 64, 62, 67, 69])
    assert bars(tune)[1] == (Note(60, F(1)), Note(62, F(1)))
    assert repeat_plan(tune) == (None, ("exact", 0), ("rhythm", 1), ("rhythm", 2))
    repeats = bar_repeats(tune)
    assert (repeats.bars, repeats.exact, repeats.rhythm) == (4, 1, 2)
    assert (repeats.exact_share, repeats.rhythm_share) == (0.25, 0.5)
    # a pickup is no bar, a note across a bar line is cut at it, the short last bar not counted
    tune = Melody((Note(59, F(1)), Note(60, F(3)), Note(62, F(1, 2))), "t", (2, 4), pickup=F(1))
    assert bars(tune) == [(Note(60, F(2)),)]


def test_each_part_ends_on_its_last_note():
    form = tune_form(AB, [(":|", F(4)), ("|:", F(4)), (":|", F(8))])
    assert part_endings(AB, form) == [Note(65, F(1)), Note(60, F(1))]


@pytest.mark.parametrize("text, name", [("jig", "jig"), ("R: Jig", "jig"), ("jigs", "jig"),
                                        ("Slip jig", "slip jig"), ("double jig", "jig"),
                                        ("reel", "reel"), ("Highland Fling", "highland fling"),
                                        ("Kinder - Lied, Reigen", None), (None, None)])
def test_kinds_of_tune(text, name):
    assert rhythm_name(text) == name


def test_the_facts_of_a_collection():
    tunes = [AB, AB, melody([59] + A + B, pickup=F(1))]
    marks = [[(":|", F(4)), ("|:", F(4)), (":|", F(8))], [("||", F(4))],
             [("|:", F(1)), (":|", F(5)), ("|:", F(5)), (":|", F(9))]]
    facts = FormFacts.of(tunes, marks, ["jig", "R:jig", "reel"], [None, None, 96.0])
    assert facts.forms == {"AABB/2": 2, "AB/2": 1} and facts.form == ("AABB", 2)
    assert facts.pickups == {F(0): 2, F(1): 1} and facts.pickup_share() == pytest.approx(1 / 3)
    assert (facts.rhythm, facts.tempo) == ("jig", 96.0)
    assert facts.cadences == {5: 3}  # every first part ends on f, 5 semitones above c
    assert FormFacts.from_json(facts.to_json()) == facts
    assert facts.dance_tempo((6, 8)) == 165  # a jig: 55 bars a minute, a dotted quarter of 110
    assert FormFacts({}, {}).form == ("A", 8) and FormFacts({}, {}).dance_tempo((6, 8)) is None


def test_a_form_keeps_its_parts_in_json():
    form = Form((Part("A", F(0), F(6), True, (F(2), F(4))), Part("B", F(6), F(10))))
    assert Form.from_json(form.to_json()) == form

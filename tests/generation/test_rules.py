"""generation/rules.py: the masks that keep a tune in shape, at each place of it."""

from fractions import Fraction

import numpy as np

from melodygen.generation.rules import REST, LastNote, TuneRules

F = Fraction
# 4 bars of 3/4 (12 quarter notes), the model's shortest length an eighth, ending on G
RULES = TuneRules((3, 4), 4, F(1, 2), tonic=7, limits=(55, 79))
LENGTHS = [F(1, 2), F(1), F(3, 2), F(2), F(3)]


def lengths(rule, pitch=67):
    return [length for length, ok in zip(LENGTHS, rule.lengths(pitch, LENGTHS)) if ok]


def test_a_note_never_crosses_the_bar_line():
    assert lengths(RULES.at(F(0))) == [F(1, 2), F(1), F(3, 2), F(2), F(3)]
    assert lengths(RULES.at(F(1))) == [F(1, 2), F(1), F(3, 2), F(2)]
    assert lengths(RULES.at(F(5, 2))) == [F(1, 2)]
    assert RULES.at(F(5, 2)).fill() == F(1, 2) and RULES.at(F(4)).fill() == F(2)


def test_the_range_and_rests():
    pitches = np.array([54, 55, 79, 80, REST])
    assert RULES.at(F(0)).pitches(pitches).tolist() == [False, True, True, False, True]


def test_the_tonic_ends_the_tune():
    last_bar = RULES.at(F(9))  # the last bar: 3 quarter notes left
    assert last_bar.held(67) == F(3) and last_bar.held(79) == F(3) and last_bar.held(69) is None
    assert last_bar.held(REST) is None
    assert lengths(last_bar, 69) == [F(1, 2), F(1), F(3, 2), F(2)]  # a beat left for the tonic
    assert RULES.at(F(8)).held(67) is None  # not yet the last bar
    last_beat = RULES.at(F(11))
    assert last_beat.pitches(np.array([67, 69, 55, REST])).tolist() == [True, False, True, False]
    # elsewhere a note leaves room for the shortest note after it, or ends the tune exactly
    assert lengths(RULES.at(F(8)), 69) == [F(1, 2), F(1)]  # the bar line at 9


def test_without_an_ending_any_note_may_end_the_tune():
    free = TuneRules((3, 4), 4, F(1, 2))
    assert free.at(F(11)).pitches(np.array([67, 69])).tolist() == [True, True]
    assert free.at(F(11)).held(67) is None
    assert lengths(free.at(F(10))) == [F(1, 2), F(1), F(3, 2), F(2)]  # leave room, or end it


def test_a_pickup_starts_before_the_first_bar_line():
    assert lengths(RULES.at(F(-1))) == [F(1, 2), F(1)]  # a quarter-note pickup


def test_the_last_note_of_a_melody_of_notes():
    rule = LastNote(0)
    assert rule.pitches(np.array([60, 72, 62, REST])).tolist() == [True, True, False, False]
    assert rule.lengths(60, LENGTHS).all() and rule.held(60) is None

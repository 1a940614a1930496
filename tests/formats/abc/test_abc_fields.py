"""formats/abc/fields.py: K: as the key a melody keeps (``abc_key``, through ``Key.parse``) and as
the key signature music21 reads the notes in (``key_alterations``, music21's ways kept); M:, L:,
Q: and X: values."""

from __future__ import annotations

from fractions import Fraction as F

import pytest
from abc_testing import MUSIC21, assert_as_music21, tune

from melodygen.core.errors import MelodyError
from melodygen.core.keys import Key, key_alters
from melodygen.formats import abc
from melodygen.formats.abc import fields


@pytest.mark.parametrize(("key", "pitches"), [
    ("G", [67, 69, 71, 72, 74, 76, 78]), ("Bb", [67, 69, 70, 72, 74, 75, 77]),
    ("Edor", [67, 69, 71, 73, 74, 76, 78]), ("Amix", [67, 69, 71, 73, 74, 76, 78]),
    ("Gm", [67, 69, 70, 72, 74, 75, 77]), ("Hp", [67, 69, 71, 73, 74, 76, 78]),
    ("Es", [68, 69, 71, 73, 75, 76, 78]), ("H", [67, 69, 71, 72, 74, 76, 77]),
    ("AB", [67, 68, 70, 72, 73, 75, 77])])  # music21 takes a capital B for a flat too
def test_keys_as_music21_names_them(key, pitches):
    reading = assert_as_music21(f"X:1\nM:4/4\nL:1/4\nK:{key}\nGABc | defz |\n")
    assert [n.pitch for n in reading.melody.notes] == pitches


@pytest.mark.parametrize(("value", "name", "fifths"), [
    ("G", "G major", 1), ("Em", "E minor", 1), ("Dmix", "D mixolydian", 1),
    ("Bb", "Bb major", -2), ("F#m", "F# minor", 3), ("ADor", "A dorian", 1),
    ("A dorian", "A dorian", 1), ("E Phr", "E phrygian", 0), ("Dmixolydian", "D mixolydian", 1),
    ("Flyd", "F lydian", 0), ("Bloc", "B locrian", 0), ("Ebm", "Eb minor", -6),
    ("D#m", "D# minor", 6), ("C#", "C# major", 7), ("Cb", "Cb major", -7),
    ("Am clef=treble", "A minor", 0), ("G clef=bass", "G major", 1), ("D exp ^f", "D major", 2),
    ("EM", "E minor", 1),  # a mode's case does not count: M is m, minor
])
def test_abc_key_is_the_key_the_field_names(value, name, fifths):
    key = abc.abc_key(value)
    assert (str(key), key.fifths) == (name, fifths)
    assert key == Key.parse(name)


@pytest.mark.parametrize("value", ["none", "HP", "Hp", "AB", "H", "", "  ", None, "Dmix=c"])
def test_abc_key_is_none_for_what_names_no_key(value):
    assert abc.abc_key(value) is None


@pytest.mark.parametrize("value", ["C", "G", "Bb", "Ebm", "Dmix", "ADor", "E Phr", "F#m", "Glyd",
                                   "A Minor", "C#", "Cb", "Abm", "A#m"])
def test_the_notes_are_read_in_the_signature_of_the_key_the_melody_keeps(value):
    assert fields.key_alterations(value) == key_alters(abc.abc_key(value).fifths)


def test_music21s_ways_with_k_that_abc_key_does_not_share():
    # music21 reads D minor (m, its minor, starts "middle="), B for B#, F for Fb; B major for Bloc
    assert fields.key_alterations("D middle=d") == key_alters(-1)
    assert str(abc.abc_key("D middle=d")) == "D major"
    assert fields.key_alterations("B#") == key_alters(5)
    assert fields.key_alterations("Fb") == key_alters(-1)
    assert fields.key_alterations("Bloc") == key_alters(5)
    assert fields.key_alterations("Bloc", locrian=True) == {}
    assert fields.key_alterations("G clef=bass") is None and fields.key_alterations("E#") is None
    with pytest.raises(ValueError, match="'hP' is not a key music21 reads"):
        fields.key_alterations("hP")


def test_locrian_is_a_rule_music21_reads_the_major_key():
    text = "X:1\nM:4/4\nL:1/4\nK:Bloc\nBcde | fgab |\n"
    reading = assert_as_music21(text)  # read as music21 does: B major, the same as music21
    assert [n.pitch for n in abc.read_tune(tune(text), MUSIC21).melody.notes] == \
        [71, 73, 75, 76, 78, 80, 82, 83]
    assert [n.pitch for n in reading.melody.notes] == [71, 72, 74, 76, 77, 79, 81, 83]
    assert reading.melody.key == Key(11, "locrian")


@pytest.mark.parametrize(("value", "meter"), [("2/4", (2, 4)), ("C", (4, 4)), ("C|", (2, 2)),
                                              ("none", None), ("FREI4/4", (4, 4))])
def test_meter(value, meter):
    assert fields.meter(value) == meter


@pytest.mark.parametrize(("value", "length"), [("1/8", F(1, 2)), ("1/16", F(1, 4)), ("1/4", F(1)),
                                               ("3/8", F(3, 2))])
def test_unit_length(value, length):
    assert fields.unit_length(value) == length


@pytest.mark.parametrize(("value", "rules", "tempo"), [
    ("1/4=120", abc.ALL_RULES, 120.0), ("3/8=50", abc.ALL_RULES, 75.0), ("90", abc.ALL_RULES, 90.0),
    ('"Allegro" 1/4=120', abc.ALL_RULES, 120.0), ('"Allegro"', abc.ALL_RULES, None),
    ("1/4 =50", abc.ALL_RULES, 50.0), ("1/4 =50", MUSIC21, 250.0)])
def test_tempo_in_quarter_notes_a_minute(value, rules, tempo):
    assert fields.tempo(value, rules) == tempo


def test_bad_field_values_are_value_errors():
    for bad in (lambda: fields.meter("3"), lambda: fields.unit_length("8")):
        with pytest.raises(ValueError):
            bad()
    assert fields.is_number("12") and not fields.is_number("1a")


@pytest.mark.parametrize(("field", "message"), [
    ("M:7/0", "M: meter '7/0': a unit of 0 is no note value (beats/unit, as 6/8: six eighth "
              "notes)"),
    ("L:1/0", "L: note length '1/0' is no length (1/n, as 1/8: an eighth note)"),
    ("L:0/8", "L: note length '0/8' is no length (1/n, as 1/8: an eighth note)"),
    ("Q:1/0=120", "Q: tempo '1/0=120': a beat of 1/0 is no note value (as 1/4=120: 120 quarter "
                  "notes a minute)")])
def test_a_field_of_no_length_says_what_it_is_and_why(field, message):
    """A zero in a meter, a unit length or a tempo's beat: the field as written and what is
    wrong with it, where it is (it was "M: Fraction(7, 0)", and L:0/8 a traceback)."""
    with pytest.raises(MelodyError) as raised:
        abc.read_tune(tune(f"X:1\nT:Zero\n{field}\nK:C\ncdef|\n"))
    assert str(raised.value) == f"tune.abc:3:1: {message}"

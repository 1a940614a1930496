"""formats/abc/reader.py (with tokens, notes and measures): the fast reader on small tunes, each
construct exact and, read with music21's rules, the same as music21 live."""

from __future__ import annotations

from fractions import Fraction as F

import pytest
from abc_testing import MUSIC21, assert_as_music21, notes, summary, tune
from hypothesis import given, settings
from hypothesis import strategies as st

from melodygen.core.errors import MelodyError
from melodygen.formats import abc


def test_tuplets_ties_across_bars_and_rests():
    reading = assert_as_music21("X:1\nM:2/4\nL:1/8\nK:C\n"
                                "(3cde f2- | f2 zz | (3:2:4 g/a/b/c'/ d2 | (5:4ccccc (3z2A2B2 |]\n")
    assert reading.melody.notes == notes(
        ("C5", "1/3"), ("D5", "1/3"), ("E5", "1/3"), ("F5", 2), (None, 1),
        ("G5", "1/6"), ("A5", "1/6"), ("B5", "1/6"), ("C6", "1/6"), ("D5", 1),
        *[("C5", "2/5")] * 5, (None, "2/3"), ("A4", "2/3"), ("B4", "2/3"))
    assert reading.unjoined_ties == 0 and reading.reader == "melodygen"


def test_ties_join_same_pitch_only_and_count_the_rest():
    reading = assert_as_music21("X:1\nM:2/4\nL:1/4\nK:C\nc-d e2 | c- c- | c2 | =f-f |\n")
    assert reading.melody.notes == notes(("C5", 1), ("D5", 1), ("E5", 2), ("C5", 4), ("F5", 2))
    assert reading.unjoined_ties == 1


def test_broken_rhythm():
    reading = assert_as_music21("X:1\nM:4/4\nL:1/8\nK:G\na>b c<d e>>f g2 | a<<b c>>>d e3 |\n")
    assert reading.melody.notes == notes(
        ("A5", "3/4"), ("B5", "1/4"), ("C5", "1/4"), ("D5", "3/4"), ("E5", "7/8"), ("F#5", "1/8"),
        ("G5", 1), ("A5", "1/8"), ("B5", "7/8"), ("C5", "15/16"), ("D5", "1/16"), ("E5", "3/2"))


def test_broken_rhythm_across_a_staccato_and_a_slur_is_a_rule():
    text = "X:1\nM:4/4\nL:1/8\nK:C\na>.b (c>d) e>(f g) z2 |\n"
    music21 = abc.read_tune(tune(text), MUSIC21)
    assert summary(music21) == summary(abc.music21_tune(tune(text)))
    assert music21.melody.notes[:2] == notes(("A5", "1/2"), ("B5", "1/2"))  # music21 ignores the >
    assert abc.read_tune(tune(text)).melody.notes == notes(
        ("A5", "3/4"), ("B5", "1/4"), ("C5", "3/4"), ("D5", "1/4"), ("E5", "3/4"), ("F5", "1/4"),
        ("G5", "1/2"))


def test_key_signature_and_accidentals_carried_through_the_bar():
    text = "X:1\nM:3/4\nL:1/4\nK:F\nB ^c c | =B B _B | B c' ^C |\n"
    reading = abc.read_tune(tune(text))
    # the flat of the key; ^c holds for c in the bar, =B for B; a new bar restores the key
    assert reading.melody.notes == notes(("Bb4", 1), ("C#5", 1), ("C#5", 1), ("B4", 1), ("B4", 1),
                                         ("Bb4", 1), ("Bb4", 1), ("C6", 1), ("C#4", 1))
    assert summary(reading) == summary(abc.music21_tune(tune(text), abc_version=(2, 1, 0)))
    # music21 reads an ABC file that does not declare %abc-2.x as carrying nothing
    assert_as_music21(text)
    as_music21 = abc.read_tune(tune(text), MUSIC21).melody.notes
    assert [n.pitch for n in as_music21] == [70, 73, 72, 71, 70, 70, 70, 84, 61]
    declared = tune("%abc-2.1\n" + text)  # the header line before X: belongs to every tune
    assert abc.read_tune(declared, MUSIC21).melody.notes == reading.melody.notes
    octave = tune("%%propagate-accidentals octave\n" + text)
    assert [n.pitch for n in abc.read_tune(octave).melody.notes][:3] == [70, 73, 73]


def test_chords_keep_their_highest_note_and_count_the_others():
    reading = assert_as_music21("X:1\nM:4/4\nL:1/8\nK:C\n[CEG]2 [c2e]3 [GBd]/ z/ z2 | [ceg]8 |\n")
    assert reading.melody.notes == notes(("G4", 1), ("E5", 3), ("D5", "1/4"), (None, "5/4"), ("G5", 4))
    assert reading.chord_tones == 7


def test_grace_notes_are_dropped_and_counted():
    reading = assert_as_music21("X:1\nM:2/4\nL:1/8\nK:D\n{g}a2 {ab}c'2 | {/f}e4 |\n")
    assert reading.melody.notes == notes(("A5", 1), ("C#6", 1), ("E5", 2))
    assert reading.grace_notes == 4


def test_pickup_is_a_short_first_measure():
    reading = assert_as_music21("X:1\nM:3/4\nL:1/4\nK:D\nA | d2 e | f3 |\n")
    assert reading.melody.pickup == 1 and reading.melody.time_signature == (3, 4)
    assert reading.melody.notes == notes(("A4", 1), ("D5", 2), ("E5", 1), ("F#5", 3))
    # Essen writes a bar line first: the first measure is the one after it
    essen = assert_as_music21("X:1\nM:2/4\nL:1/16\nK:F\n | c4B2G2 | F4z2\nFA | c2c2B2G2 | F4 |\n")
    assert essen.melody.pickup == 0
    assert essen.melody.notes[:3] == notes(("C5", 1), ("Bb4", "1/2"), ("G4", "1/2"))


@pytest.mark.parametrize(("header", "length"), [
    ("M:2/4\n", "1/4"),   # no L: and a meter under 3/4: sixteenths
    ("M:6/8\n", "1/2"),   # 3/4 or more: eighths
    ("M:none\n", "1/2"),
    ("M:3/4\nL:1/4\n", "1"),
    ("L:1/2\nM:2/4\n", "2"),  # L: wins over the meter before or after it
])
def test_default_note_length(header, length):
    reading = assert_as_music21(f"X:1\n{header}K:C\nCD | E2 |\n")
    assert reading.melody.notes == notes(("C4", length), ("D4", length), ("E4", F(length) * 2))


def test_no_length_and_no_meter_is_eighths_music21_cannot_read_it():
    text = "X:1\nK:C\nCD | E2 |\n"
    with pytest.raises(MelodyError, match="music21 cannot read the tune"):
        abc.music21_tune(tune(text))
    with pytest.raises(MelodyError, match=r"^tune.abc:3:1: no note length"):
        abc.read_tune(tune(text), MUSIC21)
    assert abc.read_tune(tune(text)).melody.notes == notes(("C4", "1/2"), ("D4", "1/2"), ("E4", 1))


def test_first_meter_and_tempo_kept_changes_counted():
    reading = assert_as_music21("X:1\nT:Changes\nM:2/4\nL:1/8\nQ:3/8=60\nK:C\ncd ef | g4 |\n"
                                "M:3/4\nQ:1/4=100\ncd ef g2 | c6 |]\n")
    melody = reading.melody
    assert (melody.title, melody.time_signature, melody.tempo) == ("Changes", (2, 4), 90.0)
    assert (reading.meter_changes, reading.tempo_changes) == (1, 1)
    assert melody.source == "tune.abc:1"


def test_tempo_is_the_first_q_with_a_number_and_a_space_is_only_a_space():
    text = 'X:1\nM:2/4\nL:1/4\nQ:"Allegro"\nQ:1/4 =50\nK:C\nc d |\n'
    assert abc.music21_tune(tune(text)).melody.tempo == 250.0  # music21: 1/4 and a whole note
    assert abc.read_tune(tune(text), MUSIC21).melody.tempo == 250.0
    assert abc.read_tune(tune(text)).melody.tempo == 50.0


def test_repeats_read_as_written():
    reading = assert_as_music21("X:1\nM:2/4\nL:1/8\nK:G\n|: GA Bc :|1 d4 :|2 g4 |]\n")
    assert reading.melody.notes == notes(("G4", "1/2"), ("A4", "1/2"), ("B4", "1/2"), ("C5", "1/2"),
                                         ("D5", 2), ("G5", 2))


def test_decorations_chord_symbols_slurs_and_line_continuations_are_passed_over():
    reading = assert_as_music21('X:1\nM:2/4\nL:1/8\nK:D\n"D"(~d.e) !trill!f2 |\\\n"G"Tg4 | uA vB z2 |\n')
    assert reading.melody.notes == notes(("D5", "1/2"), ("E5", "1/2"), ("F#5", 1), ("G5", 2),
                                         ("A4", "1/2"), ("B4", "1/2"))


def test_rests_joined_and_trailing_rests_dropped():
    reading = assert_as_music21("X:1\nM:2/4\nL:1/8\nK:C\nz2 c2 | z z z2 | c4 | z4 |]\n")
    assert reading.melody.notes == notes((None, 1), ("C5", 1), (None, 2), ("C5", 2))


def test_music21_drops_fermata_notes_and_quoted_accent_notes_melodygen_keeps_them():
    text = 'X:1\nM:2/4\nL:1/4\nK:C\nc Hd | ">"e f |\n'
    assert [n.pitch for n in abc.music21_tune(tune(text)).melody.notes] == [72, 77]
    assert abc.read_tune(tune(text), MUSIC21).melody.notes == notes(("C5", 1), ("F5", 1))
    assert abc.read_tune(tune(text)).melody.notes == notes(("C5", 1), ("D5", 1), ("E5", 1), ("F5", 1))


def test_an_overfull_measure_keeps_its_notes_music21_can_lose_them():
    """music21 re-bars a measure longer than its meter (translate.reBar); when it cannot give
    the rest of a split chord a meter, that rest is lost. melodygen reads the notes as written."""
    text = "X:1\nM:3/8\nL:1/8\nK:C\nE3/2 b[d3/2FG2]2|c6|\n"
    assert abc.music21_tune(tune(text)).melody.notes == notes(
        ("E4", "3/4"), ("B5", "1/2"), ("D5", "1/4"), (None, "5/4"), ("C5", 3))
    assert abc.read_tune(tune(text), MUSIC21).melody.notes == notes(
        ("E4", "3/4"), ("B5", "1/2"), ("D5", "3/2"), ("C5", 3))


def test_inline_fields_are_not_read_music21_reads_the_tune():
    one = tune("X:1\nM:2/4\nL:1/4\nK:C\nc d | [K:D] f2 |\n")
    with pytest.raises(abc.UnsupportedAbc, match=r"^tune.abc:5:7: inline field '\[K:D\]'"):
        abc.read_tune(one)
    (reading,), failed = abc.read_tunes([one])
    assert failed == [] and reading.reader == "music21"
    assert reading.melody.notes == notes(("C5", 1), ("D5", 1), ("F5", 2))  # music21 ignores [K:D]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcgABGzxHTuvK^_=,'/0123()[]{}<>-|:.~!\"%\\ \nMLQV", max_size=60),
       st.sampled_from(["M:2/4\nL:1/8\n", "M:6/8\n", "L:1/16\nQ:1/4=90\n", ""]))
def test_any_text_reads_or_is_a_melody_error(body, header):
    """Whatever the text, read_tune gives a reading or a MelodyError (UnsupportedAbc is one):
    a tunebook never stops at a tune."""
    one = tune(f"X:1\n{header}K:G\n{body}\n")
    for rules in (abc.ALL_RULES, MUSIC21):
        try:
            abc.read_tune(one, rules)
        except MelodyError as error:
            assert error.source == "tune.abc" and error.line >= 1

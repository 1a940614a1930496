"""formats/abc/writer.py: notes -> ABC, read back as the same notes, key, meter, tempo and
pickup by melodygen's reader and by music21 reading it as ABC 2.1."""

from __future__ import annotations

from fractions import Fraction as F

import pytest
from abc_testing import tune
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from melodygen.core.keys import MODES, Key
from melodygen.core.note import Melody, Note
from melodygen.formats import abc
from melodygen.formats.timeline import tidy_rests


KEYS = st.builds(Key.from_fifths, st.integers(-7, 7), st.sampled_from(sorted(MODES)))
LENGTHS = [F(1, 4), F(1, 2), F(3, 4), F(1), F(3, 2), F(2), F(3), F(1, 3), F(2, 3), F(1, 6)]


@st.composite
def melodies(draw) -> Melody:
    """Melodies of 1 to 24 notes and rests (lengths 16ths to dotted halves and triplets), in
    any key and mode, 2/4, 3/4, 4/4 or 6/8, with a pickup or not."""
    events = draw(st.lists(st.tuples(st.one_of(st.none(), st.integers(36, 96)),
                                     st.sampled_from(LENGTHS)), min_size=1, max_size=24))
    notes = tidy_rests(Note(pitch, length) for pitch, length in events) or [Note(60, F(1))]
    signature = draw(st.sampled_from([(2, 4), (3, 4), (4, 4), (6, 8)]))
    melody = Melody(tuple(notes), "t", signature, float(draw(st.integers(40, 200))))
    pickup = draw(st.sampled_from([F(0), F(1, 2), F(1)]))  # kept by music21's rule: a first
    # measure shorter than the meter when there are two bar lines or more (measures.layout)
    pickup = pickup if melody.total_length >= pickup + 2 * melody.measure_length else F(0)
    return Melody(melody.notes, "t", signature, melody.tempo, "", pickup, draw(KEYS))


@settings(max_examples=150, deadline=None, database=None)
@given(melody=melodies())
def test_any_melody_survives_abc(melody):
    reading = abc.read_tune(tune(abc.abc_text(melody)))
    read = reading.melody
    key = melody.key if melody.key.tonic_name not in ("B#", "Fb") else Key.from_fifths(melody.key.fifths)
    assert (read.notes, read.key, read.time_signature, read.tempo, read.pickup) == \
        (melody.notes, key, melody.time_signature, melody.tempo, melody.pickup)


@settings(max_examples=15, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(melody=melodies())
def test_music21_reads_the_same_notes_as_abc_2_1(melody):
    if melody.key.mode == "locrian":  # music21 knows no locrian (the rule "locrian")
        melody = Melody(melody.notes, "t", melody.time_signature, melody.tempo, "", melody.pickup,
                        Key.from_fifths(melody.key.fifths))
    reading = abc.music21_tune(tune(abc.abc_text(melody)), abc_version=(2, 1, 0))
    assert reading.melody.notes == melody.notes


def test_an_accidental_holds_for_its_letter_in_every_octave_to_the_end_of_the_bar():
    """C#5 then C4 in C major: the C4 needs its natural, which ABC 2.1 readers (melodygen's,
    music21 reading ABC 2.1) would otherwise read as C#4; the next bar starts afresh."""
    melody = Melody(tuple(Note(p, 1) for p in (73, 60, 62, 72, 60)), "t", (4, 4), key=Key(0, "major"))
    text = abc.abc_text(melody)
    assert text.splitlines()[6:] == ["^c2 =C2 D2 c2 | C2 |]"]
    assert abc.read_tune(tune(text)).melody.notes == melody.notes


@pytest.mark.parametrize(("key", "written"), [
    (None, "C"), (Key(0, "major"), "C"), (Key.parse("Bb"), "Bb"), (Key.parse("Ebm"), "Ebm"),
    (Key(3, "minor"), "D#m"), (Key(1, "major"), "Db"), (Key.parse("C#"), "C#"),
    (Key.parse("Dmix"), "Dmix"), (Key.parse("ADor"), "Ador"), (Key.parse("E Phr"), "Ephr"),
    (Key.parse("F lydian"), "Flyd"), (Key.parse("B locrian"), "Bloc"), (Key.parse("Abm"), "Abm"),
    (Key.parse("Gbm"), "F#m")])  # Gb minor would need 9 flats
def test_abc_key_name(key, written):
    assert abc.abc_key_name(key) == written
    if key is not None:
        assert abc.abc_key(written) == key


def test_a_tonic_music21_cannot_name_is_written_as_the_major_key_of_its_signature():
    assert abc.abc_key_name(Key.from_fifths(7, "locrian")) == "C#"  # B# locrian
    assert abc.abc_key_name(Key.from_fifths(-7, "lydian")) == "Cb"  # Fb lydian


def test_header_and_lengths():
    melody = Melody((Note(67, F(1, 2)), Note(None, F(1, 2)), Note(69, F(1)), Note(71, F(1, 3)),
                     Note(72, F(1, 3)), Note(74, F(1, 3)), Note(79, F(6))), "Tune", (3, 4), 96.0,
                    key=Key.parse("G"))
    assert abc.abc_text(melody, number=7) == (
        "X:7\nT:Tune\nM:3/4\nL:1/8\nQ:1/4=96\nK:G\nG z A2 (3Bcd | g6- | g6 |]\n")

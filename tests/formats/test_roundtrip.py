"""Round trips through every format, for every bundled song and for random melodies (hypothesis):
notation -> notes -> MIDI -> notes, notes -> MusicXML -> notes, notes -> song text -> notes.

Melodies as the readers give them are the ones that must survive: no two rests in a row and
no rest at the end (``timeline.tidy_rests``), lengths on the notation grid (32nd notes,
triplets, quintuplets), with their key and pickup."""

from __future__ import annotations

import io
import warnings
from fractions import Fraction

import mido
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from melodygen.core.errors import MelodyWarning
from melodygen.core.keys import MODES, Key, song_key
from melodygen.core.note import Melody, Note, tuplet_ratio
from melodygen.formats.midi import PLACEHOLDER_NAMES, from_midi, midi_bytes, read_midi, write_midi
from melodygen.formats.musicxml import (
    from_score,
    musicxml_bytes,
    read_score,
    write_musicxml,
)
from melodygen.formats.notation import format_song, parse_song
from melodygen.formats.songs import bundled_songs, load_song
from melodygen.formats.timeline import tidy_rests

GRID = Fraction(1, 8)  # the 32nd note

SONGS = sorted(bundled_songs())


def without_warnings(read, *args):
    """A reader's result; a MelodyWarning here (a note moved, a voice dropped) fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", MelodyWarning)
        return read(*args)


def midi_round_trip(melody: Melody) -> Melody:
    data = midi_bytes(melody)
    return without_warnings(from_midi, mido.MidiFile(file=io.BytesIO(data), charset="utf-8"), "rt.mid")


def musicxml_round_trip(melody: Melody) -> Melody:
    import music21
    score = music21.converter.parse(musicxml_bytes(melody).decode("utf-8"), format="musicxml")
    return without_warnings(from_score, score, "rt.musicxml")


def same_song(read: Melody, written: Melody, pickup: bool = True) -> None:
    assert read.notes == written.notes
    assert (read.title, read.time_signature, read.tempo) == (written.title, written.time_signature,
                                                           written.tempo)
    if pickup:
        assert read.pickup == written.pickup


@pytest.mark.parametrize("name", SONGS)
def test_bundled_song_through_midi_files(tmp_path, name):
    melody = load_song(name)
    read = without_warnings(read_midi, write_midi(melody, tmp_path / f"{name}.mid"))
    same_song(read, melody)  # a pickup is a short first time signature, as notation programs write


@pytest.mark.parametrize("name", SONGS)
def test_bundled_song_through_musicxml_files(tmp_path, name):
    melody = load_song(name)
    same_song(without_warnings(read_score, write_musicxml(melody, tmp_path / f"{name}.musicxml")), melody)


@pytest.mark.parametrize("name", SONGS)
def test_bundled_song_through_song_text(name):
    melody = load_song(name)
    assert parse_song(format_song(melody), source=melody.source) == melody


def test_a_natural_tied_over_the_bar_line_reads_as_one_note(tmp_path):
    """In F major a B natural shows its sign, and the note it is tied to in the next measure does
    not: the reader joins them (music21 alone keeps them apart)."""
    melody = parse_song("time: 2/4\nf8 g8 a8 bb8 | c'4 bb8 b8~ | b2~ | b8 a8 g4 | f2\n")
    assert melody.notes[6] == Note(71, Fraction(3))  # through measure 3: tied on both sides there
    same_song(read_score(write_musicxml(melody, tmp_path / "natural.musicxml")), melody)


def test_pickup_is_measure_0_of_the_score():
    melody = load_song("o_tannenbaum")
    import music21
    score = music21.converter.parse(musicxml_bytes(melody).decode("utf-8"), format="musicxml")
    first, second = list(score.parts[0].getElementsByClass("Measure"))[:2]
    assert (first.number, first.paddingLeft, first.duration.quarterLength) == (0, 2.0, 1.0)
    assert [n.pitch.midi for n in first.notes] == [62]  # the upbeat d4
    assert second.number == 1 and second.duration.quarterLength == 3.0


TUPLETS = ("time: 2/4\nkey: D minor\n(3 d8 e8 f8 g4 | (5 a16 g16 f16 e16 d16 (3:2:2 c#4 d8 | "
           "(6 d16 e16 f16 g16 a16 bb16 (3 a8 g8 f8~ | (3:2:2 f4 r8 (3 e16 d16 c#16 d8 |\n")


@pytest.mark.parametrize("through", ["midi", "musicxml", "song text"])
def test_tuplets_survive_every_format(through):
    """Triplets, quintuplets, sextuplets, a triplet tied over a bar line and a triplet rest."""
    melody = parse_song(TUPLETS, source="tuplets.txt")
    assert {tuplet_ratio(note.duration) for note in melody.notes} == {None, (3, 2), (5, 4)}
    read = {"midi": midi_round_trip, "musicxml": musicxml_round_trip,
            "song text": lambda m: parse_song(format_song(m), source="tuplets.txt")}[through](melody)
    same_song(read, melody)
    assert read.key == melody.key


def test_pickup_keeps_midi_timing_note_to_note():
    melody = load_song("o_tannenbaum")
    messages = [m for m in mido.MidiFile(file=io.BytesIO(midi_bytes(melody))).tracks[1]
                if m.type == "note_on"]
    assert (messages[0].note, messages[0].time) == (62, 0)  # the upbeat sounds at tick 0


# --- random melodies ---------------------------------------------------------------------------

SIGNATURES = [(2, 4), (3, 4), (4, 4), (6, 8), (3, 8), (2, 2), (5, 4), (12, 8), (7, 8)]


# The units a note's length is counted in: a 32nd note, a triplet's 16th and 32nd, a
# quintuplet's 16th and 32nd; all on the notation grid (1/120 of a quarter note), which the
# readers keep exactly.
UNITS = [GRID, Fraction(1, 6), Fraction(1, 12), Fraction(1, 5), Fraction(1, 10)]
# keys of every mode and signature, spelt as their signature spells them (Eb minor, D# minor)
KEYS = st.one_of(st.none(), st.builds(Key, st.integers(0, 11), st.sampled_from(["major", "minor"])),
                 st.builds(Key.from_fifths, st.integers(-7, 7), st.sampled_from(sorted(MODES))))


@st.composite
def melodies(draw, low: int = 0, high: int = 127, max_notes: int = 40, tuplets: bool = True) -> Melody:
    """Melodies as melodygen's readers give them: lengths 1..64 of a unit (``UNITS``; only 32nd
    notes without ``tuplets``), rests not adjacent and not last, any time signature, tempo, key
    and pickup (which may split a note)."""
    unit = st.sampled_from(UNITS) if tuplets else st.just(GRID)
    events = draw(st.lists(st.tuples(st.one_of(st.none(), st.integers(low, high)),
                                     st.integers(1, 64), unit), min_size=1, max_size=max_notes))
    notes = tidy_rests(Note(pitch, units * step) for pitch, units, step in events)
    if not notes:
        notes = [Note(draw(st.integers(low, high)), GRID * draw(st.integers(1, 64)))]
    signature = draw(st.sampled_from(SIGNATURES))
    melody = Melody(tuple(notes), title=draw(st.text("abcdefghijklmnopqrstuvwxyzäé나비 ", min_size=1,
                                                     max_size=12).map(str.strip).filter(bool)),
                    time_signature=signature, tempo=float(draw(st.integers(10, 400))))
    longest = min(melody.measure_length - GRID, melody.total_length)
    pickup = draw(st.integers(0, int(longest / GRID))) * GRID
    return Melody(melody.notes, melody.title, melody.time_signature, melody.tempo, "", pickup,
                  draw(KEYS))


def examples(count: int):
    return settings(max_examples=count, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


def ends_off_the_triplet_grid_before_short_rests(melody: Melody) -> int:
    """Notes that end off the grid of note values and triplets (a quintuplet's) and are followed
    by a rest of a 16th note or less: in a MIDI file such a note looks played short."""
    count, now = 0, Fraction(0)
    for note, following in zip(melody.notes, melody.notes[1:]):
        now += note.duration
        count += (not note.is_rest and now % Fraction(1, 24) != 0 and following.is_rest
                  and following.duration <= Fraction(1, 4))
    return count


@examples(150)
@given(melody=melodies())
def test_any_melody_survives_midi(melody):
    """Tuplets, the key and the pickup too (a pickup is a short first time signature). A file
    whose notes mostly look played short is read as one (see test_readers), so at most one
    note here ends off the grid of note values and triplets before a short rest."""
    assume(ends_off_the_triplet_grid_before_short_rests(melody) <= 1)
    assume(not PLACEHOLDER_NAMES.fullmatch(melody.title))  # "Piano": the file's name instead
    read = midi_round_trip(melody)
    same_song(read, melody)
    # MIDI has major and minor keys only: a mode is written as the major key of its signature
    key = melody.key
    assert read.key == (key if key is None or key.mode in ("major", "minor") else
                        Key.from_fifths(key.fifths))


@examples(300)
@given(melody=melodies())
def test_any_melody_survives_song_text(melody):
    assert parse_song(format_song(melody), source="") == melody


@examples(40)
@given(melody=melodies(low=12, high=119, max_notes=25))  # MusicXML octaves are 0..9
def test_any_melody_survives_musicxml(melody):
    read = musicxml_round_trip(melody)
    same_song(read, melody)
    # without a key of its own a melody is written in the signature of its key, without a mode
    assert read.key == (melody.key or Key.from_fifths(song_key(melody).fifths))


@examples(25)
@given(melody=melodies(low=12, high=119, max_notes=20))
def test_a_melody_read_from_midi_reads_again_from_musicxml(melody):
    from_midi_file = midi_round_trip(melody)
    same_song(musicxml_round_trip(from_midi_file), from_midi_file)


def test_melodies_strategy_gives_pickups_rests_and_odd_lengths():
    """The strategy reaches what the round trips are about (so the properties can fail)."""
    seen = {"pickup": False, "rest": False, "no single token": False, "crosses a bar": False,
            "triplet": False, "quintuplet": False, "key": False}

    @settings(max_examples=200, database=None, deadline=None)
    @given(melody=melodies())
    def look(melody):
        seen["pickup"] |= melody.pickup > 0
        seen["rest"] |= any(note.is_rest for note in melody.notes)
        seen["no single token"] |= any(note.duration in (Fraction(5, 8), Fraction(5, 2), Fraction(9, 8))
                                       for note in melody.notes)
        seen["crosses a bar"] |= melody.notes[0].duration > melody.measure_length
        seen["triplet"] |= any(tuplet_ratio(note.duration) == (3, 2) for note in melody.notes)
        seen["quintuplet"] |= any(tuplet_ratio(note.duration) == (5, 4) for note in melody.notes)
        seen["key"] |= melody.key is not None

    look()
    assert all(seen.values()), seen

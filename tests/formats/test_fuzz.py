"""Fuzzing the readers with hypothesis: whatever a song file, MIDI file or MusicXML file holds,
the only exception that escapes is MelodyError (MelodyWarning may be warned).

Example counts are bounded to keep the run near 20 s; ``FUZZ_EXAMPLES=N`` runs N of each.
"""

from __future__ import annotations

import io
import os
import warnings

import mido
import pytest
from external import BAD_INPUTS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from melodygen.core.errors import MelodyError
from melodygen.formats.midi import from_midi, midi_bytes, read_midi
from melodygen.formats.musicxml import musicxml_bytes, read_score
from melodygen.formats.notation import parse_song, read_song
from melodygen.formats.songs import load_song

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 0))


def fuzz(examples: int):
    return settings(max_examples=EXAMPLES or examples, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def only_melody_errors(read, *args):
    """Call ``read``; a MelodyError is fine, any other exception fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # MelodyWarning, and the libraries' own chatter
        try:
            return read(*args)
        except MelodyError:
            return None


# --- song files ---------------------------------------------------------------------------

LETTERS = st.sampled_from("abcdefghrsx")
TOKENS = st.builds(lambda *parts: "".join(parts), LETTERS, st.sampled_from(["", "#", "b", "bb", "##"]),
                   st.sampled_from(["", "'", "''", ",", ",,,,,,", "'" * 12]),
                   st.sampled_from(["", "0", "1", "2", "3", "4", "8", "16", "32", "64", "007",
                                    "99999999999999999999"]),
                   st.sampled_from(["", ".", "..", "...", ".5"]))
HEADERS = st.builds(lambda key, value: f"{key}: {value}",
                    st.sampled_from(["title", "time", "tempo", "TIME", "key", "meter", ""]),
                    st.sampled_from(["", "2/4", "0/4", "3/5", "4/0", "-1/4", "a/b", "1/2/3", "100",
                                     "0", "1e400", "nan", "inf", "-5", "나비야", "x" * 300,
                                     "G major", "f# minor", "Bb", "H dur"]))
TUPLETS = st.sampled_from(["(3", "(5", "(6", "(3:2", "(3:2:1", "(3:2:7", "(2", "(2:3", "(4:3:2", "(",
                           "(0", "(1", "(3:0", "(3:3", "(99", "(64:1:64", "(3:", "(3::2", "(15:8:4"])
WORDS = st.one_of(TOKENS, TUPLETS, HEADERS,
                  st.sampled_from(["|", "||", "#", "# comment", ":", "\t", "\ufeff"]),
                  st.text(max_size=5))
SONGS = st.lists(st.tuples(WORDS, st.sampled_from([" ", "\n", "\r\n", "\t", " | ", "\x0b", "\u2028"])),
                 max_size=40).map(lambda pairs: "".join(word + gap for word, gap in pairs))


@fuzz(300)
@given(text=st.text(max_size=200))
def test_parse_song_any_text(text):
    only_melody_errors(parse_song, text, "fuzz.txt")


@fuzz(600)
@given(text=SONGS)
def test_parse_song_token_like_text(text):
    melody = only_melody_errors(parse_song, text, "fuzz.txt")
    if melody is not None:
        assert len(melody) >= 1 and all(note.duration > 0 for note in melody.notes)


@fuzz(150)
@given(data=st.binary(max_size=300))
def test_read_song_any_bytes(tmp_path, data):
    path = tmp_path / "fuzz.txt"
    path.write_bytes(data)
    only_melody_errors(read_song, path)


# --- MIDI -------------------------------------------------------------------------------------

VALID_MIDI = [midi_bytes(load_song("nabiya")), (BAD_INPUTS / "chords.mid").read_bytes()]


def mutated(originals: list[bytes]):
    """A valid file with some bytes overwritten, inserted or deleted, and maybe cut short."""
    edit = st.tuples(st.sampled_from(["set", "insert", "delete"]), st.integers(0, 10**6),
                     st.integers(0, 255))

    def apply(original: bytes, edits, cut):
        data = bytearray(original)
        for kind, position, value in edits:
            position %= max(len(data), 1)
            if kind == "set" and data:
                data[position] = value
            elif kind == "insert":
                data.insert(position, value)
            elif data:
                del data[position]
        return bytes(data[:cut] if cut is not None else data)

    return st.builds(apply, st.sampled_from(originals), st.lists(edit, min_size=1, max_size=8),
                     st.one_of(st.none(), st.integers(0, 2000)))


@fuzz(150)
@given(data=st.one_of(st.binary(max_size=200), mutated(VALID_MIDI)))
def test_read_midi_any_bytes(tmp_path, data):
    path = tmp_path / "fuzz.mid"
    path.write_bytes(data)
    only_melody_errors(read_midi, path)


CHANNEL_MESSAGES = st.one_of(
    st.builds(lambda kind, channel, note, velocity, time: mido.Message(
        kind, channel=channel, note=note, velocity=velocity, time=time),
        st.sampled_from(["note_on", "note_off"]), st.sampled_from([0, 1, 9, 15]),
        st.integers(0, 127), st.sampled_from([0, 1, 64, 127]), st.integers(0, 5000)),
    st.builds(lambda tempo, time: mido.MetaMessage("set_tempo", tempo=tempo, time=time),
              st.sampled_from([1, 100, 500_000, 16_777_215]), st.integers(0, 500)),
    st.builds(lambda numerator, denominator, time: mido.MetaMessage(
        "time_signature", numerator=numerator, denominator=denominator, time=time),
        st.sampled_from([0, 1, 3, 255]), st.sampled_from([1, 2, 4, 8, 64, 128]), st.integers(0, 500)),
    st.builds(lambda name: mido.MetaMessage("track_name", name=name), st.text(max_size=10)),
)


@fuzz(200)
@given(file_type=st.sampled_from([0, 1, 2]), ticks=st.sampled_from([1, 3, 96, 480, 32767]),
       tracks=st.lists(st.lists(CHANNEL_MESSAGES, max_size=30), min_size=1, max_size=3))
def test_read_midi_any_messages(tmp_path, file_type, ticks, tracks):
    """Well-formed files with any events: any times, channels, tempos, meters, overlaps."""
    if file_type == 0:
        tracks = tracks[:1]
    midi = mido.MidiFile(type=file_type, ticks_per_beat=ticks, charset="utf-8")
    midi.tracks.extend(mido.MidiTrack(messages) for messages in tracks)
    buffer = io.BytesIO()
    midi.save(file=buffer)
    path = tmp_path / "fuzz.mid"
    path.write_bytes(buffer.getvalue())
    melody = only_melody_errors(read_midi, path)
    if melody is not None:
        assert any(not note.is_rest for note in melody.notes)
    only_melody_errors(from_midi, midi, "fuzz.mid")


# --- MusicXML -----------------------------------------------------------------------------------

VALID_MUSICXML = [musicxml_bytes(load_song("nabiya").with_notes(load_song("nabiya").notes[:8])),
                  (BAD_INPUTS / "two-parts.musicxml").read_bytes()]


@fuzz(40)
@given(data=mutated(VALID_MUSICXML))
def test_read_score_any_bytes(tmp_path, data):
    path = tmp_path / "fuzz.musicxml"
    path.write_bytes(data)
    only_melody_errors(read_score, path)


@fuzz(40)
@given(text=st.lists(st.sampled_from(["X:1", "T:x", "M:2/4", "M:0/0", "L:1/8", "K:C", "K:H", "Q:1/4=100",
                                      "Q:0", "|", "||", "[", "]", "(3", "c", "^c", "_e", "=f", "C,",
                                      "c'", "2", "/", "3/2", "z", "z4", ">", "<", "-", "{g}", "\n", " ",
                                      "[ceg]", ":|", "|:", "!", "\"C\""]),
                     max_size=40).map("".join))
def test_read_score_any_abc(tmp_path, text):
    path = tmp_path / "fuzz.abc"
    path.write_text(text, encoding="utf-8")
    only_melody_errors(read_score, path)


def test_the_harness_lets_other_exceptions_through():
    """The tests above can fail: an exception other than MelodyError is not swallowed."""
    def broken(text):
        raise ValueError(f"bug reading {text!r}")

    with pytest.raises(ValueError):
        only_melody_errors(broken, "c4")
    assert only_melody_errors(parse_song, "h4") is None

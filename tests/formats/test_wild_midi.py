"""MIDI files from the wild: the reader against mutated headers, divisions and text events
(only MelodyError escapes), the melody it reads against an independent skyline of what mido
reads (hypothesis), against symusic's notes of a real chorale, and a multi-tune ABC file read
one tune at a time.

``FUZZ_EXAMPLES=N`` runs N examples of each fuzz test.
"""

from __future__ import annotations

import importlib.util
import io
import os
import struct
import time
import warnings
from fractions import Fraction
from pathlib import Path

import mido
import pytest
from external import BAD_INPUTS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from melodygen.core.errors import MelodyError, MelodyWarning
from melodygen.formats.midi import from_midi, read_midi
from melodygen.formats.musicxml import read_score

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "0"))


def fuzz(examples: int):
    return settings(max_examples=EXAMPLES or examples, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def quietly(read, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read(*args)


def only_melody_errors(read, *args):
    """The melody ``read`` gives, or None for a MelodyError; any other exception fails."""
    try:
        return quietly(read, *args)
    except MelodyError as error:
        assert "\n" not in str(error)
        return None


# --- fuzzing: headers, divisions, text events ------------------------------------------------

def variable_length(value: int) -> bytes:
    """A MIDI variable-length quantity."""
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))


TEXT_KINDS = st.sampled_from([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x7F])  # text .. marker, sequencer
TEXTS = st.one_of(
    st.binary(max_size=40),
    st.sampled_from(["Café Müller", "さくらさくら", "茉莉花", "나비야", "Soprano", "Instrument 1",
                     "Track 1\x00"]).flatmap(lambda text: st.sampled_from(
                         [text.encode(encoding, errors="replace")
                          for encoding in ("utf-8", "latin-1", "cp932", "gbk", "utf-16")])))
DIVISIONS = st.one_of(st.sampled_from([0, 1, 3, 96, 120, 480, 960, 0x7FFF, 0x8000, 0xE728, 0xE250,
                                       0xE850, 0xE328, 0xEC28, 0xE700, 0xFF01]),
                      st.integers(0, 0xFFFF))


@st.composite
def raw_tracks(draw) -> bytes:
    """Track chunks of notes and text events with any bytes, lengths that may lie."""
    chunks = b""
    for _ in range(draw(st.integers(0, 3))):
        events = b""
        for _ in range(draw(st.integers(0, 12))):
            delta = variable_length(draw(st.integers(0, 2000)))
            kind = draw(st.sampled_from(["text", "note", "tempo", "meter"]))
            if kind == "text":
                data = draw(TEXTS)
                events += delta + bytes([0xFF, draw(TEXT_KINDS)]) + variable_length(len(data)) + data
            elif kind == "note":
                channel, pitch = draw(st.integers(0, 15)), draw(st.integers(0, 127))
                events += delta + bytes([0x90 | channel, pitch, draw(st.sampled_from([0, 1, 90, 200]))])
                events += variable_length(draw(st.integers(0, 960))) + bytes([0x80 | channel, pitch, 0])
            elif kind == "tempo":
                events += delta + b"\xff\x51\x03" + draw(st.binary(min_size=3, max_size=3))
            else:
                events += delta + b"\xff\x58\x04" + draw(st.binary(min_size=4, max_size=4))
        events += b"\x00\xff\x2f\x00"
        length = draw(st.one_of(st.just(len(events)), st.integers(0, len(events) + 10)))
        chunks += b"MTrk" + struct.pack(">L", length) + events
    return chunks


@st.composite
def wild_files(draw) -> bytes:
    header_length = draw(st.sampled_from([6, 6, 6, 0, 5, 8, 100]))
    fields = struct.pack(">HHH", draw(st.sampled_from([0, 1, 1, 2, 3, 0xFFFF])),
                         draw(st.sampled_from([0, 1, 2, 3, 0xFFFF])), draw(DIVISIONS))
    header = b"MThd" + struct.pack(">L", header_length) + (fields + bytes(max(0, header_length - 6)))[
        :max(header_length, 6) if header_length >= 6 else header_length]
    data = header + draw(raw_tracks())
    if draw(st.booleans()):
        data = b"RIFF" + struct.pack("<L", len(data) + 12) + b"RMIDdata" + struct.pack("<L", len(data)) + data
    return data


@fuzz(300)
@given(data=wild_files())
def test_read_midi_wild_headers_divisions_and_text(tmp_path, data):
    path = tmp_path / "wild.mid"
    path.write_bytes(data)
    melody = only_melody_errors(read_midi, path)
    if melody is not None:
        assert any(not note.is_rest for note in melody.notes)
        assert all(note.duration > 0 for note in melody.notes)


@fuzz(100)
@given(division=DIVISIONS, names=st.lists(TEXTS, min_size=1, max_size=3))
def test_any_division_and_names_read_or_one_line(tmp_path, division, names):
    """A good file but for its division and its names: read, or refused in one line for its
    division; text never makes it unreadable."""
    midi = mido.MidiFile(type=1, ticks_per_beat=480, charset="latin1")
    midi.tracks.append(mido.MidiTrack([mido.MetaMessage("track_name", name=name.decode("latin-1"))
                                       for name in names]))
    midi.tracks.append(mido.MidiTrack([mido.Message("note_on", note=60, velocity=90, time=0),
                                       mido.Message("note_off", note=60, velocity=0, time=480)]))
    buffer = io.BytesIO()
    midi.save(file=buffer)
    data = buffer.getvalue()
    path = tmp_path / "division.mid"
    path.write_bytes(data[:12] + struct.pack(">H", division) + data[14:])
    melody = only_melody_errors(read_midi, path)
    if division == 0 or (division & 0x8000 and (256 - (division >> 8) not in (24, 25, 29, 30)
                                                 or division & 0xFF == 0)):
        assert melody is None
    else:
        assert melody is not None and [note.pitch for note in melody.notes if not note.is_rest] == [60]


# --- the skyline against mido ----------------------------------------------------------------

STEP = 20  # ticks at 480 a quarter note: 1/24, on the grid written files are read exactly on


@st.composite
def voices(draw, max_voices: int = 4) -> list[list[tuple[int, int, int]]]:
    """Voices of (start, end, pitch) ticks, each voice one line without overlaps (rests between)."""
    found = []
    for _ in range(draw(st.integers(1, max_voices))):
        now, line = draw(st.integers(0, 24)) * STEP, []
        for _ in range(draw(st.integers(1, 12))):
            length = draw(st.integers(1, 48)) * STEP
            line.append((now, now + length, draw(st.integers(30, 100))))
            now += length + draw(st.sampled_from([0, 0, 0, 1, 6, 24])) * STEP
        found.append(line)
    return found


def midi_of(lines: list[list[tuple[int, int, int]]]) -> mido.MidiFile:
    """One track and channel per voice."""
    midi = mido.MidiFile(type=1, ticks_per_beat=480)
    for channel, line in enumerate(lines):
        events = sorted([(start, 1, pitch) for start, _, pitch in line] +
                        [(end, 0, pitch) for _, end, pitch in line])  # at one tick, offs first
        track, now = mido.MidiTrack(), 0
        for tick, on, pitch in events:
            track.append(mido.Message("note_on" if on else "note_off", note=pitch, channel=channel,
                                      velocity=80 if on else 0, time=tick - now))
            now = tick
        midi.tracks.append(track)
    buffer = io.BytesIO()
    midi.save(file=buffer)
    return mido.MidiFile(file=io.BytesIO(buffer.getvalue()))  # as mido reads it from a file


def mido_notes(midi: mido.MidiFile) -> list[tuple[int, int, int]]:
    """(start, end, pitch) ticks of every note as mido reads the file: a note-on, then the
    note-off of its channel and pitch."""
    notes = []
    for track in midi.tracks:
        now, started = 0, {}
        for message in track:
            now += message.time
            if message.type == "note_on" and message.velocity:
                started[(message.channel, message.note)] = now
            elif message.type in ("note_on", "note_off"):
                notes.append((started.pop((message.channel, message.note)), now, message.note))
    return notes


def highest_at_each_onset(notes) -> list[tuple[Fraction, Fraction, int]]:
    """(onset, length, pitch) in quarter notes: at each onset, the highest note sounding, when
    it starts there (a note already sounding at that pitch goes on); it lasts until it ends or
    the next such note starts."""
    line = []
    for onset in sorted({start for start, _, _ in notes}):
        sounding = [(pitch, start, end) for start, end, pitch in notes if start <= onset < end]
        top = max(pitch for pitch, _, _ in sounding)
        if any(start < onset for pitch, start, _ in sounding if pitch == top):
            continue
        line.append([onset, max(end for pitch, start, end in sounding if pitch == top), top])
    for this, following in zip(line, line[1:]):
        this[1] = min(this[1], following[0])
    return [(Fraction(start, 480), Fraction(end - start, 480), pitch) for start, end, pitch in line]


def timed(melody) -> list[tuple[Fraction, Fraction, int]]:
    out, now = [], Fraction(0)
    for note in melody.notes:
        if not note.is_rest:
            out.append((now, note.duration, note.pitch))
        now += note.duration
    return out


@fuzz(200)
@given(lines=voices(max_voices=1))
def test_one_melodic_line_is_read_note_for_note(lines):
    midi = midi_of(lines)
    with warnings.catch_warnings():
        warnings.simplefilter("error", MelodyWarning)  # nothing moved, nothing dropped
        melody = from_midi(midi, "line.mid")
    assert timed(melody) == [(Fraction(s, 480), Fraction(e - s, 480), p) for s, e, p in lines[0]]


@fuzz(300)
@given(lines=voices())
def test_any_voices_give_the_highest_note_sounding_at_each_onset(lines):
    midi = midi_of(lines)
    assert timed(quietly(from_midi, midi, "voices.mid")) == highest_at_each_onset(mido_notes(midi))


def test_the_reference_skyline_keeps_a_held_soprano_whole():
    soprano, alto = [(0, 960, 72), (1440, 1920, 71)], [(480, 1440, 64)]
    assert highest_at_each_onset(soprano + alto) == [(0, 2, 72), (3, 1, 71)]


def test_bwv_66_6_is_the_soprano_as_symusic_reads_it():
    """music21's MIDI of the chorale, read by symusic (not built on mido): melodygen's melody is
    the soprano track, whole, 36 notes, and the highest note sounding at each onset."""
    symusic = pytest.importorskip("symusic")
    path = BAD_INPUTS / "bwv66.6.mid"
    score = symusic.Score(str(path))
    tpq = score.ticks_per_quarter
    soprano = [(Fraction(n.start, tpq), Fraction(n.duration, tpq), n.pitch) for n in score.tracks[0].notes]
    everything = [(n.start * 480 // tpq, (n.start + n.duration) * 480 // tpq, n.pitch)
                  for track in score.tracks for n in track.notes]
    melody = quietly(read_midi, path)
    assert timed(melody) == soprano == highest_at_each_onset(everything)
    assert len(soprano) == 36


def test_acacia_keeps_every_note_but_its_grace_notes():
    """music21 writes a grace note as a note of no length, its note-off first: 14 of them. The
    248 notes of the reel are the notes of its score, triplets exact (music21's MusicXML fills
    the short measure before the repeat with a rest, its MIDI does not: onsets differ there)."""
    from_midi_file = quietly(read_midi, BAD_INPUTS / "acacia.mid")
    from_score = quietly(read_score, BAD_INPUTS / "acacia.musicxml")
    assert sum(not note.is_rest for note in from_midi_file.notes) == 248
    assert [(length, pitch) for _, length, pitch in timed(from_midi_file)] == \
        [(length, pitch) for _, length, pitch in timed(from_score)]
    assert Fraction(1, 6) in {length for _, length, _ in timed(from_score)}  # sixteenth triplets


MUSIC21_ACCOMPANIED = [("omr/k525short.mid", 42), ("midi/testPrimitive/test09.mid", 910),
                       ("midi/testPrimitive/test04.mid", 750)]


def top_line(notes) -> list[tuple[Fraction, int]]:
    """(onset, pitch) of the reference skyline (``highest_at_each_onset``) of (start, end,
    pitch) notes in quarter notes, by a sweep: a long file in a moment."""
    notes = sorted(note for note in notes if note[1] > note[0])
    line, sounding, taken = [], [], 0
    for onset in sorted({start for start, _, _ in notes}):
        while taken < len(notes) and notes[taken][0] <= onset:
            sounding.append(notes[taken])
            taken += 1
        sounding = [note for note in sounding if note[1] > onset]
        top = max(pitch for _, _, pitch in sounding)
        if not any(start < onset for start, _, pitch in sounding if pitch == top):
            line.append((onset, top))
    return line


def file_notes(midi: mido.MidiFile) -> list[tuple[Fraction, Fraction, int]]:
    """(start, end, pitch) in quarter notes of every note but drums, as mido reads the file; a
    note-off without its note-on is passed over."""
    notes = []
    for track in midi.tracks:
        now, started = 0, {}
        for message in track:
            now += message.time
            key = (getattr(message, "channel", None), getattr(message, "note", None))
            if message.type not in ("note_on", "note_off") or key[0] == 9:
                continue
            if key in started:
                notes.append((Fraction(started.pop(key), midi.ticks_per_beat),
                              Fraction(now, midi.ticks_per_beat), message.note))
            if message.type == "note_on" and message.velocity:
                started[key] = now
    return notes


@pytest.mark.parametrize("name, count", MUSIC21_ACCOMPANIED)
def test_music21_files_with_accompaniment_read_as_their_top_line(name, count):
    """MIDI files of music21's package with accompaniment, written and played short: the melody
    is the top line, note for note (onset and pitch) the reference skyline of the file's notes.
    The legato rule used to run before the top line was taken and let lower notes in: 47, 936
    and 753 notes. (music21's own notes of k525short.mid and test09.mid, under the same rule,
    give 42 and 910 too.)"""
    music21 = importlib.util.find_spec("music21")
    path = Path(list(music21.submodule_search_locations)[0]) / name if music21 else None
    if path is None or not path.exists():
        pytest.skip(f"music21's package has no {name}")
    melody = quietly(read_midi, path)
    reference = top_line(file_notes(mido.MidiFile(path)))
    assert [(onset, pitch) for onset, _, pitch in timed(melody)] == reference
    assert len(reference) == count


# --- one tune of many ---------------------------------------------------------------------------

def test_one_tune_of_a_tunebook_is_read_without_the_others():
    """han1.abc, 554 tunes in music21's corpus: the first and the last read as quickly as a
    file of one tune (music21 would parse all 554: about a minute)."""
    music21 = pytest.importorskip("music21")
    path = music21.common.getCorpusFilePath() / "essenFolksong" / "han1.abc"
    if not path.exists():
        pytest.skip("music21's corpus has no essenFolksong/han1.abc")
    quietly(read_score, BAD_INPUTS / "tunes.abc")  # music21 imported and warmed up
    started = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        first = read_score(path)
    last = quietly(read_score, path, "auto", 554)
    seconds = time.perf_counter() - started
    assert (first.title, last.title) == ("Renmin gongshe shizai hao", "Cuimian ge")
    assert [str(w.message) for w in caught if issubclass(w.category, MelodyWarning)] == [
        f"{path}: 554 tunes; reading the first, X:1 'Renmin gongshe shizai hao' (--tune N or "
        "han1.abc:N reads the tune of X:N)"]
    assert seconds < 5, f"two tunes of han1.abc took {seconds:.1f} s"

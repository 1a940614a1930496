"""Reading melodies: MIDI (midi.read_midi, from_midi), MusicXML and ABC (musicxml.read_score,
from_score), the melody line they share (timeline.melody_line), bad files through the command
line, and "Hänschen klein" from music21's corpus exported by music21 itself."""

from __future__ import annotations

import io
import warnings
from fractions import Fraction

import mido
import pytest
from external import BAD_INPUTS, run_melodygen

from melodygen.core.errors import ConfigError, MelodyError, MelodyWarning
from melodygen.core.note import Melody, Note
from melodygen.formats.midi import from_midi, read_midi, to_midi, write_midi
from melodygen.formats.musicxml import from_score, read_score, write_musicxml
from melodygen.formats.notation import format_song, parse_notes, parse_song
from melodygen.formats.songs import load_melody
from melodygen.formats.timeline import Timed, melody_line, quantize_grid

F = Fraction


# --- MIDI files built in memory ---------------------------------------------------------------

def track(notes, channel=0, meta=()):
    """(pitch, start tick, end tick) -> a track of note-on/note-off messages in time order."""
    events = [(tick, 0, message) for tick, message in meta]
    for pitch, start, end in notes:
        events.append((start, 1, mido.Message("note_on", note=pitch, velocity=80, channel=channel)))
        events.append((end, 0, mido.Message("note_off", note=pitch, velocity=0, channel=channel)))
    out, now = mido.MidiTrack(), 0
    for tick, _, message in sorted(events, key=lambda event: event[:2]):
        out.append(message.copy(time=tick - now))
        now = tick
    return out


def midi_file(*tracks, ticks=480, kind=1):
    midi = mido.MidiFile(type=kind, ticks_per_beat=ticks)
    midi.tracks.extend(tracks)
    return midi


def conductor(tempo=500_000, signature=(4, 4), name="Tune"):
    return track([], meta=[(0, mido.MetaMessage("track_name", name=name)),
                           (0, mido.MetaMessage("set_tempo", tempo=tempo)),
                           (0, mido.MetaMessage("time_signature", numerator=signature[0],
                                                denominator=signature[1]))])


def read_quietly(read, *args):
    """Read and return (melody, the MelodyWarning messages)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        melody = read(*args)
    return melody, [str(w.message) for w in caught if issubclass(w.category, MelodyWarning)]


def test_midi_melody_with_rests_tempo_meter_and_title():
    notes = [(67, 0, 240), (64, 240, 480), (64, 480, 960), (65, 1200, 1440), (62, 1440, 2400)]
    melody, warned = read_quietly(from_midi, midi_file(conductor(600_000, (3, 4), "Song"),
                                                       track(notes)), "song.mid")
    assert warned == []
    assert melody.notes == (Note(67, F(1, 2)), Note(64, F(1, 2)), Note(64, 1), Note(None, F(1, 2)),
                            Note(65, F(1, 2)), Note(62, 2))
    assert (melody.title, melody.time_signature, melody.tempo, melody.pickup) == ("Song", (3, 4), 100.0, 0)
    assert melody.source == "song.mid"


def test_midi_type_0_other_resolution_and_defaults():
    melody, _ = read_quietly(from_midi, midi_file(track([(60, 96, 192), (62, 192, 384)]), ticks=96,
                                                  kind=0), "dir/tune.mid")
    assert melody.notes == (Note(None, 1), Note(60, 1), Note(62, 2))
    assert (melody.title, melody.time_signature, melody.tempo) == ("tune", (4, 4), 120.0)


def test_midi_chord_keeps_its_highest_note():
    chord = [(60, 0, 480), (64, 0, 480), (67, 0, 480), (65, 480, 960)]
    melody, warned = read_quietly(from_midi, midi_file(track(chord)), "c.mid")
    assert melody.notes == (Note(67, 1), Note(65, 1))
    assert warned == ["c.mid: several notes sound at once; kept the highest voice (skyline), 2 of 4 "
                      "notes; dropped 2 lower notes starting with a higher one; to learn another "
                      "voice, give it in a file of its own"]


def test_midi_skyline_of_two_channels():
    # melody on channel 1, a bass on channel 2 that starts with it: the bass is lower at its
    # onset and is dropped; a held melody note is cut short by a later, higher note
    melody_track = track([(72, 0, 960), (76, 480, 960), (74, 1440, 1920)], channel=0)
    bass = track([(48, 0, 1920)], channel=1)
    melody, warned = read_quietly(from_midi, midi_file(melody_track, bass), "two.mid")
    assert melody.notes == (Note(72, 1), Note(76, 1), Note(None, 1), Note(74, 1))
    assert len(warned) == 1


def test_midi_lower_note_hidden_under_a_longer_higher_one():
    notes = [(72, 0, 1920), (60, 480, 960), (60, 1920, 2400)]
    melody, warned = read_quietly(from_midi, midi_file(track(notes)), "h.mid")
    assert melody.notes == (Note(72, 4), Note(60, 1))
    assert warned == ["h.mid: several notes sound at once; kept the highest voice (skyline), 2 of 3 "
                      "notes; dropped 1 lower note starting under a higher held note; to learn "
                      "another voice, give it in a file of its own"]


def test_midi_lower_longer_note_does_not_cut_the_held_higher_one():
    """The alto starting under the soprano's held note and lasting longer: the soprano stays
    whole, and the alto's note is dropped, not taken up where the soprano ends."""
    soprano = track([(72, 0, 960), (71, 1440, 1920)], channel=0)
    alto = track([(64, 480, 1440)], channel=1)
    melody, warned = read_quietly(from_midi, midi_file(soprano, alto), "satb.mid")
    assert melody.notes == (Note(72, 2), Note(None, 1), Note(71, 1))
    assert warned == ["satb.mid: several notes sound at once; kept the highest voice (skyline), "
                      "2 of 3 notes; dropped 1 lower note starting under a higher held note; to "
                      "learn another voice, give it in a file of its own"]


def test_midi_note_still_sounding_wins_over_a_lower_new_one_after_a_higher_interruption():
    # 72 held 0..4, 76 from 1 to 2 cuts it; 70 at 3 is below the 72 still sounding: dropped
    notes = [(72, 0, 1920), (76, 480, 960), (70, 1440, 1920)]
    melody, _ = read_quietly(from_midi, midi_file(track(notes)), "i.mid")
    assert melody.notes == (Note(72, 1), Note(76, 1))


def test_midi_held_top_line_over_an_accompaniment_played_short():
    """A top line C5 E5 G5 C6 of notes 0.6 beat long over G4 every half beat, played a little
    short (0.45 beat, as notation software plays notes): the top line is taken first, so a held
    top note is not cut where a G4 starts, and no G4 enters the melody; the legato rule then
    looks at the melody's own next onset (0.4 beat away: too far, the rests stay) and the end
    moves to the file's grid (64ths and triplets: 29/48)."""
    top = track([(pitch, 480 * beat, 480 * beat + 288)
                 for beat, pitch in enumerate((72, 76, 79, 84))])
    under = track([(67, 240 * half, 240 * half + 216) for half in range(8)], channel=1)
    melody, warned = read_quietly(from_midi, midi_file(top, under), "accompanied.mid")
    rest = Note(None, F(19, 48))
    assert melody.notes == (Note(72, F(29, 48)), rest, Note(76, F(29, 48)), rest,
                            Note(79, F(29, 48)), rest, Note(84, F(29, 48)))
    assert warned == ["accompanied.mid: 4 of 12 notes moved: 4 to the grid of note values and "
                      "triplets (1/48 of a quarter note: to the 64th note and the 64th-note "
                      "triplet); the first: C5 at quarter note 0 lasting 0.6",
                      "accompanied.mid: several notes sound at once; kept the highest voice "
                      "(skyline), 4 of 12 notes; dropped 4 lower notes starting with a higher one "
                      "and 4 lower notes starting under a higher held note; to learn another "
                      "voice, give it in a file of its own"]


def test_midi_legato_rule_closes_gaps_within_the_top_line():
    """The melody played short (0.9 of each beat) over a bass that starts a 16th before the
    melody's next note: the melody note sounds on over the bass (which is dropped) and its end
    moves to the next melody onset, not to the bass onset."""
    top = track([(pitch, 480 * beat, 480 * beat + 432)
                 for beat, pitch in enumerate((72, 74, 76, 77))])
    bass = track([(48, 360, 456), (43, 1320, 1416)], channel=1)
    melody, warned = read_quietly(from_midi, midi_file(top, bass), "legato.mid")
    assert melody.notes == (Note(72, 1), Note(74, 1), Note(76, 1), Note(77, F(43, 48)))
    assert warned[0] == ("legato.mid: 4 of 6 notes moved: 1 to the grid of note values and "
                         "triplets (1/48 of a quarter note: to the 64th note and the 64th-note "
                         "triplet); legato: 3 small gaps closed; the first: C5 at quarter note 0 "
                         "lasting 0.9")


def test_a_dotted_32nd_reads_back_from_midi_and_musicxml_and_is_written_as_one_token(tmp_path):
    """A dotted 32nd and a 64th (the notation grid, 1/120 of a quarter note, holds neither)
    read back exactly from melodygen's MIDI and MusicXML, with no warning, and the song notation
    writes them d32. e64 (it wrote the 11/60 and 1/15 they were moved to: (15:8:3 d16~ d64. e32)."""
    melody = Melody((Note(60, F(1, 4)), Note(62, F(3, 16)), Note(64, F(1, 16)), Note(65, F(1, 2)),
                     Note(67, 1)), "Dotted", (2, 4))
    write_midi(melody, tmp_path / "dotted.mid")
    write_musicxml(melody, tmp_path / "dotted.musicxml")
    for read, name in ((read_midi, "dotted.mid"), (read_score, "dotted.musicxml")):
        again, warned = read_quietly(read, tmp_path / name)
        assert (again.notes, warned) == (melody.notes, [])
    assert format_song(melody).splitlines()[-1] == "c16 d32. e64 f8 g4 |"


LONG_NOTE = "lasts 50,000,000 quarter notes; a note or rest lasts at most 1,024"


def long_midi() -> bytes:
    """A MIDI file of one tick a quarter note: a quarter note, then one of fifty million."""
    ticks = track([(60, 0, 1), (62, 1, 50_000_001)])
    return midi_bytes_of(midi_file(ticks, ticks=1))


def midi_bytes_of(midi: mido.MidiFile) -> bytes:
    buffer = io.BytesIO()
    midi.save(file=buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("name, data, message", [
    ("long.abc", b"X:1\nT:Long\nL:1/4\nK:C\nc d c50000000 e |\n", f"5:5: 'c50000000' {LONG_NOTE}"),
    ("rest.abc", b"X:1\nT:Long\nL:1/4\nK:C\nc d z50000000 e |\n", f"5:5: 'z50000000' {LONG_NOTE}"),
    ("tied.abc", b"X:1\nT:Long\nL:1/4\nK:C\nc d c1000-c1000 e |\n",
     "1: note 3 of the tune lasts 2,000 quarter notes; a note or rest lasts at most 1,024"),
    ("long.mid", None, f" note at quarter note 1 {LONG_NOTE}"),
    ("long.txt", ("c4 " + "d1~ " * 256 + "d1 e4").encode(),
     "1:1028: tied to 'd1', the note lasts 1,028 quarter notes; a note or rest lasts at most "
     "1,024"),
])
def test_a_note_longer_than_any_song_holds_is_refused_where_it_is(tmp_path, name, data, message):
    """Fifty million quarter notes (a run would write scores and audio of it for hours) or a
    thousand and more: refused in one line naming the file and the place."""
    path = tmp_path / name
    path.write_bytes(long_midi() if data is None else data)
    with pytest.raises(MelodyError) as raised:
        read_quietly(load_melody, path)
    assert str(raised.value) == f"{path}:{message}"


def test_midi_drums_are_ignored():
    drums = track([(36, 0, 240), (38, 480, 720)], channel=9)
    melody, warned = read_quietly(from_midi, midi_file(drums, track([(60, 0, 480)])), "d.mid")
    assert melody.notes == (Note(60, 1),) and warned == []


@pytest.mark.parametrize("tracks, message", [
    ([track([(36, 0, 240)], channel=9)], "d.mid: no melodic notes (empty, or drums only)"),
    ([conductor()], "d.mid: no melodic notes (empty, or drums only)"),
    ([track([(60, 0, 0)])], "d.mid: no melodic notes with a length (each ends where it starts)"),
])
def test_midi_without_melodic_notes(tracks, message):
    with pytest.raises(MelodyError) as error:
        read_quietly(from_midi, midi_file(*tracks), "d.mid")
    assert str(error.value) == message


def test_midi_triplets_and_quintuplets_read_exactly():
    # a quarter, eighth-note triplets (160 ticks), 16th quintuplets (96 ticks), a 32nd triplet
    notes = [(60, 0, 480), (62, 480, 640), (64, 640, 800), (65, 800, 960),
             *[(67 + i, 960 + 96 * i, 1056 + 96 * i) for i in range(5)], (60, 1440, 1480)]
    melody, warned = read_quietly(from_midi, midi_file(track(notes)), "t.mid")
    assert melody.notes == (Note(60, 1), Note(62, F(1, 3)), Note(64, F(1, 3)), Note(65, F(1, 3)),
                            *[Note(67 + i, F(1, 5)) for i in range(5)], Note(60, F(1, 12)))
    assert warned == []


def test_midi_short_note_is_kept_exactly():
    notes = [(60, 0, 480), (61, 480, 500), (62, 960, 1440)]  # 20 ticks: a 64th-note triplet
    melody, warned = read_quietly(from_midi, midi_file(track(notes)), "s.mid")
    assert melody.notes == (Note(60, 1), Note(61, F(1, 24)), Note(None, F(23, 24)), Note(62, 1))
    assert warned == []


def test_midi_note_of_no_length_is_dropped_and_counted():
    # music21 writes a grace note as a note-off and a note-on at one tick, in that order
    grace = mido.MidiTrack([
        mido.Message("note_on", note=60, velocity=80, time=0),
        mido.Message("note_off", note=60, velocity=0, time=480),
        mido.Message("note_off", note=74, velocity=0, time=0),
        mido.Message("note_on", note=74, velocity=80, time=0),
        mido.Message("note_on", note=72, velocity=80, time=0),
        mido.Message("note_off", note=72, velocity=0, time=480),
        mido.Message("note_on", note=71, velocity=80, time=0),
        mido.Message("note_off", note=71, velocity=0, time=480)])
    melody, warned = read_quietly(from_midi, midi_file(grace), "g.mid")
    assert melody.notes == (Note(60, 1), Note(72, 1), Note(71, 1))
    assert warned == ["g.mid: 1 of 4 notes have no length (grace notes, as music21 writes them to "
                      "MIDI) and were dropped; to keep them, give them a length in the file"]


def played(notes, jitter):
    """(pitch, start, end) in quarter notes -> ticks at 480, each time moved by the next jitter."""
    moves = iter(jitter)
    return [(pitch, round(start * 480) + next(moves), round(end * 480) + next(moves))
            for pitch, start, end in notes]


def test_played_midi_is_quantized_with_the_legato_rule():
    """Played from a keyboard: onsets a little off, notes released early or late; read on the
    16th-note grid, small gaps closed, a small overlap trimmed, a real rest kept, and the last
    note, let go a 16th early with no note after it, shorter."""
    score = [(60, 0, 1), (62, 1, 1.5), (64, 1.5, 2), (65, 2, 3), (67, 4, 6)]
    ticks = played(score, [7, -41, -13, 5, 22, -60, -9, 17, 3, -200])
    assert ticks == [(60, 7, 439), (62, 467, 725), (64, 742, 900), (65, 951, 1457), (67, 1923, 2680)]
    melody, warned = read_quietly(from_midi, midi_file(track(ticks)), "keys.mid")
    assert melody.notes == (Note(60, 1), Note(62, F(1, 2)), Note(64, F(1, 2)), Note(65, 1),
                            Note(None, 1), Note(67, F(3, 2)))
    assert warned == ["keys.mid: played timing (only 0 of 5 onsets on the grid of note values and "
                      "triplets): 5 of 5 notes moved to the 16th-note grid (legato: 2 small gaps "
                      "closed, 1 small overlap trimmed); --quantize GRID sets another grid"]


def test_quantize_grid_option():
    score = [(60, 0, 1), (62, 1, 1.5), (64, 1.5, 2), (65, 2, 3), (67, 4, 6)]
    ticks = played(score, [7, -41, -13, 5, 22, -60, -9, 17, 3, -200])
    melody, warned = read_quietly(from_midi, midi_file(track(ticks)), "keys.mid", "4")
    # on quarter notes E4 and F4 start together, and the legato rule closes gaps up to a quarter
    assert melody.notes == (Note(60, 1), Note(62, 1), Note(65, 2), Note(67, 2))
    assert warned[0] == ("keys.mid: 5 of 5 notes moved to the quarter-note grid (--quantize) "
                         "(legato: 3 small gaps closed); 1 now starts with another note and may be "
                         "dropped (a finer --quantize keeps them apart)")
    triplets = [(60, 0, 160), (62, 160, 320), (64, 320, 480)]
    melody, warned = read_quietly(from_midi, midi_file(track(triplets)), "t.mid", "16")
    assert melody.notes == (Note(60, F(1, 4)), Note(62, F(1, 2)), Note(64, F(1, 4)))


@pytest.mark.parametrize("grid, step", [("auto", None), (None, None), ("16", F(1, 4)), (16, F(1, 4)),
                                        ("8t", F(1, 3)), ("32", F(1, 8)), ("16t", F(1, 6)),
                                        (F(1, 5), F(1, 5))])
def test_quantize_grid_values(grid, step):
    assert quantize_grid(grid) == step


@pytest.mark.parametrize("grid", ["12", "sixteen", "0", "", "16tt", F(0), -1, 12, True])
def test_quantize_grid_refuses_other_values(grid):
    with pytest.raises(ConfigError, match="quantize grid"):
        quantize_grid(grid)


def test_midi_written_with_gate_times_keeps_its_onsets_and_closes_the_gaps():
    """Notation software that plays notes at 90% of their length: onsets on the grid, ends not;
    the onsets stay (triplets too) and the legato rule gives the written lengths back; the last
    note, with no note after it, ends on the file's grid (64ths and triplets: 43/24 for 1.8)."""
    notes = [(60, 0, 432), (62, 480, 624), (64, 640, 784), (65, 800, 944), (67, 960, 1824)]
    melody, warned = read_quietly(from_midi, midi_file(track(notes)), "gate.mid")
    assert melody.notes == (Note(60, 1), Note(62, F(1, 3)), Note(64, F(1, 3)), Note(65, F(1, 3)),
                            Note(67, F(43, 24)))
    assert warned == ["gate.mid: 5 of 5 notes moved: 1 to the grid of note values and triplets "
                      "(1/48 of a quarter note: to the 64th note and the 64th-note triplet); "
                      "legato: 4 small gaps closed; the first: C4 at quarter note 0 lasting 0.9"]


def test_midi_written_with_a_septuplet_moves_it_to_the_notation_grid():
    septuplet = [(60 + i, 480 + i * 480 // 7, 480 + (i + 1) * 480 // 7) for i in range(7)]
    notes = [(59, 0, 480)] + septuplet + [(72, 960 + 480 * i, 1440 + 480 * i) for i in range(60)]
    melody, warned = read_quietly(from_midi, midi_file(track(notes)), "seven.mid")
    assert [note.duration for note in melody.notes[1:8]] == [F(17, 120)] * 4 + [F(3, 20)] + \
        [F(17, 120)] * 2  # 17/120 or 18/120 for 1/7 = 17.14/120, the 7 of them one quarter
    assert warned == ["seven.mid: 6 of 68 notes moved: 5 to the notation grid (1/120 of a quarter "
                      "note: note values to the 32nd, triplets, quintuplets); legato: 2 small gaps "
                      "closed, 3 small overlaps trimmed; the first: C#4 at quarter note 1.142 "
                      "lasting 0.144"]


def test_midi_note_without_release_lasts_to_the_end_of_its_track():
    unreleased = mido.MidiTrack([mido.Message("note_on", note=60, velocity=80, time=0),
                                 mido.MetaMessage("end_of_track", time=960)])
    melody, _ = read_quietly(from_midi, midi_file(unreleased), "u.mid")
    assert melody.notes == (Note(60, 2),)


def test_midi_restruck_note_ends_the_sounding_one():
    restruck = mido.MidiTrack([mido.Message("note_on", note=60, velocity=80, time=0),
                               mido.Message("note_on", note=60, velocity=80, time=480),
                               mido.Message("note_off", note=60, velocity=0, time=480)])
    melody, _ = read_quietly(from_midi, midi_file(restruck), "r.mid")
    assert melody.notes == (Note(60, 1), Note(60, 1))


def test_midi_keeps_the_first_tempo_and_says_when_it_changes():
    tempi = track([], meta=[(0, mido.MetaMessage("set_tempo", tempo=500_000)),
                            (960, mido.MetaMessage("set_tempo", tempo=400_000))])
    melody, warned = read_quietly(from_midi, midi_file(tempi, track([(60, 0, 1920)])), "tm.mid")
    assert melody.tempo == 120.0
    assert warned == ["tm.mid: the tempo changes during the song; kept the first, 120 bpm"]


def test_midi_tempo_outside_the_melody_range_is_clamped():
    melody, warned = read_quietly(from_midi, midi_file(conductor(tempo=100_000), track([(60, 0, 480)])),
                                  "fast.mid")
    assert melody.tempo == 400.0
    assert warned == ["fast.mid: tempo 600 bpm is outside 10..400; using 400"]


@pytest.mark.parametrize("data, message", [
    (b"", "not a valid MIDI file (the file is empty)"),
    (b"RIFF\x00\x00\x00\x00WAVE", "not a valid MIDI file (it starts with b'RIFF', a MIDI file with b'MThd')"),
    (b"MThd\x00\x00\x00\x06\x00\x01\x00\x02\x01\xe0MTrk\x00\x00\x00\x20\x00\x90",
     "not a valid MIDI file (truncated: it ends in the middle of a track)"),
    (b"MThd\x00\x00\x00\x06\x00\x01\x00\x01\x01\xe0XXXX\x00\x00\x00\x04\x00\xff\x2f\x00",
     "not a valid MIDI file (no MTrk header at start of track)"),
    (b"MThd\x00\x00\x00\x06\x00\x02\x00\x01\x01\xe0MTrk\x00\x00\x00\x04\x00\xff\x2f\x00",
     "MIDI type 2 (independent sequences) is not supported"),
])
def test_read_midi_bad_files(tmp_path, data, message):
    path = tmp_path / "bad.mid"
    path.write_bytes(data)
    with pytest.raises(MelodyError) as error:
        read_midi(path)
    assert str(error.value) == f"{path}: {message}"


def test_read_midi_truncated_copy_of_a_real_file(tmp_path, nabiya):
    from melodygen.formats.midi import midi_bytes
    path = tmp_path / "cut.mid"
    path.write_bytes(midi_bytes(nabiya)[:-20])
    with pytest.raises(MelodyError) as error:
        read_midi(path)
    assert str(error.value) == f"{path}: not a valid MIDI file (truncated: it ends in the middle of a track)"


# --- the melody line -------------------------------------------------------------------------

def test_melody_line_never_ends_with_a_rest_and_joins_gaps():
    timed = [Timed(F(1), F(2), 60), Timed(F(3), F(4), 62)]
    assert melody_line(timed, "x") == [Note(None, 1), Note(60, 1), Note(None, 1), Note(62, 1)]


# --- MusicXML and ABC ------------------------------------------------------------------------

def part_of(*events, signature="4/4", bpm=None):
    """A music21 Part from (midi pitch or None or a chord tuple, quarter length) pairs."""
    from music21 import chord, meter, note, stream, tempo
    part = stream.Part()
    part.append(meter.TimeSignature(signature))
    if bpm:
        part.append(tempo.MetronomeMark(number=bpm))
    for pitch, length in events:
        if pitch is None:
            part.append(note.Rest(quarterLength=length))
        elif isinstance(pitch, tuple):
            part.append(chord.Chord([note.Note(midi=p) for p in pitch], quarterLength=length))
        else:
            part.append(note.Note(midi=pitch, quarterLength=length))
    return part


def score_of(*parts, title="Score"):
    from music21 import metadata, stream
    score = stream.Score()
    score.metadata = metadata.Metadata(title=title)
    for part in parts:
        score.insert(0, part)
    return score


def test_score_notes_rests_meter_tempo_title():
    score = score_of(part_of((67, 1.5), (64, 0.5), (None, 1), (60, 2), (None, 3), signature="3/4", bpm=90))
    melody, warned = read_quietly(from_score, score, "s.musicxml")
    assert warned == []
    assert melody.notes == (Note(67, F(3, 2)), Note(64, F(1, 2)), Note(None, 1), Note(60, 2))
    assert (melody.title, melody.time_signature, melody.tempo) == ("Score", (3, 4), 90.0)


def test_score_chord_and_second_part():
    score = score_of(part_of(((60, 64, 67), 1), (65, 1)), part_of((48, 2)))
    melody, warned = read_quietly(from_score, score, "c.musicxml")
    assert melody.notes == (Note(67, 1), Note(65, 1))
    assert warned == ["c.musicxml: 2 parts; reading the first one, 4 of 5 notes of the score",
                      "c.musicxml: several notes sound at once; kept the highest voice (skyline), "
                      "2 of 4 notes; dropped 2 lower notes starting with a higher one; to learn "
                      "another voice, give it in a file of its own"]


def test_score_first_part_without_notes_is_skipped():
    score = score_of(part_of((None, 4)), part_of((72, 2)))
    melody, warned = read_quietly(from_score, score, "e.musicxml")
    assert melody.notes == (Note(72, 2),)
    assert warned == ["e.musicxml: 2 parts; reading part 2, the first with notes, 1 of 1 note of "
                      "the score"]


def test_score_two_voices_in_one_staff_give_the_upper_line():
    from music21 import note, stream
    measure = stream.Measure()
    upper, lower = stream.Voice(), stream.Voice()
    for pitch, length in ((72, 1), (74, 1), (76, 2)):
        upper.append(note.Note(midi=pitch, quarterLength=length))
    for pitch, length in ((60, 2), (55, 2)):
        lower.append(note.Note(midi=pitch, quarterLength=length))
    measure.insert(0, upper)
    measure.insert(0, lower)
    part = stream.Part([measure])
    melody, warned = read_quietly(from_score, score_of(part), "v.musicxml")
    assert melody.notes == (Note(72, 1), Note(74, 1), Note(76, 2))
    assert warned == ["v.musicxml: several notes sound at once; kept the highest voice (skyline), "
                      "3 of 5 notes; dropped 2 lower notes starting with a higher one; to learn "
                      "another voice, give it in a file of its own"]


def test_score_tuplets_are_read_exactly():
    third, fifth = F(1, 3), F(1, 5)
    score = score_of(part_of((60, 1), (62, third), (64, third), (65, third), (67, 2),
                             *[(69, fifth)] * 5, (None, F(1, 6)), (71, F(5, 6)), (72, 1)))
    melody, warned = read_quietly(from_score, score, "t.musicxml")
    assert melody.notes == (Note(60, 1), Note(62, third), Note(64, third), Note(65, third),
                            Note(67, 2), *[Note(69, fifth)] * 5, Note(None, F(1, 6)),
                            Note(71, F(5, 6)), Note(72, 1))
    assert warned == []


def test_score_septuplets_move_to_the_notation_grid():
    score = score_of(part_of((60, 1), *[(62, F(1, 7))] * 7, (64, 2)))
    melody, warned = read_quietly(from_score, score, "s.musicxml")
    assert sum(note.duration for note in melody.notes[1:8]) == 1
    assert all((note.duration * 120).denominator == 1 for note in melody.notes)
    assert warned == ["s.musicxml: 7 of 9 notes moved: 7 to the notation grid (1/120 of a quarter "
                      "note: note values to the 32nd, triplets, quintuplets); the first: D4 at "
                      "quarter note 1 lasting 0.143"]


def test_score_grace_notes_and_percussion_are_not_melody():
    from music21 import note, stream
    part = part_of((60, 1), (62, 1))
    grace = note.Note("E4").getGrace()
    part.insert(1, grace)
    drums = stream.Part([note.Unpitched(quarterLength=4)])
    melody, _ = read_quietly(from_score, score_of(part, drums), "g.musicxml")
    assert melody.notes == (Note(60, 1), Note(62, 1))


def test_score_without_notes():
    with pytest.raises(MelodyError) as error:
        read_quietly(from_score, score_of(part_of((None, 4))), "r.musicxml")
    assert str(error.value) == "r.musicxml: no melodic notes in the score (empty, rests or percussion only)"


def test_score_repeats_are_played_out():
    from music21 import bar, meter, note, stream
    measures = []
    for pitches in ((60, 62), (64, 65)):
        measure = stream.Measure()
        for pitch in pitches:
            measure.append(note.Note(midi=pitch, quarterLength=1))
        measures.append(measure)
    measures[0].leftBarline = bar.Repeat(direction="start")
    measures[0].rightBarline = bar.Repeat(direction="end")
    measures[0].insert(0, meter.TimeSignature("2/4"))
    melody, _ = read_quietly(from_score, score_of(stream.Part(measures)), "rep.musicxml")
    assert melody.notes == tuple(Note(p, 1) for p in (60, 62, 60, 62, 64, 65))


ABC = """X:1
T:Little Tune
M:3/4
L:1/8
Q:1/4=96
K:G
D2 | G3 A B2 | c2 B2 A2 | G4 z2 | d2 B2 G2 | A6 |
"""


def test_read_abc_with_pickup(tmp_path):
    path = tmp_path / "tune.abc"
    path.write_text(ABC)
    melody, warned = read_quietly(read_score, path)
    assert warned == []
    expected = parse_song("time: 3/4\nd4 | g4. a8 b4 | c'4 b4 a4 | g2 r4 | d'4 b4 g4 | a2. |")
    assert melody.notes == expected.notes
    assert (melody.title, melody.time_signature, melody.tempo, melody.pickup) == (
        "Little Tune", (3, 4), 96.0, 1)


@pytest.mark.parametrize("name, data, message", [
    ("empty.musicxml", b"", "cannot read score: the file is empty"),
    ("junk.musicxml", b"\x00\x01 not xml", "cannot read score: "),
    ("cut.musicxml", b"<?xml version='1.0'?><score-partwise><part-list>", "cannot read score: "),
])
def test_read_score_bad_files(tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(MelodyError) as error:
        read_score(path)
    assert str(error.value).startswith(f"{path}: {message}")
    assert "\n" not in str(error.value)


def test_read_score_missing_and_folder(tmp_path):
    for path, message in ((tmp_path / "none.musicxml", "no such file"),
                          (tmp_path, "is a folder, not a score")):
        with pytest.raises(MelodyError) as error:
            read_score(path)
        assert str(error.value) == f"{path}: {message}"


# --- Hänschen klein: music21's corpus, exported by music21, read by melodygen -----------------

# The tune as the corpus has it (essenFolksong/dva0.abc number 191, G major, 4/4), in
# melodygen's notation; the last rest of the score fills the last measure and is no melody note.
HAENSCHEN = """
d'4 b4 b2 | c'4 a4 a2 | g4 a4 b4 c'4 | d'4 d'4 d'2 | d'4 b4 b2 | c'4 a4 a2 | g4 b4 d'4 d'4 | g2 r2 |
a4 a4 a4 a4 | a4 b4 c'2 | b4 b4 b4 b4 | b4 c'4 d'2 | d'4 b4 b2 | c'4 a4 a2 | g4 b4 d'4 d'4 | g2 r2 |
a4 a4 a4 a4 | a4 b4 c'2 | b4 b4 b4 b4 | b4 c'4 d'2 | d'4 b4 b2 | c'4 a4 a2 | g4 b4 d'4 d'4 | g2
"""


@pytest.fixture(scope="module")
def haenschen(tmp_path_factory):
    from music21 import corpus
    folder = tmp_path_factory.mktemp("haenschen")
    score = corpus.parse("essenFolksong/dva0", number=191)
    score.write("midi", fp=folder / "haenschen.mid")
    score.write("musicxml", fp=folder / "haenschen.musicxml")
    return score, folder


def test_haenschen_klein_from_music21_midi(haenschen):
    _, folder = haenschen
    melody, warned = read_quietly(read_midi, folder / "haenschen.mid")
    assert warned == []
    assert list(melody.notes) == parse_notes(HAENSCHEN) and len(melody) == 76
    assert melody.time_signature == (4, 4)


def test_haenschen_klein_from_music21_musicxml(haenschen):
    _, folder = haenschen
    melody, warned = read_quietly(read_score, folder / "haenschen.musicxml")
    assert warned == []
    assert list(melody.notes) == parse_notes(HAENSCHEN)
    assert (melody.title, melody.time_signature, melody.pickup) == ("Haenschen klein ging allein", (4, 4), 0)


def test_haenschen_klein_from_the_corpus_itself(haenschen):
    score, _ = haenschen
    melody, _ = read_quietly(from_score, score, "corpus")
    assert list(melody.notes) == parse_notes(HAENSCHEN)


# --- bad input through the command line: one line naming the file, exit status 2 -------------

BAD = {
    "truncated.mid": (b"MThd\x00\x00\x00\x06\x00\x01\x00\x01\x01\xe0MTrk\x00\x00\x00\x40\x00\x90\x3c",
                      "not a valid MIDI file (truncated: it ends in the middle of a track)"),
    "text.mid": (b"title: not MIDI\ng4 e4\n",
                 "not a valid MIDI file (it starts with b'titl', a MIDI file with b'MThd')"),
    "empty.mid": (b"", "not a valid MIDI file (the file is empty)"),
    "empty.txt": (b"", "no notes in the song"),
    "empty.abc": (b"", "cannot read score: the file is empty"),
    "short.txt": (b"g8 e8 e4 f8\n", "melody has 4 notes; a window of 4 needs at least 5"),
    "octave.txt": (b"g8 e8 e4 f8\nd8 d4 c''''''''8 d8\n",
                   "2:7: bad octave in \"c''''''''8\": MIDI pitch 156 is outside 0..127"),
    "length.txt": (b"g8 e8 e4 f8 d8 d6 c8\n",
                   "1:16: bad length '6' in 'd6' (use 1, 2, 4, 8, 16, 32, 64, 128 or 256)"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_is_one_line_and_exit_2(tmp_path, name):
    data, message = BAD[name]
    path = tmp_path / name
    path.write_bytes(data)
    done = run_melodygen(path, "--out", tmp_path / "out", cwd=tmp_path, timeout=60)
    assert (done.returncode, done.stdout) == (2, "")
    separator = "" if message[0].isdigit() else " "
    assert done.stderr == f"{path}:{separator}{message}\n"


# --- meter, tempo, pickup and title of MIDI files from the wild ----------------------------------

def test_midi_time_signature_a_melody_cannot_have_is_4_4_with_a_warning():
    meter = track([], meta=[(0, mido.MetaMessage("time_signature", numerator=3, denominator=64))])
    melody, warned = read_quietly(from_midi, midi_file(meter, track([(60, 0, 480)])), "m.mid")
    assert melody.time_signature == (4, 4)
    assert warned == ["m.mid: time signature 3/64 cannot be written (beats 1 or more of a whole to "
                      "a 32nd note); using 4/4"]


def test_midi_tempo_and_meter_in_force_at_the_start_are_the_last_at_tick_0():
    meta = [(0, mido.MetaMessage("set_tempo", tempo=1_000_000)),
            (0, mido.MetaMessage("time_signature", numerator=2, denominator=4)),
            (0, mido.MetaMessage("set_tempo", tempo=416_667)),
            (0, mido.MetaMessage("time_signature", numerator=6, denominator=8))]
    melody, warned = read_quietly(from_midi, midi_file(track([], meta=meta), track([(60, 0, 480)])),
                                  "t.mid")
    assert (melody.tempo, melody.time_signature, warned) == (144.0, (6, 8), [])


@pytest.mark.parametrize("first, then, pickup", [((1, 4), (4, 4), 1), ((3, 8), (6, 8), F(3, 2)),
                                                 ((1, 16), (2, 4), F(1, 4))])
def test_midi_short_first_time_signature_is_the_pickup(first, then, pickup):
    length = int(F(4 * first[0], first[1]) * 480)
    meta = [(0, mido.MetaMessage("time_signature", numerator=first[0], denominator=first[1])),
            (length, mido.MetaMessage("time_signature", numerator=then[0], denominator=then[1]))]
    melody, warned = read_quietly(from_midi, midi_file(track([], meta=meta), track([(60, 0, 4800)])),
                                  "p.mid")
    assert (melody.pickup, melody.time_signature, warned) == (pickup, then, [])


def test_midi_time_signature_changing_later_is_no_pickup():
    meta = [(0, mido.MetaMessage("time_signature", numerator=3, denominator=4)),
            (2880, mido.MetaMessage("time_signature", numerator=2, denominator=4))]
    melody, warned = read_quietly(from_midi, midi_file(track([], meta=meta), track([(60, 0, 4800)])),
                                  "c.mid")
    assert (melody.pickup, melody.time_signature) == (0, (3, 4))
    assert warned == ["c.mid: the time signature changes during the song; kept the first, 3/4"]


@pytest.mark.parametrize("names, title", [
    (["Tune of mine"], "Tune of mine"), (["Soprano"], "f"), (["Instrument 1"], "f"),
    (["Track 1", "Real title"], "Real title"), (["Piano\x00"], "f"), ([], "f")])
def test_midi_title_is_the_first_tracks_name_unless_it_names_an_instrument(names, title):
    first = track([], meta=[(0, mido.MetaMessage("track_name", name=name)) for name in names])
    second = track([(60, 0, 480)], meta=[(0, mido.MetaMessage("track_name", name="Melody line"))])
    melody, _ = read_quietly(from_midi, midi_file(first, second), "dir/f.mid")
    assert melody.title == title


def test_midi_key_signature_is_read_and_written():
    meta = [(0, mido.MetaMessage("key_signature", key="Bbm"))]
    melody, _ = read_quietly(from_midi, midi_file(track([], meta=meta), track([(58, 0, 480)])), "k.mid")
    assert str(melody.key) == "Bb minor" and melody.key.fifths == -5  # spelt as its signature
    written = [m for m in to_midi(melody).tracks[0] if m.type == "key_signature"]
    assert [m.key for m in written] == ["Bbm"]


# --- which reader a file goes to ----------------------------------------------------------------

@pytest.mark.parametrize("name", ["tune", "tune.kar", "tune.rmi", "tune.smf", "tune.dat"])
def test_a_midi_file_of_another_name_is_read_as_midi(tmp_path, nabiya, name):
    from melodygen.formats.midi import midi_bytes
    data = midi_bytes(nabiya.with_notes(nabiya.notes[:8]))
    if name.endswith(".rmi"):  # RIFF MIDI: the standard file wrapped
        data = b"RIFF" + len(data).to_bytes(4, "little") + b"RMIDdata" + len(data).to_bytes(4, "little") + data
    (tmp_path / name).write_bytes(data)
    assert load_melody(tmp_path / name).notes == nabiya.notes[:8]


@pytest.mark.parametrize("name, data, what", [
    ("song.mp3", b"ID3\x03\x00" + bytes(100), "an MP3 audio file"),
    ("score.pdf", b"%PDF-1.4\n", "a PDF document"),
    ("score.mscz", b"PK\x03\x04" + bytes(60), "a MuseScore file (export it as MusicXML)"),
    ("recording", b"RIFF\x00\x00\x00\x00WAVEfmt ", "a RIFF file (WAV audio?)"),
    ("picture", b"\x89PNG\r\n\x1a\n" + bytes(20), "a PNG image"),
])
def test_a_file_melodygen_does_not_read_is_named(tmp_path, name, data, what):
    (tmp_path / name).write_bytes(data)
    with pytest.raises(MelodyError) as error:
        load_melody(tmp_path / name)
    assert str(error.value) == (f"{tmp_path / name}: {what}, not a song; melodygen reads song files "
                                "(.txt), MIDI (.mid, .midi, .kar) and scores (.musicxml, .xml, .mxl, "
                                ".abc, .krn)")


def test_a_score_of_another_name_is_read_by_what_it_holds(tmp_path):
    (tmp_path / "tune").write_text(ABC)
    assert load_melody(tmp_path / "tune").title == "Little Tune"
    (tmp_path / "kern").write_bytes((BAD_INPUTS / "haenschen.krn").read_bytes())
    assert load_melody(tmp_path / "kern").title == "Haenschen klein"
    (tmp_path / "song").write_text("g8 e8 e4\n")
    assert len(load_melody(tmp_path / "song")) == 3  # a song file, as before


def test_a_tune_of_a_book_gets_the_books_header_fields(tmp_path):
    path = tmp_path / "book.abc"
    path.write_text("% book\nL:1/8\nT:The book\n\nX:1\nT:One\nK:C\nCDEF|\n\nX: 7\nT:Seven\n"
                    "K:G\nGABc|\n")
    melody = load_melody(path, tune=7)
    assert (melody.title, melody.notes) == ("Seven", tuple(parse_song("g8 a8 b8 c'8").notes))


def test_a_lead_sheets_chord_symbols_are_reported_as_chord_symbols(tmp_path):
    """A lead sheet (a melody with a chord symbol a bar) as music21 writes it: the chord
    symbols are passed over and said to be chord symbols, not counted as notes without a length
    ("13 of 29 notes have no length (grace notes, as music21 writes them to MIDI)")."""
    music21 = pytest.importorskip("music21")
    part = music21.stream.Part([music21.meter.TimeSignature("4/4")])
    for symbol, names in (("C", "C5 E5 G5 E5"), ("F", "F5 A5 C6 A5"), ("G7", "G5 B5 D6 B5"),
                          ("C", "C6 G5 E5 C5")):
        part.append(music21.harmony.ChordSymbol(symbol))
        part.append([music21.note.Note(name, quarterLength=1) for name in names.split()])
    path = tmp_path / "lead.musicxml"
    music21.stream.Score([part]).write("musicxml", str(path))
    melody, warned = read_quietly(read_score, path)
    assert [note.pitch for note in melody.notes] == [72, 76, 79, 76, 77, 81, 84, 81, 79, 83, 86, 83,
                                                     84, 79, 76, 72]
    assert warned == [f"{path}: 4 chord symbols passed over (a lead sheet's harmony: melodygen "
                      "learns its melody)"]

"""Writes the bad-input corpus beside this script: ``python tests/bad_inputs/make_corpus.py``.

The files are committed; this script says how each was made, so a file can be made again.
The 100,000-note song and a path that is a folder are made by the tests themselves; the files
music21 writes (a Bach chorale, a reel with ornaments) by ``make_real_world.py``.
"""

from __future__ import annotations

import io
import random
import re
from pathlib import Path

import mido

HERE = Path(__file__).resolve().parent
NABIYA_LINE = "g8 e8 e4 | f8 d8 d4 | c8 d8 e8 f8 | g8 g8 g4 |"


def _junk(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


def _midi(tracks: list[list[mido.Message]], file_type: int = 1, ticks: int = 480) -> bytes:
    """A MIDI file; text is written byte for byte (latin-1: a name given as bytes.decode("latin-1")
    is written as those bytes)."""
    midi = mido.MidiFile(type=file_type, ticks_per_beat=ticks, charset="latin1")
    for messages in tracks:
        midi.tracks.append(mido.MidiTrack(messages + [mido.MetaMessage("end_of_track", time=0)]))
    data = io.BytesIO()
    midi.save(file=data)
    return data.getvalue()


def _notes(events, channel: int = 0) -> list[mido.Message]:
    """(delay ticks, length ticks, [pitches]) -> note-on/off messages; a chord's notes start and
    end together."""
    messages = []
    for delay, length, pitches in events:
        for i, pitch in enumerate(pitches):
            messages.append(mido.Message("note_on", note=pitch, velocity=80, channel=channel,
                                         time=delay if i == 0 else 0))
        for i, pitch in enumerate(pitches):
            messages.append(mido.Message("note_off", note=pitch, velocity=0, channel=channel,
                                         time=length if i == 0 else 0))
    return messages


def nabiya_midi() -> bytes:
    """The first line of 나비야 as melodygen writes it (type 1, conductor track and melody)."""
    tempo = [mido.MetaMessage("set_tempo", tempo=600_000, time=0),
             mido.MetaMessage("time_signature", numerator=2, denominator=4, time=0)]
    line = [(67, 240), (64, 240), (64, 480), (65, 240), (62, 240), (62, 480),
            (60, 240), (62, 240), (64, 240), (65, 240), (67, 240), (67, 240), (67, 480)]
    return _midi([tempo, _notes([(0, length, [pitch]) for pitch, length in line])])


def bad_key_signature_midi() -> bytes:
    """나비야's first line with a key signature of 9 sharps (at most 7 exist)."""
    data = _midi([[mido.MetaMessage("key_signature", key="C", time=0)],
                  _notes([(0, 240, [67]), (0, 240, [64]), (0, 480, [64])])])
    valid = b"\xff\x59\x02\x00\x00"  # key_signature: 0 sharps, major
    assert data.count(valid) == 1
    return data.replace(valid, b"\xff\x59\x02\x09\x00")


NABIYA_PITCHES = (67, 64, 64, 65, 62, 62, 60, 62, 64, 65, 67, 67, 67)
NABIYA_TICKS = (240, 240, 480, 240, 240, 480, 240, 240, 240, 240, 240, 240, 480)


def _nabiya_line(ticks_per_quarter: int = 480) -> list[mido.Message]:
    scale = ticks_per_quarter / 480
    return _notes([(0, round(length * scale), [pitch])
                   for pitch, length in zip(NABIYA_PITCHES, NABIYA_TICKS)])


def named_midi(encoding: str, title: str, track: str, copyright: str) -> bytes:
    """나비야's first line with a title, a track name and a copyright notice in ``encoding``."""
    def text(value: str) -> str:
        return value.encode(encoding).decode("latin-1")

    conductor = [mido.MetaMessage("track_name", name=text(title), time=0),
                 mido.MetaMessage("copyright", text=text(copyright), time=0),
                 mido.MetaMessage("set_tempo", tempo=600_000, time=0)]
    melody = [mido.MetaMessage("track_name", name=text(track), time=0),
              mido.MetaMessage("lyrics", text=text(title), time=0)] + _nabiya_line()
    return _midi([conductor, melody])


def header_with_division(division: bytes) -> bytes:
    """나비야's first line with the division field of the header (2 bytes) replaced."""
    data = nabiya_midi()
    assert data[12:14] == b"\x01\xe0"  # 480 ticks per quarter note
    return data[:12] + division + data[14:]


def smpte_midi() -> bytes:
    """나비야's first line timed in SMPTE frames: 25 frames a second, 40 ticks a frame (1000
    ticks a second), at 100 bpm (0.6 s a quarter note: 600 ticks), with a slight human timing."""
    data = io.BytesIO()
    midi = mido.MidiFile(type=0, ticks_per_beat=480)
    line = [(pitch, round(length * 600 / 480)) for pitch, length in zip(NABIYA_PITCHES, NABIYA_TICKS)]
    jitter = [3, -5, 0, 7, -2, 4, -6, 1, 5, -3, 2, -4, 6]
    messages = [mido.MetaMessage("set_tempo", tempo=600_000, time=0)]
    for (pitch, length), move in zip(line, jitter):
        messages.append(mido.Message("note_on", note=pitch, velocity=80, time=max(0, move)))
        messages.append(mido.Message("note_off", note=pitch, velocity=0, time=length - 30))
        messages.append(mido.MetaMessage("marker", text="", time=30 - max(0, move)))
    midi.tracks.append(mido.MidiTrack(messages + [mido.MetaMessage("end_of_track", time=0)]))
    midi.save(file=data)
    raw = data.getvalue()
    return raw[:12] + bytes([256 - 25, 40]) + raw[14:]  # division: -25 frames a second, 40 ticks


def played_midi() -> bytes:
    """나비야's first line as a keyboard records it: onsets up to 40 ticks early or late (a 16th
    note is 120), each note held into the next (legato) or let go early, a key let go before it
    is struck again, velocities varied; one track, channel 1, 480 ticks a quarter note."""
    rng = random.Random(7)
    events, now = [], 0
    following = NABIYA_PITCHES[1:] + (None,)
    for pitch, length, after in zip(NABIYA_PITCHES, NABIYA_TICKS, following):
        start = now + rng.randint(-40, 40) if now else rng.randint(0, 30)
        late = rng.randint(10, 50) if after != pitch and rng.random() < 0.5 else -rng.randint(50, 90)
        end = now + length + late
        events += [(start, 1, pitch, rng.randint(50, 110)), (end, 0, pitch, 0)]
        now += length
    messages, at = [mido.MetaMessage("set_tempo", tempo=600_000, time=0)], 0
    for tick, on, pitch, velocity in sorted(events):
        messages.append(mido.Message("note_on" if on else "note_off", note=pitch,
                                     velocity=velocity, time=tick - at))
        at = tick
    return _midi([messages], file_type=0)


def two_tempos_midi() -> bytes:
    """Two tempos at tick 0, 60 then 144 bpm: the second is the one that plays."""
    conductor = [mido.MetaMessage("set_tempo", tempo=1_000_000, time=0),
                 mido.MetaMessage("set_tempo", tempo=416_667, time=0)]
    return _midi([conductor, _nabiya_line()])


def pickup_signature_midi() -> bytes:
    """O Tannenbaum's opening as notation programs write its pickup: 1/4 for one quarter note,
    then 3/4; the tracks named by their instrument, the file titled by its name."""
    conductor = [mido.MetaMessage("time_signature", numerator=1, denominator=4, time=0),
                 mido.MetaMessage("time_signature", numerator=3, denominator=4, time=480)]
    line = [(62, 480), (67, 360), (67, 120), (67, 480), (69, 480), (71, 360), (71, 120), (71, 960)]
    melody = [mido.MetaMessage("track_name", name="Instrument 1", time=0)] + \
        _notes([(0, length, [pitch]) for pitch, length in line])
    return _midi([conductor, melody])


def wav_header() -> bytes:
    """The first 44 bytes of a WAV file and a little silence: not a song."""
    return (b"RIFF\x24\x08\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x22\x56\x00\x00"
            b"\x44\xac\x00\x00\x02\x00\x10\x00data\x00\x08\x00\x00" + bytes(2048))


# A tune in Humdrum **kern (what music21 reads as .krn): Hänschen klein's first line, 4/4.
KERN = """!!!OTL: Haenschen klein
**kern
*M4/4
*k[f#]
=1
4dd
4b
2b
=2
4cc
4a
2a
=3
4g
4a
4b
4cc
=4
4dd
4dd
2dd
==
*-
"""
# Three tunes in one ABC file, the second with grace notes, the file header giving the length.
TUNES = """% three tunes
L:1/8

X:1
T:First
M:2/4
K:C
G E E2 | F D D2 | C D E F | G G G2 |

X:2
T:Second, with grace notes
M:2/4
K:G
{A}G2 B2 | {c}d2 B2 | {e}d B G B | A4 |

X:3
T:Third
M:3/4
K:D
A2 | d2 f2 a2 | g2 e2 c2 | d6 |
"""
# ABC broken by hand: measures of 11 quarter notes, stray signs; music21 reads what it can.
BROKEN_ABC = """X:1
T:Broken
M:4/4
L:1/8
K:G
GABc dedB | dedB dedB | c2ec B2dB | c2A2 A2BA |
GA Bcx ded## B | de%%dB d@@edB | c2e*&^c B2dB | cxyz2A2 A2BA |
G2 B2 d4 d4 d4 d4 dddddddd |  ::: 3/ 7/ //// G |
@@@@ $$$ ### ||||| abc abc abc | def
"""
# A score whose meter changes from 3/4 to 2/4 in measure 3.
METER_CHANGE = """<?xml version="1.0" encoding="UTF-8"?>
<score-partwise version="4.0">
  <part-list><score-part id="P1"><part-name>Melody</part-name></score-part></part-list>
  <part id="P1">
    <measure number="1"><attributes><divisions>1</divisions><time><beats>3</beats>
      <beat-type>4</beat-type></time></attributes>
      <note><pitch><step>C</step><octave>5</octave></pitch><duration>3</duration><type>half</type><dot/></note>
    </measure>
    <measure number="2">
      <note><pitch><step>D</step><octave>5</octave></pitch><duration>3</duration><type>half</type><dot/></note>
    </measure>
    <measure number="3"><attributes><time><beats>2</beats><beat-type>4</beat-type></time></attributes>
      <note><pitch><step>E</step><octave>5</octave></pitch><duration>2</duration><type>half</type></note>
    </measure>
    <measure number="4">
      <note><pitch><step>F</step><octave>5</octave></pitch><duration>2</duration><type>half</type></note>
    </measure>
    <measure number="5">
      <note><pitch><step>G</step><octave>5</octave></pitch><duration>2</duration><type>half</type></note>
    </measure>
  </part>
</score-partwise>
"""


def two_parts_musicxml() -> bytes:
    """A score of two parts (melody and bass), six quarter notes each."""
    from music21 import instrument, metadata, meter, note, stream
    from music21.musicxml.m21ToXml import GeneralObjectExporter

    score = stream.Score()
    score.metadata = metadata.Metadata(title="two parts")
    for part_id, pitches in (("P1", (72, 71, 69, 67, 65, 64)), ("P2", (48, 43, 45, 41, 43, 36))):
        part = stream.Part(id=part_id)
        voice = instrument.Piano()
        voice.partId, voice.instrumentId = part_id, f"{part_id}-I1"  # fixed ids: the same bytes
        part.append(voice)
        part.append(meter.TimeSignature("3/4"))
        for pitch in pitches:
            part.append(note.Note(midi=pitch, quarterLength=1))
        score.insert(0, part)
    data = GeneralObjectExporter(score).parse()
    return re.sub(rb"\s*<encoding-date>[^<]*</encoding-date>", b"", data)


def corpus() -> dict[str, bytes]:
    nabiya = nabiya_midi()
    return {
        "empty.txt": b"",
        "empty.mid": b"",
        "empty.musicxml": b"",
        "junk.txt": _junk(512, 1),
        "junk.mid": _junk(512, 2),
        "junk.musicxml": _junk(512, 3),
        "junk-with-header.mid": b"MThd\x00\x00\x00\x06\x00\x01\x00\x02\x01\xe0" + _junk(200, 4),
        "truncated.mid": nabiya[:len(nabiya) // 2],
        "bad-key-signature.mid": bad_key_signature_midi(),
        "truncated.musicxml": two_parts_musicxml()[:900],
        "chords.mid": _midi([_notes([(0, 480, [60, 64, 67]), (0, 480, [62, 65, 69]),
                                     (0, 480, [64, 67, 72]), (0, 480, [65, 69]), (0, 480, [67]),
                                     (0, 960, [60, 64, 67, 72])])]),
        "drums.mid": _midi([_notes([(0, 240, [36]), (0, 240, [38]), (0, 240, [42, 36]),
                                    (0, 240, [38]), (0, 240, [36])], channel=9)]),
        "no-notes.mid": _midi([[mido.MetaMessage("set_tempo", tempo=500_000, time=0)]]),
        "type2.mid": _midi([_notes([(0, 480, [60])] * 6)], file_type=2),
        "two-parts.musicxml": two_parts_musicxml(),
        "unknown-token.txt": f"title: bad token\ntime: 2/4\n{NABIYA_LINE}\ng8 e8 h8 e4\n".encode(),
        "bad-bar.txt": f"time: 2/4\n{NABIYA_LINE}\ng8 e8 e4 e4 |\n".encode(),
        "short.txt": b"title: too short\ng8 e8 e4 f8\n",
        "only-comments.txt": b"# no notes here\ntitle: nothing\n",
        "latin1.txt": "title: Caf\u00e9 \u00e0 la carte\ng8 e8 e4 f8 d8 d4\n".encode("latin-1"),
        "utf16.txt": f"title: utf-16\n{NABIYA_LINE}\n".encode("utf-16"),
        "nul.txt": b"g8 e8\x00 e4 f8 d8 d4\n",
        "unknown-header.txt": f"meter: 2/4\n{NABIYA_LINE}\n".encode(),
        "one-note.txt": b"g8\n",
        "latin1-names.mid": named_midi("latin-1", "Caf\u00e9 M\u00fcller", "Kl\u00e4nge",
                                       "\u00a9 1998 J\u00fcrgen"),
        "shift-jis-names.mid": named_midi("cp932", "\u3055\u304f\u3089\u3055\u304f\u3089",
                                          "\u30e1\u30ed\u30c7\u30a3", "\u8457\u4f5c\u6a29 1998"),
        "gbk-names.mid": named_midi("gbk", "\u8309\u8389\u82b1", "\u65cb\u5f8b",
                                    "\u7248\u6743 1998"),
        "zero-division.mid": header_with_division(b"\x00\x00"),
        "smpte.mid": smpte_midi(),
        "smpte-bad-rate.mid": header_with_division(bytes([256 - 20, 40])),
        "two-tempos.mid": two_tempos_midi(),
        "played.mid": played_midi(),
        "pickup-signature.mid": pickup_signature_midi(),
        "haenschen.krn": KERN.encode(),
        "plain-text.abc": b"This is a shopping list.\nMilk, eggs, bread.\nCall mom at 5.\n",
        "broken.abc": BROKEN_ABC.encode(),
        "tunes.abc": TUNES.encode(),
        "sound.wav": wav_header(),
        "meter-change.musicxml": METER_CHANGE.encode(),
        "bad-tempo.txt": f"tempo: fast\n{NABIYA_LINE}\n".encode(),
    }


def main() -> None:
    for name, data in corpus().items():
        (HERE / name).write_bytes(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()

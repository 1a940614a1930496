"""Writes the bad-input corpus beside this script: ``python tests/bad_inputs/make_corpus.py``.

The files are committed; this script says how each was made, so a file can be made again.
The 100,000-note song and a path that is a folder are made by the tests themselves.
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


def _midi(tracks: list[list[mido.Message]], file_type: int = 1) -> bytes:
    midi = mido.MidiFile(type=file_type, ticks_per_beat=480)
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
        "unknown-header.txt": f"key: C major\n{NABIYA_LINE}\n".encode(),
        "bad-tempo.txt": f"tempo: fast\n{NABIYA_LINE}\n".encode(),
    }


def main() -> None:
    for name, data in corpus().items():
        (HERE / name).write_bytes(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()

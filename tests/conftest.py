"""Shared fixtures, and readers that check written files independently of melodygen.

``midi_notes`` and ``score_notes`` decode MIDI with plain mido and MusicXML with plain music21,
so a writer's round-trip test checks the file itself, not melodygen's readers against its writers.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from melodygen.core.note import Melody, Note
from melodygen.formats.songs import load_song

REPO = Path(__file__).resolve().parent.parent

# 나비야 as SEED-NOTES.md gives it (the lecture's score, four lines).
NABIYA_SCORE = """
g8 e8 e4 f8 d8 d4 c8 d8 e8 f8 g8 g8 g4
g8 e8 e8 e8 f8 d8 d4 c8 e8 g8 g8 e8 e8 e4
d8 d8 d8 d8 d8 e8 f4 e8 e8 e8 e8 e8 f8 g4
g8 e8 e4 f8 d8 d4 c8 e8 g8 g8 e8 e8 e4
"""
# The lecture's note2idx: c4..b4 -> 0..6, c8..b8 -> 7..13.
LECTURE_NOTE2IDX = {f"{letter}{length}": i + 7 * (length == 8)
                    for length in (4, 8) for i, letter in enumerate("cdefgab")}
# Middle-C octave, as the lecture's letters mean it.
LETTER_PITCH = {"c": 60, "d": 62, "e": 64, "f": 65, "g": 67, "a": 69, "b": 71}


def lecture_note(token: str) -> Note:
    """A lecture token decoded here, independently of notation.py: 'g8' -> Note(67, 1/2)."""
    return Note(LETTER_PITCH[token[0]], Fraction(4, int(token[1:])))


@pytest.fixture(scope="session")
def tensorflow():
    """TensorFlow as the command line runs it (one thread per op, deterministic ops): for tests
    that train in this process (``configure_tensorflow`` is the caller's choice, not the
    library's)."""
    from melodygen.learning.backend import configure_tensorflow
    configure_tensorflow()


@pytest.fixture(scope="session")
def nabiya() -> Melody:
    return load_song("nabiya")


@pytest.fixture(scope="session")
def nabiya_model_file(tmp_path_factory, nabiya, tensorflow) -> Path:
    """나비야's stateful2 (the lecture's LSTM) trained once with the fast recipe, which replays
    the whole song, and saved: the model of the generation tests. Do not write to it."""
    import melodygen
    path = tmp_path_factory.mktemp("models") / "nabiya.melodygen"
    melodygen.train_model(nabiya, "stateful2").save(path)
    return path


def onsets_and_pitches(path: Path, grid: int | None = None) -> list[tuple[Fraction, int]]:
    """(onset in quarter notes, pitch) of every note-on in a MIDI file, in time order; with
    ``grid``, each onset on the nearest 1/grid of a quarter note (abc2midi starts its notes a
    tick late)."""
    import mido

    midi = mido.MidiFile(path)
    found = []
    for track in midi.tracks:
        now = 0
        for message in track:
            now += message.time
            if message.type == "note_on" and message.velocity > 0:
                onset = Fraction(now, midi.ticks_per_beat)
                found.append((onset if grid is None else Fraction(round(onset * grid), grid),
                              message.note))
    return sorted(found)


def read_midi_file(data: bytes):
    import mido
    return mido.MidiFile(file=io.BytesIO(data), charset="utf-8")


def midi_notes(data: bytes) -> list[Note]:
    """The melody track (track 1) of MIDI bytes as notes, with plain mido: a gap between notes
    (or after the last one, before end_of_track) is a rest."""
    midi = read_midi_file(data)
    beat = midi.ticks_per_beat
    notes: list[Note] = []
    now = 0      # ticks
    covered = 0  # ticks up to which notes and rests have been emitted
    sounding: dict[int, int] = {}
    for message in midi.tracks[1]:
        now += message.time
        if message.type == "note_on" and message.velocity > 0:
            assert not sounding, "the melody track must be monophonic"
            if now > covered:
                notes.append(Note(None, Fraction(now - covered, beat)))
            sounding[message.note] = now
        elif message.type in ("note_off", "note_on"):
            start = sounding.pop(message.note)
            notes.append(Note(message.note, Fraction(now - start, beat)))
            covered = now
        elif message.type == "end_of_track" and now > covered:
            notes.append(Note(None, Fraction(now - covered, beat)))
    return notes


def merge_rests(notes) -> list[Note]:
    """Adjacent rests as one rest: what a MIDI file, which stores rests as gaps, can give back."""
    out: list[Note] = []
    for note in notes:
        if out and note.is_rest and out[-1].is_rest:
            out[-1] = Note(None, out[-1].duration + note.duration)
        else:
            out.append(note)
    return out


def parse_score(data: bytes):
    import music21
    return music21.converter.parse(data.decode("utf-8"), format="musicxml")


def score_notes(data: bytes) -> list[Note]:
    """Every note and rest of the first part of MusicXML bytes, ties joined, with plain music21."""
    part = parse_score(data).parts[0].stripTies()
    return [Note(None if event.isRest else event.pitch.midi, Fraction(event.quarterLength))
            for event in part.flatten().notesAndRests]


def without_padding(notes: list[Note]) -> list[Note]:
    """Notes of a written score without the rest that completes its last measure."""
    return notes[:-1] if notes and notes[-1].is_rest else notes


def _checkout_env() -> dict[str, str]:
    """The environment with this checkout first on the import path."""
    paths = [str(REPO)] + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else [])
    return dict(os.environ, PYTHONPATH=os.pathsep.join(paths))


def run_melodygen(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """``python -m melodygen ARGS`` in a fresh interpreter (the real entry point)."""
    return subprocess.run([sys.executable, "-m", "melodygen", *args], cwd=cwd, env=_checkout_env(),
                          capture_output=True, text=True, timeout=600)


def run_python(code: str, cwd: Path) -> subprocess.CompletedProcess:
    """``python -c CODE`` in a fresh interpreter."""
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=_checkout_env(),
                          capture_output=True, text=True, timeout=120)

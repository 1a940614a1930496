"""Notes <-> standard MIDI files (mido).

Written files are what a DAW and onlinesequencer.net import cleanly: type 1, 480 ticks per
quarter note, a conductor track (title, tempo, time signature) and one named melody track on
channel 1 with note-on/note-off pairs. Reading takes any type 0 or 1 file: drums (channel 10)
are ignored, chords and overlapping voices are reduced to their highest note (the skyline),
times are quantized to a 32nd-note grid, and gaps become rests.
"""

from __future__ import annotations

import io
import warnings
from fractions import Fraction
from pathlib import Path

import mido

from .errors import MelodyError
from .files import write_atomic
from .note import Melody, Note

TICKS_PER_BEAT = 480      # ticks per quarter note in files melodygen writes
GRID = Fraction(1, 8)     # quantization grid on reading, in quarter notes (a 32nd note)
DRUM_CHANNEL = 9          # MIDI channel 10, counted from 0
MELODY_CHANNEL = 0
PROGRAM = 0               # General MIDI 1, acoustic grand piano
VELOCITY = 90


class MelodyWarning(UserWarning):
    """Input that was understood only after a change: a chord reduced, a length quantized."""


def to_midi(melody: Melody, track_name: str | None = None) -> mido.MidiFile:
    """Melody -> in-memory MIDI file; rests become time between notes."""
    beats, unit = melody.time_signature
    conductor = mido.MidiTrack([
        mido.MetaMessage("track_name", name=melody.title, time=0),
        mido.MetaMessage("time_signature", numerator=beats, denominator=unit, time=0),
        mido.MetaMessage("set_tempo", tempo=round(60_000_000 / melody.tempo), time=0),
        mido.MetaMessage("end_of_track", time=0),
    ])
    track = mido.MidiTrack([
        mido.MetaMessage("track_name", name=track_name or melody.title, time=0),
        mido.Message("program_change", program=PROGRAM, channel=MELODY_CHANNEL, time=0),
    ])
    delay = 0
    for position, note in enumerate(melody.notes, start=1):
        ticks = note.duration * TICKS_PER_BEAT
        if ticks.denominator != 1:
            raise ValueError(f"note {position} lasts {note.duration} quarter notes, "
                             f"not a whole number of ticks at {TICKS_PER_BEAT} per quarter")
        if note.is_rest:
            delay += int(ticks)
            continue
        track.append(mido.Message("note_on", note=note.pitch, velocity=VELOCITY,
                                  channel=MELODY_CHANNEL, time=delay))
        track.append(mido.Message("note_off", note=note.pitch, velocity=0,
                                  channel=MELODY_CHANNEL, time=int(ticks)))
        delay = 0
    track.append(mido.MetaMessage("end_of_track", time=delay))
    return mido.MidiFile(type=1, ticks_per_beat=TICKS_PER_BEAT, tracks=[conductor, track],
                         charset="utf-8")


def midi_bytes(melody: Melody, track_name: str | None = None) -> bytes:
    buffer = io.BytesIO()
    to_midi(melody, track_name).save(file=buffer)
    return buffer.getvalue()


def write_midi(melody: Melody, path: str | Path, track_name: str | None = None) -> Path:
    return write_atomic(path, midi_bytes(melody, track_name))


def read_midi(path: str | Path) -> Melody:
    """A MIDI file -> Melody; errors name the file."""
    path = Path(path)
    if path.is_dir():
        raise MelodyError("is a folder, not a MIDI file", source=str(path))
    try:
        midi = mido.MidiFile(path, charset="utf-8")
    except OSError as error:
        if isinstance(error, FileNotFoundError) or error.strerror:
            raise MelodyError(f"cannot read: {error.strerror or error}", source=str(path)) from None
        raise MelodyError(f"not a valid MIDI file ({error})", source=str(path)) from None
    except (EOFError, ValueError, KeyError, IndexError, UnicodeDecodeError) as error:
        raise MelodyError(f"not a valid MIDI file ({error or type(error).__name__})",
                          source=str(path)) from None
    return from_midi(midi, source=str(path))


def from_midi(midi: mido.MidiFile, source: str = "<midi>") -> Melody:
    """In-memory MIDI file -> Melody (skyline of all non-drum channels)."""
    if midi.type == 2:
        raise MelodyError("MIDI type 2 (independent sequences) is not supported", source=source)
    resolution = midi.ticks_per_beat
    title, tempo, signature = None, None, None
    sounding: dict[tuple[int, int], int] = {}     # (channel, pitch) -> start tick
    notes: list[tuple[int, int, int]] = []         # (start tick, end tick, pitch)
    for track in midi.tracks:
        now = 0
        for message in track:
            now += message.time
            if message.type == "track_name" and title is None and message.name.strip():
                title = message.name.strip()
            elif message.type == "set_tempo" and tempo is None:
                tempo = mido.tempo2bpm(message.tempo)
            elif message.type == "time_signature" and signature is None:
                signature = (message.numerator, message.denominator)
            elif message.type in ("note_on", "note_off") and message.channel != DRUM_CHANNEL:
                key = (message.channel, message.note)
                if message.type == "note_on" and message.velocity > 0:
                    if key in sounding:  # re-struck before release: end the old one here
                        notes.append((sounding.pop(key), now, message.note))
                    sounding[key] = now
                elif key in sounding:
                    notes.append((sounding.pop(key), now, message.note))
    if not notes:
        raise MelodyError("no melodic notes (empty, or drums only)", source=source)
    melody_notes = _skyline(notes, resolution, source)
    tempo = min(max(round(tempo, 3), 10), 400) if tempo else 120.0
    try:
        return Melody(tuple(melody_notes), title=title or Path(source).stem,
                      time_signature=signature or (4, 4), tempo=tempo, source=source)
    except ValueError as error:
        raise MelodyError(str(error), source=source) from None


def _quantize(ticks: int, resolution: int) -> Fraction:
    """Ticks -> quarter notes on the 32nd-note grid."""
    return round(Fraction(ticks, resolution) / GRID) * GRID


def _skyline(notes, resolution: int, source: str) -> list[Note]:
    """Overlapping notes -> one line, the highest note sounding at each onset wins."""
    events = sorted((_quantize(start, resolution), _quantize(end, resolution), pitch)
                    for start, end, pitch in notes)
    by_onset: dict[Fraction, tuple[Fraction, int]] = {}
    for start, end, pitch in events:
        if start not in by_onset or pitch > by_onset[start][1]:
            by_onset[start] = (end, pitch)
    polyphonic = len(by_onset) < len(events)
    line: list[tuple[Fraction, Fraction, int]] = []
    for start in sorted(by_onset):
        end, pitch = by_onset[start]
        if line and line[-1][1] > start:  # the previous note still sounds
            previous_start, previous_end, previous_pitch = line[-1]
            if pitch < previous_pitch and previous_end >= end:
                polyphonic = True
                continue  # hidden under a higher, longer note
            polyphonic = True
            line[-1] = (previous_start, start, previous_pitch)
        line.append((start, end, pitch))
    if polyphonic:
        warnings.warn(MelodyWarning(f"{source}: several notes sound at once; "
                                    "kept the highest voice (skyline)"), stacklevel=3)
    out: list[Note] = []
    now = Fraction(0)
    dropped = 0
    for start, end, pitch in line:
        if start > now:
            out.append(Note(None, start - now))
        if end <= start:
            dropped += 1
            continue
        out.append(Note(pitch, end - start))
        now = end
    if dropped:
        warnings.warn(MelodyWarning(f"{source}: {dropped} notes shorter than a 32nd note dropped"),
                      stacklevel=3)
    if not any(not note.is_rest for note in out):
        raise MelodyError("no melodic notes longer than a 32nd note", source=source)
    return out

"""Notes <-> standard MIDI files (mido).

Written files are what a DAW and onlinesequencer.net import cleanly: type 1, 480 ticks per
quarter note, a conductor track (title, tempo, time signature) and one named melody track on
channel 1 with note-on/note-off pairs; rests are time between notes, and a pickup is not
marked (the first note starts at tick 0). Reading takes any type 0 or 1 file: drums
(channel 10) are ignored, the other channels become one melody line (``timeline.melody_line``:
the highest voice where notes overlap, times on the 32nd-note grid, gaps as rests, each change
reported as a ``MelodyWarning``), and the first tempo, time signature and track name are kept.
"""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path

import mido
from mido.midifiles.meta import KeySignatureError  # a key signature mido cannot decode

from ..core.errors import MelodyError
from ..core.note import Melody
from .files import write_atomic
from .timeline import GRID, Timed, first_value, melody_line, usable_tempo

__all__ = ["GRID", "TICKS_PER_BEAT", "from_midi", "midi_bytes", "read_midi",
           "to_midi", "write_midi"]

TICKS_PER_BEAT = 480      # ticks per quarter note in files melodygen writes
DRUM_CHANNEL = 9          # MIDI channel 10, counted from 0
MELODY_CHANNEL = 0
PROGRAM = 0               # General MIDI 1, acoustic grand piano
VELOCITY = 90
MIDI_MAGIC = b"MThd"      # the first four bytes of every standard MIDI file
DEFAULT_TEMPO = 120.0     # quarter notes per minute when a file sets none (the MIDI default)


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
    """A MIDI file -> Melody; errors name the file and what is wrong with it."""
    path = Path(path)
    if path.is_dir():
        raise MelodyError("is a folder, not a MIDI file", source=str(path))
    try:
        data = path.read_bytes()
    except OSError as error:
        raise MelodyError(f"cannot read: {error.strerror or error}", source=str(path)) from None
    if not data:
        raise MelodyError("not a valid MIDI file (the file is empty)", source=str(path))
    if not data.startswith(MIDI_MAGIC):
        raise MelodyError(f"not a valid MIDI file (it starts with {data[:4]!r}, a MIDI file with "
                          f"{MIDI_MAGIC!r})", source=str(path))
    try:
        midi = mido.MidiFile(file=io.BytesIO(data), charset="utf-8")
    except EOFError:
        raise MelodyError("not a valid MIDI file (truncated: it ends in the middle of a track)",
                          source=str(path)) from None
    except (OSError, ValueError, KeyError, IndexError, TypeError, UnicodeDecodeError,
            KeySignatureError) as error:
        raise MelodyError(f"not a valid MIDI file ({error or type(error).__name__})",
                          source=str(path)) from None
    return from_midi(midi, source=str(path))


def from_midi(midi: mido.MidiFile, source: str = "<midi>") -> Melody:
    """In-memory MIDI file -> Melody: the skyline of every non-drum channel on the 32nd-note grid
    (see ``timeline.melody_line``), the first tempo and time signature, the first track name."""
    if midi.type == 2:
        raise MelodyError("MIDI type 2 (independent sequences) is not supported", source=source)
    resolution = midi.ticks_per_beat
    names: list[str] = []
    tempos: list[tuple[int, int]] = []                # (tick, microseconds per quarter note)
    signatures: list[tuple[int, tuple[int, int]]] = []  # (tick, (beats, unit))
    timed: list[Timed] = []
    for track in midi.tracks:
        now = 0
        sounding: dict[tuple[int, int], int] = {}  # (channel, pitch) -> start tick
        for message in track:
            now += message.time
            if message.type == "track_name" and message.name.strip():
                names.append(message.name.strip())
            elif message.type == "set_tempo":
                tempos.append((now, message.tempo))
            elif message.type == "time_signature":
                signatures.append((now, (message.numerator, message.denominator)))
            elif message.type in ("note_on", "note_off") and message.channel != DRUM_CHANNEL:
                key = (message.channel, message.note)
                if key in sounding:  # released, or struck again before its release
                    timed.append(_timed(sounding.pop(key), now, message.note, resolution))
                if message.type == "note_on" and message.velocity > 0:
                    sounding[key] = now
        for (_, pitch), start in sounding.items():  # never released: lasts to the end of its track
            timed.append(_timed(start, now, pitch, resolution))
    notes = melody_line(timed, source)
    tempo = first_value(_in_order(tempos), source, "tempo", lambda t: f"{mido.tempo2bpm(t):g} bpm")
    signature = first_value(_in_order(signatures), source, "time signature",
                            lambda s: f"{s[0]}/{s[1]}")
    bpm = usable_tempo(round(mido.tempo2bpm(tempo), 2), source) if tempo else DEFAULT_TEMPO
    try:
        return Melody(tuple(notes), title=names[0] if names else Path(source).stem,
                      time_signature=signature or (4, 4), tempo=bpm, source=source)
    except ValueError as error:
        raise MelodyError(str(error), source=source) from None


def _timed(start: int, end: int, pitch: int, resolution: int) -> Timed:
    return Timed(Fraction(start, resolution), Fraction(end, resolution), pitch)


def _in_order(changes: list[tuple[int, object]]) -> list:
    """(tick, value) changes from all tracks -> their values in time order."""
    return [value for _, value in sorted(changes, key=lambda change: change[0])]

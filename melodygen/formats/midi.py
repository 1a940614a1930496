"""Notes <-> standard MIDI files (mido).

Written files are what a DAW and onlinesequencer.net import cleanly: type 1, 480 ticks per
quarter note (which hold every length of the notation: 32nd notes, 64th notes, triplets,
quintuplets), a conductor track (title, tempo, time signature, the key signature when the
melody has one: major or minor, as MIDI has no other modes, so a mode is written as the major
key of its signature) and one named melody track on channel 1 with note-on/note-off pairs; rests
are time between notes. A pickup is written as notation software writes it: a time signature
of the pickup's length at tick 0 (``1/4``), then the song's (``3/4``) where the first full
measure starts. A length that is not a whole number of ticks is refused with a ValueError.

Reading takes any type 0 or 1 file, as other readers do: text events (names, lyrics) in any
encoding (UTF-8, Shift-JIS, GBK, Latin-1, decoded as well as they can be), data bytes above 127
clipped, SMPTE time (frames -> seconds -> quarter notes at the file's tempo). Drums
(channel 10) are ignored; the other channels become one melody line (``timeline.melody_line``:
exact times for a file written by notation software, played MIDI quantized, the highest voice
where notes overlap, gaps as rests, each change reported as a ``MelodyWarning`` with counts).
The tempo and time signature are the ones in force at the start (the last of several at one
tick), a short first time signature is the pickup, the key is the first key signature, and the
title is the name of the first track (the sequence name), else the file's name.
"""

from __future__ import annotations

import io
import re
import warnings
from fractions import Fraction
from pathlib import Path

import mido
from mido.midifiles.meta import KeySignatureError  # a key signature mido cannot decode

from ..core.errors import MelodyError, MelodyWarning
from ..core.keys import Key
from ..core.note import DEFAULT_TEMPO, Melody
from .files import check_regular, write_atomic
from .timeline import (AUTO, Timed, first_value, melody_line, read_melody, usable_signature,
                       usable_tempo)

__all__ = ["TICKS_PER_BEAT", "decode_text", "from_midi", "midi_bytes", "read_midi", "to_midi",
           "write_midi"]

TICKS_PER_BEAT = 480      # ticks per quarter note in files melodygen writes
DRUM_CHANNEL = 9          # MIDI channel 10, counted from 0
MELODY_CHANNEL = 0
PROGRAM = 0               # General MIDI 1, acoustic grand piano
VELOCITY = 90
MIDI_MAGIC = b"MThd"      # the first four bytes of every standard MIDI file
RIFF_MIDI = (b"RIFF", b"RMID")  # a standard MIDI file wrapped in RIFF (.rmi)
MICROSECONDS_AT_DEFAULT = 500_000  # microseconds per quarter note at DEFAULT_TEMPO
SMPTE_RATES = {24: Fraction(24), 25: Fraction(25), 29: Fraction(30000, 1001), 30: Fraction(30)}
# Track names that name no song: what sequencers and notation programs call a track or the
# instrument it plays ("Track 1", "Instrument 1", "Master Track", "Grand Piano", "Soprano").
PLACEHOLDER_NAMES = re.compile(
    r"((master|conductor|tempo|midi|new|empty)\s*)?(track|instrument|inst|part|staff|voice|"
    r"channel|sequence|seq|untitled|unnamed|conductor|tempo|"
    r"((acoustic|electric|bright|grand|honky-tonk)\s*)*piano|soprano|alto|tenor|bass|baritone|"
    r"violin|viola|cello|flute|oboe|clarinet|bassoon|trumpet|horn|guitar|organ|strings|harp|"
    r"drums|percussion)[\s_#.:-]*\d*|[\s_#.:-]*\d*", re.IGNORECASE)


# --- writing -------------------------------------------------------------------------------------

def to_midi(melody: Melody, track_name: str | None = None) -> mido.MidiFile:
    """Melody -> in-memory MIDI file; rests become time between notes."""
    beats, unit = melody.time_signature
    conductor = [mido.MetaMessage("track_name", name=melody.title, time=0)]
    pickup = _pickup_signature(melody)
    if pickup:
        conductor.append(mido.MetaMessage("time_signature", numerator=pickup[0],
                                          denominator=pickup[1], time=0))
    else:
        conductor.append(mido.MetaMessage("time_signature", numerator=beats, denominator=unit, time=0))
    conductor.append(mido.MetaMessage("set_tempo", tempo=round(60_000_000 / melody.tempo), time=0))
    if melody.key is not None:
        conductor.append(mido.MetaMessage("key_signature", time=0,
                                          key=_mido_key(melody.key)))
    if pickup:
        conductor.append(mido.MetaMessage("time_signature", numerator=beats, denominator=unit,
                                          time=int(melody.pickup * TICKS_PER_BEAT)))
    conductor.append(mido.MetaMessage("end_of_track", time=0))
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
    return mido.MidiFile(type=1, ticks_per_beat=TICKS_PER_BEAT,
                         tracks=[mido.MidiTrack(conductor), track], charset="utf-8")


def _pickup_signature(melody: Melody) -> tuple[int, int] | None:
    """The time signature of the pickup measure, in the song's beat unit or a shorter one:
    1 quarter in 3/4 -> (1, 4), a 16th in 2/4 -> (1, 16); None without a pickup, or for a
    pickup no time signature has (a triplet's length)."""
    if not melody.pickup:
        return None
    unit = melody.time_signature[1]
    while unit <= 64:
        beats = melody.pickup * unit / 4
        if beats.denominator == 1:
            return int(beats), unit
        unit *= 2
    return None


def midi_bytes(melody: Melody, track_name: str | None = None) -> bytes:
    buffer = io.BytesIO()
    to_midi(melody, track_name).save(file=buffer)
    return buffer.getvalue()


def write_midi(melody: Melody, path: str | Path, track_name: str | None = None) -> Path:
    return write_atomic(path, midi_bytes(melody, track_name))


# --- reading -------------------------------------------------------------------------------------

def read_midi(path: str | Path, quantize=AUTO) -> Melody:
    """A MIDI file -> Melody; errors name the file and what is wrong with it. ``quantize``:
    ``auto`` or a grid (``timeline.quantize_grid``)."""
    path = Path(path)
    check_regular(path)
    if path.is_dir():
        raise MelodyError("is a folder, not a MIDI file", source=str(path))
    try:
        data = path.read_bytes()
    except OSError as error:
        raise MelodyError(f"cannot read: {error.strerror or error}", source=str(path)) from None
    if not data:
        raise MelodyError("not a valid MIDI file (the file is empty)", source=str(path))
    if (data[:4], data[8:12]) == RIFF_MIDI and MIDI_MAGIC in data:
        data = data[data.index(MIDI_MAGIC):]  # RIFF MIDI (.rmi): the standard file inside
    if not data.startswith(MIDI_MAGIC):
        raise MelodyError(f"not a valid MIDI file (it starts with {data[:4]!r}, a MIDI file with "
                          f"{MIDI_MAGIC!r})", source=str(path))
    try:
        # latin-1 maps every byte to a character: text never stops a file; decode_text names it
        midi = mido.MidiFile(file=io.BytesIO(data), charset="latin1", clip=True)
    except EOFError:
        raise MelodyError("not a valid MIDI file (truncated: it ends in the middle of a track)",
                          source=str(path)) from None
    except (OSError, ValueError, KeyError, IndexError, TypeError, UnicodeDecodeError,
            KeySignatureError) as error:
        raise MelodyError(f"not a valid MIDI file ({error or type(error).__name__})",
                          source=str(path)) from None
    return from_midi(midi, source=str(path), quantize=quantize)


def from_midi(midi: mido.MidiFile, source: str = "<midi>", quantize=AUTO) -> Melody:
    """In-memory MIDI file -> Melody: the melody line of every non-drum channel (see the module
    and ``timeline.melody_line``), its tempo, meter, pickup, key and title."""
    if midi.type == 2:
        raise MelodyError("MIDI type 2 (independent sequences) is not supported", source=source)
    tempos: list[tuple[int, int, int]] = []        # (tick, order, microseconds per quarter note)
    signatures: list[tuple[int, int, tuple[int, int]]] = []  # (tick, order, (beats, unit))
    keys: list[tuple[int, int, Key]] = []
    ticks: list[tuple[int, int, int]] = []         # (start tick, end tick, pitch)
    first_names: list[str] = []                    # the first track's names
    latin = str(midi.charset).lower().replace("-", "").replace("_", "") in ("latin1", "iso88591")
    order = 0
    for number, track in enumerate(midi.tracks):
        now = 0
        sounding: dict[tuple[int, int], int] = {}  # (channel, pitch) -> start tick
        released: set[tuple[int, int]] = set()     # released at this tick without sounding
        for message in track:
            if message.time:
                now += message.time
                released.clear()
            order += 1
            if message.type == "track_name" and number == 0:
                name = decode_text(message.name) if latin else message.name
                first_names.append(name.replace("\x00", "").strip())
            elif message.type == "set_tempo" and message.tempo > 0:  # 0 s a quarter note: none
                tempos.append((now, order, message.tempo))
            elif message.type == "time_signature":
                signatures.append((now, order, (message.numerator, message.denominator)))
            elif message.type == "key_signature":
                keys.append((now, order, _key(message.key)))
            elif message.type in ("note_on", "note_off") and message.channel != DRUM_CHANNEL:
                key = (message.channel, message.note)
                on = message.type == "note_on" and message.velocity > 0
                if key in sounding:  # released, or struck again before its release
                    ticks.append((sounding.pop(key), now, message.note))
                elif not on:
                    released.add(key)
                    continue
                if on and key in released:  # its release came first at this tick: no length
                    released.discard(key)
                    ticks.append((now, now, message.note))
                elif on:
                    sounding[key] = now
        for (_, pitch), start in sounding.items():  # never released: lasts to the end of its track
            ticks.append((start, now, pitch))
    tempo_changes = _in_force(tempos)
    microseconds = tempo_changes[0][1] if tempo_changes and tempo_changes[0][0] == 0 else None
    quarters = _clock(midi.ticks_per_beat, microseconds, source)
    timed = [Timed(quarters(start), quarters(end), pitch) for start, end, pitch in ticks]
    tick = Fraction(1, midi.ticks_per_beat) if midi.ticks_per_beat > 0 else None
    notes = melody_line(timed, source, quantize, tick=tick)
    tempo = first_value([value for _, value in tempo_changes], source, "tempo",
                        lambda t: f"{round(mido.tempo2bpm(t), 2):g} bpm")
    signature_changes = [(quarters(tick), value) for tick, value in _in_force(signatures)]
    pickup, signature_changes = _pickup(signature_changes)
    signature = first_value([value for _, value in signature_changes], source, "time signature",
                            lambda s: f"{s[0]}/{s[1]}")
    key = first_value([value for _, value in _in_force(keys)], source, "key")
    bpm = usable_tempo(round(mido.tempo2bpm(tempo), 2), source) if tempo else DEFAULT_TEMPO
    names = [name for name in first_names if name and not PLACEHOLDER_NAMES.fullmatch(name)]
    return read_melody(notes, title=names[0] if names else Path(source).stem,
                       time_signature=usable_signature(signature, source), tempo=bpm,
                       source=source, key=key, pickup=pickup)


def _clock(division: int, microseconds: int | None, source: str):
    """The header's division -> a function from ticks to quarter notes. A positive division is
    ticks per quarter note; a negative one is SMPTE time (-frames per second, ticks per frame),
    read at the tempo of the file's start (120 bpm without one)."""
    if division > 0:
        return lambda tick: Fraction(tick, division)
    if division == 0:
        raise MelodyError("not a valid MIDI file (0 ticks per quarter note in its header)",
                          source=source)
    rate, per_frame = SMPTE_RATES.get(-(division >> 8)), division & 0xFF
    if rate is None or per_frame == 0:
        raise MelodyError(f"not a valid MIDI file (SMPTE time of {-(division >> 8)} frames per "
                          f"second and {per_frame} ticks per frame in its header; SMPTE has 24, 25, "
                          "29 or 30 frames per second)", source=source)
    microseconds = microseconds or MICROSECONDS_AT_DEFAULT
    warnings.warn(MelodyWarning(f"{source}: SMPTE time ({float(rate):g} frames per second, "
                                f"{per_frame} ticks per frame) read in quarter notes at "
                                f"{mido.tempo2bpm(microseconds):g} bpm"), stacklevel=4)
    per_tick = 1_000_000 / (rate * per_frame) / microseconds  # quarter notes per tick
    return lambda tick: tick * per_tick


def _in_force(changes: list[tuple[int, int, object]]) -> list[tuple[int, object]]:
    """(tick, order, value) changes from all tracks -> (tick, value) in time order, one per tick:
    the last of several at one tick, which is the one that plays."""
    last: dict[int, object] = {}
    for tick, _, value in sorted(changes, key=lambda change: change[:2]):
        last[tick] = value
    return list(last.items())


def _pickup(signatures: list[tuple[Fraction, tuple[int, int]]]):
    """(pickup in quarter notes, the time signatures after it): a first time signature that
    lasts one measure shorter than the next one's is the pickup, as notation programs write it
    (1/4 for one measure, then 4/4)."""
    if len(signatures) >= 2 and signatures[0][0] == 0:
        (_, (beats, unit)), (start, (next_beats, next_unit)) = signatures[:2]
        length = Fraction(4 * beats, unit)
        if start == length and length < Fraction(4 * next_beats, next_unit) and beats > 0 and unit > 0:
            return length, signatures[1:]
    return Fraction(0), signatures


def _mido_key(key: Key) -> str:
    """Key -> mido's name of its key signature ('Bb', 'Ebm'). A MIDI key signature is major or
    minor: a mode is written as the major key of its signature (D dorian as C major)."""
    if key.mode == "minor":
        return key.tonic_name + "m"
    return Key.from_fifths(key.fifths).tonic_name


def _key(name: str) -> Key:
    """mido's key name ('F#m', 'Bb', 'Ebm') -> Key, spelt as the signature gives it."""
    return Key.parse(name)


def decode_text(text: str) -> str:
    """Text of a MIDI file as mido reads it in latin-1 (one character per byte) -> the text
    decoded as well as it can be (names carry no encoding in MIDI), in this order: UTF-8;
    Latin-1 when its letters stand among ASCII ones (``Café``); Shift-JIS when the bytes read as
    Japanese; GBK when they read as Chinese; else Windows-1252, else Latin-1 as it is."""
    data = text.encode("latin-1", errors="replace")
    try:
        return data.decode("utf-8").strip()
    except UnicodeDecodeError:
        pass
    if re.search(rb"[\x80-\xff][\x00-\x7f]", data) and all(
            byte < 0x80 or chr(byte) in _LATIN_LETTERS for byte in data):
        return data.decode("latin-1").strip()
    for encoding, plausible in (("cp932", _japanese), ("gbk", _chinese)):
        try:
            decoded = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if plausible(decoded):
            return decoded.strip()
    try:
        return data.decode("cp1252").strip()
    except UnicodeDecodeError:
        return text.strip()


# Latin-1's letters and the signs that stand among them in names: not its C1 controls (0x80..0x9F),
# which Shift-JIS lead bytes are.
_LATIN_LETTERS = frozenset(chr(code) for code in range(0xC0, 0x100) if code not in (0xD7, 0xF7)) | \
    frozenset("©®°ªº¡¿«»·´")


def _japanese(text: str) -> bool:
    """Shift-JIS bytes of other text often decode to half-width katakana or private-use
    characters; Japanese text has neither."""
    return not any("\uff61" <= char <= "\uff9f" or "\ue000" <= char <= "\uf8ff" for char in text)


def _chinese(text: str) -> bool:
    """Every character outside ASCII is one of GB2312 (both bytes 0xA1..0xFE), where Chinese text
    is; Latin-1 letters beside ASCII decode to rare GBK characters outside it."""
    return all(ord(char) < 0x80 or all(byte >= 0xA1 for byte in char.encode("gbk")) for char in text)

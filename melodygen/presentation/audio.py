"""Melody -> WAV: a small piano-like synthesizer in numpy, and WAV bytes <-> samples.

Each note is a sum of harmonics of its pitch, slightly stretched as on a piano string
(inharmonicity), each harmonic played by two strings a few cents apart (the beating of a piano's
unison strings), with a 5 ms attack, an exponential decay (faster for higher harmonics and higher
notes) and a 25 ms damper at the note's end. Rests are silence. No randomness: the same melody
gives the same bytes.

Units: times in seconds, sample rates in samples per second (Hz), samples as floats in -1..1
(``render``) or 16-bit signed integers (WAV files: PCM, mono).
"""

from __future__ import annotations

import io
import wave
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..core.note import Melody
from ..formats.files import write_atomic

SAMPLE_RATE = 22050     # Hz; a melody around middle C needs nothing above 5 kHz
PEAK = 0.89             # the loudest sample, as a share of full scale (-1 dBFS)
TAIL = 0.2              # seconds of silence after the last note, for its damper to close
HARMONICS = (1.0, 0.42, 0.22, 0.13, 0.08, 0.05, 0.03, 0.02)  # amplitude of harmonic 1, 2, ...
INHARMONICITY = 0.0004  # B in f_h = h * f0 * sqrt(1 + B h^2)
DETUNE_CENTS = 0.7      # the two strings of each note: +- this many cents
ATTACK = 0.005          # seconds from silence to full strength
RELEASE = 0.025         # seconds: time constant of the damper after a note ends
DECAY_C4 = 1.6          # seconds: decay time constant of the fundamental at middle C
_BLOCK = 1 << 16        # samples converted to 16 bits at a time


def frequency(pitch: int) -> float:
    """MIDI note number -> Hz, equal temperament, A4 (69) = 440 Hz."""
    return 440.0 * 2.0 ** ((pitch - 69) / 12)


def note_times(melody: Melody) -> list[tuple[float, float]]:
    """(start, end) in seconds of every note and rest, at the melody's tempo."""
    seconds_per_quarter = 60.0 / melody.tempo
    times, now = [], 0.0
    for note in melody.notes:
        length = float(note.duration) * seconds_per_quarter
        times.append((now, now + length))
        now += length
    return times


def render(melody: Melody, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Melody -> (samples,) float64 in -1..1: the notes, then TAIL seconds of silence."""
    times = note_times(melody)
    end = times[-1][1] if times else 0.0
    out = np.zeros(int(round((end + TAIL) * sample_rate)))
    for note, (start, stop) in zip(melody.notes, times):
        if note.is_rest:
            continue
        first = int(round(start * sample_rate))
        tone = _tone(note.pitch, stop - start, sample_rate)[:len(out) - first]
        out[first:first + len(tone)] += tone
    peak = np.max(np.abs(out)) if len(out) else 0.0
    if peak > 0:
        out *= PEAK / peak  # in place: a song's samples are megabytes, no second copy
    return out


@lru_cache(maxsize=256)
def _tone(pitch: int, seconds: float, sample_rate: int) -> np.ndarray:
    """One piano-like note held for ``seconds``, with its damped end: (samples,) floats, read-only
    (cached: a song repeats few distinct notes)."""
    length = int(round((seconds + 6 * RELEASE) * sample_rate))
    t = np.arange(length) / sample_rate
    f0 = frequency(pitch)
    decay = DECAY_C4 * (frequency(60) / f0) ** 0.5
    tone = np.zeros(length)
    for h, amplitude in enumerate(HARMONICS, start=1):
        f = h * f0 * np.sqrt(1 + INHARMONICITY * h * h)
        if f >= 0.45 * sample_rate:
            break
        envelope = amplitude * np.exp(-t * (1 + 0.6 * (h - 1)) / decay)
        for cents in (-DETUNE_CENTS, DETUNE_CENTS):
            tone += 0.5 * envelope * np.sin(2 * np.pi * f * 2 ** (cents / 1200) * t)
    tone *= np.minimum(t / ATTACK, 1.0)
    tone *= np.exp(-np.maximum(t - seconds, 0.0) / RELEASE)
    tone.flags.writeable = False
    return tone


def wav_bytes(melody: Melody, sample_rate: int = SAMPLE_RATE) -> bytes:
    """Melody -> WAV file: PCM, 16-bit, mono."""
    return samples_to_wav(render(melody, sample_rate), sample_rate)


def samples_to_wav(samples: np.ndarray, sample_rate: int = SAMPLE_RATE) -> bytes:
    """Floats in -1..1 -> WAV bytes (16-bit mono PCM)."""
    pcm = np.empty(len(samples), "<i2")
    for start in range(0, len(samples), _BLOCK):  # a block at a time: no float copy of the song
        block = np.clip(samples[start:start + _BLOCK], -1.0, 1.0)
        block *= 32767
        pcm[start:start + _BLOCK] = np.rint(block, out=block)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(sample_rate)
        file.writeframes(pcm.data)
    return buffer.getvalue()


def wav_to_samples(data: bytes) -> tuple[np.ndarray, int]:
    """WAV bytes (16-bit mono PCM) -> (floats in -1..1, sample rate)."""
    with wave.open(io.BytesIO(data), "rb") as file:
        if file.getnchannels() != 1 or file.getsampwidth() != 2:
            raise ValueError(f"expected 16-bit mono WAV, got {file.getnchannels()} channels of "
                             f"{8 * file.getsampwidth()} bits")
        rate = file.getframerate()
        pcm = np.frombuffer(file.readframes(file.getnframes()), dtype="<i2")
    return pcm / 32767.0, rate


def write_wav(melody: Melody, path: str | Path, sample_rate: int = SAMPLE_RATE) -> Path:
    return write_atomic(path, wav_bytes(melody, sample_rate))

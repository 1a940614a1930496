"""New tunes from a model of a collection, in a key, a meter and a number of bars, ending on the
tonic: one note at a time, the pitch and then its length, each sampled from the model.

The corpus model reads and writes pitches relative to a tonic (``learning.sequences``), so a
tune in any key is one the model knows: the key's signature gives the model's reference (a
minor key's relative major, as Essen's ``K:`` fields give the signature), and the pitches come
out in that key. Rules that keep a tune in shape, applied to the model's probabilities before
sampling (masked choices get probability 0, the rest is renormalized):

- every bar is whole: a note's length never reaches past the bar line, so bar lines fall where
  the meter puts them and nothing is tied over;
- the tune lasts exactly ``bars`` bars (after the primer, which starts on a downbeat);
- with ``end_on_tonic`` the tune ends on the key's tonic, held to the end of the last bar: in the
  last bar a tonic ends the tune there, any other note leaves at least a beat for the tonic, and
  in the last beat only the tonic is left;
- pitches stay within the range, relative to the tonic, of the tunes the model learnt.

Sampling is temperature / top-k / top-p (``sampling.py``); tune ``i`` draws from numpy's PCG64
seeded with ``(seed, i)``: the same seed gives the same tunes.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from fractions import Fraction
import numpy as np

from ..core.errors import ConfigError
from ..core.keys import Key
from ..core.note import Melody, Note
from ..learning.sequences import (NO_PITCH, RELATIVE_RANGE, EventVocabulary, absolute_pitch,
                                  encode_song)
from .sampling import sample, sampling_error

_KEY = re.compile(r"\s*([A-Ga-g])\s*([#b]?)\s*(major|minor|maj|min|m|)\s*", re.IGNORECASE)
_STEPS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def parse_key(text: str) -> Key:
    """'G', 'g major', 'D minor', 'F#m', 'Bb', 'Ebmaj' -> Key; anything else is a ConfigError."""
    found = _KEY.fullmatch(text or "")
    if not found:
        raise ConfigError(f"unknown key {text!r} (write a tonic and a mode: G, D minor, F#m, Bb)")
    letter, accidental, mode = found.groups()
    tonic = (_STEPS[letter.upper()] + {"#": 1, "b": -1, "": 0}[accidental]) % 12
    return Key(tonic, "minor" if mode.lower() in ("minor", "min", "m") else "major")


def parse_meter(text: str) -> tuple[int, int]:
    """'3/4' -> (3, 4); a meter a Melody cannot have is a ConfigError."""
    found = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text or "")
    if not found or int(found.group(1)) < 1 or int(found.group(2)) not in (1, 2, 4, 8, 16, 32):
        raise ConfigError(f"unknown meter {text!r} (write beats/unit: 3/4, 6/8, 2/2)")
    return int(found.group(1)), int(found.group(2))


def signature_tonic(key: Key) -> int:
    """The major tonic of the key's signature: the model's reference (A minor -> C)."""
    return key.tonic if key.mode == "major" else (key.tonic + 3) % 12


@dataclass(frozen=True)
class TuneConfig:
    """What tunes to make; validated on creation (a bad value is a ``ConfigError``)."""

    key: Key
    meter: tuple[int, int]
    bars: int
    tempo: float = 120.0                 # quarter notes per minute
    end_on_tonic: bool = True
    primer: tuple[Note, ...] = ()        # the notes the tunes start with, from a downbeat
    temperature: float = 1.0
    top_k: int | None = None
    top_p: float | None = None
    count: int = 1
    seed: int | None = None              # None: a fresh random one, kept here

    def __post_init__(self) -> None:
        problems = [(self.bars < 1, f"bars must be at least 1, got {self.bars}"),
                    (self.count < 1, f"count must be at least 1, got {self.count}"),
                    (not 10 <= self.tempo <= 400,
                     f"tempo must be 10..400 quarter notes per minute, got {self.tempo}"),
                    (self.seed is not None and self.seed < 0, f"seed must be 0 or more, got {self.seed}")]
        error = sampling_error(self.temperature, self.top_k, self.top_p) or \
            next((message for bad, message in problems if bad), None)
        if error:
            raise ConfigError(error)
        if self.primer_length >= self.length:
            raise ConfigError(f"the primer lasts {self.primer_length} quarter notes, as long as "
                              f"the {self.bars} bars of {self.meter[0]}/{self.meter[1]} or longer")
        if self.seed is None:
            object.__setattr__(self, "seed", secrets.randbelow(2 ** 32))

    @property
    def measure(self) -> Fraction:
        return Fraction(4 * self.meter[0], self.meter[1])

    @property
    def length(self) -> Fraction:
        """The whole tune, in quarter notes."""
        return self.bars * self.measure

    @property
    def primer_length(self) -> Fraction:
        return sum((note.duration for note in self.primer), Fraction(0))

    def describe(self) -> str:
        parts = [f"temperature {self.temperature:g}"]
        parts += [f"top-k {self.top_k}"] if self.top_k is not None else []
        parts += [f"top-p {self.top_p:g}"] if self.top_p is not None else []
        return "sampling: " + ", ".join(parts + [f"seed {self.seed}"])


@dataclass(frozen=True)
class GeneratedTune:
    """One new tune, and the model's own bits per note for it (pitch and length)."""

    melody: Melody
    bits: float


def generate_tunes(model, config: TuneConfig, title: str = "generated") -> list[GeneratedTune]:
    """``config.count`` tunes from ``model`` (a ``learning.corpus_checkpoint.TrainedCorpusModel``),
    see the module."""
    from ..learning.backend import load_keras
    load_keras()
    from ..learning.corpus_training import Stepper

    stepper = Stepper(model.model)
    vocabulary = model.checkpoint.vocabulary
    out = []
    for index in range(config.count):
        rng = np.random.default_rng([config.seed, index])
        notes, bits = _one_tune(stepper, vocabulary, model.checkpoint.pitch_range, config, rng)
        melody = Melody(tuple(notes), f"{title} {index + 1}", config.meter, config.tempo,
                        source=f"{title} {index + 1}")
        out.append(GeneratedTune(melody, bits))
    return out


def _one_tune(stepper, vocabulary: EventVocabulary, pitch_range: tuple[int, int],
              config: TuneConfig, rng) -> tuple[list, float]:
    reference = signature_tonic(config.key)
    beats, unit = config.meter
    meter_index = vocabulary.meters.index(f"{beats}/{unit}") + 1 \
        if f"{beats}/{unit}" in vocabulary.meters else 0
    lengths = [None] + list(vocabulary.durations)
    pitch_allowed = np.zeros(RELATIVE_RANGE * 2 + 1, dtype=bool)
    pitch_allowed[pitch_range[0]:pitch_range[1] + 1] = True
    tonic_classes = np.array([(absolute_pitch(r, reference) - config.key.tonic) % 12 == 0
                              for r in range(len(pitch_allowed))])
    shortest = min(vocabulary.durations)

    notes = list(config.primer)
    rows = list(encode_song(Melody(tuple(notes), time_signature=config.meter), reference,
                            vocabulary)) if notes else []
    previous = _previous(rows, notes, vocabulary, config) if notes else (NO_PITCH, 0, 0, 0)
    now, total_bits = config.primer_length, 0.0
    beat = _beat(config.meter)
    while now < config.length:
        room = config.measure - now % config.measure  # to the next bar line
        left = config.length - now                    # to the end of the tune
        last_bar = config.end_on_tonic and left <= config.measure
        row = np.array(previous + (meter_index, 0, 0), dtype=np.int32)
        history = np.array(rows + [row], dtype=np.int32).reshape(-1, len(row))
        pitch_probs = stepper.pitch(history)
        allowed = pitch_allowed.copy()
        if last_bar and left <= beat:
            allowed &= tonic_classes  # the last beat: the tonic
        relative = _choose(pitch_probs, allowed, config, rng)
        history[-1, 5] = relative
        duration_probs = stepper.duration(history)
        if last_bar and tonic_classes[relative]:  # the tonic ends the tune, held to its end
            choice = lengths.index(left) if left in lengths else 0
            length = left
        else:
            fits = np.zeros(len(lengths), dtype=bool)
            for index, length in enumerate(lengths[1:], start=1):
                fits[index] = length <= room and (
                    left - length >= beat if last_bar else left - length >= shortest or
                    (length == left and not config.end_on_tonic))
            if fits.any():
                choice = _choose(duration_probs, fits, config, rng)
                length = lengths[choice]
            else:  # no known length fits what is left of the bar: the note fills it
                choice, length = 0, room
        total_bits -= float(np.log2(pitch_probs[relative])
                            + np.log2(max(duration_probs[choice], 1e-12)))
        history[-1, 6] = choice
        rows.append(history[-1].copy())
        pitch = absolute_pitch(relative, reference)
        notes.append(Note(pitch, length))
        now += length
        end = (now % config.measure) / config.measure
        position = vocabulary.positions.index(end) + 1 if end in vocabulary.positions else 0
        previous = (relative, choice, 0, position)
    generated = max(len(notes) - len(config.primer), 1)
    return notes, total_bits / generated


def _beat(meter: tuple[int, int]) -> Fraction:
    """One beat in quarter notes: a dotted quarter in 6/8, 9/8, 12/8; else the meter's unit."""
    beats, unit = meter
    if unit == 8 and beats % 3 == 0 and beats > 3:
        return Fraction(3, 2)
    return Fraction(4, unit)


def _previous(rows, notes, vocabulary, config) -> tuple[int, int, int, int]:
    """The input columns that the primer's last note gives the next one."""
    last = rows[-1]
    end = (sum((n.duration for n in notes), Fraction(0)) % config.measure) / config.measure
    position = vocabulary.positions.index(end) + 1 if end in vocabulary.positions else 0
    return int(last[5]), int(last[6]), 0, position


def _choose(probs: np.ndarray, allowed: np.ndarray, config: TuneConfig, rng) -> int:
    """Sample an index among the ``allowed`` ones (the most likely allowed one when the model
    gives them no probability at all)."""
    masked = np.where(allowed, probs, 0.0).astype(np.float64)
    if masked.sum() <= 0:
        return int(np.flatnonzero(allowed)[0])
    return sample(masked / masked.sum(), config.temperature, config.top_k, config.top_p, rng)

"""New melodies from a trained model: a primer, then one note at a time, greedy or sampled.

The model sees the last ``window`` notes and gives probabilities over its vocabulary
(``learning.predict.Predictor.next_note``); the chosen note is appended and the window slides,
as in the lecture's full-song prediction. Choosing is greedy (argmax, the default: it replays
what the model learnt) or sampling (temperature, top-k, top-p: ``sampling.py``).

Primers: any number of notes, each in the model's vocabulary. A primer shorter than the window
is padded on the left with copies of its first note (the pad is not written out). A stateful
model starts from a zero state and reads the primer's windows in order, carrying its state, as
the lecture's LSTM read the song; a model without state needs only the primer's last window.

Randomness: melody ``i`` (0-based) of a run draws from numpy's PCG64 seeded with ``(seed, i)``,
so the same seed gives the same notes, and melody ``i`` does not depend on ``count``.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from ..core.errors import ConfigError, MelodyError
from ..core.note import Melody, Note
from ..formats.notation import LENGTHS, length_to_duration, note_label, parse_notes
from ..learning.checkpoint import DEFAULT_MODEL, Checkpoint, TrainedModel
from ..learning.checkpoint import load as load_trained
from ..learning.checkpoint import train_model as train_trained
from ..learning.config import TrainConfig
from .sampling import sample, sampling_error

PRIMER_SOURCE = "--primer"


def pad_primer(primer: np.ndarray, window: int) -> np.ndarray:
    """(n,) indices -> (max(n, window),): a short primer gets copies of its first note in front."""
    primer = np.asarray(primer, dtype=np.int32)
    if len(primer) == 0:
        raise ValueError("a primer needs at least one note")
    pad = np.full(max(window - len(primer), 0), primer[0], dtype=np.int32)
    return np.concatenate([pad, primer])


def continue_indices(predict_next: Callable[[np.ndarray], np.ndarray], primer: np.ndarray,
                     window: int, length: int, choose: Callable[[np.ndarray], int],
                     stateful: bool) -> np.ndarray:
    """The generation loop: ``length`` indices that follow ``primer``.

    predict_next: (window,) indices -> (classes,) probabilities of the next note; a stateful
                  model's state must be zero before the call and advances with every call.
    choose:       (classes,) probabilities -> the chosen index.
    """
    padded = pad_primer(primer, window)
    first = 0 if stateful else len(padded) - window  # a stateful model reads every primer window
    for start in range(first, len(padded) - window + 1):
        probs = predict_next(padded[start:start + window])
    context = list(padded[-window:])
    out = []
    for step in range(length):
        out.append(int(choose(probs)))
        if step + 1 < length:
            context = context[1:] + out[-1:]
            probs = predict_next(np.array(context, dtype=np.int32))
    return np.array(out, dtype=np.int32)


def end_on_bar(notes: Sequence[Note], measure: Fraction, pickup: Fraction = Fraction(0)
               ) -> tuple[Note, ...]:
    """Notes that end on a bar line: the last note lengthened to the bar line when that length
    has a token (e8 -> e4), else one rest when its length has a token, else rests (longest
    first). ``measure``: its length, ``pickup``: the time before the first bar line, both in
    quarter notes."""
    notes = tuple(notes)
    missing = (pickup - sum((note.duration for note in notes), Fraction(0))) % measure
    if not missing or not notes:
        return notes
    longer = notes[-1].duration + missing
    if any(length_to_duration(value, dots) == longer for value in LENGTHS for dots in range(3)):
        return notes[:-1] + (Note(notes[-1].pitch, longer),)
    if any(length_to_duration(value, dots) == missing for value in LENGTHS for dots in range(3)):
        return notes + (Note(None, missing),)
    rests = []
    for value in LENGTHS:  # whole, half, quarter, ...: the fewest rests
        while missing >= length_to_duration(value):
            rests.append(Note(None, length_to_duration(value)))
            missing -= length_to_duration(value)
    if missing:  # a length off the 32nd-note grid: one rest of what is left
        rests.append(Note(None, missing))
    return notes + tuple(rests)


@dataclass(frozen=True)
class GenerateConfig:
    """How to generate: validated on creation, a bad value is a ``ConfigError``
    (``make_config`` fills the defaults)."""

    primer: tuple[Note, ...]        # the notes the model continues (at least one)
    length: int                     # notes generated after the primer
    temperature: float | None = None  # None with top_k and top_p None: greedy (argmax)
    top_k: int | None = None        # keep the k most likely notes
    top_p: float | None = None      # keep the most likely notes up to this total probability
    count: int = 1                  # melodies
    seed: int | None = None         # melody i samples with PCG64 seeded (seed, i); None when
                                    # sampling: a fresh random seed, kept here; unused when greedy
    include_primer: bool = True     # written melodies start with the primer
    tempo: float | None = None      # quarter notes per minute of the melodies; None: the song's
    bars: int | None = None         # melodies last this many bars (after the pickup); None: the
                                    # notes of ``length``, then to the next bar line
    end_on_tonic: bool = False      # the last note is the song key's tonic (nearest in pitch)

    def __post_init__(self) -> None:
        problems = [
            (not self.primer, "a primer needs at least one note"),
            (self.length < 1, f"length must be at least 1 note, got {self.length}"),
            (self.count < 1, f"count must be at least 1, got {self.count}"),
            (self.seed is not None and self.seed < 0, f"seed must be 0 or more, got {self.seed}"),
            (self.bars is not None and self.bars < 1, f"bars must be at least 1, got {self.bars}"),
            (self.tempo is not None and not 10 <= self.tempo <= 400,
             f"tempo must be 10..400 quarter notes per minute, got {self.tempo}"),
        ]
        error = sampling_error(self.temperature, self.top_k, self.top_p) or \
            next((message for bad, message in problems if bad), None)
        if error:
            raise ConfigError(error)
        if self.seed is None and not self.greedy:
            object.__setattr__(self, "seed", secrets.randbelow(2 ** 32))

    @property
    def greedy(self) -> bool:
        return self.temperature is None and self.top_k is None and self.top_p is None

    def chooser(self, index: int) -> Callable[[np.ndarray], int]:
        """How melody ``index`` (0-based) picks each note."""
        if self.greedy:
            return lambda probs: int(np.argmax(probs))
        rng = np.random.default_rng([self.seed, index])
        temperature = 1.0 if self.temperature is None else self.temperature
        return lambda probs: sample(probs, temperature, self.top_k, self.top_p, rng)

    def describe(self) -> str:
        """'greedy' or 'sampling: temperature 0.9, top-k 5, seed 7'."""
        if self.greedy:
            return "greedy"
        parts = [f"temperature {1.0 if self.temperature is None else self.temperature:g}"]
        parts += [f"top-k {self.top_k}"] if self.top_k is not None else []
        parts += [f"top-p {self.top_p:g}"] if self.top_p is not None else []
        return "sampling: " + ", ".join(parts + [f"seed {self.seed}"])


def resolve_primer(checkpoint: Checkpoint, primer: str | Sequence[Note] | None) -> tuple[Note, ...]:
    """None -> the training song's first ``window`` notes; tokens ("g8 e8 e4", bar lines ignored)
    or notes -> notes, each checked against the model's vocabulary."""
    if primer is None:
        return checkpoint.defaults.primer
    if isinstance(primer, str):
        text = primer.replace("|", " ")  # one space for one bar line: columns stay right
        notes = tuple(parse_notes(text, source=PRIMER_SOURCE)) if text.split() else ()
    else:
        notes = tuple(primer)
    if not notes:
        raise MelodyError("a primer needs at least one note", source=PRIMER_SOURCE)
    known = set(checkpoint.vocabulary.notes)
    for position, note in enumerate(notes, start=1):
        if note not in known:
            key = checkpoint.key
            vocabulary = " ".join(note_label(n, key) for n in checkpoint.vocabulary.notes)
            raise MelodyError(f"note {position} '{note_label(note, key)}' is not in the model's "
                              f"vocabulary: {vocabulary}", source=PRIMER_SOURCE)
    return notes


def make_config(checkpoint: Checkpoint, primer: str | Sequence[Note] | None = None,
                length: int | None = None, temperature: float | None = None,
                top_k: int | None = None, top_p: float | None = None, count: int = 1,
                seed: int | None = None, include_primer: bool = True,
                tempo: float | None = None, bars: int | None = None,
                end_on_tonic: bool = False) -> GenerateConfig:
    """A checked GenerateConfig; defaults: the song's opening as primer, as many notes as the
    song has after it (with ``bars``: as many as the bars can hold), greedy, and when sampling a
    fresh random seed (kept in the config, so the run can be repeated)."""
    error = sampling_error(temperature, top_k, top_p)
    if error:  # before the primer: a bad setting is reported whatever the primer
        raise ConfigError(error)
    if bars is not None and length is not None:
        raise ConfigError("give --length (notes) or --bars, not both")
    if length is None:
        length = checkpoint.defaults.length
        if bars is not None and bars >= 1:  # enough notes to fill the bars with the shortest
            beats, unit = checkpoint.defaults.time_signature
            shortest = min(note.duration for note in checkpoint.vocabulary.notes)
            length = max(1, math.ceil(bars * Fraction(4 * beats, unit) / shortest))
    return GenerateConfig(
        primer=resolve_primer(checkpoint, primer), length=length,
        temperature=temperature, top_k=top_k, top_p=top_p, count=count, seed=seed,
        include_primer=include_primer, tempo=tempo, bars=bars, end_on_tonic=end_on_tonic)


def continuations(model: TrainedModel, config: GenerateConfig) -> list[tuple[Note, ...]]:
    """The ``config.count`` continuations of the primer: ``config.length`` notes each."""
    from ..learning.backend import load_keras
    load_keras()
    from ..learning.models import reset_state
    from ..learning.predict import Predictor

    checkpoint = model.checkpoint
    primer = checkpoint.vocabulary.indices(config.primer, PRIMER_SOURCE)
    predict_next = Predictor(model.model, checkpoint.encoding).next_note
    unknown = checkpoint.vocabulary.unknown_index
    if unknown is not None:  # the unknown class stands for no note: it is never chosen
        model_next = predict_next

        def predict_next(window: np.ndarray) -> np.ndarray:
            probs = model_next(window).copy()
            probs[unknown] = 0.0
            return probs

    out = []
    for index in range(config.count):
        if checkpoint.spec.stateful:
            reset_state(model.model)
        indices = continue_indices(predict_next, primer, checkpoint.window, config.length,
                                   config.chooser(index), checkpoint.spec.stateful)
        out.append(tuple(checkpoint.vocabulary.to_notes(indices)))
    return out


def to_melodies(checkpoint: Checkpoint, config: GenerateConfig,
                notes: list[tuple[Note, ...]]) -> list[Melody]:
    """Continuations -> melodies in the song's meter and tempo, ending on a bar line.

    The primer is taken to start where the song starts (after the song's pickup, if any, comes
    the first bar line); without the primer, a melody starts where the primer ended, in the
    middle of a measure if that is where it ended (the part before the first bar line is then
    the melody's pickup)."""
    defaults = checkpoint.defaults
    beats, unit = defaults.time_signature
    measure = Fraction(4 * beats, unit)  # quarter notes
    primer_length = sum((note.duration for note in config.primer), Fraction(0))
    pickup = defaults.pickup if config.include_primer \
        else (defaults.pickup - primer_length) % measure
    tonic = reference_tonic(checkpoint) if config.end_on_tonic else None
    out = []
    for number, continuation in enumerate(notes, start=1):
        body = (config.primer if config.include_primer else ()) + continuation
        if config.bars is not None:
            body = cut_at(body, pickup + config.bars * measure if pickup else config.bars * measure)
        body = end_on_bar(body, measure, pickup)
        if tonic is not None:
            body = end_on(body, tonic)
        out.append(Melody(body, f"{defaults.title} - generated {number}",
                          defaults.time_signature, config.tempo or defaults.tempo,
                          source=f"generated {number}", pickup=pickup))
    return out


def cut_at(notes: Sequence[Note], length: Fraction) -> tuple[Note, ...]:
    """The notes up to ``length`` quarter notes: the one that crosses it shortened to end there."""
    out, now = [], Fraction(0)
    for note in notes:
        if now >= length:
            break
        out.append(note if now + note.duration <= length else Note(note.pitch, length - now))
        now += out[-1].duration
    return tuple(out)


def end_on(notes: Sequence[Note], tonic: int) -> tuple[Note, ...]:
    """The notes with the last pitched one moved to the nearest pitch of class ``tonic``."""
    notes = list(notes)
    for place in range(len(notes) - 1, -1, -1):
        note = notes[place]
        if note.pitch is not None:
            low = note.pitch - (note.pitch - tonic) % 12
            nearest = low if note.pitch - low <= low + 12 - note.pitch else low + 12
            notes[place] = Note(min(max(nearest, 0), 127), note.duration)
            break
    return tuple(notes)


def reference_tonic(checkpoint: Checkpoint) -> int:
    """The tonic's pitch class of the model's song (its key, else found in its notes)."""
    from ..core.keys import song_key

    song = checkpoint.song
    key = song.key if song.key is not None else song_key(song)
    return key.tonic if key is not None else 0


def generate(model: TrainedModel, primer: str | Sequence[Note] | None = None,
             length: int | None = None, temperature: float | None = None,
             top_k: int | None = None, top_p: float | None = None, count: int = 1,
             seed: int | None = None, include_primer: bool = True) -> list[Melody]:
    """``count`` new melodies from ``model``; see ``make_config`` for the defaults."""
    config = make_config(model.checkpoint, primer, length, temperature, top_k, top_p, count,
                         seed, include_primer)
    return to_melodies(model.checkpoint, config, continuations(model, config))


class MelodyModel(TrainedModel):
    """A trained model that generates: ``melodygen.load(path).generate(...)``."""

    def generate(self, primer: str | Sequence[Note] | None = None, length: int | None = None,
                 temperature: float | None = None, top_k: int | None = None,
                 top_p: float | None = None, count: int = 1, seed: int | None = None,
                 include_primer: bool = True) -> list[Melody]:
        """``count`` new melodies, each ``length`` notes after the primer (see the module).

        primer:      tokens ("g8 e8 e4") or notes, any number >= 1; default: the song's opening.
        length:      notes to generate; default: as many as the song has after its opening.
        temperature, top_k, top_p: sampling; all None (the default) is greedy, the argmax.
        seed:        the same seed gives the same melodies; None: a fresh random one.
        include_primer: melodies start with the primer (True) or with the first new note.
        Every melody ends on a bar line of the song's time signature.
        """
        return generate(self, primer, length, temperature, top_k, top_p, count, seed,
                        include_primer)


def load(path: str | Path) -> MelodyModel:
    """A model saved by ``melodygen train`` or ``.save(path)``, ready to generate (imports
    TensorFlow); see ``learning.checkpoint.load``."""
    trained = load_trained(path)
    return MelodyModel(trained.model, trained.checkpoint)


def train_model(melody: Melody, model: str = DEFAULT_MODEL,
                config: TrainConfig | None = None, progress=None) -> MelodyModel:
    """Train one of the lecture's models on ``melody``, ready to ``.generate()`` and
    ``.save(path)``; see ``learning.checkpoint.train_model``."""
    trained = train_trained(melody, model, config, progress)
    return MelodyModel(trained.model, trained.checkpoint)

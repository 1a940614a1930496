"""New melodies from a trained model: a primer, then one note at a time, greedy or sampled.

The model sees the last ``window`` notes and gives probabilities over its vocabulary
(``predict.Predictor.next_note``); the chosen note is appended and the window slides, as in
the lecture's full-song prediction. Choosing is greedy (argmax, the default: it replays what the
model learnt) or sampling from the probabilities reshaped in this order:

1. temperature T: p ** (1 / T), renormalized (T < 1 sharpens, T > 1 flattens, T -> 0 is greedy);
2. top-k: only the k most likely notes kept (k = 1 is greedy);
3. top-p: only the most likely notes whose probabilities add up to at least p kept (nucleus).

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
from typing import TYPE_CHECKING, Callable, Sequence

import numpy as np

from .errors import MelodyError
from .notation import LENGTHS, length_to_duration, parse_notes
from .note import Melody, Note, notes_json

from .checkpoint import note_token

if TYPE_CHECKING:  # checkpoint.MelodyModel holds a Keras model; TensorFlow loads only with one
    from .checkpoint import Checkpoint, MelodyModel

PRIMER_SOURCE = "--primer"


def sampling_error(temperature: float | None, top_k: int | None, top_p: float | None) -> str | None:
    """Why these sampling settings are unusable, or None when they are fine (None = not used)."""
    if temperature is not None and not (math.isfinite(temperature) and temperature > 0):
        return f"temperature must be a number above 0, got {temperature}"
    if top_k is not None and (isinstance(top_k, bool) or not isinstance(top_k, (int, np.integer))
                              or top_k < 1):
        return f"top-k must be a whole number, at least 1, got {top_k}"
    if top_p is not None and not 0 < top_p <= 1:
        return f"top-p must be in (0, 1], got {top_p}"
    return None


def distribution(probs: np.ndarray, temperature: float = 1.0, top_k: int | None = None,
                 top_p: float | None = None) -> np.ndarray:
    """(classes,) probabilities -> (classes,) float64 probabilities after temperature, top-k and
    top-p, summing to 1. Ties at a cut keep the lower index (as ``np.argmax`` does)."""
    error = sampling_error(temperature, top_k, top_p)
    if error:
        raise ValueError(error)
    probs = np.asarray(probs, dtype=np.float64)
    with np.errstate(divide="ignore"):
        logits = np.log(probs) / temperature      # log 0 = -inf stays impossible
    weights = np.exp(logits - logits.max())
    order = np.argsort(-weights, kind="stable")  # most likely first, lower index first on ties
    keep = len(weights) if top_k is None else min(top_k, len(weights))
    if top_p is not None:
        cumulative = np.cumsum(weights[order]) / weights.sum()
        keep = min(keep, int(np.searchsorted(cumulative, top_p)) + 1)
    out = np.zeros_like(weights)
    out[order[:keep]] = weights[order[:keep]]
    return out / out.sum()


def sample(probs: np.ndarray, temperature: float = 1.0, top_k: int | None = None,
           top_p: float | None = None, rng: np.random.Generator | None = None) -> int:
    """Draw one vocabulary index from ``probs`` reshaped by temperature, top-k and top-p."""
    rng = rng if rng is not None else np.random.default_rng()
    cumulative = np.cumsum(distribution(probs, temperature, top_k, top_p))
    # The first index whose cumulative probability exceeds a uniform draw in [0, total).
    return int(np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right"))


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
    """How to generate: validated on creation (``make_config`` fills the defaults)."""

    primer: tuple[Note, ...]        # the notes the model continues (at least one)
    length: int                     # notes generated after the primer
    temperature: float | None = None  # None with top_k and top_p None: greedy (argmax)
    top_k: int | None = None        # keep the k most likely notes
    top_p: float | None = None      # keep the most likely notes up to this total probability
    count: int = 1                  # melodies
    seed: int | None = None         # melody i samples with PCG64 seeded (seed, i); None when
                                    # sampling: a fresh random seed, kept here; unused when greedy
    include_primer: bool = True     # written melodies start with the primer

    def __post_init__(self) -> None:
        problems = [
            (not self.primer, "a primer needs at least one note"),
            (self.length < 1, f"length must be at least 1 note, got {self.length}"),
            (self.count < 1, f"count must be at least 1, got {self.count}"),
            (self.seed is not None and self.seed < 0, f"seed must be 0 or more, got {self.seed}"),
        ]
        error = sampling_error(self.temperature, self.top_k, self.top_p) or \
            next((message for bad, message in problems if bad), None)
        if error:
            raise MelodyError(error)
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
        return checkpoint.song.notes[:checkpoint.window]
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
            vocabulary = " ".join(note_token(n) for n in checkpoint.vocabulary.notes)
            raise MelodyError(f"note {position} '{note_token(note)}' is not in the model's "
                              f"vocabulary: {vocabulary}", source=PRIMER_SOURCE)
    return notes


def make_config(checkpoint: Checkpoint, primer: str | Sequence[Note] | None = None,
                length: int | None = None, temperature: float | None = None,
                top_k: int | None = None, top_p: float | None = None, count: int = 1,
                seed: int | None = None, include_primer: bool = True) -> GenerateConfig:
    """A checked GenerateConfig; defaults: the song's opening as primer, as many notes as the
    song has after it, greedy, and when sampling a fresh random seed (kept in the config, so the
    run can be repeated)."""
    error = sampling_error(temperature, top_k, top_p)
    if error:  # before the primer: a bad setting is reported whatever the primer
        raise MelodyError(error)
    return GenerateConfig(
        primer=resolve_primer(checkpoint, primer),
        length=len(checkpoint.song) - checkpoint.window if length is None else length,
        temperature=temperature, top_k=top_k, top_p=top_p, count=count, seed=seed,
        include_primer=include_primer)


def continuations(model: MelodyModel, config: GenerateConfig) -> list[tuple[Note, ...]]:
    """The ``config.count`` continuations of the primer: ``config.length`` notes each."""
    from .backend import load_keras
    load_keras()
    from .models import reset_state
    from .predict import Predictor

    checkpoint = model.checkpoint
    primer = checkpoint.vocabulary.indices(config.primer, PRIMER_SOURCE)
    predict_next = Predictor(model.model, checkpoint.encoding).next_note

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
    song = checkpoint.song
    primer_length = sum((note.duration for note in config.primer), Fraction(0))
    pickup = song.pickup if config.include_primer \
        else (song.pickup - primer_length) % song.measure_length
    out = []
    for number, continuation in enumerate(notes, start=1):
        body = (config.primer if config.include_primer else ()) + continuation
        out.append(Melody(end_on_bar(body, song.measure_length, pickup),
                          f"{song.title} - generated {number}", song.time_signature, song.tempo,
                          source=f"generated {number}", pickup=pickup))
    return out


def generate(model: MelodyModel, primer: str | Sequence[Note] | None = None,
             length: int | None = None, temperature: float | None = None,
             top_k: int | None = None, top_p: float | None = None, count: int = 1,
             seed: int | None = None, include_primer: bool = True) -> list[Melody]:
    """``count`` new melodies from ``model``; see ``make_config`` for the defaults."""
    config = make_config(model.checkpoint, primer, length, temperature, top_k, top_p, count,
                         seed, include_primer)
    return to_melodies(model.checkpoint, config, continuations(model, config))


# ---- files -------------------------------------------------------------------------------

SUMMARY = "summary.json"


def file_stems(count: int) -> list[str]:
    """generated-1 ... generated-N, numbers zero-padded to one width (generated-01 for N >= 10)."""
    width = len(str(count))
    return [f"generated-{number:0{width}d}" for number in range(1, count + 1)]


def build_summary(checkpoint: Checkpoint, config: GenerateConfig,
                  notes: list[tuple[Note, ...]], melodies: list[Melody], model_file: str) -> dict:
    """What a generation run made, with statistics; file names are those of ``write_generated``."""
    from .outputs import tokens, versions
    from .stats import melody_stats, song_key

    song, key = checkpoint.song, song_key(checkpoint.song)
    song_stats = melody_stats(song.notes, song, key).to_json()
    del song_stats["longest_copy"]  # the song is its own copy
    beats, unit = song.time_signature
    entries = []
    for stem, continuation, melody in zip(file_stems(len(melodies)), notes, melodies):
        entries.append({
            "title": melody.title, "midi": f"{stem}.mid", "musicxml": f"{stem}.musicxml",
            "tokens": tokens(melody), "notes": notes_json(melody.notes),
            "generated_tokens": tokens(melody.with_notes(continuation)),
            "stats": melody_stats(continuation, song, key).to_json(),
        })
    return {
        "model": {"file": model_file, "name": checkpoint.spec.name,
                  "description": checkpoint.spec.description, "window": checkpoint.window,
                  "vocabulary": [note_token(note) for note in checkpoint.vocabulary.notes],
                  "training": checkpoint.training},
        "song": {"title": song.title, "notes": len(song), "time_signature": f"{beats}/{unit}",
                 "tempo": song.tempo, "key": str(key) if key else None, "stats": song_stats},
        "settings": {"choosing": config.describe(),
                     "primer": " ".join(note_token(note) for note in config.primer),
                     "primer_notes": len(config.primer), "length": config.length,
                     "temperature": config.temperature, "top_k": config.top_k,
                     "top_p": config.top_p, "count": config.count,
                     "seed": None if config.greedy else config.seed,
                     "include_primer": config.include_primer},
        "melodies": entries,
        "versions": versions(),
    }


def write_generated(folder: str | Path, checkpoint: Checkpoint, config: GenerateConfig,
                    notes: list[tuple[Note, ...]], model_file: str = "", *, scores: bool = True,
                    audio: bool = True) -> dict:
    """Write every melody as MIDI and MusicXML, with ``scores`` an engraved score (.svg), with
    ``audio`` a WAV, and summary.json, into ``folder`` (which must exist); returns the summary.
    Each file is written atomically."""
    import json

    from .files import write_atomic
    from .midi import midi_bytes
    from .musicxml import musicxml_bytes

    folder = Path(folder)
    melodies = to_melodies(checkpoint, config, notes)
    media = []
    subtitle = f"{checkpoint.spec.name}, {config.describe()}"
    for stem, melody in zip(file_stems(len(melodies)), melodies):
        musicxml = musicxml_bytes(melody)
        write_atomic(folder / f"{stem}.mid", midi_bytes(melody))
        write_atomic(folder / f"{stem}.musicxml", musicxml)
        written = {}
        if scores:
            from .engrave import score_svg
            written["svg"] = write_atomic(folder / f"{stem}.svg",
                                          score_svg(musicxml, melody, subtitle=subtitle)).name
        if audio:
            from .audio import wav_bytes
            written["wav"] = write_atomic(folder / f"{stem}.wav", wav_bytes(melody)).name
        media.append(written)
    summary = build_summary(checkpoint, config, notes, melodies, model_file)
    for entry, written in zip(summary["melodies"], media):
        entry.update(written)
    text = json.dumps(summary, ensure_ascii=False, indent=2) + "\n"
    write_atomic(folder / SUMMARY, text.encode())
    return summary

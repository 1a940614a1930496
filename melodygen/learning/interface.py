"""The one interface of melodygen's trained models, whatever they learnt and whatever network
they are.

Two kinds of model learn melodies: a model of one song (``song/``, the lecture's experiment) and a
model of a collection of tunes (``collection/``, a style). Each is built from a network of one of
the families in ``networks/`` (an MLP, an LSTM, ...). Every trained model is a ``MelodyModel``:

- ``kind``, ``family``, ``name`` and ``inputs``: what it is and what it reads of each note;
- ``stepper(...)``: the model reading a melody note by note; after the notes it has read it gives
  the distribution of the next note (a ``NextNote``): what generation samples from;
- ``save(path)``: one ``.melodygen`` file, read back by ``modelfile.load`` whatever its kind.

Training reports its epochs the same way in both kinds (``EpochReport`` to a
``TrainingProgress``), keeps the weights of its best epoch and stops by its kind's rule (a song's
model once it predicts the song, a collection's model when the held-out tunes stop improving).

A next-note distribution comes in the form the model predicts it: over whole notes at once
(``JointNext``: a model of one song predicts a class of its vocabulary, a pitch and a length
together) or the pitch first and then its length given the pitch (``FactoredNext``: a model of
a collection). Either chooses a note with a ``pick`` (greedy or sampling, ``generation``) among
the notes a ``NoteRule`` allows (whole bars, the range, the ending: ``generation.rules``); what
it chose is a ``Choice``, which the stepper then reads.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Callable, ClassVar, Protocol, Sequence

import numpy as np

from ..core import display
from ..core.note import Note

Pick = Callable[[np.ndarray], int]  # probabilities (n,) summing to 1 -> the index chosen


@dataclass(frozen=True)
class EpochReport:
    """One epoch of a training, as every kind of model reports it."""

    model: str                       # the model's name ("stateful2", "lstm", ...)
    epoch: int                       # 1-based
    epochs: int                      # the most epochs it may run
    loss: float                      # the training loss of the epoch (song models: cross-entropy
                                     # in nats; collection models: bits per note)
    accuracy: float | None = None    # share of the training windows right (song models)
    validation: float | None = None  # bits per note of the held-out tunes (collection models)
    seconds: float = 0.0             # since the training began
    bound: bool = True               # ``epochs`` is a cap the training may stop before


TrainingProgress = Callable[[EpochReport], None]


class NoteRule(Protocol):
    """What the next note may be: a ``generation.rules`` object at one place of a tune.

    Pitches are MIDI numbers, -1 for a rest; lengths are quarter notes."""

    def pitches(self, pitches: np.ndarray) -> np.ndarray:
        """(n,) pitches -> (n,) bool: which the next note may have."""

    def lengths(self, pitch: int, lengths: Sequence[Fraction]) -> np.ndarray:
        """The lengths a note of ``pitch`` may last -> (m,) bool."""

    def held(self, pitch: int) -> Fraction | None:
        """The length a note of ``pitch`` must last whatever the model says (the tonic that ends a
        tune, held to its end), or None."""

    def fill(self) -> Fraction:
        """The length of a note when none of the model's lengths is allowed: the rest of the bar."""


@dataclass(frozen=True)
class Choice:
    """A note chosen from a ``NextNote``: the note written, what the model reads of it, and the
    model's surprise at it."""

    note: Note     # the note as written (its length may be a rule's, not the model's)
    token: tuple   # the classes the model reads back (``Stepper.advance``)
    bits: float    # -log2 of the model's probability of the note chosen, before any rule


def _masked_pick(probs: np.ndarray, allowed: np.ndarray, pick: Pick) -> int:
    """``pick`` among the ``allowed`` indices, their probabilities renormalized (the first allowed
    one when the model gives them no probability at all; any when none is allowed)."""
    if not allowed.any():
        allowed = np.ones(len(probs), bool)
    masked = np.where(allowed, probs, 0.0).astype(np.float64)
    if masked.sum() <= 0:
        return int(np.flatnonzero(allowed)[0])
    return pick(masked / masked.sum())


class NextNote(ABC):
    """A model's distribution over the next note."""

    @abstractmethod
    def choose(self, pick: Pick, rule: NoteRule | None = None) -> Choice:
        """A note picked by ``pick``; with a ``rule``, among the notes it allows."""


@dataclass(frozen=True)
class JointNext(NextNote):
    """Whole notes at once: the probability of each of ``notes`` (a pitch and a length
    together), as a model of one song predicts the next class of its vocabulary."""

    notes: tuple[Note, ...]  # the candidates, by class index
    probs: np.ndarray        # (len(notes),) their probabilities (an unknown class already 0)

    def choose(self, pick: Pick, rule: NoteRule | None = None) -> Choice:
        if rule is None:
            index = int(pick(self.probs))
            return Choice(self.notes[index], (index,), _bits(self.probs[index]))
        pitches = np.array([-1 if note.pitch is None else note.pitch for note in self.notes])
        pitch_ok = rule.pitches(pitches)
        held = [rule.held(int(pitch)) for pitch in pitches]
        length_ok = np.array([held[i] is not None or
                              bool(rule.lengths(int(pitches[i]), [note.duration])[0])
                              for i, note in enumerate(self.notes)])
        allowed, fill = pitch_ok & length_ok, None
        if not allowed.any() and pitch_ok.any():  # no allowed length: the note fills the bar
            allowed, fill = pitch_ok, rule.fill()
        index = _masked_pick(self.probs, allowed, pick)
        note = self.notes[index]
        length = held[index] or fill or note.duration
        return Choice(Note(note.pitch, length), (index,), _bits(self.probs[index]))


@dataclass(frozen=True)
class FactoredNext(NextNote):
    """The pitch, then its length given the pitch, as a model of a collection predicts a note.

    Length class 0 is a length the model has not seen: never chosen, but read when a rule sets a
    note's length to one the model does not know."""

    pitches: np.ndarray                           # (n,) candidate MIDI pitches
    pitch_probs: np.ndarray                       # (n,) their probabilities
    lengths: tuple[Fraction | None, ...]          # by length class; None for class 0
    length_probs: Callable[[int], np.ndarray]     # a pitch's index -> (classes,) probabilities

    def choose(self, pick: Pick, rule: NoteRule | None = None) -> Choice:
        allowed = np.ones(len(self.pitches), bool) if rule is None else rule.pitches(self.pitches)
        index = _masked_pick(self.pitch_probs, allowed, pick)
        pitch = int(self.pitches[index])
        length_probs = self.length_probs(index)
        held = None if rule is None else rule.held(pitch)
        if held is not None:  # a rule sets the length: the model reads its class, if it has one
            choice, length = (self.lengths.index(held) if held in self.lengths else 0), held
        else:
            fits = np.zeros(len(self.lengths), bool)
            fits[1:] = True if rule is None else rule.lengths(pitch, self.lengths[1:])
            if fits.any():
                choice = _masked_pick(length_probs, fits, pick)
                length = self.lengths[choice]
            else:  # no length the model knows fits what is left of the bar: the note fills it
                choice, length = 0, rule.fill()
        bits = -float(np.log2(self.pitch_probs[index]) + np.log2(max(length_probs[choice], 1e-12)))
        return Choice(Note(pitch, length), (index, choice), bits)


def _bits(probability) -> float:
    """-log2 of a probability, computed in the model's own precision (float32)."""
    return -float(np.log2(probability)) if probability > 0 else math.inf


class Stepper(ABC):
    """A trained model reading a melody note by note (generation)."""

    @abstractmethod
    def start(self, primer: Sequence[Note], pickup: Fraction = Fraction(0)) -> NextNote:
        """Read ``primer`` from the start of a melody whose first bar line comes ``pickup``
        quarter notes after its start: the distribution of the note after it."""

    @abstractmethod
    def advance(self, choice: Choice) -> NextNote:
        """Read the note chosen: the distribution of the note after it."""


@dataclass(frozen=True)
class Defaults:
    """What a model writes unless its caller says otherwise."""

    title: str                       # new melodies are called "TITLE N"
    time_signature: tuple[int, int]  # (beats, beat unit)
    pickup: Fraction                 # quarter notes before the first bar line
    tempo: float                     # quarter notes per minute
    key: object | None               # a core.keys.Key (None: none known)
    primer: tuple[Note, ...] = ()    # the notes continued
    length: int | None = None        # notes after the primer, or None to fill ``bars``
    bars: int | None = None          # bars of a new tune, or None to write ``length`` notes


class MelodyModel(ABC):
    """A trained model of either kind (see the module)."""

    kind: ClassVar[str]        # "song" or "collection": what it learnt from

    def _repr_html_(self) -> str:
        return display.html(self)  # kind, inputs, sizes, training (presentation.display)

    reference: tuple           # the melodies it learnt from (core.note.Melody): what a new
                               # melody is compared with
    form = None                # a model of a collection: its tunes' forms, pickups, kind and
                               # tempo (core.form.FormFacts); None for a model of one song
    reference_marks: tuple = ()  # each reference melody's structure marks (repeat signs, ...),
                                 # when known (core.collection.Tune.marks)

    @property
    @abstractmethod
    def name(self) -> str:
        """The model's name: a preset of one song's models, or the collection model's family."""

    @property
    @abstractmethod
    def family(self) -> str:
        """Its network's family (``networks.FAMILIES``)."""

    @abstractmethod
    def describe(self) -> str:
        """What it is, in a few words."""

    @property
    @abstractmethod
    def learnt_from(self) -> str:
        """What it learnt: a song's title, a collection's name."""

    @property
    @abstractmethod
    def defaults(self) -> Defaults:
        """What a new melody is unless the caller says otherwise."""

    @property
    @abstractmethod
    def lengths(self) -> tuple[Fraction, ...]:
        """The note lengths it writes, shortest first (quarter notes)."""

    @abstractmethod
    def facts(self) -> dict:
        """What a summary says of the model (JSON): its kind, name, family, what it learnt from
        and how its training went."""

    def reference_names(self) -> list[str]:
        """How summaries name the melodies it learnt (by index): where each comes from
        (``book.abc:12``), else its title."""
        return [melody.source or melody.title for melody in self.reference]

    @property
    def reference_bits(self) -> float | None:
        """Its bits per note on real melodies it did not learn from, when measured."""
        return None

    def check_notes(self, notes: Sequence[Note], source: str) -> None:
        """Refuse, with a ``MelodyError`` that names the first, notes the model cannot read (a
        model of one song knows only its vocabulary's)."""

    def meters(self) -> tuple[tuple[int, int], ...] | None:
        """The time signatures of the melodies it learnt, or None when it writes in its song's
        only."""
        return None

    def pitch_limits(self, key) -> tuple[int, int] | None:
        """The lowest and highest MIDI pitch it should write in ``key`` (a ``core.keys.Key``),
        or None for no limit."""
        return None

    @abstractmethod
    def stepper(self, key=None, meter: tuple[int, int] | None = None) -> Stepper:
        """The model ready to read a new melody; a model of a collection writes it in ``key``
        (``core.keys.Key``) and ``meter``, a model of one song in its song's."""

    @abstractmethod
    def save(self, path: str | Path) -> Path:
        """Write the model to one file (``modelfile``), atomically; returns the path."""

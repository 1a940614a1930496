"""Surprise, note by note, as IDyOM writes it: one row per note and model with the note's
information content (-log2 of the probability the model gave it, in bits), the entropy of the
model's distribution before it, and the probability itself.

``NoteSurprise`` is the one row type: an evaluation's rows come from ``evaluation_rows`` (every
note of every test song, each under the model that had not seen it, with its fold), a song's
from ``presentation.surprise``; ``per_note_csv`` writes either with IDyOM's column names
(``COLUMNS``). In an evaluation the rows are of the pitch (IDyOM's cpitch): a model's mean of
``information.content`` over a fold's rows is the fold's bits per note of the pitch, and the mean
of those over the folds the table's figure.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable, Iterator

import numpy as np

# IDyOM's names of the per-note columns, in its order (dataset.id, melody.id, note.id, onset,
# cpitch, dur, probability, information.content, entropy), then the model, what it was asked
# (its task) and, in a cross-validation, the fold the note was tested in. Onsets and lengths are
# in quarter notes.
COLUMNS = ("dataset.id", "melody.id", "note.id", "onset", "cpitch", "dur", "probability",
           "information.content", "entropy", "model", "task", "fold")


@dataclass(frozen=True)
class NoteSurprise:
    """One note of a melody under one model: a row of the per-note CSV."""

    dataset: str                  # the collection's name, or the song's
    melody: str                   # the melody's name in its collection, or its title
    note: int                     # 1-based index of the note in the melody
    onset: Fraction               # quarter notes from the melody's start
    pitch: int | None             # MIDI number, None for a rest
    duration: Fraction            # quarter notes
    probability: float            # the model's probability of the note, from the notes before
    information_content: float    # -log2(probability): bits
    entropy: float                # bits: the model's uncertainty before the note
    model: str                    # the model's name
    task: str = "note"            # what the model predicts (``learning.collection.TASKS``)
    fold: int | None = None       # 1-based: the cross-validation fold the note was tested in

    def cells(self) -> tuple[str, ...]:
        """The row's cells as ``per_note_csv`` writes them (floats in full precision)."""
        return (self.dataset, self.melody, str(self.note), _number(self.onset),
                "" if self.pitch is None else str(self.pitch), _number(self.duration),
                repr(float(self.probability)), repr(float(self.information_content)),
                repr(float(self.entropy)), self.model, self.task,
                "" if self.fold is None else str(self.fold))


def _number(value: Fraction) -> str:
    """Quarter notes as a decimal: 1/2 -> "0.5", 3 -> "3"."""
    value = Fraction(value)
    return str(value.numerator) if value.denominator == 1 else repr(float(value))


def per_note_csv(rows: Iterable[NoteSurprise]) -> bytes:
    """Rows -> CSV (UTF-8, a header of ``COLUMNS``, one row a note and model)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(row.cells() for row in rows)
    return buffer.getvalue().encode("utf-8")


def evaluation_rows(evaluation) -> Iterator[NoteSurprise]:
    """Every note of every test song of ``evaluation`` (a ``cross_validation.Evaluation``)
    under every model, model by model, fold by fold, song by song as the folds hold them."""
    data = evaluation.data
    tunes = data.collection.tunes
    for result in evaluation.models.values():
        for number, (fold, scores) in enumerate(zip(evaluation.folds, result.folds), start=1):
            for index, song in zip(fold, scores.songs):
                pitches = data.pitch_sequences[index]
                lengths = data.duration_sequences[index]
                onsets = data.onsets[index]
                probabilities = np.exp2(-song.pitch_bits)
                for place in range(len(song)):
                    yield NoteSurprise(
                        evaluation.source, tunes[index].name, place + 1,
                        onsets[place],
                        data.pitches[pitches[place]], data.durations[lengths[place]],
                        float(probabilities[place]), float(song.pitch_bits[place]),
                        float(song.entropy[place]), result.name, result.task.name, number)

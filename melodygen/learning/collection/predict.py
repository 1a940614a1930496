"""A collection model's predictions: the distribution of every note of whole songs (for
evaluation), the same while the model keeps learning each song as it reads it (dynamic
evaluation), and the model writing a new tune note by note (``CollectionStepper``, for
generation)."""

from __future__ import annotations

from fractions import Fraction
from typing import Sequence

import keras
import numpy as np
import tensorflow as tf

from ...core.errors import ConfigError
from ...core.note import Melody, Note
from ..interface import Choice, FactoredNext, NextNote, Stepper
from .events import COLUMNS, RELATIVE_CLASSES, Column, EventVocabulary, absolute_pitch, encode_song
from .network import Stepwise
from .training import _MASK, _ROWS


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def distributions(model: keras.Model, songs: Sequence[np.ndarray], batch_size: int = 64
                  ) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per song: (relative pitch probabilities (events, 2R+1), length probabilities given the
    true pitch (events, durations), None for a model that predicts the pitch only), every note
    predicted from the notes before it."""
    out: list = [None] * len(songs)
    order = sorted(range(len(songs)), key=lambda i: (len(songs[i]), i))
    for start in range(0, len(order), batch_size):
        chosen = order[start:start + batch_size]
        rows = np.zeros((len(chosen), len(songs[chosen[-1]]), COLUMNS), dtype=np.int32)
        for place, index in enumerate(chosen):
            rows[place, :len(songs[index])] = songs[index]
        result = model(rows, training=False)
        pitch = _softmax(result["pitch"].numpy())
        duration = _softmax(result["duration"].numpy()) if "duration" in result else None
        for place, index in enumerate(chosen):
            length = len(songs[index])
            out[index] = (pitch[place, :length],
                          None if duration is None else duration[place, :length])
    return out


def dynamic_distributions(model: keras.Model, songs: Sequence[np.ndarray], learning_rate: float,
                          segment: int = 4) -> list[tuple[np.ndarray, np.ndarray]]:
    """``distributions`` while the model learns each song as it reads it: the notes of each
    segment of ``segment`` notes are predicted from the song so far, then one gradient step
    (plain SGD at ``learning_rate``) is taken on them. The trained weights are restored before
    every song, so the songs' order does not matter."""
    if segment < 1 or not learning_rate > 0:
        raise ConfigError(f"dynamic evaluation needs a segment >= 1 and a positive learning "
                          f"rate, got {segment} and {learning_rate}")
    weights = model.get_weights()
    variables = model.trainable_variables
    optimizer = keras.optimizers.SGD(learning_rate)
    optimizer.build(variables)

    lengths = "duration" in model.output  # a model of the whole note, not of the pitch only

    @tf.function(input_signature=[_ROWS, _MASK])
    def predict_and_learn(rows, mask):
        with tf.GradientTape() as tape:
            out = model(rows, training=False)
            nats = keras.losses.sparse_categorical_crossentropy(
                rows[..., Column.TARGET_PITCH], out["pitch"], from_logits=True)
            if lengths:
                nats += keras.losses.sparse_categorical_crossentropy(
                    rows[..., Column.TARGET_LENGTH], out["duration"], from_logits=True)
            loss = tf.reduce_sum(nats * mask) / tf.maximum(tf.reduce_sum(mask), 1.0)
        optimizer.apply(tape.gradient(loss, variables), variables)
        duration = tf.nn.softmax(out["duration"]) if lengths else tf.zeros((1, 1, 1))
        return tf.nn.softmax(out["pitch"]), duration

    out = []
    for song in songs:
        model.set_weights(weights)
        pitches, durations = [], []
        for begin in range(0, len(song), segment):
            end = min(begin + segment, len(song))
            rows = song[None, :end]
            mask = np.zeros((1, end), dtype=np.float32)
            mask[0, begin:end] = 1.0
            pitch, duration = predict_and_learn(rows, mask)
            pitches.append(pitch.numpy()[0, begin:end])
            durations.append(duration.numpy()[0, begin:end])
        out.append((np.concatenate(pitches), np.concatenate(durations) if lengths else None))
    model.set_weights(weights)
    return out


class CollectionStepper(Stepper):
    """A collection model writing a new tune in a key and a meter, one event after another.

    Pitches are read and written relative to ``reference`` (a pitch class: the major tonic of
    the key's signature, as the tunes' ``K:`` fields give it to the model); lengths by the
    vocabulary's classes. The network runs one event at a time (``network.Stepwise``), its
    state carried: a tune's time is linear in its length."""

    def __init__(self, network: keras.Model, config, vocabulary: EventVocabulary,
                 reference: int, meter: tuple[int, int]) -> None:
        self.vocabulary, self.reference, self.meter = vocabulary, reference, meter
        self.measure = Fraction(4 * meter[0], meter[1])
        self.pitches = np.array([absolute_pitch(r, reference) for r in range(RELATIVE_CLASSES)])
        self.lengths = (None,) + tuple(vocabulary.durations)
        self._meter = vocabulary.meter_index(f"{meter[0]}/{meter[1]}")
        self.network = Stepwise(network, config)
        self.now = Fraction(0)

    def start(self, primer: Sequence[Note], pickup: Fraction = Fraction(0)) -> NextNote:
        """The tune starts ``pickup`` quarter notes before its first bar line (0: on a downbeat);
        the primer's rests count as time only."""
        notes = tuple(primer)
        self.network.start()
        rows = list(encode_song(Melody(notes, time_signature=self.meter, pickup=pickup),
                                self.reference, self.vocabulary)) if notes else []
        for row in rows:
            self.network.read(row)
        self.now = sum((note.duration for note in notes), Fraction(0)) - pickup
        if rows:
            return self._next(self.vocabulary.next_row(rows[-1], Fraction(0), self._end()))
        return self._next(self.vocabulary.first_row(self._meter))

    def advance(self, choice: Choice) -> NextNote:
        row = self._row.copy()
        row[Column.TARGET_PITCH], row[Column.TARGET_LENGTH] = choice.token
        self.now += choice.note.duration
        return self._next(self.vocabulary.next_row(row, Fraction(0), self._end()))

    def _end(self) -> Fraction:
        """Where the tune so far ends in its bar, as a share of the bar."""
        return (self.now % self.measure) / self.measure

    def _next(self, row: np.ndarray) -> FactoredNext:
        row[Column.ONSET] = self.vocabulary.onset_index(self._end())  # it starts where the last ended
        self._row = row
        pitch, lengths = self.network.read(row)
        return FactoredNext(self.pitches, pitch, self.lengths, lengths.__getitem__)

"""Training the corpus model on whole songs, and reading its predictions.

Songs (``sequences.encode_song`` rows) go in batches of songs of about the same length (so that
little is padding), padded with zero rows and masked: every real event counts once, padding not
at all. One compiled step per batch (Adam, gradients clipped), the batches of epoch e in an
order drawn from (seed, e). After each epoch the validation songs are scored; training stops when
``patience`` epochs in a row bring no better validation score, and keeps the weights of the best
epoch. The loss and every score are in bits per note: the pitch's and the length's together
(``-log2 p(pitch) - log2 p(length | pitch)``).

``distributions`` gives, per song, the model's probabilities of every relative pitch and every
length at each note; ``dynamic_distributions`` the same while the model keeps learning each song
as it reads it (dynamic evaluation: predict a few notes, then one gradient step on them), with
the trained weights back for the next song.
"""

from __future__ import annotations

import math
import time
from typing import Callable, Sequence

import keras
import numpy as np
import tensorflow as tf

from ..core.errors import ConfigError
from .config import CorpusModelConfig, CorpusTrainConfig
from .corpus_history import CorpusHistory, EpochProgress, TrainingState
from .corpus_model import build_corpus_model
from .sequences import COLUMNS, EventVocabulary

LN2 = math.log(2)


def new_model(config: CorpusModelConfig, vocabulary: EventVocabulary, seed: int) -> keras.Model:
    """A fresh corpus model, its weights drawn from ``seed``."""
    keras.utils.set_random_seed(seed)
    return build_corpus_model(config, *vocabulary.sizes())


def batch_plan(lengths: Sequence[int], size: int) -> list[list[int]]:
    """The songs of each batch, by index: ``size`` songs of about the same length a batch, the
    shortest first; the order of songs within the collection decides ties, so the same songs
    give the same batches. ``lengths``: events per song."""
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], i))
    return [order[start:start + size] for start in range(0, len(order), size)]


def pad(songs: Sequence[np.ndarray], rows: int | None = None, longest: int | None = None
        ) -> tuple[np.ndarray, np.ndarray]:
    """Songs laid in one batch, padded with zero rows: (rows (batch, longest, 7), mask (batch,
    longest) 1 for real events); ``rows``, ``longest``: at least that many songs and events."""
    longest = max([len(song) for song in songs] + [longest or 0])
    batch = np.zeros((max(len(songs), rows or 0), longest, COLUMNS), dtype=np.int32)
    mask = np.zeros(batch.shape[:2], dtype=np.float32)
    for place, song in enumerate(songs):
        batch[place, :len(song)] = song
        mask[place, :len(song)] = 1.0
    return batch, mask


def batches(songs: Sequence[np.ndarray], size: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Songs in batches of ``size`` songs of about the same length (``batch_plan``): (rows
    (batch, longest, 7), mask (batch, longest) 1 for real events)."""
    return [pad([songs[i] for i in chosen])
            for chosen in batch_plan([len(song) for song in songs], size)]


_ROWS = tf.TensorSpec((None, None, COLUMNS), tf.int32)
_MASK = tf.TensorSpec((None, None), tf.float32)


def _nats(model: keras.Model, rows, mask, training: bool):
    """(pitch, length) cross-entropy summed over the real events, in nats, and their count."""
    out = model(rows, training=training)
    pitch = keras.losses.sparse_categorical_crossentropy(rows[..., 5], out["pitch"],
                                                         from_logits=True)
    duration = keras.losses.sparse_categorical_crossentropy(rows[..., 6], out["duration"],
                                                            from_logits=True)
    return tf.reduce_sum(pitch * mask), tf.reduce_sum(duration * mask), tf.reduce_sum(mask)


class Trainer:
    """The compiled steps of one model: a training step and a scoring step."""

    def __init__(self, model: keras.Model, learning_rate: float, clip_norm: float) -> None:
        self.model = model
        self.optimizer = keras.optimizers.Adam(learning_rate, clipnorm=clip_norm)
        variables = model.trainable_variables
        self.optimizer.build(variables)

        @tf.function(input_signature=[_ROWS, _MASK])
        def step(rows, mask):
            with tf.GradientTape() as tape:
                pitch, duration, count = _nats(model, rows, mask, True)
                loss = (pitch + duration) / tf.maximum(count, 1.0)
            self.optimizer.apply(tape.gradient(loss, variables), variables)
            return pitch + duration, count

        @tf.function(input_signature=[_ROWS, _MASK])
        def score(rows, mask):
            return _nats(model, rows, mask, False)

        self.step, self.score = step, score

    def evaluate(self, batched) -> tuple[float, float]:
        """(bits per note, bits per pitch) over ``batched`` songs."""
        pitch = duration = count = 0.0
        for rows, mask in batched:
            p, d, c = (float(x) for x in self.score(rows, mask))
            pitch, duration, count = pitch + p, duration + d, count + c
        count = max(count, 1.0)
        return (pitch + duration) / count / LN2, pitch / count / LN2


def train_corpus(model: keras.Model, train: Sequence[np.ndarray], validation: Sequence[np.ndarray],
                 config: CorpusTrainConfig, progress: EpochProgress | None = None,
                 resume: TrainingState | None = None,
                 after_epoch: Callable[[TrainingState], None] | None = None) -> CorpusHistory:
    """Train ``model`` on the ``train`` songs with early stopping on the ``validation`` songs;
    the model keeps the weights of its best epoch. Returns the history.

    resume:      a state ``after_epoch`` was given: training goes on from it, and ends as it
                 would have without the stop (the batches of epoch e are drawn from (seed, e)).
    after_epoch: called with the state after every epoch (to keep it, e.g. for a resume).
    """
    if not train or not validation:
        raise ConfigError(f"training needs songs to train on and to validate on, got "
                          f"{len(train)} and {len(validation)}")
    start = time.perf_counter()
    trainer = Trainer(model, config.learning_rate, config.clip_norm)
    train_batches = batches(train, config.batch_size)
    validation_batches = batches(validation, max(config.batch_size, 64))
    return run_epochs(model, trainer.optimizer, lambda index: trainer.step(*train_batches[index]),
                      len(train_batches), lambda: trainer.evaluate(validation_batches), config,
                      progress, resume, after_epoch, start)


def run_epochs(model: keras.Model, optimizer: keras.optimizers.Optimizer,
               step: Callable[[int], tuple], steps: int, evaluate: Callable[[], tuple[float, float]],
               config: CorpusTrainConfig, progress: EpochProgress | None = None,
               resume: TrainingState | None = None,
               after_epoch: Callable[[TrainingState], None] | None = None,
               start: float | None = None) -> CorpusHistory:
    """The epochs of ``train_corpus``, whatever runs the steps (one process, or the replicas of
    ``distributed.py``): ``step(index)`` trains on training batch ``index`` of ``steps`` and
    gives (nats summed over its real events, their count); ``evaluate()`` scores the validation
    songs (``Trainer.evaluate``). ``start``: the ``time.perf_counter()`` the seconds count from."""
    start = time.perf_counter() if start is None else start
    history, best, best_weights, waited, first = CorpusHistory(), math.inf, None, 0, 1
    if resume is not None:
        for variable, value in zip(model.variables, resume.variables):
            variable.assign(value)
        for variable, value in zip(optimizer.variables, resume.optimizer):
            variable.assign(value)
        history, best, best_weights = resume.history, resume.best, resume.best_weights
        waited, first = resume.waited, resume.epoch + 1
        start -= history.seconds[-1] if history.seconds else 0.0
    for epoch in range(first, config.max_epochs + 1):
        if waited >= config.patience:
            break
        nats = count = 0.0
        for index in np.random.default_rng([config.seed, epoch]).permutation(steps):
            total, real = step(index)
            nats, count = nats + float(total), count + float(real)
        note_bits, pitch_bits = evaluate()
        history.train_bits.append(nats / max(count, 1.0) / LN2)
        history.validation_bits.append(note_bits)
        history.validation_pitch_bits.append(pitch_bits)
        history.seconds.append(time.perf_counter() - start)
        if note_bits < best - 1e-4:
            best, best_weights, waited, history.best_epoch = note_bits, model.get_weights(), 0, epoch
        else:
            waited += 1
        if after_epoch:
            after_epoch(TrainingState(epoch, history, best, best_weights, waited,
                                      [v.numpy() for v in model.variables],
                                      [v.numpy() for v in optimizer.variables]))
        if progress:
            progress(epoch, config.max_epochs, history.train_bits[-1], note_bits,
                     history.seconds[-1])
    model.set_weights(best_weights)
    return history


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def distributions(model: keras.Model, songs: Sequence[np.ndarray], batch_size: int = 64
                  ) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per song: (relative pitch probabilities (events, 2R+1), length probabilities given the
    true pitch (events, durations)), every note predicted from the notes before it."""
    out: list = [None] * len(songs)
    order = sorted(range(len(songs)), key=lambda i: (len(songs[i]), i))
    for start in range(0, len(order), batch_size):
        chosen = order[start:start + batch_size]
        rows = np.zeros((len(chosen), len(songs[chosen[-1]]), COLUMNS), dtype=np.int32)
        for place, index in enumerate(chosen):
            rows[place, :len(songs[index])] = songs[index]
        result = model(rows, training=False)
        pitch, duration = _softmax(result["pitch"].numpy()), _softmax(result["duration"].numpy())
        for place, index in enumerate(chosen):
            length = len(songs[index])
            out[index] = (pitch[place, :length], duration[place, :length])
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

    @tf.function(input_signature=[_ROWS, _MASK])
    def predict_and_learn(rows, mask):
        with tf.GradientTape() as tape:
            out = model(rows, training=False)
            pitch = keras.losses.sparse_categorical_crossentropy(rows[..., 5], out["pitch"],
                                                                 from_logits=True)
            duration = keras.losses.sparse_categorical_crossentropy(rows[..., 6],
                                                                    out["duration"],
                                                                    from_logits=True)
            loss = tf.reduce_sum((pitch + duration) * mask) / tf.maximum(tf.reduce_sum(mask), 1.0)
        optimizer.apply(tape.gradient(loss, variables), variables)
        return tf.nn.softmax(out["pitch"]), tf.nn.softmax(out["duration"])

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
        out.append((np.concatenate(pitches), np.concatenate(durations)))
    model.set_weights(weights)
    return out


class Stepper:
    """The corpus model one event at a time, for generating: the probabilities of the next
    event's relative pitch, then of its length given a pitch, at the end of a song so far.
    Compiled once per model; every call reads the whole song so far (songs are short)."""

    def __init__(self, model: keras.Model) -> None:
        self.model = model

        @tf.function(input_signature=[tf.TensorSpec((1, None, COLUMNS), tf.int32)])
        def last(rows):
            out = model(rows, training=False)
            return tf.nn.softmax(out["pitch"][0, -1]), tf.nn.softmax(out["duration"][0, -1])

        self._last = last

    def pitch(self, rows: np.ndarray) -> np.ndarray:
        """rows (events, 7), the last one the event to come (its targets unread):
        (2R+1,) probabilities of its relative pitch."""
        return self._last(rows[None])[0].numpy()

    def duration(self, rows: np.ndarray) -> np.ndarray:
        """The same rows with the last one's pitch chosen (column 5): (durations,) probabilities
        of its length."""
        return self._last(rows[None])[1].numpy()

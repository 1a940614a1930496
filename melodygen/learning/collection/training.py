"""Training a collection model on whole songs.

Songs (``events.encode_song`` rows) go in batches of songs of about the same length (so that
little is padding), padded with zero rows and masked: every real event counts once, padding not
at all. One compiled step per batch (Adam, gradients clipped), the batches of epoch e in an
order drawn from (seed, e). After each epoch the validation songs are scored; training stops when
``patience`` epochs in a row bring no better validation score, and keeps the weights of the best
epoch. The loss and every score are in bits per note: the pitch's and the length's together
(``-log2 p(pitch) - log2 p(length | pitch)``).
"""

from __future__ import annotations

import math
import time
from typing import Callable, Sequence

import keras
import numpy as np
import tensorflow as tf

from ...core.errors import ConfigError
from ..interface import EpochReport, TrainingProgress
from ..seeding import seeded
from .config import CollectionModelConfig, CollectionTrainConfig
from .events import COLUMNS, Column, EventVocabulary
from .network import build_network
from .state import CollectionHistory, TrainingState

LN2 = math.log(2)


def new_network(config: CollectionModelConfig, vocabulary: EventVocabulary,
                seed: int) -> keras.Model:
    """A fresh network, its weights drawn from ``seed``."""
    with seeded(seed):
        return build_network(config, vocabulary)


def batch_plan(lengths: Sequence[int], size: int) -> list[list[int]]:
    """The songs of each batch, by index: ``size`` songs of about the same length a batch, the
    shortest first; the order of songs within the collection decides ties, so the same songs
    give the same batches. ``lengths``: events per song."""
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], i))
    return [order[start:start + size] for start in range(0, len(order), size)]


def pad(songs: Sequence[np.ndarray], rows: int | None = None, longest: int | None = None
        ) -> tuple[np.ndarray, np.ndarray]:
    """Songs laid in one batch, padded with zero rows: (rows (batch, longest, COLUMNS), mask (batch,
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
    """(pitch, length) cross-entropy summed over the real events, in nats, and their count; the
    length's is 0 for a model that predicts the pitch only."""
    out = model(rows, training=training)
    pitch = keras.losses.sparse_categorical_crossentropy(rows[..., Column.TARGET_PITCH],
                                                         out["pitch"], from_logits=True)
    if "duration" not in out:
        return tf.reduce_sum(pitch * mask), tf.constant(0.0), tf.reduce_sum(mask)
    duration = keras.losses.sparse_categorical_crossentropy(rows[..., Column.TARGET_LENGTH],
                                                            out["duration"], from_logits=True)
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


def fit(model: keras.Model, train: Sequence[np.ndarray], validation: Sequence[np.ndarray],
        config: CollectionTrainConfig, progress: TrainingProgress | None = None,
        resume: TrainingState | None = None,
        after_epoch: Callable[[TrainingState], None] | None = None) -> CollectionHistory:
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
    epochs = Epochs(model, trainer.optimizer, config, progress, after_epoch, start)
    return epochs.run(lambda index: trainer.step(*train_batches[index]), len(train_batches),
                      lambda: trainer.evaluate(validation_batches), resume)


class Epochs:
    """The epochs of a training, whatever runs its steps (one process, or the replicas of
    ``distributed.py``): the order of the batches, early stopping, the best weights, the progress
    and the state kept after every epoch."""

    def __init__(self, model: keras.Model, optimizer, config: CollectionTrainConfig,
                 progress: TrainingProgress | None = None,
                 after_epoch: Callable[[TrainingState], None] | None = None,
                 start: float | None = None) -> None:
        self.model, self.optimizer, self.config = model, optimizer, config
        self.progress, self.after_epoch = progress, after_epoch
        self.start = time.perf_counter() if start is None else start  # seconds count from it

    def run(self, step: Callable[[int], tuple], steps: int,
            evaluate: Callable[[], tuple[float, float]],
            resume: TrainingState | None = None) -> CollectionHistory:
        """``step(index)`` trains on training batch ``index`` of ``steps`` and gives (nats summed
        over its real events, their count); ``evaluate()`` scores the validation songs
        (``Trainer.evaluate``). ``resume``: the state to go on from. The model keeps the weights
        of its best epoch."""
        model, optimizer, config = self.model, self.optimizer, self.config
        start = self.start
        history, best, best_weights, waited, first = CollectionHistory(), math.inf, None, 0, 1
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
                best, best_weights, waited = note_bits, model.get_weights(), 0
                history.best_epoch = epoch
            else:
                waited += 1
            if self.after_epoch:
                self.after_epoch(TrainingState(epoch, history, best, best_weights, waited,
                                               [v.numpy() for v in model.variables],
                                               [v.numpy() for v in optimizer.variables]))
            if self.progress:
                self.progress(EpochReport(model.name, epoch, config.max_epochs,
                                          history.train_bits[-1], validation=note_bits,
                                          seconds=history.seconds[-1]))
        model.set_weights(best_weights)
        return history

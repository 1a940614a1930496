"""Training loops: compiled TensorFlow loops instead of thousands of ``fit`` calls.

Two recipes (``TrainConfig.recipe``):

Progress is reported (``Progress``) after the first epoch, every ``EPOCHS_PER_REPORT`` epochs,
at the last, and in the fast recipe at least every ``REPORT_SECONDS``.

- ``fast``: one full-batch Adam step per epoch, compiled (learning rate 0.01, gradient norm
  clipped to 1: see ``TrainConfig``), and training stops at the first epoch whose predictions
  reach the target: every window right for a stateful model, the window ceiling
  (``encoding.window_ceiling``) for a model without state. The model learns from its inputs
  standardized (each input number shifted and scaled to mean 0 and spread 1), which takes
  the stateful LSTM of 나비야 to its target in about 50 epochs instead of 120; the shift and
  scale are then folded into the first layer's kernel and bias (``fold_standardization``),
  so the trained model reads the encoding as it is, like a model of the lecture's recipe.
  The LSTM models' steps run through ``fused``: TensorFlow's fused LSTM kernel and Adam op,
  a stateful model's windows read end to end as one sequence, the state carried from window
  to window exactly as when it predicts.
- ``lecture``: the lecture's schedule: Adam(0.001), every epoch run, the MLP and the stateless
  LSTM in shuffled batches of 10 and 14, a stateful model one window at a time in song order
  with its state reset at the start of every epoch; a Transformer (which reads the whole song,
  and which the lecture has not) one step on the whole song every epoch.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import keras
import numpy as np
import tensorflow as tf

from ..interface import EpochReport, TrainingProgress
from ..networks import family, song_network
from ..networks.fused import FusedAdam
from ..seeding import seeded
from .config import ModelSpec, TrainConfig
from .encoding import Dataset, Encoding, window_ceiling
from .predict import reset_state

EPOCHS_PER_REPORT = 50  # epochs between progress reports; the lecture recipe runs them in one compiled call
REPORT_SECONDS = 0.5    # fast recipe: a progress report at least this often (and after epoch 1)


@dataclass
class History:
    """Per-epoch training loss (categorical cross-entropy) and accuracy (share of windows right)."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    # (epochs done, seconds since training started) at each progress report: the first one
    # carries the building and compiling, the later ones the steady cost per epoch
    timeline: list[tuple[int, float]] = field(default_factory=list)


@dataclass
class TrainResult:
    model: keras.Model       # ready to predict; a stateful model has batch size 1
    history: History
    seconds: float           # wall time of building, compiling and training
    target: int              # windows right that end fast training (the lecture recipe ignores it)
    reached_epoch: int | None  # first epoch (1-based) whose predictions reached the target

    @property
    def epochs(self) -> int:
        return len(self.history.loss)


def model_inputs(spec: ModelSpec, encoded: np.ndarray) -> np.ndarray:
    """(samples, window, features) -> the model's input layout (an MLP sees the window flat)."""
    return family(spec.family).song_inputs(encoded)


def build(spec: ModelSpec, window: int, encoding: Encoding, classes: int,
          seed: int) -> keras.Model:
    """``spec``'s network for windows of ``window`` notes, its weights drawn from ``seed``."""
    with seeded(seed):
        return song_network(spec, window, encoding.features_per_note, classes)


def train(spec: ModelSpec, dataset: Dataset, encoding: Encoding, classes: int,
          config: TrainConfig, progress: TrainingProgress | None = None) -> TrainResult:
    """Build ``spec``'s model and train it on the windows of ``dataset``.

    The same seed gives the same weights when TensorFlow runs deterministic ops
    (``backend.configure_tensorflow``, which the command line calls)."""
    start = time.perf_counter()
    model = build(spec, dataset.window, encoding, classes, config.seed)
    target = len(dataset) if spec.remembers else window_ceiling(dataset)
    x = model_inputs(spec, encoding.encode(dataset.inputs)).astype(np.float32)
    y = dataset.targets.astype(np.int32)
    report = _reporter(spec.name, progress, config.recipe == "fast")
    lecture = config.recipe == "lecture"
    if lecture and family(spec.family).SONG_READS == "window":
        optimizer = keras.optimizers.Adam(config.rate, clipnorm=config.clip_norm)
        history = _train_lecture(spec, model, optimizer, x, y, config, report, start)
        return _result(model, history, start, target, y)
    # the fast recipe; the lecture's schedule for a model of the whole song (which the lecture
    # has not): every epoch one step on the song, at the lecture's rate, on the encoding as it is
    mean, scale = standardization(x) if not lecture else (0.0, 1.0)
    x = (x - mean) / scale
    # an LSTM's forward pass runs through the fused LSTM: a quarter of the time of Keras's loop
    forward = family(spec.family).song_forward(model, x, len(y))
    optimizer = FusedAdam(model.trainable_variables, config.clip_norm)
    history = _train_fast(forward, optimizer, config.rate, y, len(y) + 1 if lecture else target,
                          config.epochs, report, start)
    if not lecture:
        fold_standardization(model, mean, scale)
    return _result(model, history, start, target, y)


def _reporter(name: str, progress: TrainingProgress | None, bound: bool):
    """(epoch, epochs, loss, accuracy, seconds) -> an ``EpochReport`` to ``progress``."""
    if progress is None:
        return None
    return lambda epoch, epochs, loss, accuracy, seconds: progress(
        EpochReport(name, epoch, epochs, loss, accuracy=accuracy, seconds=seconds, bound=bound))


def _result(model, history: History, start: float, target: int, y: np.ndarray) -> TrainResult:
    reached = next((epoch + 1 for epoch, acc in enumerate(history.accuracy)
                    if round(acc * len(y)) >= target), None)
    return TrainResult(model, history, time.perf_counter() - start, target, reached)


def standardization(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The mean and spread of each input number over the samples of ``x`` (samples, ...,
    inputs): (inputs,) each. A number that never changes keeps a spread of 1."""
    flat = x.reshape(-1, x.shape[-1]).astype(np.float64)
    mean, spread = flat.mean(axis=0), flat.std(axis=0)
    return mean.astype(np.float32), np.where(spread > 1e-6, spread, 1.0).astype(np.float32)


def fold_standardization(model: keras.Model, mean: np.ndarray, scale: np.ndarray) -> None:
    """Make ``model``, trained on ``(x - mean) / scale``, compute the same from ``x`` itself.

    The first layer computes ``x' @ K + b`` (a Dense layer; an LSTM's input part of every
    gate). With ``x' = (x - mean) / scale`` that is ``x @ (K / scale) + (b - (mean / scale) @ K)``:
    the kernel's rows divided by the scale, the shift moved into the bias."""
    layer = model.layers[0]
    weights = layer.get_weights()  # kernel first, bias last (Dense: 2 arrays, LSTM: 3)
    kernel, bias = weights[0].astype(np.float64), weights[-1].astype(np.float64)
    weights[0] = (kernel / scale[:, None]).astype(np.float32)
    weights[-1] = (bias - (mean / scale) @ kernel).astype(np.float32)
    layer.set_weights(weights)


def _train_fast(forward, optimizer: FusedAdam, rate: float, y, target, max_epochs, progress,
                start) -> History:
    """Full-batch steps until ``target`` windows are right (weights of that epoch kept) or the cap.

    One compiled call per epoch: a step of a few milliseconds, the Python loop around it costs
    less than a loop compiled into the graph would, and its graph is smaller (less memory).
    """
    variables = optimizer.variables
    y = tf.constant(y)

    # autograph off: it would rewrite Keras's own code at every trace (about 0.2 s a model)
    @tf.function(autograph=False)
    def step():
        with tf.GradientTape() as tape:
            probs = forward()
            loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(y, probs))
        right = tf.reduce_sum(tf.cast(tf.argmax(probs, axis=-1, output_type=tf.int32) == y, tf.int32))
        # weights that reached the target are kept: a step at rate 0 leaves them as they are
        optimizer.apply(tape.gradient(loss, variables), tf.where(right < target, rate, 0.0))
        return loss, right

    history = History()
    reported = 0.0  # time of the last progress report
    while len(history.loss) < max_epochs:
        loss, right = step()
        history.loss.append(float(loss))
        history.accuracy.append(int(right) / len(y))
        reached = int(right) >= target
        epoch, now = len(history.loss), time.perf_counter()
        due = reached or epoch % EPOCHS_PER_REPORT == 0 or epoch == max_epochs
        if due:
            history.timeline.append((epoch, now - start))
        if progress and (due or epoch == 1 or now - reported >= REPORT_SECONDS):
            progress(epoch, max_epochs, history.loss[-1], history.accuracy[-1], now - start)
            reported = now
        if reached:
            break
    return history


def _train_lecture(spec, model, optimizer, x, y, config, progress, start) -> History:
    """The lecture's schedule, every epoch, compiled: same batches, same order, same state resets."""
    variables = model.trainable_variables
    optimizer.build(variables)
    samples = len(y)
    x, y = tf.constant(x), tf.constant(y)

    def step(batch):
        with tf.GradientTape() as tape:
            probs = model(tf.gather(x, batch), training=True)
            losses = keras.losses.sparse_categorical_crossentropy(tf.gather(y, batch), probs)
            loss = tf.reduce_mean(losses)
        optimizer.apply(tape.gradient(loss, variables), variables)
        right = tf.argmax(probs, axis=-1, output_type=tf.int32) == tf.gather(y, batch)
        return tf.reduce_sum(losses), tf.reduce_sum(tf.cast(right, tf.int32))

    if spec.stateful:
        @tf.function
        def run(orders):  # orders unused: a stateful model sees the song in order, one window a step
            losses = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
            correct = tf.TensorArray(tf.int32, size=0, dynamic_size=True)
            for epoch in tf.range(tf.shape(orders)[0]):
                reset_state(model)
                loss_sum, right_sum = tf.constant(0.0), tf.constant(0)
                for i in tf.range(samples):
                    # one window after the other: each step reads the state and weights the
                    # previous step wrote (no overlapping iterations, so same seed, same bytes)
                    tf.autograph.experimental.set_loop_options(parallel_iterations=1)
                    loss, right = step(tf.reshape(i, (1,)))
                    loss_sum, right_sum = loss_sum + loss, right_sum + right
                losses = losses.write(epoch, loss_sum / samples)
                correct = correct.write(epoch, right_sum)
            return losses.stack(), correct.stack()
    else:
        batch_size = spec.lecture_batch_size

        @tf.function
        def run(orders):  # orders: (epochs, samples), one shuffle of the windows per epoch
            losses = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
            correct = tf.TensorArray(tf.int32, size=0, dynamic_size=True)
            for epoch in tf.range(tf.shape(orders)[0]):
                loss_sum, right_sum = tf.constant(0.0), tf.constant(0)
                for first in range(0, samples, batch_size):  # unrolled: the last batch may be short
                    loss, right = step(orders[epoch, first:first + batch_size])
                    loss_sum, right_sum = loss_sum + loss, right_sum + right
                losses = losses.write(epoch, loss_sum / samples)
                correct = correct.write(epoch, right_sum)
            return losses.stack(), correct.stack()

    rng = np.random.default_rng(config.seed)
    history = History()
    while len(history.loss) < config.epochs:
        epochs = min(EPOCHS_PER_REPORT, config.epochs - len(history.loss))
        orders = np.stack([rng.permutation(samples) for _ in range(epochs)]).astype(np.int32)
        losses, correct = run(tf.constant(orders))
        history.loss += losses.numpy().tolist()
        history.accuracy += (correct.numpy() / samples).tolist()
        history.timeline.append((len(history.loss), time.perf_counter() - start))
        if progress:
            progress(len(history.loss), config.epochs, history.loss[-1], history.accuracy[-1],
                     time.perf_counter() - start)
    if spec.stateful:
        reset_state(model)
    return history

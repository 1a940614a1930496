"""Predictions as the lecture makes them: one step from the real song, or the whole song
replayed from its first notes, the model feeding on its own output.

Both run as one compiled TensorFlow loop over the song that calls the model once per window,
as the lecture's ``model.predict`` loop does; a stateful model starts from a zero state and
carries it from window to window.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from .encoding import Dataset, Encoding
from .models import reset_state


class Predictor:
    """A trained model and its input encoding, with its prediction loop compiled once."""

    def __init__(self, model: keras.Model, encoding: Encoding) -> None:
        self.model = model
        table = tf.constant(encoding.table)                  # (vocabulary, features)
        input_shape = (1,) + tuple(model.input_shape[1:])    # (1, window, features) or (1, window * features)

        def probabilities(window):                            # (window,) indices -> (classes,)
            return model(tf.reshape(tf.gather(table, window), input_shape), training=False)[0]

        # one trace for both predictions: the real windows (samples, window) and the primer
        # (1, window) differ in their first dimension only
        window = (input_shape[1] // encoding.features_per_note if len(input_shape) == 2
                  else input_shape[1])

        @tf.function(autograph=False,  # a loop written out: autograph would rewrite Keras too
                     input_signature=(tf.TensorSpec((None, window), tf.int32),
                                      tf.TensorSpec((), tf.int32), tf.TensorSpec((), tf.bool)))
        def rollout(windows, steps, feed_back):
            """windows: (samples, window) indices; with ``feed_back`` only windows[0] is read and
            each later window is the previous one shifted by the predicted note. (steps,) out."""
            def predict_one(i, current, chosen):
                current = tf.cond(feed_back, lambda: current, lambda: windows[i])
                choice = tf.argmax(probabilities(current), output_type=tf.int32)
                return i + 1, tf.concat([current[1:], [choice]], axis=0), chosen.write(i, choice)

            # one window after the other: a stateful model's state passes from each to the next
            _, _, chosen = tf.while_loop(
                lambda i, current, chosen: i < steps, predict_one,
                (tf.constant(0), windows[0], tf.TensorArray(tf.int32, size=steps)),
                parallel_iterations=1)
            return chosen.stack()

        self._rollout = rollout
        self._next = tf.function(probabilities, autograph=False)

    def one_step(self, dataset: Dataset) -> np.ndarray:
        """For every window of the real song, the most likely next note: (samples,) indices."""
        reset_state(self.model)
        return self._rollout(tf.constant(dataset.inputs, tf.int32), tf.constant(len(dataset)),
                             tf.constant(False)).numpy()

    def full_song(self, primer: np.ndarray, steps: int) -> np.ndarray:
        """Start from ``primer`` (window,) indices and predict ``steps`` notes, each predicted
        note appended to the window and the oldest dropped: (steps,) indices."""
        reset_state(self.model)
        windows = tf.constant(np.asarray(primer)[None, :], tf.int32)
        return self._rollout(windows, tf.constant(steps), tf.constant(True)).numpy()

    def next_note(self, window: np.ndarray) -> np.ndarray:
        """Probabilities of the note after ``window`` (window,) indices: (classes,) floats.
        A stateful model advances its state by one window (``models.reset_state`` to restart)."""
        return self._next(tf.constant(window, tf.int32)).numpy()


def one_step(model: keras.Model, encoding: Encoding, dataset: Dataset) -> np.ndarray:
    """``Predictor(model, encoding).one_step(dataset)``."""
    return Predictor(model, encoding).one_step(dataset)


def full_song(model: keras.Model, encoding: Encoding, primer: np.ndarray, steps: int) -> np.ndarray:
    """``Predictor(model, encoding).full_song(primer, steps)``."""
    return Predictor(model, encoding).full_song(primer, steps)

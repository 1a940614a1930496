"""Predictions as the lecture makes them: one step from the real song, or the whole song
replayed from its first notes, the model feeding on its own output.

Both run as one compiled TensorFlow loop over the song, calling the model once per window as
the lecture's ``model.predict`` loop does (a stateful model carries its state from window to
window, from a zero state).
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from .config import ModelSpec
from .encoding import Dataset, Encoding
from .models import reset_state


def _rollout(model: keras.Model, encoding: Encoding, windows: np.ndarray, steps: int,
             feed_back: bool) -> np.ndarray:
    """Call ``model`` once per window, in order, and return the argmax of each call.

    windows:   (samples, window) vocabulary indices; with ``feed_back`` only windows[0] is read
               and every later window is the previous one shifted by the predicted note.
    Returns (steps,) int32 indices.
    """
    table = tf.constant(encoding.table)                 # (vocabulary, features)
    input_shape = (1,) + tuple(model.input_shape[1:])   # (1, window, features) or (1, window * features)
    reset_state(model)

    @tf.function
    def run(windows):
        chosen = tf.TensorArray(tf.int32, size=steps)
        current = windows[0]
        for i in tf.range(steps):
            if not feed_back:
                current = windows[i]
            probs = model(tf.reshape(tf.gather(table, current), input_shape), training=False)
            choice = tf.argmax(probs[0], output_type=tf.int32)
            chosen = chosen.write(i, choice)
            current = tf.concat([current[1:], [choice]], axis=0)
        return chosen.stack()

    return run(tf.constant(windows, dtype=tf.int32)).numpy()


def one_step(model: keras.Model, spec: ModelSpec, encoding: Encoding, dataset: Dataset) -> np.ndarray:
    """For every window of the real song, the most likely next note: (samples,) indices."""
    return _rollout(model, encoding, dataset.inputs, len(dataset), feed_back=False)


def full_song(model: keras.Model, spec: ModelSpec, encoding: Encoding, primer: np.ndarray,
              steps: int) -> np.ndarray:
    """Start from ``primer`` (window,) indices and predict ``steps`` notes, each predicted note
    appended to the window and the oldest dropped: (steps,) indices."""
    return _rollout(model, encoding, np.asarray(primer)[None, :], steps, feed_back=True)


def next_note_probabilities(model: keras.Model, spec: ModelSpec, encoding: Encoding,
                            window: np.ndarray) -> np.ndarray:
    """Probabilities of the next note after ``window`` (window,) indices: (classes,) floats.
    A stateful model advances its state by one window (call ``models.reset_state`` first)."""
    x = encoding.encode(np.asarray(window)[None, :]).astype(np.float32)
    x = x.reshape((1,) + tuple(model.input_shape[1:]))
    return np.asarray(model(x, training=False))[0]

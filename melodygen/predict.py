"""Predictions as the lecture makes them: one step from the real song, or the whole song
replayed from its first notes, the model feeding on its own output."""

from __future__ import annotations

import keras
import numpy as np

from .config import ModelSpec
from .encoding import Dataset, Encoding
from .models import reset_state
from .training import model_inputs


def one_step(model: keras.Model, spec: ModelSpec, encoding: Encoding, dataset: Dataset) -> np.ndarray:
    """For every window of the real song, the most likely next note: (samples,) indices.

    A stateful model reads the windows in song order from a zero state, carrying its state.
    """
    x = model_inputs(spec, encoding.encode(dataset.inputs)).astype(np.float32)
    if not spec.stateful:
        return np.argmax(model(x, training=False), axis=-1).astype(np.int32)
    reset_state(model)
    return np.array([int(np.argmax(model(x[i:i + 1], training=False))) for i in range(len(x))],
                    dtype=np.int32)


def next_note_probabilities(model: keras.Model, spec: ModelSpec, encoding: Encoding,
                            window: np.ndarray) -> np.ndarray:
    """Probabilities of the next note after ``window`` (window,) indices: (classes,) floats.
    A stateful model advances its state by one window."""
    x = model_inputs(spec, encoding.encode(np.asarray(window)[None, :])).astype(np.float32)
    return np.asarray(model(x, training=False))[0]


def full_song(model: keras.Model, spec: ModelSpec, encoding: Encoding, primer: np.ndarray,
              steps: int) -> np.ndarray:
    """Start from ``primer`` (window,) indices and predict ``steps`` notes, each predicted note
    appended to the window and the oldest dropped: (steps,) indices."""
    if spec.stateful:
        reset_state(model)
    window = list(int(i) for i in primer)
    out = []
    for _ in range(steps):
        choice = int(np.argmax(next_note_probabilities(model, spec, encoding, np.array(window))))
        out.append(choice)
        window = window[1:] + [choice]
    return np.array(out, dtype=np.int32)

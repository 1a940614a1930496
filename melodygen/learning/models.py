"""Keras builders for the lecture's models. They return models and touch no files."""

from __future__ import annotations

import keras
from keras import layers

from .config import ModelSpec


def build_model(spec: ModelSpec, window: int, features: int, classes: int) -> keras.Model:
    """The model that predicts the next note from ``window`` encoded notes.

    MLP input:  (batch, window * features), the window flattened.
    LSTM input: (batch, window, features); a stateful LSTM has a fixed batch of 1 and keeps
                its state from one call to the next until ``reset_state``.
    Output:     (batch, classes) probabilities over the vocabulary.
    """
    if spec.layer == "dense":
        return keras.Sequential([
            keras.Input((window * features,)),
            layers.Dense(spec.units, activation="relu"),
            layers.Dense(spec.units, activation="relu"),
            layers.Dense(classes, activation="softmax"),
        ], name=spec.name)
    inputs = keras.Input(batch_shape=(1, window, features)) if spec.stateful \
        else keras.Input((window, features))
    return keras.Sequential([
        inputs,
        # unroll: the window's few steps as straight-line ops, cheaper than a loop at batch 1
        layers.LSTM(spec.units, stateful=spec.stateful, unroll=True),
        layers.Dense(classes, activation="softmax"),
    ], name=spec.name)


def reset_state(model: keras.Model) -> None:
    """Zero the state of every stateful layer (the lecture's ``model.reset_states()``)."""
    for layer in model.layers:
        if getattr(layer, "stateful", False):
            layer.reset_state()

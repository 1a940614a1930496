"""The lecture's MLP: two hidden Dense layers over a window of notes, flattened. A model of one
song only (it has no collection body). Builders only: no files, no training."""

from __future__ import annotations

import keras
from keras import layers

SONG_READS = "window"  # a model of one song reads the last ``window`` notes


def song_network(spec, window: int, features: int, classes: int) -> keras.Model:
    """Input (batch, window * features), the window flattened; output (batch, classes)
    probabilities of the next note (``spec``: a ``song.config.ModelSpec``)."""
    return keras.Sequential([
        keras.Input((window * features,)),
        layers.Dense(spec.units, activation="relu"),
        layers.Dense(spec.units, activation="relu"),
        layers.Dense(classes, activation="softmax"),
    ], name=spec.name)


def song_inputs(encoded):
    """(samples, window, features) encoded windows -> the model's input layout (flat windows)."""
    return encoded.reshape(len(encoded), -1)


def song_forward(model: keras.Model, inputs, samples: int):
    """The probabilities of every training window, (samples, classes), for a training step."""
    return lambda: model(inputs, training=True)

"""The LSTM family: the lecture's LSTM over a window of notes (with or without state carried
across the song), and the LSTM layers of a collection model. Builders only: no files, no
training."""

from __future__ import annotations

import keras
from keras import layers

from .fused import window_forward


def song_network(spec, window: int, features: int, classes: int) -> keras.Model:
    """Input (batch, window, features); a stateful LSTM has a fixed batch of 1 and keeps its state
    from one call to the next until ``reset_state``. Output (batch, classes) probabilities of
    the next note (``spec``: a ``song.config.ModelSpec``)."""
    inputs = keras.Input(batch_shape=(1, window, features)) if spec.stateful \
        else keras.Input((window, features))
    return keras.Sequential([
        inputs,
        # unroll: the window's few steps as straight-line ops, cheaper than a loop at batch 1
        layers.LSTM(spec.units, stateful=spec.stateful, unroll=True),
        layers.Dense(classes, activation="softmax"),
    ], name=spec.name)


def song_inputs(encoded):
    """(samples, window, features) encoded windows: the model's input layout as it is."""
    return encoded


def song_forward(model: keras.Model, inputs):
    """The probabilities of every training window, (samples, classes), for a training step,
    through the fused LSTM (``fused.window_forward``: a stateful model reads the windows end to
    end, its state carried)."""
    import tensorflow as tf
    return window_forward(model, tf.constant(inputs))


def collection_body(config, events):
    """``config.layers`` LSTM layers over the events (batch, events, width) -> (batch, events,
    ``config.units``), dropout ``config.dropout`` on each one's input while training."""
    hidden = events
    for index in range(config.layers):
        hidden = layers.LSTM(config.units, return_sequences=True, dropout=config.dropout,
                             name=f"lstm_{index + 1}")(hidden)
    return hidden

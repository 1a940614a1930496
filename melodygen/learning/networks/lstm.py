"""The LSTM family: the lecture's LSTM over a window of notes (with or without state carried
across the song), and the LSTM layers of a collection model. Builders only: no files, no
training."""

from __future__ import annotations

import keras
from keras import layers

from .fused import window_forward

SONG_READS = "window"  # a model of one song reads the last ``window`` notes (a stateful one
                       # carries its state from window to window)


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


def song_forward(model: keras.Model, inputs, samples: int):
    """The probabilities of every training window, (samples, classes), for a training step,
    through the fused LSTM (``fused.window_forward``: a stateful model reads the windows end to
    end, its state carried)."""
    import tensorflow as tf
    return window_forward(model, tf.constant(inputs))


def collection_body(config, events, beats=None):
    """``config.layers`` LSTM layers over the events (batch, events, width) -> (batch, events,
    ``config.units``), dropout ``config.dropout`` on each one's input while training (``beats``,
    the events' bar positions, are not read: an LSTM counts them in its state)."""
    hidden = events
    for index in range(config.layers):
        hidden = layers.LSTM(config.units, return_sequences=True, dropout=config.dropout,
                             name=f"lstm_{index + 1}")(hidden)
    return hidden


class Decoder:
    """A collection model's LSTM layers (``collection_body``'s) run one event at a time, their
    states carried (``collection.network.Stepwise``)."""

    def __init__(self, network: keras.Model, config) -> None:
        import tensorflow as tf

        self.layers = [network.get_layer(f"lstm_{index + 1}") for index in range(config.layers)]
        self.units = config.units
        spec = tf.TensorSpec((1, config.units), tf.float32)
        self.signature = [spec, spec] * len(self.layers)  # (h, c) of every layer

    def initial(self) -> list:
        import tensorflow as tf
        return [tf.zeros((1, self.units))] * (2 * len(self.layers))

    def step(self, x, state, beat=None):
        """x (1, 1, width in) -> (1, 1, units); ``state``: every layer's (h, c), before and
        after (``beat`` is not read)."""
        x, new = x[:, 0], []
        for index, layer in enumerate(self.layers):
            x, (h, c) = layer.cell(x, state[2 * index:2 * index + 2])
            new += [h, c]
        return x[:, None], new


def decoder(network: keras.Model, config) -> Decoder:
    return Decoder(network, config)

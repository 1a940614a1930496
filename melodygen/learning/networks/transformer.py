"""The Transformer family: causal self-attention over every note so far (Vaswani et al. 2017), a
decoder that looks back at any earlier note instead of carrying a state. Builders only: no
files, no training.

Positions: no position embedding; each head adds to its attention scores a penalty linear in the
distance to the note it looks at (ALiBi: Press, Smith & Lewis 2022), with slopes 1/2, 1/4, 1/8,
... for heads 1, 2, 3, ..., so some heads look far back and others near. A model of one song reads its notes
only (order and distance are all it knows of time); a model of a collection also reads each
note's place in the bar (``collection.events``), so its heads can find the same beat of an
earlier bar. ``context``: the notes a position may look at, itself included (None: all before
it); with 4 it sees what the lecture's window models see (``block_context``).

Bars (a model of a collection): each head also adds a learnt amount to its score of every
earlier note that falls on the same place in the bar as the note it predicts (``beats``: the
events' bar-position classes), so a head can look up what came at this beat of earlier bars
whatever their distance in notes: relative attention by the bar (after Huang et al. 2018).

A note's pass: width-``width`` vectors; in each block, layer normalization, attention,
a residual sum; layer normalization, a two-layer feed-forward net (GELU), a residual sum.

``Decoder`` computes a collection model's blocks one new event at a time, keeping each block's
keys and values (a cache): generating a tune does not run the whole tune again for every note.
"""

from __future__ import annotations

import math

import keras
import numpy as np
from keras import layers, ops

BLOCKS = 2        # of a model of one song (of a collection: config.layers)
HEADS = 4         # of a model of one song (of a collection: config.heads)
FEED_FORWARD = 2  # the feed-forward net's width, in widths
SONG_READS = "song"  # a model of one song reads the whole song so far (not a window)


def alibi_slopes(heads: int) -> np.ndarray:
    """(heads,) the distance penalty of each head: 1/2, 1/4, 1/8, ... (steeper than ALiBi's
    2^(-8h/H) for long texts: over 나비야, the 4-note model reached its window ceiling on every
    seed 0-5 with these, on four of six with those)."""
    return np.array([2.0 ** (-(head + 1)) for head in range(heads)], np.float32)


@keras.saving.register_keras_serializable(package="melodygen")
class CausalSelfAttention(layers.Layer):
    """Multi-head causal self-attention with ALiBi (see the module): (batch, steps, width) in
    and out."""

    def __init__(self, width: int, heads: int, context: int | None = None,
                 dropout: float = 0.0, bars: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        if width % heads:
            raise ValueError(f"the width ({width}) must divide into {heads} heads")
        self.width, self.heads, self.context, self.dropout = width, heads, context, dropout
        self.bars = bars
        self.qkv = layers.Dense(3 * width, name="qkv")
        self.out = layers.Dense(width, name="out")
        self.drop = layers.Dropout(dropout)

    def build(self, input_shape) -> None:
        self.qkv.build(input_shape)
        self.out.build(tuple(input_shape[:-1]) + (self.width,))
        if self.bars:  # each head's bonus for a note on the same beat (see the module)
            self.same_beat = self.add_weight((self.heads,), initializer="zeros",
                                             name="same_beat")

    def split(self, x):
        """(batch, steps, width) -> (batch, heads, steps, width / heads)."""
        batch, steps = ops.shape(x)[0], ops.shape(x)[1]
        x = ops.reshape(x, (batch, steps, self.heads, self.width // self.heads))
        return ops.transpose(x, (0, 2, 1, 3))

    def merge(self, x):
        batch, steps = ops.shape(x)[0], ops.shape(x)[2]
        return ops.reshape(ops.transpose(x, (0, 2, 1, 3)), (batch, steps, self.width))

    def attend(self, q, k, v, bias, training=False):
        """Heads' queries (batch, heads, n, d) over keys and values (batch, heads, m, d), with
        ``bias`` (batch or 1, heads, n, m): (batch, heads, n, d)."""
        scores = ops.matmul(q, ops.transpose(k, (0, 1, 3, 2))) / math.sqrt(q.shape[-1])
        weights = ops.softmax(scores + bias, axis=-1)
        return ops.matmul(self.drop(weights, training=training), v)

    def call(self, x, beats=None, training=False):
        """x (batch, steps, width); ``beats`` (batch, steps) int: each event's bar position
        (a model of a collection, ``bars``)."""
        q, k, v = (self.split(part) for part in ops.split(self.qkv(x), 3, axis=-1))
        steps = ops.shape(x)[1]
        bias = self._bias(steps)[None]
        if self.bars:
            bias = bias + self.beat_bias(beats, beats)
        return self.out(self.merge(self.attend(q, k, v, bias, training)))

    def beat_bias(self, query_beats, key_beats):
        """(batch, heads, n, m): each head's ``same_beat`` where a query's bar position is a
        key's ((batch, n) and (batch, m) position classes)."""
        same = ops.cast(ops.equal(query_beats[:, :, None], key_beats[:, None, :]), "float32")
        return self.same_beat[None, :, None, None] * same[:, None]

    def _bias(self, steps):
        """The ALiBi and causal bias of ``steps`` positions, computed in the graph."""
        position = ops.arange(steps, dtype="float32")
        distance = position[:, None] - position[None, :]
        hidden = distance < 0
        if self.context is not None:
            hidden = ops.logical_or(hidden, distance >= self.context)
        slopes = ops.convert_to_tensor(alibi_slopes(self.heads))
        bias = -slopes[:, None, None] * ops.maximum(distance, 0.0)[None]
        return ops.where(hidden[None], -1e9, bias)

    def get_config(self) -> dict:
        return {**super().get_config(), "width": self.width, "heads": self.heads,
                "context": self.context, "dropout": self.dropout, "bars": self.bars}


@keras.saving.register_keras_serializable(package="melodygen")
class TransformerBlock(layers.Layer):
    """Normalize, attend, add; normalize, feed forward, add: (batch, steps, width) in and out."""

    def __init__(self, width: int, heads: int, context: int | None = None,
                 dropout: float = 0.0, bars: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.width, self.heads, self.context, self.dropout = width, heads, context, dropout
        self.bars = bars
        self.norm1 = layers.LayerNormalization(epsilon=1e-5, name="norm1")
        self.attention = CausalSelfAttention(width, heads, context, dropout, bars,
                                             name="attention")
        self.norm2 = layers.LayerNormalization(epsilon=1e-5, name="norm2")
        self.up = layers.Dense(FEED_FORWARD * width, activation="gelu", name="up")
        self.down = layers.Dense(width, name="down")
        self.drop = layers.Dropout(dropout)

    def build(self, input_shape) -> None:
        for layer in (self.norm1, self.attention, self.norm2, self.up):
            layer.build(input_shape)
        self.down.build(tuple(input_shape[:-1]) + (FEED_FORWARD * self.width,))

    def call(self, x, beats=None, training=False):
        x = x + self.drop(self.attention(self.norm1(x), beats, training=training),
                          training=training)
        return x + self.drop(self.down(self.up(self.norm2(x))), training=training)

    def get_config(self) -> dict:
        return {**super().get_config(), "width": self.width, "heads": self.heads,
                "context": self.context, "dropout": self.dropout, "bars": self.bars}


# ---- a model of one song ------------------------------------------------------------------------

def song_network(spec, window: int, features: int, classes: int) -> keras.Model:
    """Input (batch, notes, features): a song so far; output (batch, notes, classes): at each
    note, the probabilities of the note after it, from the notes up to it (``spec.context`` of
    them, or all)."""
    return keras.Sequential([
        keras.Input((None, features)),
        layers.Dense(spec.units, name="notes_in"),  # the first layer: standardization folds into it
        *[TransformerBlock(spec.units, HEADS, block_context(spec.context, index),
                           name=f"block_{index + 1}") for index in range(BLOCKS)],
        layers.LayerNormalization(epsilon=1e-5, name="norm"),
        layers.Dense(classes, activation="softmax", name="next_note"),
    ], name=spec.name)


def block_context(context: int | None, index: int) -> int | None:
    """What block ``index`` attends to so that the whole stack sees ``context`` notes: a second
    block that looked at 4 outputs of the first, each of 4 notes, would see 7; so the first
    attends to ``context`` notes and the later ones to their own position only."""
    if context is None:
        return None
    return context if index == 0 else 1


def song_inputs(encoded):
    """(samples, window, features) encoded windows of one song (each a note further) -> the
    song they cover as one sequence, (1, notes - 1, features): the model reads it whole."""
    return np.concatenate([encoded[0], encoded[1:, -1]])[None]


def song_forward(model: keras.Model, inputs, samples: int):
    """The probabilities of the note after every window, (samples, classes): the model's
    outputs at the windows' last notes, for a training step."""
    import tensorflow as tf
    inputs = tf.constant(inputs)
    return lambda: model(inputs, training=True)[0, -samples:]


# ---- a model of a collection --------------------------------------------------------------------

def collection_body(config, events, beats=None):
    """Events (batch, events, embedded) -> (batch, events, ``config.units``): a projection and
    ``config.layers`` blocks of ``config.heads`` heads (dropout ``config.dropout``); with
    ``beats`` (batch, events) the events' bar positions, heads that know the bar (the module)."""
    hidden = layers.Dense(config.units, name="events_in")(events)
    for index in range(config.layers):
        hidden = TransformerBlock(config.units, config.heads, config.context, config.dropout,
                                  beats is not None, name=f"block_{index + 1}")(hidden, beats)
    return layers.LayerNormalization(epsilon=1e-5, name="norm")(hidden)


# ---- one position at a time ---------------------------------------------------------------------

class Decoder:
    """A collection model's body (``collection_body``'s layers, ``collection.network.Stepwise``)
    or a song network's blocks (``song.predict.SongPredictor``) run one event at a time, each
    block's keys and values kept: ``step`` gives the new event's output, the same as the whole
    tune's last position, without computing the events before again (the new event still
    attends to each of them: a step's time grows with the tune unless ``context`` bounds it)."""

    def __init__(self, network: keras.Model, input_layer: str = "events_in") -> None:
        import tensorflow as tf

        self.before = network.get_layer(input_layer)
        self.blocks = sorted((layer for layer in network.layers if layer.name.startswith("block_")),
                             key=lambda layer: int(layer.name.split("_")[1]))
        self.after = network.get_layer("norm")
        attention = self.blocks[0].attention
        self.heads, self.depth = attention.heads, attention.width // attention.heads
        self.bars = attention.bars
        cache = tf.TensorSpec((1, self.heads, None, self.depth), tf.float32)
        # keys and values of every block, and the bar positions of the events so far
        self.signature = [cache, cache] * len(self.blocks) + [tf.TensorSpec((1, None), tf.int32)]

    def initial(self) -> list:
        import tensorflow as tf
        return [tf.zeros((1, self.heads, 0, self.depth))] * (2 * len(self.blocks)) + \
            [tf.zeros((1, 0), tf.int32)]

    def step(self, x, state, beat=None):
        """x (1, 1, width in) -> (1, 1, units); ``state``: every block's keys and values (1,
        heads, events so far, depth) and the events' bar positions (1, events so far), before
        and after; ``beat`` () int32: the new event's bar position."""
        import tensorflow as tf

        beats = state[-1]
        if self.bars:
            beats = tf.concat([beats, tf.reshape(beat, (1, 1))], axis=1)
        x, new = self.before(x), []
        for index, block in enumerate(self.blocks):
            attended, keys, values = self._attend(block.attention, block.norm1(x),
                                                  *state[2 * index:2 * index + 2], beats)
            x = x + attended
            x = x + block.down(block.up(block.norm2(x)))
            new += [keys, values]
        context = self.blocks[0].attention.context
        return self.after(x), new + [beats if context is None else beats[:, -context:]]

    @staticmethod
    def _attend(attention: CausalSelfAttention, x, keys, values, beats):
        """The new position's attention over the cached positions and itself (``beats``: the
        bar positions of them all, the new one last)."""
        import tensorflow as tf

        q, k, v = (attention.split(part) for part in ops.split(attention.qkv(x), 3, axis=-1))
        keys, values = tf.concat([keys, k], axis=2), tf.concat([values, v], axis=2)
        if attention.context is not None:  # older positions are never looked at again
            keys, values = keys[:, :, -attention.context:], values[:, :, -attention.context:]
            beats = beats[:, -attention.context:]
        seen = tf.shape(keys)[2]
        distance = tf.cast(tf.range(seen - 1, -1, -1), tf.float32)  # to each position kept
        bias = -tf.constant(alibi_slopes(attention.heads))[:, None, None] * distance[None, None]
        bias = bias[None]
        if attention.bars:
            bias = bias + attention.beat_bias(beats[:, -1:], beats)
        out = attention.out(attention.merge(attention.attend(q, keys, values, bias)))
        return out, keys, values


def decoder(network: keras.Model, config) -> Decoder:
    """A collection network's body, one event at a time."""
    return Decoder(network)


def song_decoder(network: keras.Model) -> Decoder:
    """A song network (``song_network``) one note at a time, up to its last normalization: its
    ``next_note`` layer gives the probabilities."""
    return Decoder(network, input_layer="notes_in")

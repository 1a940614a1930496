"""The network of a collection model: each note event's columns embedded, a family's body over the
events (``networks``: LSTM layers, ...), then two heads that predict each note's pitch relative to
the tonic and then its length. Builders only: no files, no training.

Input (batch, events, COLUMNS) int32 rows of ``events.encode_song`` (padded with zero rows), of
which it embeds the columns its task reads (``events.TASKS``); outputs, per event:
    pitch:    (batch, events, 2R+1) logits of the relative pitch;
    duration: (batch, events, lengths) logits of the length, given the pitch (the target's
              pitch column is read for it: the true one in training and scoring, the one chosen
              when generating); only when the task predicts the length.

``Stepwise`` runs the same network one event at a time, its body's state (an LSTM's, a
Transformer's keys and values) carried from event to event: what generation uses.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

from ..networks import family
from .config import CollectionModelConfig
from .events import COLUMNS, INPUT_COLUMNS, RELATIVE_CLASSES, TASKS, Column, EventVocabulary

# an input and the layer that embeds it (the names of models saved before any other task)
EMBEDDINGS = {"pitch": "pitch_in", "length": "duration_in", "rest": "rest_in",
              "position": "position_in", "meter": "meter_in", "next_length": "next_duration_in",
              "next_onset": "next_onset_in"}


def embedding_width(config: CollectionModelConfig, name: str) -> int:
    return {"pitch": config.pitch_embedding, "length": config.duration_embedding,
            "rest": config.duration_embedding, "next_length": config.duration_embedding,
            "position": config.position_embedding, "next_onset": config.position_embedding,
            "meter": config.meter_embedding}[name]


def inputs_of(config: CollectionModelConfig) -> list[tuple[int, str]]:
    """(column, embedding layer name) of every input the network reads, in the order joined."""
    return [(int(INPUT_COLUMNS[name]), EMBEDDINGS[name]) for name in TASKS[config.task].inputs]


def build_network(config: CollectionModelConfig, vocabulary: EventVocabulary) -> keras.Model:
    """The model (see the module), its embeddings sized by ``vocabulary``'s classes."""
    task = TASKS[config.task]
    rows = keras.Input((None, COLUMNS), dtype="int32", name="events")
    # the target's pitch is read by the length head only, its length only as the task's input
    embedded = layers.Concatenate(name="previous_event")([
        layers.Embedding(vocabulary.classes(name), embedding_width(config, name),
                         name=EMBEDDINGS[name])(rows[..., INPUT_COLUMNS[name]])
        for name in task.inputs])
    # the bar position of each event: where the note it predicts falls when no rest comes first
    hidden = family(config.family).collection_body(config, embedded, rows[..., Column.POSITION])
    hidden = layers.Dropout(config.dropout, name="dropout")(hidden)
    outputs = {"pitch": layers.Dense(RELATIVE_CLASSES, name="pitch")(hidden)}
    if task.predicts_length:
        durations = vocabulary.classes("length")
        chosen = layers.Embedding(RELATIVE_CLASSES, config.pitch_embedding,
                                  name="pitch_chosen")(rows[..., Column.TARGET_PITCH])
        outputs["duration"] = layers.Dense(durations, name="duration")(
            layers.Dense(config.units, activation="relu", name="duration_hidden")(
                layers.Concatenate()([hidden, chosen])))
    return keras.Model(rows, outputs, name=config.family)


class Stepwise:
    """A collection network run one event at a time (see the module): ``start()``, then per event
    ``read(row)``: the probabilities of its relative pitch (2R+1,) and, for every pitch, of its
    length given that pitch (2R+1, length classes): one call of a compiled function an event."""

    def __init__(self, network: keras.Model, config: CollectionModelConfig) -> None:
        import tensorflow as tf

        if not TASKS[config.task].predicts_length:
            raise ValueError(f"a model of task {config.task!r} predicts the pitch only; writing a "
                             "tune needs a model of the whole note")
        embeddings = [(column, network.get_layer(name)) for column, name in inputs_of(config)]
        decoder = family(config.family).decoder(network, config)
        pitch, chosen = network.get_layer("pitch"), network.get_layer("pitch_chosen")
        hidden, duration = network.get_layer("duration_hidden"), network.get_layer("duration")
        every_pitch = tf.range(RELATIVE_CLASSES)
        self.decoder = decoder

        @tf.function(input_signature=[tf.TensorSpec((COLUMNS,), tf.int32), decoder.signature])
        def read(row, state):
            joined = tf.concat([layer(row[column][None, None]) for column, layer in embeddings],
                               axis=-1)                                   # (1, 1, embedded)
            out, state = decoder.step(joined, state, row[Column.POSITION])  # (1, 1, units)
            # the length head for every pitch at once: (2R+1, units + pitch embedding)
            heads = tf.concat([tf.repeat(out[0], RELATIVE_CLASSES, axis=0), chosen(every_pitch)],
                              axis=-1)
            return (tf.nn.softmax(pitch(out)[0, 0]), tf.nn.softmax(duration(hidden(heads))),
                    state)

        self._read = read.get_concrete_function()
        self.start()

    def start(self) -> None:
        """A new tune: the body's state as before its first event."""
        self.state = self.decoder.initial()

    def read(self, row: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Read one event's row (its inputs: the event before it): the probabilities of its
        pitch (2R+1,) and of its length for each pitch (2R+1, length classes)."""
        import tensorflow as tf

        pitch, lengths, self.state = self._read(tf.constant(row, tf.int32), self.state)
        return pitch.numpy(), lengths.numpy()

"""The network of a collection model: each note event's columns embedded, a family's body over the
events (``networks``: LSTM layers, ...), then two heads that predict each note's pitch relative to
the tonic and then its length. Builders only: no files, no training.

Input (batch, events, COLUMNS) int32 rows of ``events.encode_song`` (padded with zero rows);
outputs, per event:
    pitch:    (batch, events, 2R+1) logits of the relative pitch;
    duration: (batch, events, lengths) logits of the length, given the pitch (the target's
              pitch column is read for it: the true one in training and scoring, the one chosen
              when generating).
"""

from __future__ import annotations

import keras
from keras import layers

from ..networks import family
from .config import CollectionModelConfig
from .events import COLUMNS, NO_PITCH, RELATIVE_CLASSES, Column


def build_network(config: CollectionModelConfig, durations: int, positions: int,
                  meters: int) -> keras.Model:
    """The model (see the module); ``durations``, ``positions``, ``meters``: the vocabulary's
    class counts (``EventVocabulary.sizes``)."""
    rows = keras.Input((None, COLUMNS), dtype="int32", name="events")
    # the target's length is never read; the target's pitch only by the length head
    embedded = layers.Concatenate(name="previous_event")([
        layers.Embedding(NO_PITCH + 1, config.pitch_embedding, name="pitch_in")(
            rows[..., Column.PITCH]),
        layers.Embedding(durations, config.duration_embedding, name="duration_in")(
            rows[..., Column.LENGTH]),
        layers.Embedding(durations, config.duration_embedding, name="rest_in")(
            rows[..., Column.REST]),
        layers.Embedding(positions, config.position_embedding, name="position_in")(
            rows[..., Column.POSITION]),
        layers.Embedding(meters, config.meter_embedding, name="meter_in")(
            rows[..., Column.METER]),
    ])
    hidden = family(config.family).collection_body(config, embedded)
    hidden = layers.Dropout(config.dropout, name="dropout")(hidden)
    pitch = layers.Dense(RELATIVE_CLASSES, name="pitch")(hidden)
    chosen = layers.Embedding(RELATIVE_CLASSES, config.pitch_embedding, name="pitch_chosen")(
        rows[..., Column.TARGET_PITCH])
    duration = layers.Dense(durations, name="duration")(
        layers.Dense(config.units, activation="relu", name="duration_hidden")(
            layers.Concatenate()([hidden, chosen])))
    return keras.Model(rows, {"pitch": pitch, "duration": duration}, name=config.family)

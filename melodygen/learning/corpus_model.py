"""The corpus model: an LSTM over whole songs of note events (``sequences.py``), predicting each
note's pitch relative to the tonic and then its length. Builders only: no files, no training.

Input (batch, events, 7) int32 rows of ``sequences.encode_song`` (padded with zero rows);
outputs, per event:
    pitch:    (batch, events, 2R+1) logits of the relative pitch;
    duration: (batch, events, durations) logits of the length, given the pitch (the target's
              pitch column is read for it: the true one in training and scoring, the one chosen
              when generating).
"""

from __future__ import annotations

import keras
from keras import layers

from .config import CorpusModelConfig
from .sequences import COLUMNS, NO_PITCH, RELATIVE_CLASSES


def build_corpus_model(config: CorpusModelConfig, durations: int, positions: int,
                       meters: int) -> keras.Model:
    """The model (see the module); ``durations``, ``positions``, ``meters``: the vocabulary's
    class counts (``EventVocabulary.sizes``)."""
    rows = keras.Input((None, COLUMNS), dtype="int32", name="events")
    # the target's length (column 6) is never read; column 5 only by the length head
    previous = layers.Concatenate(name="previous_event")([
        layers.Embedding(NO_PITCH + 1, config.pitch_embedding, name="pitch_in")(rows[..., 0]),
        layers.Embedding(durations, config.duration_embedding, name="duration_in")(rows[..., 1]),
        layers.Embedding(durations, config.duration_embedding, name="rest_in")(rows[..., 2]),
        layers.Embedding(positions, config.position_embedding, name="position_in")(rows[..., 3]),
        layers.Embedding(meters, config.meter_embedding, name="meter_in")(rows[..., 4]),
    ])
    hidden = previous
    for index in range(config.layers):
        hidden = layers.LSTM(config.units, return_sequences=True, dropout=config.dropout,
                             name=f"lstm_{index + 1}")(hidden)
    hidden = layers.Dropout(config.dropout, name="dropout")(hidden)
    pitch = layers.Dense(RELATIVE_CLASSES, name="pitch")(hidden)
    chosen = layers.Embedding(RELATIVE_CLASSES, config.pitch_embedding, name="pitch_chosen")(
        rows[..., 5])
    duration = layers.Dense(durations, name="duration")(
        layers.Dense(config.units, activation="relu", name="duration_hidden")(
            layers.Concatenate()([hidden, chosen])))
    return keras.Model(rows, {"pitch": pitch, "duration": duration}, name="corpus_lstm")

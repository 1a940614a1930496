"""A collection made ready for a collection model: its event vocabulary, each tune's tonic and number
of events, and the split into training and validation tunes (no TensorFlow).

The preparation is a function of the collection and the seed alone, so every worker of a
distributed training prepares the same and agrees, without a word, on the batches; each then
encodes (``encode``) only the tunes of its own rows.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import numpy as np

from ...core.collection import Collection
from ..splits import Split, split
from .events import EventVocabulary, encode_song, note_events, relative_pitch, tonic


@dataclass(frozen=True, eq=False)
class PreparedCollection:
    """A collection ready to train on."""

    collection: Collection
    vocabulary: EventVocabulary
    tonics: tuple[int, ...]   # each tune's tonic pitch class (0 = C)
    lengths: tuple[int, ...]  # each tune's events: its pitched notes, the rows ``encode`` gives
    parts: Split              # tune indices of the training and validation parts

    def encode(self, index: int) -> np.ndarray:
        """Tune ``index`` as the model reads it: (events, COLUMNS) int32 (``events.encode_song``)."""
        return encode_song(self.collection.tunes[index].melody, self.tonics[index], self.vocabulary)

    def pitch_range(self) -> tuple[int, int]:
        """The lowest and highest relative pitch class of the training tunes (their rows'
        ``Column.TARGET_PITCH``)."""
        pitches = [relative_pitch(note.pitch, self.tonics[index])
                   for index in self.parts.train
                   for note in self.collection.tunes[index].melody.notes if not note.is_rest]
        return min(pitches), max(pitches)

    def fingerprint(self) -> str:
        """A digest of what training sees: the vocabulary, every tune's notes, tonic and meter,
        the split. Two preparations with the same fingerprint give the same batches."""
        digest = hashlib.sha256(json.dumps([self.vocabulary.to_json(), self.lengths, self.tonics,
                                            self.parts.train, self.parts.validation]).encode())
        for tune in self.collection.tunes:
            digest.update(repr((tune.melody.time_signature, tune.melody.pickup,
                                tune.melody.notes)).encode())
        return digest.hexdigest()[:20]

    def training_settings(self, model_config, train_config) -> dict:
        """What a training of this collection is made of, which a resumed one must share
        (``resume``): the network's and the training's configurations, and the data."""
        return {"model": model_config.to_json(), "train": train_config.to_json(),
                "data": self.fingerprint()}


def prepare(collection: Collection, validation: float, seed: int) -> PreparedCollection:
    """``collection`` ready to train on, a ``validation`` share of its tunes held out (versions of
    one tune on one side, drawn from ``seed``)."""
    melodies = collection.melodies()
    return PreparedCollection(
        collection, EventVocabulary.from_melodies(melodies),
        tuple(tonic(tune.melody) for tune in collection.tunes),
        tuple(len(note_events(melody)) for melody in melodies),
        split(melodies, validation, seed=seed))

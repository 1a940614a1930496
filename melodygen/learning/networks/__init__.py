"""The model families: the networks melodygen builds, one module a family.

A family is the part of a model that reads notes one after another: the lecture's MLP over a
window (``mlp``), an LSTM (``lstm``), ... Each kind of model (``song/``, ``collection/``) asks its
family for what it needs:

    song_network(spec, window, features, classes) -> keras.Model
        a model of one song (``song/``): encoded notes in, the next note's class out;
    SONG_READS
        what that model reads: "window" (the last ``window`` notes) or "song" (the whole song
        so far: a (batch, notes, features) sequence in, a prediction after every note out);
    song_inputs(encoded windows) -> inputs; song_forward(model, inputs, samples) -> (() -> probs)
        the song's training inputs in the model's layout, and its forward pass over all of them
        at once, for the fast recipe;
    collection_body(config, events, beats) -> tensor
        the layers of a collection model between the note events' embeddings and its heads
        (``collection/network.py``), (batch, events, width) in and out; ``beats`` (batch,
        events) the bar position of each event, for a family that reads it;
    decoder(network, config) -> an object whose ``step(x, state, beat)`` runs the body one
        event at a time (``collection/network.Stepwise``: generating a tune linear in its
        length).

A family offers what it can (the MLP reads a window and has no collection body). A new family is
a module here and its line in ``FAMILIES``; a song preset (``song.config.MODELS``) or a collection
model's configuration (``collection.config.CollectionModelConfig.family``) then names it. The
modules import Keras, so ``family`` imports one only when it is asked for.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from ...core.errors import ConfigError

FAMILIES = {  # family -> its module here
    "mlp": "mlp",
    "lstm": "lstm",
    "transformer": "transformer",
}
TITLES = {"mlp": "MLP", "lstm": "LSTM", "transformer": "Transformer"}  # as sentences write them


def family(name: str) -> ModuleType:
    """The module of family ``name`` (imports Keras); an unknown name is a ``ConfigError``."""
    if name not in FAMILIES:
        raise ConfigError(f"unknown model family {name!r}; known: {', '.join(FAMILIES)}")
    return import_module(f"{__name__}.{FAMILIES[name]}")


def song_network(spec, window: int, features: int, classes: int):
    """The network of a model of one song (``spec``: a ``song.config.ModelSpec``), from its
    family: ``window`` notes of ``features`` numbers in, ``classes`` probabilities out."""
    return family(spec.family).song_network(spec, window, features, classes)

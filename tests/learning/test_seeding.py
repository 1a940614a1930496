"""learning/seeding.py: a model built from a seed has the same weights every time, and the
caller's random generators (Python's, NumPy's, Keras's and TensorFlow's global seeds) are left as
they were: a library that trains does not reseed its caller."""

import random

import numpy as np
import pytest

pytestmark = pytest.mark.usefixtures("tensorflow")


def keras_seed():
    from keras.src.utils.rng_utils import get_random_seed
    return get_random_seed()


def caller_draws():
    """What the caller's own generators give next, and Keras's global seed."""
    return (random.random(), float(np.random.rand()), keras_seed())


def test_seeded_gives_the_same_weights_and_leaves_the_callers_generators():
    import keras
    from melodygen.learning.seeding import seeded

    def build():
        with seeded(5):
            return keras.Sequential([keras.Input((3,)), keras.layers.Dense(4)]).get_weights()

    random.seed(11)
    np.random.seed(11)
    expected = caller_draws()
    random.seed(11)
    np.random.seed(11)
    first, second = build(), build()
    assert caller_draws() == expected
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    with seeded(5):
        assert keras_seed() == 5


def test_training_a_model_leaves_the_callers_generators(nabiya):
    """The public API trains a song model and a collection model without reseeding."""
    import melodygen
    from melodygen.core.collection import Collection, Tune
    from melodygen.core.note import Melody
    from melodygen.formats.notation import parse_notes
    from melodygen.learning.collection.config import CollectionModelConfig, CollectionTrainConfig

    songs = ["c4 d4 e4 c4", "e4 f4 g2", "g8 a8 g8 f8 e4 c4", "c4 c4 g4 g4", "f4 f4 e4 e4"]
    collection = Collection("book", tuple(
        Tune(Melody(tuple(parse_notes(song)), f"t{i}"), "book", i) for i, song in enumerate(songs)))

    random.seed(3)
    np.random.seed(3)
    expected = [caller_draws() for _ in range(2)]
    random.seed(3)
    np.random.seed(3)
    melodygen.train_model(nabiya, "mlp", melodygen.TrainConfig(epochs=2))
    melodygen.train_model(collection, network=CollectionModelConfig(units=8),
                          config=CollectionTrainConfig(max_epochs=1, validation=0.2))
    assert [caller_draws() for _ in range(2)] == expected

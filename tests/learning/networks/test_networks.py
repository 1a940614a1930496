"""models.py: the four Keras models and their state."""

import numpy as np
import pytest

from melodygen.learning.backend import configure_tensorflow, load_keras

configure_tensorflow()
keras = load_keras()

from melodygen.learning.song.config import MODELS  # noqa: E402
from melodygen.learning.song.encoding import make_dataset, make_encoding
from melodygen.learning.networks import song_network as build_model
from melodygen.learning.song.predict import reset_state  # noqa: E402
from melodygen.learning.song.vocabulary import Vocabulary  # noqa: E402

CLASSES = 14
WINDOW = 4
STATEFUL = [name for name, spec in MODELS.items() if spec.stateful]


def features_of(name: str) -> int:
    return {"index": 1, "features": 2}[MODELS[name].encoding]


@pytest.fixture(scope="module")
def song_inputs(nabiya):
    """name -> the encoded windows of 나비야 for that preset's encoding: (50, 4, features)."""
    vocabulary = Vocabulary.lecture()
    dataset = make_dataset(vocabulary.indices(nabiya.notes), WINDOW)
    return {name: make_encoding(spec.encoding, vocabulary).encode(dataset.inputs).astype(np.float32)
            for name, spec in MODELS.items()}


def random_weights(model, seed: int) -> None:
    """Weights large enough that the probabilities depend strongly on the input and the state."""
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(0, 0.5, w.shape).astype(np.float32) for w in model.get_weights()])


@pytest.mark.parametrize("name, input_shape, output_shape, parameters", [
    # MLP: 4*128+128 + 128*128+128 + 128*14+14
    ("mlp", (None, 4), (None, 14), 18958),
    # LSTM(128) over 1 feature: 4*128*(1+128+1), then Dense 128*14+14
    ("lstm", (None, 4, 1), (None, 14), 68366),
    ("stateful", (1, 4, 1), (1, 14), 68366),
    # the lecture's LSTM: batch shape (1, 4, 2)
    ("stateful2", (1, 4, 2), (1, 14), 68878),
    # a Transformer reads the whole song, (notes, 2), and predicts after every note: width 32
    # 2*32+32; per block 2 norms 4*32, qkv 32*96+96, out 32*32+32, feed forward 32*64+64 and
    # 64*32+32: 8544; the last norm 64 and 32*14+14
    ("transformer", (None, None, 2), (None, None, 14), 96 + 2 * 8544 + 64 + 462),
    ("transformer4", (None, None, 2), (None, None, 14), 96 + 2 * 8544 + 64 + 462),
])
def test_model_shapes(name, input_shape, output_shape, parameters):
    spec = MODELS[name]
    model = build_model(spec, WINDOW, features_of(name), CLASSES)
    assert model.name == name
    assert tuple(model.input_shape) == input_shape
    assert tuple(model.output_shape) == output_shape
    assert model.count_params() == parameters
    lstm = [layer for layer in model.layers if isinstance(layer, keras.layers.LSTM)]
    assert [(layer.units, layer.stateful) for layer in lstm] == \
        ([(128, spec.stateful)] if spec.family == "lstm" else [])


@pytest.mark.parametrize("name", list(MODELS))
def test_model_predicts_probabilities(name, song_inputs):
    from melodygen.learning.networks import family

    spec = MODELS[name]
    model = build_model(spec, WINDOW, features_of(name), CLASSES)
    x = family(spec.family).song_inputs(song_inputs[name])
    batch = x[:1] if spec.stateful else x
    probs = np.asarray(model(batch))
    # a window's model: one prediction a window; a Transformer: one after every note
    shape = (1, 53, CLASSES) if spec.family == "transformer" else (len(batch), CLASSES)
    assert probs.shape == shape
    np.testing.assert_allclose(probs.sum(axis=-1), 1.0, rtol=1e-5)


@pytest.mark.parametrize("name", STATEFUL)
def test_reset_state_starts_the_song_again(name, song_inputs):
    x = song_inputs[name]
    model = build_model(MODELS[name], WINDOW, x.shape[2], CLASSES)
    random_weights(model, seed=2)
    reset_state(model)
    first = np.asarray(model(x[:1]))
    second = np.asarray(model(x[:1]))  # the same window again, state carried: different output
    reset_state(model)
    again = np.asarray(model(x[:1]))
    assert np.abs(second - first).max() > 1e-2
    np.testing.assert_array_equal(again, first)


def test_reset_state_leaves_a_stateless_model_alone(song_inputs):
    model = build_model(MODELS["lstm"], WINDOW, 1, CLASSES)
    before = np.asarray(model(song_inputs["lstm"]))
    reset_state(model)
    np.testing.assert_array_equal(np.asarray(model(song_inputs["lstm"])), before)


@pytest.mark.parametrize("window", [3, 8])
def test_other_windows(window):
    model = build_model(MODELS["stateful2"], window, 2, CLASSES)
    assert tuple(model.input_shape) == (1, window, 2)

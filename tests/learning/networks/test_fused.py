"""fused.py: the fused LSTM and Adam of the fast recipe compute what Keras's own LSTM and Adam
compute: the same states, the same gradients, the same weights after the same steps."""

import numpy as np
import pytest

from melodygen.learning.backend import configure_tensorflow, load_keras

configure_tensorflow()
keras = load_keras()
import tensorflow as tf  # noqa: E402

from melodygen.learning.song.config import MODELS  # noqa: E402
from melodygen.learning.networks.fused import STEPS_PER_ITERATION, FusedAdam, lstm_states, window_forward  # noqa: E402
from melodygen.learning.networks import song_network as build_model
from melodygen.learning.song.predict import reset_state  # noqa: E402

UNITS = 16
CLASSES = 14


def keras_lstm(features: int, seed: int) -> keras.layers.LSTM:
    """A Keras LSTM with weights large enough that every gate matters."""
    layer = keras.layers.LSTM(UNITS, return_sequences=True)
    layer.build((None, None, features))
    rng = np.random.default_rng(seed)
    layer.set_weights([rng.normal(0, 0.4, w.shape).astype(np.float32) for w in layer.get_weights()])
    return layer


def fused(layer, steps_first):
    cell = layer.cell
    return lstm_states(steps_first, tf.convert_to_tensor(cell.kernel),
                       tf.convert_to_tensor(cell.recurrent_kernel), tf.convert_to_tensor(cell.bias))


# steps: one short of, equal to and past a multiple of the backward pass's steps per iteration
@pytest.mark.parametrize("steps", [STEPS_PER_ITERATION - 1, 2 * STEPS_PER_ITERATION, 9])
def test_states_and_gradients_are_keras_lstms(steps):
    batch, features = 3, 2
    layer = keras_lstm(features, seed=steps)
    x = tf.constant(np.random.default_rng(1).normal(size=(batch, steps, features)), tf.float32)
    read = np.random.default_rng(2).normal(size=(batch, steps, UNITS)).astype(np.float32)

    def loss_of(states):  # every step's state counts, each with its own weights
        return tf.reduce_sum(tf.tanh(states) * read)

    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        expected = layer(x)                                        # (batch, steps, units)
        got = tf.transpose(fused(layer, tf.transpose(x, (1, 0, 2))), (1, 0, 2))
        expected_loss, got_loss = loss_of(expected), loss_of(got)
    np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-5, atol=1e-6)
    assert abs(float(expected[0, -1, 0]) - float(expected[0, 0, 0])) > 1e-3  # states move

    targets = [x, layer.cell.kernel, layer.cell.recurrent_kernel, layer.cell.bias]
    for want, have in zip(tape.gradient(expected_loss, targets), tape.gradient(got_loss, targets)):
        assert have.shape == want.shape
        assert np.abs(want.numpy()).max() > 1e-3
        np.testing.assert_allclose(have.numpy(), want.numpy(), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", ["lstm", "stateful", "stateful2"])
def test_window_forward_is_the_model_window_by_window(name):
    """A model without state reads each window from a zero state; a stateful model carries its
    state from window to window, as it does when predicting the song after a reset."""
    spec = MODELS[name]
    features = 2 if spec.encoding == "features" else 1
    model = build_model(spec, 4, features, CLASSES)
    rng = np.random.default_rng(3)
    # spread 0.2: large enough that the state matters, small enough not to be chaotic (at 0.5
    # the two kernels' float rounding doubles every few steps)
    model.set_weights([rng.normal(0, 0.2, w.shape).astype(np.float32) for w in model.get_weights()])
    windows = rng.normal(size=(50, 4, features)).astype(np.float32)

    got = window_forward(model, tf.constant(windows))().numpy()
    if spec.stateful:
        reset_state(model)
        expected = np.concatenate([model(windows[i:i + 1]).numpy() for i in range(len(windows))])
        fresh = []  # each window from a zero state
        for i in range(len(windows)):
            reset_state(model)
            fresh.append(model(windows[i:i + 1]).numpy()[0])
        assert np.abs(np.array(fresh) - expected)[1:].max() > 1e-3  # the carried state matters
    else:
        expected = model(windows).numpy()
    assert got.shape == (50, CLASSES)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_fused_adam_updates_the_weights_as_keras_adam_does():
    """Keras's Adam with clipnorm 1 and the fused one, fed the same gradients (some longer than
    the clip norm, some shorter), keep the same weights step after step."""
    rng = np.random.default_rng(4)
    start = [rng.normal(size=(5, 3)).astype(np.float32), rng.normal(size=(3,)).astype(np.float32)]
    theirs = [keras.Variable(w) for w in start]
    ours = [keras.Variable(w) for w in start]
    keras_adam = keras.optimizers.Adam(0.01, clipnorm=1.0)
    keras_adam.build(theirs)
    fused_adam = FusedAdam(ours, clip_norm=1.0)
    for step in range(6):
        scale = 5.0 if step % 2 else 0.05  # clipped, then not
        gradients = [tf.constant(scale * rng.normal(size=w.shape), tf.float32) for w in start]
        keras_adam.apply(gradients, theirs)
        fused_adam.apply(gradients, tf.constant(0.01))
        for a, b in zip(theirs, ours):
            np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=1e-5, atol=1e-7)
    assert np.abs(ours[0].numpy() - start[0]).max() > 0.03  # the weights did move


def test_fused_adam_at_rate_zero_keeps_the_weights_bit_for_bit():
    weight = keras.Variable(np.linspace(-1, 1, 6, dtype=np.float32))
    adam = FusedAdam([weight], clip_norm=1.0)
    adam.apply([tf.ones(6)], tf.constant(0.01))
    before = weight.numpy().copy()
    adam.apply([tf.fill([6], 3.0)], tf.constant(0.0))
    assert weight.numpy().tobytes() == before.tobytes()

"""predict.py: one-step and full-song predictions, fed exactly as the lecture feeds them.

Scripted Keras models make the feeding visible: which windows go in, in what order, and when
the state is reset.
"""

import numpy as np
import pytest

from melodygen.learning.backend import configure_tensorflow, load_keras

configure_tensorflow()
keras = load_keras()
import tensorflow as tf  # noqa: E402

from melodygen.learning.song import predict  # noqa: E402
from melodygen.learning.song.config import MODELS  # noqa: E402
from melodygen.learning.song.encoding import make_dataset, make_encoding
from melodygen.learning.networks.fused import window_forward  # noqa: E402
from melodygen.learning.networks import song_network as build_model  # noqa: E402
from melodygen.learning.song.vocabulary import Vocabulary  # noqa: E402

CLASSES = 14


class Script(keras.layers.Layer):
    """A stand-in for a trained model: it reads the window's vocabulary indices back from the
    encoded input (the nearest row of the encoding's table) and answers
    ``rule(window, seen)`` with certainty, ``seen`` being the windows it has been fed since its
    state was reset. It is stateful like an LSTM: ``models.reset_state`` resets it."""

    def __init__(self, table, rule, **kwargs):
        super().__init__(**kwargs)
        self.table = tf.constant(table)  # (vocabulary, features)
        self.rule = rule
        self.stateful = True

    def build(self, input_shape):
        self.seen = self.add_weight(shape=(), initializer="zeros", dtype="int32", trainable=False)

    def call(self, x):
        features = self.table.shape[1]
        x = tf.reshape(x, (tf.shape(x)[0], -1, 1, features))              # (batch, window, 1, features)
        window = tf.argmin(tf.reduce_sum(tf.square(x - self.table), -1), -1, output_type=tf.int32)
        answer = self.rule(window, self.seen)                              # (batch,)
        self.seen.assign_add(1)
        return tf.one_hot(answer, CLASSES)

    def reset_state(self):
        self.seen.assign(0)


def scripted(spec, encoding, rule, seen=0):
    """A Keras model with ``spec``'s input layout that answers by ``rule``; its state starts at
    ``seen`` windows, as if left over from earlier calls."""
    features = encoding.features_per_note
    inputs = keras.Input(batch_shape=(1, 4, features)) if spec.stateful else \
        keras.Input((4 * features,) if spec.family == "mlp" else (4, features))
    model = keras.Sequential([inputs, Script(encoding.table, rule)])
    model.layers[-1].seen.assign(seen)
    return model


def four_back(window, seen):
    return window[:, 0]


def one_up(window, seen):
    return (window[:, -1] + 1) % CLASSES


def count_from_first(window, seen):
    return (seen + window[:, 0]) % CLASSES


@pytest.fixture(scope="module")
def song(nabiya):
    vocabulary = Vocabulary.lecture()
    return vocabulary, make_dataset(vocabulary.indices(nabiya.notes), 4)


@pytest.mark.parametrize("name", list(MODELS))
def test_one_step_predicts_from_every_real_window(song, name):
    vocabulary, dataset = song
    spec = MODELS[name]
    encoding = make_encoding(spec.encoding, vocabulary)
    got = predict.one_step(scripted(spec, encoding, four_back), encoding, dataset)
    assert got.dtype == np.int32
    assert got.tolist() == dataset.inputs[:, 0].tolist()


@pytest.mark.parametrize("name", list(MODELS))
@pytest.mark.parametrize("rule, expected", [
    # the note four back: the primer g8 e8 e4 f8 (11 9 2 10) over and over
    (four_back, [11, 9, 2, 10] * 12 + [11, 9]),
    # one index up from the last note, from f8 (10): 11 12 13 0 1 ...
    (one_up, [(11 + i) % CLASSES for i in range(50)]),
])
def test_full_song_feeds_on_its_own_output(song, name, rule, expected):
    vocabulary, dataset = song
    spec = MODELS[name]
    encoding = make_encoding(spec.encoding, vocabulary)
    got = predict.full_song(scripted(spec, encoding, rule), encoding, dataset.inputs[0], 50)
    assert got.dtype == np.int32
    assert got.tolist() == expected


@pytest.mark.parametrize("name", ["stateful", "stateful2"])
def test_stateful_one_step_resets_then_carries_the_state_in_song_order(song, name):
    vocabulary, dataset = song
    spec = MODELS[name]
    encoding = make_encoding(spec.encoding, vocabulary)
    model = scripted(spec, encoding, count_from_first, seen=7)  # left-over state must not count
    got = predict.one_step(model, encoding, dataset)
    assert got.tolist() == [(i + first) % CLASSES for i, first in enumerate(dataset.inputs[:, 0])]


@pytest.mark.parametrize("name", ["stateful", "stateful2"])
def test_stateful_full_song_resets_then_carries_the_state(song, name):
    vocabulary, dataset = song
    spec = MODELS[name]
    encoding = make_encoding(spec.encoding, vocabulary)
    model = scripted(spec, encoding, count_from_first, seen=3)
    got = predict.full_song(model, encoding, dataset.inputs[0], 20)
    played = [11, 9, 2, 10]  # the primer, then each answer: (windows seen + first note) mod 14
    for seen in range(20):
        played.append((seen + played[seen]) % CLASSES)
    assert got.tolist() == played[4:]


@pytest.mark.parametrize("steps", [1, 7])
def test_full_song_length(song, steps):
    vocabulary, dataset = song
    spec = MODELS["mlp"]
    encoding = make_encoding("index", vocabulary)
    got = predict.full_song(scripted(spec, encoding, one_up), encoding, dataset.inputs[0], steps)
    assert got.tolist() == [(11 + i) % CLASSES for i in range(steps)]


def test_stateful_one_step_is_the_trained_forward_pass(song):
    """A real stateful model: one-step predictions equal the argmax of the whole song read in
    one sequence (``fused.window_forward``), the computation fast training optimizes."""
    vocabulary, dataset = song
    spec = MODELS["stateful2"]
    encoding = make_encoding(spec.encoding, vocabulary)
    model = build_model(spec, 4, 2, CLASSES)
    rng = np.random.default_rng(3)
    # recurrent weights of spread 0.2: at 0.5 the state is chaotic over the song's 200 steps,
    # and the two kernels' float rounding (TensorFlow's fused LSTM, Keras's) grows to other
    # notes; the input and output weights large, so that the windows get different notes
    kernel, recurrent, bias, dense_kernel, _ = model.get_weights()
    model.set_weights([rng.normal(0, spread, w.shape).astype(np.float32) for w, spread in
                       ((kernel, 2.0), (recurrent, 0.2), (bias, 0.2), (dense_kernel, 2.0))]
                      + [np.zeros(CLASSES, np.float32)])
    windows = tf.constant(encoding.encode(dataset.inputs).astype(np.float32))  # (50, 4, 2)
    expected = np.argmax(window_forward(model, windows)().numpy(), axis=-1)
    assert len(set(expected.tolist())) > 1  # weights that tell the windows apart
    np.testing.assert_array_equal(predict.one_step(model, encoding, dataset), expected)
    # the full song starts like the one-step prediction: same primer, same zero state
    full = predict.full_song(model, encoding, dataset.inputs[0], 3)
    assert full[0] == expected[0]


def test_next_note_matches_the_model(song):
    vocabulary, dataset = song
    spec = MODELS["mlp"]
    model = build_model(spec, 4, 1, CLASSES)
    encoding = make_encoding("index", vocabulary)
    probs = predict.Predictor(model, encoding).next_note(dataset.inputs[0])
    assert probs.shape == (CLASSES,)
    assert probs.sum() == pytest.approx(1.0, abs=1e-5)
    direct = model(encoding.encode(dataset.inputs[:1]).reshape(1, 4), training=False)[0]
    np.testing.assert_allclose(probs, np.asarray(direct), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", ["transformer", "transformer4"])
def test_a_transformer_reads_note_by_note_what_it_reads_whole(song, name):
    """The song Transformer's predictions keep every note's keys and values (``begin``,
    ``extend``): after each note the same probabilities as the model run on the whole song so
    far, and the full song the same notes as recomputing every prefix."""
    vocabulary, dataset = song
    keras.utils.set_random_seed(3)  # untrained weights: probabilities far from one-hot
    model = build_model(MODELS[name], 4, 2, CLASSES)
    predictor = predict.SongPredictor(model, make_encoding("features", vocabulary))
    notes = np.concatenate([dataset.inputs[0], dataset.inputs[1:, -1]]).astype(np.int32)
    read = [predictor.begin(notes[:4])] + [predictor.extend(note) for note in notes[4:20]]
    for end, probs in enumerate(read, start=4):
        np.testing.assert_allclose(probs, predictor.next_note(notes[:end]), atol=1e-5)
    expected = list(notes[:4])
    for _ in range(30):
        expected.append(int(np.argmax(predictor.next_note(np.array(expected, np.int32)))))
    assert predictor.full_song(notes[:4], 30).tolist() == expected[4:]


# ---- the stepper of generation -------------------------------------------------------------

class Sums:
    """A predictor of a window that gives (sum of the window) mod 14 for sure and records the
    windows."""

    reads_song = False

    def __init__(self):
        self.seen, self.model = [], keras.Sequential([keras.Input((1,))])

    def next_note(self, window):
        self.seen.append([int(i) for i in window])
        return np.eye(CLASSES, dtype=np.float32)[int(np.sum(window)) % CLASSES]


@pytest.mark.parametrize("stateful, fed", [
    (True, [[0, 1, 2], [1, 2, 3], [2, 3, 4]]),  # a stateful model reads every primer window
    (False, [[2, 3, 4]]),                        # a model without state only the last one
])
def test_the_stepper_reads_the_primer_then_its_own_notes(stateful, fed):
    from melodygen.learning.song.predict import SongStepper

    vocabulary = Vocabulary.lecture()
    predictor = Sums()
    stepper = SongStepper(predictor, vocabulary, 3, stateful)
    pick = np.argmax
    choice = stepper.start(vocabulary.to_notes([0, 1, 2, 3, 4])).choose(pick)
    assert choice.token == (9,)  # 2+3+4
    choice = stepper.advance(choice).choose(pick)  # 3+4+9 = 16 -> 2
    assert choice.token == (2,) and choice.note == vocabulary.notes[2]
    assert predictor.seen == fed + [[3, 4, 9]]


def test_the_stepper_pads_a_short_primer():
    from melodygen.learning.song.predict import SongStepper

    predictor = Sums()
    stepper = SongStepper(predictor, Vocabulary.lecture(), 3, True)
    assert stepper.start(Vocabulary.lecture().to_notes([2])).choose(np.argmax).token == (6,)
    assert predictor.seen == [[2, 2, 2]]

"""networks/transformer.py: causal attention with ALiBi, a context of the last notes, the model of
one song, and the decoder that runs a collection model one event at a time as the whole
sequence does."""

import numpy as np
import pytest

pytestmark = pytest.mark.usefixtures("tensorflow")


def song_model(context=None, features=2, classes=14):
    from melodygen.learning.networks import song_network
    from melodygen.learning.seeding import seeded
    from melodygen.learning.song.config import MODELS

    spec = MODELS["transformer" if context is None else "transformer4"]
    with seeded(3):
        return song_network(spec, 4, features, classes)


def outputs(model, notes: np.ndarray) -> np.ndarray:
    return np.asarray(model(notes[None].astype(np.float32)))[0]


def test_a_head_looks_up_the_same_beat_of_earlier_bars():
    """The bars' bonus: a head's score of an earlier event rises by its ``same_beat`` where that
    event falls on the bar position of the event it predicts, whatever the distance."""
    from melodygen.learning.networks.transformer import CausalSelfAttention

    attention = CausalSelfAttention(4, 2, bars=True)
    attention.build((1, 4, 4))
    attention.same_beat.assign([2.0, 0.0])
    beats = np.array([[1, 2, 1, 3]], np.int32)
    bias = np.asarray(attention.beat_bias(beats, beats))
    assert bias.shape == (1, 2, 4, 4)
    np.testing.assert_array_equal(bias[0, 0], 2.0 * (beats[0][:, None] == beats[0][None, :]))
    np.testing.assert_array_equal(bias[0, 1], np.zeros((4, 4)))


def test_the_slopes_of_the_heads():
    from melodygen.learning.networks.transformer import alibi_slopes
    np.testing.assert_array_equal(alibi_slopes(4), [0.5, 0.25, 0.125, 0.0625])


def test_a_note_sees_no_later_note():
    model = song_model()
    rng = np.random.default_rng(0)
    notes = rng.normal(size=(12, 2))
    changed = notes.copy()
    changed[8:] = rng.normal(size=(4, 2))
    before, after = outputs(model, notes), outputs(model, changed)
    np.testing.assert_allclose(before[:8], after[:8], atol=1e-6)
    assert np.abs(before[8:] - after[8:]).max() > 1e-4
    np.testing.assert_allclose(before.sum(axis=-1), 1.0, atol=1e-5)  # probabilities


@pytest.mark.parametrize("context, sees", [(None, 12), (4, 4)])
def test_the_context_is_what_a_note_sees_through_every_block(context, sees):
    """The 4-note model's output after note 11 depends on notes 8..11 only, although it has two
    blocks (the second attends to its own position: ``block_context``)."""
    model = song_model(context)
    rng = np.random.default_rng(1)
    notes = rng.normal(size=(12, 2))
    last = outputs(model, notes)[-1]
    for first in range(12):
        changed = notes.copy()
        changed[first] += 1.0
        moved = np.abs(outputs(model, changed)[-1] - last).max() > 1e-6
        assert moved == (first >= 12 - sees), first


def test_a_song_network_is_small_and_saved_whole(tmp_path):
    import keras

    model = song_model()
    assert 15_000 < model.count_params() < 40_000  # some tens of thousands of weights at most
    path = tmp_path / "t.keras"
    keras.saving.save_model(model, path)
    again = keras.saving.load_model(path, compile=False)
    notes = np.random.default_rng(2).normal(size=(9, 2))
    np.testing.assert_array_equal(outputs(again, notes), outputs(model, notes))


@pytest.mark.parametrize("family, context", [("lstm", None), ("transformer", None),
                                             ("transformer", 3)])
def test_one_event_at_a_time_is_the_whole_tune(family, context):
    """``collection.network.Stepwise`` gives, event by event, what the network gives for the
    whole tune at once: its pitch and length probabilities at each event."""
    import tensorflow as tf

    from melodygen.formats.notation import parse_notes
    from melodygen.core.note import Melody
    from melodygen.learning.collection.config import CollectionModelConfig
    from melodygen.learning.collection.events import Column, EventVocabulary, encode_song
    from melodygen.learning.collection.network import Stepwise
    from melodygen.learning.collection.training import new_network

    tune = Melody(tuple(parse_notes("g8 e8 e4 f8 d8 d4 c8 d8 e8 f8 g8 g8 g4")), time_signature=(2, 4))
    vocabulary = EventVocabulary.from_melodies([tune])
    config = CollectionModelConfig(family=family, units=16, layers=2, heads=2, context=context,
                                   pitch_embedding=8)
    network = new_network(config, vocabulary, seed=4)
    for layer in network.layers:  # the bars' bonus learnt: a head that looks up the same beat
        if family == "transformer" and layer.name.startswith("block_"):
            layer.attention.same_beat.assign([1.5, -0.5])
    rows = encode_song(tune, 0, vocabulary)
    whole = network(rows[None], training=False)
    pitches = tf.nn.softmax(whole["pitch"][0]).numpy()
    lengths = tf.nn.softmax(whole["duration"][0]).numpy()
    stepwise = Stepwise(network, config)
    for place, row in enumerate(rows):
        pitch, length = stepwise.read(row)
        np.testing.assert_allclose(pitch, pitches[place], atol=1e-5)
        np.testing.assert_allclose(length[row[Column.TARGET_PITCH]], lengths[place], atol=1e-5)

"""evaluation/metrics.py: bits per note as the field counts them, on answers worked out by hand."""

import math

import numpy as np
import pytest

from melodygen.core.errors import ConfigError
from melodygen.evaluation.metrics import fold_means, score_song


def test_a_uniform_model_gives_log2_of_the_alphabet():
    alphabet = 27
    uniform = np.full((5, alphabet), 1 / alphabet)
    song = score_song("s", uniform, [0, 3, 26, 3, 1], np.full(5, 1 / (alphabet * 4)))
    assert song.pitch_bits == pytest.approx([math.log2(27)] * 5)
    assert song.note_bits == pytest.approx([math.log2(27 * 4)] * 5)
    assert fold_means([song])[:2] == pytest.approx((math.log2(27), math.log2(108)))


def test_bits_accuracy_and_the_mean_over_a_folds_notes():
    first = score_song("a", np.array([[0.5, 0.25, 0.25], [0.125, 0.875, 0.0]]), [0, 0],
                       np.array([0.25, 0.0625]))
    assert first.pitch_bits.tolist() == [1.0, 3.0] and first.note_bits.tolist() == [2.0, 4.0]
    assert first.pitch_right.tolist() == [True, False]
    second = score_song("b", np.array([[0.25, 0.25, 0.5]]), [2], np.array([0.5]))
    # the mean over the notes of the fold, not over its songs: (1 + 3 + 1) / 3
    assert fold_means([first, second]) == pytest.approx((5 / 3, 7 / 3, 2 / 3))


def test_shapes_must_agree():
    with pytest.raises(ConfigError, match="s: 2 distributions and 2 note probabilities for 3"):
        score_song("s", np.full((2, 3), 1 / 3), [0, 1, 2], np.ones(2))

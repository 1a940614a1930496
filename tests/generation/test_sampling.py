"""sampling.py: temperature, top-k and top-p, and drawing a note."""

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from melodygen.generation.sampling import distribution, sample

probabilities = st.lists(st.floats(0, 1), min_size=1, max_size=20).filter(
    lambda p: sum(p) > 1e-6 and max(p) > 1e-3).map(lambda p: np.array(p) / sum(p))


def test_distribution_reshapes_as_documented():
    probs = np.array([0.5, 0.3, 0.2])
    np.testing.assert_allclose(distribution(probs), probs, rtol=1e-12)
    np.testing.assert_allclose(distribution(probs, temperature=0.5), [0.25 / 0.38, 0.09 / 0.38, 0.04 / 0.38],
                               rtol=1e-12)
    np.testing.assert_allclose(distribution(probs, top_k=2), [0.625, 0.375, 0], rtol=1e-12)
    np.testing.assert_allclose(distribution(probs, top_p=0.45), [1, 0, 0], rtol=1e-12)
    np.testing.assert_allclose(distribution(probs, top_p=0.75), [0.625, 0.375, 0], rtol=1e-12)
    np.testing.assert_allclose(distribution(probs, top_p=1.0), probs, rtol=1e-12)
    # temperature first, then top-k: T = 0.5 gives 0.25 : 0.09, then the top two are kept
    np.testing.assert_allclose(distribution(probs, 0.5, top_k=2), [0.25 / 0.34, 0.09 / 0.34, 0], rtol=1e-12)


def test_distribution_ties_keep_the_lower_index_and_impossible_stays_impossible():
    np.testing.assert_array_equal(distribution([0.2, 0.4, 0.4], top_k=1), [0, 1, 0])
    np.testing.assert_array_equal(distribution([0.5, 0.5, 0.0], temperature=10), [0.5, 0.5, 0])


@pytest.mark.parametrize("settings, message", [
    ({"temperature": 0}, "temperature must be a number above 0, got 0"),
    ({"temperature": -1.0}, "temperature must be a number above 0, got -1.0"),
    ({"temperature": float("nan")}, "temperature must be a number above 0, got nan"),
    ({"top_k": 0}, "top-k must be a whole number, at least 1, got 0"),
    ({"top_k": 1.5}, "top-k must be a whole number, at least 1, got 1.5"),
    ({"top_p": 0}, "top-p must be in (0, 1], got 0"),
    ({"top_p": 1.5}, "top-p must be in (0, 1], got 1.5"),
])
def test_bad_sampling_settings_are_refused(settings, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        sample(np.array([0.5, 0.5]), rng=np.random.default_rng(0), **settings)


def unique_top(probs) -> bool:
    """A most likely note 0.1% likelier than the next: a model's probabilities are never tied,
    and a tie has no limit at temperature 0 (it is shared) while argmax takes the first."""
    top = np.sort(probs)[::-1]
    return len(top) == 1 or top[0] > 1.001 * top[1]


@given(probabilities.filter(unique_top), st.integers(0, 2 ** 32 - 1))
def test_near_zero_temperature_and_top_1_are_greedy(probs, seed):
    rng = np.random.default_rng(seed)
    assert sample(probs, temperature=1e-6, rng=rng) == int(np.argmax(probs))
    assert sample(probs, top_k=1, rng=rng) == int(np.argmax(probs))


def test_top_1_breaks_ties_as_argmax_does():
    assert sample(np.array([0.25, 0.5, 0.25, 0.5]), top_k=1, rng=np.random.default_rng(0)) == 1


@given(probabilities, st.floats(0.05, 5), st.integers(1, 20), st.floats(0.01, 1),
       st.integers(0, 2 ** 32 - 1))
def test_a_sample_is_a_note_the_settings_keep(probs, temperature, top_k, top_p, seed):
    kept = distribution(probs, temperature, top_k, top_p)
    assert kept.sum() == pytest.approx(1)
    assert np.count_nonzero(kept) <= top_k
    choice = sample(probs, temperature, top_k, top_p, np.random.default_rng(seed))
    assert kept[choice] > 0


def test_sampling_follows_the_probabilities():
    rng = np.random.default_rng(5)
    draws = [sample(np.array([0.2, 0.8]), rng=rng) for _ in range(10_000)]
    assert abs(draws.count(0) - 2000) < 120  # 3 standard deviations of a binomial(10000, 0.2)

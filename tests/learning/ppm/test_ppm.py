"""IDyOM's PPM: hand-worked counts and distributions, IDyOM's own test vectors, and the fast
long-term model against the plain one.

The three-song corpus of most tests, over the alphabet a=0, b=1, c=2 (c never occurs), learnt
in this order: "ab", "ab", "ba". Its counts (``$``: a song's end):

    order 0:  a 3, b 3, $ 3                  update-excluded: a 3, b 2
    after a:  b 2, $ 1                        update-excluded: b 2
    after b:  a 1, $ 2                        update-excluded: a 1
    after ab: $ 2;  after ba: $ 1
"""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from melodygen.core.errors import ConfigError, MelodyError
from melodygen.learning.ppm import (
    PPM,
    CountIndex,
    PPMConfig,
    bits,
    combine,
    entropy,
    long_term_distributions,
    mean_bits,
    short_term_distributions,
)

CORPUS = ([0, 1], [0, 1], [1, 0])


def trained(order=None, escape="C", interpolated=True, update_exclusion=False, exclusion=True):
    model = PPM(3, order, escape, interpolated, update_exclusion, exclusion)
    for song in CORPUS:
        model.learn(song)
    return model


def exact(*fractions):
    return np.array([float(f) for f in fractions])


# -- no data --------------------------------------------------------------------------------

@pytest.mark.parametrize("escape", ["A", "B", "C", "D", "X"])
@pytest.mark.parametrize("order", [None, 0, 3])
def test_a_model_with_no_data_is_uniform(escape, order):
    model = PPM(5, order, escape)
    rows = model.sequence_distributions([4, 0, 2])
    assert np.array_equal(rows, np.full((3, 5), 0.2))
    assert mean_bits(rows, [4, 0, 2]) == pytest.approx(np.log2(5), abs=1e-15)


def test_a_short_term_model_predicts_the_first_note_uniformly_then_learns():
    rows = short_term_distributions(PPMConfig(4), [[2, 2]])[0]
    assert np.array_equal(rows[0], np.full(4, 0.25))
    # after one "2": order 0 has 2 once (t=1, n=1, w=1/2): p(2) = 1/2 + 1/2 * 1/4 (order -1
    # over 4 + 1 - 1 = 4 symbols), the others 1/8; sum 1
    assert np.allclose(rows[1], exact(F(1, 8), F(1, 8), F(5, 8), F(1, 8)), atol=1e-15)


# -- the three-song corpus, by hand ---------------------------------------------------------

def test_order_1_escape_c_interpolated():
    # order 1 after a: b 2 (t=1, n=2, w=2/3): b += 2/3; escape 1/3
    # order 0, b excluded: n=3 (a), t=2, w=3/5: a += 1/3*3/5*3/3, b += the same; escape 2/15
    # order -1 over 3 + 1 - 2 symbols: 1/2 each: += 1/15. Sum 19/15.
    assert np.allclose(trained(1).next_note([0]), exact(F(4, 19), F(14, 19), F(1, 19)), atol=1e-15)


def test_order_1_escape_c_without_exclusion():
    # order 0 counts b too: n=6, w=6/8: a, b += 1/3*3/4*3/6 = 1/8; order -1 1/3 * 1/12
    assert np.allclose(trained(1, exclusion=False).next_note([0]),
                       exact(F(11, 72), F(59, 72), F(2, 72)), atol=1e-15)


def test_order_1_escape_x():
    # X: t = 1 + symbols seen once. Order 1: t=1, w=2/3; order 0: t=1, n=3, w=3/4:
    # a, b += 1/3*3/4 = 1/4; escape 1/12, order -1: 1/24 each. Sum 31/24.
    assert np.allclose(trained(1, "X").next_note([0]), exact(F(7, 31), F(23, 31), F(1, 31)),
                       atol=1e-15)


def test_order_1_escape_c_backoff():
    # b = 2/3 at order 1; at order 0 only the new symbol a: 1/3*3/5 = 1/5; order -1 only to c:
    # 2/15 * 1/2. Sum 14/15.
    assert np.allclose(trained(1, interpolated=False).next_note([0]),
                       exact(F(3, 14), F(10, 14), F(1, 14)), atol=1e-15)


def test_update_exclusion_counts_only_where_the_symbol_was_new_or_seen_longest():
    # order 0 update-excluded a 3, b 2: n=3 (a; b excluded), w=3/5: a += 1/3*3/5*3/3 = 1/5,
    # b += 1/3*3/5*2/3 = 2/15; order -1 1/15 each. Sum 18/15.
    assert np.allclose(trained(1, update_exclusion=True).next_note([0]),
                       exact(F(4, 18), F(13, 18), F(1, 18)), atol=1e-15)


@pytest.mark.parametrize("update_exclusion", [False, True])
def test_order_0_bound_below_the_longest_match_uses_full_counts(update_exclusion):
    # after "ab" the longest match is order 2 > 0: order 0 is chosen, with full counts even
    # when update-excluded (a 3, b 3: n=6, w=3/4: 3/8 each; order -1 1/4 * 1/2). Sum 9/8.
    model = trained(0, update_exclusion=update_exclusion)
    assert model.selected_order([0, 1]) == (0, True)
    assert np.allclose(model.next_note([0, 1]), exact(F(4, 9), F(4, 9), F(1, 9)), atol=1e-15)


@pytest.mark.parametrize("order", [None, 2])
def test_order_2_context_followed_only_by_the_end(order):
    # "ab" was only ever followed by $: no counts, weight 0, escape 1 (and nothing excluded).
    # After b: a 1 (t=1, w=1/2): a += 1/2. Order 0, a excluded: n=3, w=3/5: a, b += 3/10;
    # order -1: 1/5 * 1/2. Sum 14/10. Unbounded, "ab" is the longest match and deterministic,
    # and "b" (a, $) is not: PPM* keeps order 2, not "selected".
    model = trained(order)
    assert model.selected_order([0, 1]) == (2, False)
    assert np.allclose(model.next_note([0, 1]), exact(F(9, 14), F(4, 14), F(1, 14)), atol=1e-15)


def test_unbounded_update_excluded():
    # order 1, b: a 1 -> a += 1/2; order 0 update-excluded a 3, b 2 with a excluded: n=2, t=2,
    # w=1/2: a += 1/2*1/2*3/2, b += 1/2*1/2*2/2; order -1: 1/4 * 1/2. Sum 12/8.
    assert np.allclose(trained(None, update_exclusion=True).next_note([0, 1]),
                       exact(F(8, 12), F(3, 12), F(1, 12)), atol=1e-15)


def test_ppm_star_on_a_repeated_sequence_takes_the_shortest_deterministic_context():
    # "abcabc": after "abcab" every suffix up to the whole was followed by c alone, and so was
    # "b": PPM* chooses order 1 (c 2: w=2/3), then order 0 with c excluded: n=4 (a 2, b 2),
    # t=3, w=4/7: 1/3*4/7*2/4 = 2/21 to each; order -1 over 3 + 1 - 3 = 1 symbol: 1/7 each.
    model = PPM(3)
    model.learn([0, 1, 2, 0, 1, 2])
    assert model.selected_order([0, 1, 2, 0, 1]) == (1, True)
    assert np.allclose(model.next_note([0, 1, 2, 0, 1]), exact(F(5, 29), F(5, 29), F(19, 29)),
                       atol=1e-15)
    # an order bound of 5 keeps the longest match: c 2 at every order from 5 to 1
    assert PPM(3, 5).selected_order([0, 1, 2, 0, 1]) == (0, False)  # nothing learnt yet
    bounded = PPM(3, 5)
    bounded.learn([0, 1, 2, 0, 1, 2])
    assert bounded.selected_order([0, 1, 2, 0, 1]) == (5, False)


@pytest.mark.parametrize("escape,expected", [
    # after a: order 1 b 2; order 0 a 3, b 3 (b excluded), 2 types; order -1 1/2 each
    # A: w = n/(n+1) = 2/3, then 3/4: b 2/3, a and b 1/4, order -1 1/12 * 1/2
    ("A", exact(F(7, 31), F(23, 31), F(1, 31))),
    # B (k=-1): b 1 of n=1, w=1/2; a 2 of n=2, t=2, w=1/2: a, b += 1/4; order -1 1/4 * 1/2
    ("B", exact(F(3, 11), F(7, 11), F(1, 11))),
    # D (k=-1/2, d=2): b 3/2 of n=3/2, w=3/4; a 5/2 of n=5/2, w=5/7: a, b += 5/28; 1/28
    ("D", exact(F(6, 34), F(27, 34), F(1, 34))),
])
def test_escapes_a_b_d(escape, expected):
    assert np.allclose(trained(1, escape).next_note([0]), expected, atol=1e-15)


# -- IDyOM's own test vectors (testing/ppm-tests.lisp, single floats) ------------------------

def idyom_predict(sequences, **settings):
    alphabet = sorted({s for sequence in sequences for s in sequence})
    index = {s: i for i, s in enumerate(alphabet)}
    model = PPM(len(alphabet), **settings)
    return [model.sequence_distributions([index[s] for s in seq], learn=True)
            for seq in sequences]


def test_idyom_letlettertele_ppm_star_c_interpolated():
    rows = idyom_predict(["letlettertele"])[0]            # alphabet e l r t
    expected = [[0.25, 0.25, 0.25, 0.25], [0.125, 0.625, 0.125, 0.125],
                [0.35714287, 0.35714287, 0.14285715, 0.14285715],
                [0.2777778, 0.2777778, 0.16666667, 0.2777778],
                [0.53125, 0.21875001, 0.09375, 0.15625],
                [0.19444443, 0.19444443, 0.08333332, 0.5277778],
                [0.18421054, 0.5526316, 0.07894737, 0.18421054],
                [0.19444445, 0.3333333, 0.08333333, 0.3888889],
                [0.14999999, 0.11666667, 0.049999997, 0.68333334],
                [0.28, 0.23999998, 0.19999999, 0.28],
                [0.27956992, 0.24731185, 0.16129033, 0.311828],
                [0.12903225, 0.0967742, 0.48387095, 0.29032257],
                [0.6153847, 0.13461538, 0.09615384, 0.15384616]]
    assert np.allclose(rows, expected, atol=2e-7)


def test_idyom_mississippi_ppm_star_c_backoff():
    rows = idyom_predict(["mississippi"], interpolated=False)[0]   # alphabet i m p s
    expected = [[0.25, 0.25, 0.25, 0.25], [0.14285715, 0.5714286, 0.14285715, 0.14285715],
                [0.29999998, 0.29999998, 0.19999999, 0.19999999],
                [0.22222221, 0.22222221, 0.3333333, 0.22222221],
                [0.11764705, 0.11764705, 0.17647058, 0.58823526],
                [0.19047621, 0.095238104, 0.14285715, 0.5714286],
                [0.19047621, 0.0952381, 0.14285713, 0.5714286],
                [0.55172414, 0.06896552, 0.10344827, 0.27586207],
                [0.15384614, 0.05128205, 0.07692306, 0.7179487],
                [0.33333334, 0.11111111, 0.11111111, 0.44444445],
                [0.14999999, 0.049999997, 0.59999996, 0.19999999]]
    assert np.allclose(rows, expected, atol=2e-7)


@pytest.mark.parametrize("second,expected", [("abracadabra", 1.1457417), ("bracadabra", 1.1973304),
                                             ("abrabrac", 1.4018788)])
def test_idyom_update_exclusion_across_two_sequences(second, expected):
    rows = idyom_predict(["abracadabra", second], update_exclusion=True)
    index = {s: i for i, s in enumerate("abcdr")}
    means = [mean_bits(r, [index[s] for s in seq]) for r, seq in zip(rows, ["abracadabra", second])]
    assert means == pytest.approx([2.4509745, expected], abs=1e-6)


# -- learning as it reads --------------------------------------------------------------------

@pytest.mark.parametrize("update_exclusion", [False, True])
def test_learning_as_it_reads_is_predicting_then_learning_each_symbol(update_exclusion):
    song = [0, 1, 1, 2, 0, 1, 1, 2, 2]
    reading = trained(update_exclusion=update_exclusion)
    rows = reading.sequence_distributions(song, learn=True)
    stepping = trained(update_exclusion=update_exclusion)
    for position, symbol in enumerate(song):
        assert np.array_equal(rows[position], stepping.next_note(song[:position]))
        stepping.learn_next(song[:position], symbol)
    stepping.learn_end(song)
    whole = trained(update_exclusion=update_exclusion)
    whole.learn(song)
    for context in ([], [1], [2, 0], [0, 1, 1, 2]):
        assert np.array_equal(reading.next_note(context), whole.next_note(context))
        assert np.array_equal(stepping.next_note(context), whole.next_note(context))


def test_predicting_without_learning_leaves_the_model_alone():
    model = trained()
    before = model.next_note([1])
    model.sequence_distributions([1, 2, 2, 1])
    assert np.array_equal(model.next_note([1]), before)


# -- the fast long-term model ----------------------------------------------------------------

SETTINGS = [(None, "C", True, False), (None, "X", True, True), (None, "C", False, True),
            (None, "X", False, False), (2, "C", True, False), (2, "X", True, True),
            (0, "C", True, True), (3, "C", False, True), (None, "D", True, False)]


@pytest.mark.parametrize("order,escape,interpolated,update_exclusion", SETTINGS)
def test_count_index_predicts_as_ppm(order, escape, interpolated, update_exclusion):
    rng = np.random.default_rng(7)
    songs = [list(rng.integers(0, 4, size=rng.integers(0, 30))) for _ in range(40)]
    songs += [[0, 1, 2, 3] * 5, [0, 1, 2, 3] * 5]                    # long repeats
    training, tests = songs[:30] + [[]], songs[30:] + [[0, 1, 2, 3] * 6, []]
    config = PPMConfig(5, order, escape, interpolated, update_exclusion)
    model = PPM.from_config(config)
    for song in training:
        model.learn(song)
    fast = CountIndex(config, training).distributions(tests)
    for song, rows in zip(tests, fast):
        assert rows.shape == (len(song), 5)
        assert np.allclose(rows, model.sequence_distributions(song), rtol=0, atol=1e-14)


@pytest.mark.parametrize("order,escape,interpolated,update_exclusion", SETTINGS)
def test_reading_index_learns_as_ppm_does(order, escape, interpolated, update_exclusion):
    rng = np.random.default_rng(11)
    songs = [list(rng.integers(0, 4, size=rng.integers(0, 25))) for _ in range(30)]
    songs += [[3, 2, 1] * 6, [], [3, 2, 1] * 7]
    config = PPMConfig(5, order, escape, interpolated, update_exclusion)
    long_term = PPM.from_config(config)                # LTM+: 20 learnt, then 13 read
    for song in songs[:20]:
        long_term.learn(song)
    read = long_term_distributions(config, songs[:20], songs[20:], learn=True)
    short = short_term_distributions(config, songs)
    for song, rows in zip(songs[20:], read):
        assert np.allclose(rows, long_term.sequence_distributions(song, learn=True), rtol=0,
                           atol=1e-14)
    for song, rows in zip(songs, short):
        fresh = PPM.from_config(config)                 # STM: a new model, no end
        expected = np.zeros((len(song), 5))
        for i, symbol in enumerate(song):
            expected[i] = fresh.next_note(song[:i])
            fresh.learn_next(song[:i], symbol)
        assert rows.shape == (len(song), 5)
        assert np.allclose(rows, expected, rtol=0, atol=1e-14)


def test_count_index_with_no_training_songs_is_uniform():
    assert np.array_equal(CountIndex(PPMConfig(4), []).distributions([[1, 2]])[0],
                          np.full((2, 4), 0.25))


def test_long_term_plus_learns_the_test_songs_in_order():
    config = PPMConfig(3)
    rows = long_term_distributions(config, CORPUS[:2], [[1, 0], [1, 0]], learn=True)
    model = trained()                       # "ab", "ab", then the first test song "ba"
    assert np.array_equal(rows[1], model.sequence_distributions([1, 0], learn=True))
    plain = long_term_distributions(config, CORPUS, [[0, 1]])
    assert np.allclose(plain[0], trained().sequence_distributions([0, 1]), atol=1e-15)


@settings(max_examples=40, deadline=None)
@given(songs=st.lists(st.lists(st.integers(0, 3), max_size=12), min_size=1, max_size=6),
       context=st.lists(st.integers(0, 3), max_size=8),
       order=st.sampled_from([None, 0, 1, 3]), escape=st.sampled_from(["A", "B", "C", "D", "X"]),
       interpolated=st.booleans(), update_exclusion=st.booleans(), exclusion=st.booleans())
def test_distributions_sum_to_one_and_give_every_symbol_a_chance(
        songs, context, order, escape, interpolated, update_exclusion, exclusion):
    model = PPM(4, order, escape, interpolated, update_exclusion, exclusion)
    for song in songs:
        model.learn(song)
    p = model.next_note(context)
    assert p.shape == (4,)
    assert np.all(p > 0)
    assert p.sum() == pytest.approx(1.0, abs=1e-12)


# -- combination and metric --------------------------------------------------------------

@pytest.mark.parametrize("method", ["geometric", "arithmetic"])
def test_combining_a_distribution_with_itself_gives_it_back(method):
    p = np.array([[0.5, 0.25, 0.125, 0.125], [0.7, 0.1, 0.1, 0.1]])
    assert np.allclose(combine([p, p], 7, method), p, atol=1e-15)


def test_combination_weights_by_relative_entropy():
    flat, sharp = np.array([0.5, 0.5]), np.array([0.75, 0.25])
    h = -(0.75 * np.log2(0.75) + 0.25 * np.log2(0.25))          # log2(2) = 1: H_rel = H
    w_flat, w_sharp = 1.0, h ** -2
    arithmetic = (w_flat * flat + w_sharp * sharp) / (w_flat + w_sharp)
    assert np.allclose(combine([flat, sharp], 2, "arithmetic"), arithmetic, atol=1e-15)
    shares = np.array([w_flat, w_sharp]) / (w_flat + w_sharp)
    geometric = flat ** shares[0] * sharp ** shares[1]
    assert np.allclose(combine([flat, sharp], 2), geometric / geometric.sum(), atol=1e-15)
    assert np.allclose(combine([flat, sharp], 0, "arithmetic"), [0.625, 0.375], atol=1e-15)


def test_a_certain_model_decides_the_combination():
    assert np.array_equal(combine([np.array([1.0, 0.0]), np.array([0.5, 0.5])]), [1.0, 0.0])


def test_bits_and_entropy():
    rows = np.array([[0.5, 0.25, 0.25], [0.125, 0.75, 0.125]])
    assert np.array_equal(bits(rows, [1, 0]), [2.0, 3.0])
    assert mean_bits(rows, [1, 0]) == 2.5
    assert np.allclose(entropy(rows[0]), 1.5, atol=1e-15)


@pytest.mark.parametrize("kwargs,message", [
    ({"alphabet_size": 0}, "alphabet size must be a positive int, got 0"),
    ({"alphabet_size": 3, "order": -1}, "order bound must be None or an int >= 0, got -1"),
    ({"alphabet_size": 3, "escape": "Q"}, "escape must be one of A, B, C, D, X, got 'Q'"),
])
def test_bad_settings_are_config_errors(kwargs, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        PPMConfig(**kwargs)


def test_a_symbol_outside_the_alphabet_names_its_position():
    with pytest.raises(MelodyError, match="sequence: symbol 7 at position 2 is outside the "
                                          "alphabet 0..2"):
        PPM(3).learn([0, 1, 7])
    with pytest.raises(ConfigError, match="combination must be one of geometric, arithmetic"):
        combine([np.array([1.0])], method="harmonic")

"""Multiple-viewpoint systems: predictions over a restricted alphabet as PPM makes them, a
viewpoint's distribution read back as one over the pitch, the entropy-weighted combination
against Pearce's (2005) worked example, and the figures on the German children's songs."""

from __future__ import annotations

import numpy as np
import pytest

from melodygen.core.errors import ConfigError
from melodygen.learning import ppm
from melodygen.learning.ppm import (
    PPM,
    CountIndex,
    Events,
    PPMConfig,
    ReadingIndex,
    SystemConfig,
    combine,
    system_distributions,
)
from melodygen.learning.ppm import TICKS_PER_QUARTER as Q

# -- a restricted alphabet per prediction ---------------------------------------------------

SETTINGS = [(None, "C", True, False), (None, "X", True, True), (2, "C", False, True),
            (None, "D", True, False)]


def slots_for(song, rng, width=5, size=6):
    """Random candidate symbols per note (duplicates and -1 too), the note's own among them."""
    rows = rng.integers(-1, size, size=(len(song), width))
    rows[:, 0] = song
    return rows


def expected_rows(model, song, rows, learn=False, end=False):
    """PPM over each row's symbols (``allowed``), each symbol's probability shared among the
    columns that hold it."""
    out = np.zeros(rows.shape)
    for i, row in enumerate(rows):
        allowed = np.zeros(model.config.alphabet_size, bool)
        allowed[row[row >= 0]] = True
        p = model.next_note(song[:i], allowed)
        for j, symbol in enumerate(row):
            if symbol >= 0:
                out[i, j] = p[symbol] / np.count_nonzero(row == symbol)
        if learn:
            model.learn_next(song[:i], song[i])
    if end:
        model.learn_end(song)
    return out


@pytest.mark.parametrize("order,escape,interpolated,update_exclusion", SETTINGS)
def test_indexes_over_restricted_alphabets_predict_as_ppm(order, escape, interpolated,
                                                          update_exclusion):
    rng = np.random.default_rng(3)
    songs = [list(rng.integers(0, 6, size=rng.integers(0, 20))) for _ in range(24)]
    songs += [[0, 1, 2] * 5, [0, 1, 2] * 6]
    config = PPMConfig(6, order, escape, interpolated, update_exclusion)
    training, tests = songs[:16], songs[16:]
    slots = [slots_for(song, rng) for song in tests]
    model = PPM.from_config(config)
    for song in training:
        model.learn(song)
    for rows, song, table in zip(CountIndex(config, training).distributions(tests, slots),
                                 tests, slots):
        assert np.allclose(rows, expected_rows(model, song, table), rtol=0, atol=1e-14)
        assert np.allclose(rows.sum(axis=1), 1.0)
    read = ReadingIndex(config, training + tests).distributions(len(training), slots)
    for rows, song, table in zip(read, tests, slots):                 # LTM+
        expected = expected_rows(model, song, table, learn=True, end=True)
        assert np.allclose(rows, expected, rtol=0, atol=1e-14)
    short = ReadingIndex(config, tests, ends=False, separate=True).distributions(0, slots)
    for rows, song, table in zip(short, tests, slots):                # STM
        assert np.allclose(rows, expected_rows(PPM.from_config(config), song, table, True),
                           rtol=0, atol=1e-14)


def test_a_restricted_alphabet_by_hand():
    # the three-song corpus "ab", "ab", "ba" over a, b, c; after "a", over {a, c} alone:
    # order 1 after a: b 2, outside: no counts (n = 0, weight 0, escape 1); order 0: a 3 (b is
    # outside: t=1, n=3, w=3/4): a += 3/4; order -1 over 2 + 1 - 1 = 2 symbols: a, c += 1/8.
    model = PPM(3)
    for song in ([0, 1], [0, 1], [1, 0]):
        model.learn(song)
    assert np.allclose(model.next_note([0], np.array([True, False, True])),
                       [7 / 8, 0, 1 / 8], rtol=0, atol=1e-15)


# -- a viewpoint's prediction read back as the pitch's --------------------------------------

def melody(pitches, tonic=0):
    """Quarter notes in 4/4 from a downbeat."""
    count = len(pitches)
    return Events(pitches, [Q] * count, [Q * i for i in range(count)], 4 * Q, 4, tonic)


TRAIN = [melody([60, 62, 64, 62, 60]), melody([64, 62, 60, 60])]
TEST = melody([62, 64, 60])
PITCHES = [60, 62, 64]


@pytest.mark.parametrize("viewpoint", ["contour", "cpint"])
def test_a_viewpoint_s_distribution_read_back_over_the_pitch(viewpoint):
    # contour's alphabet is -1, 0, 1 (ids 0, 1, 2): after 62, the pitches 60, 62, 64 have
    # contours -1, 0, 1, one pitch each; after 64, 60 and 62 share -1, and 64 has 0
    system = SystemConfig((viewpoint,))
    rows = system_distributions(system, TRAIN + [TEST], [0, 1], [2], "ltm", PITCHES)[0]
    assert np.array_equal(rows[0], np.full(3, 1 / 3))           # undefined: uniform
    elements = {"contour": lambda a, b: int(np.sign(b - a)) + 1,
                "cpint": lambda a, b: {-4: 0, -2: 1, 0: 2, 2: 3, 4: 4}[b - a]}[viewpoint]
    size = {"contour": 3, "cpint": 5}[viewpoint]
    model = PPM.from_config(PPMConfig.named("C*I", size))
    for song in TRAIN:
        model.learn([elements(a, b) for a, b in zip(song.pitch, song.pitch[1:])])
    context = [elements(62, 64)]
    for row, previous, at in ((rows[1], 62, []), (rows[2], 64, context)):
        symbols = [elements(previous, pitch) for pitch in PITCHES]
        allowed = np.zeros(size, bool)
        allowed[symbols] = True
        p = model.next_note(at, allowed)
        shared = [p[s] / symbols.count(s) for s in symbols]
        assert np.allclose(row, shared, rtol=0, atol=1e-15)


def test_the_cpitch_system_is_idyom_s_both_plus_on_the_pitch():
    rows = system_distributions(ppm.SYSTEMS["cpitch"], TRAIN + [TEST], [0, 1], [2], "both+",
                                PITCHES)[0]
    sequences = [[PITCHES.index(p) for p in song.pitch] for song in TRAIN + [TEST]]
    long_term = ppm.long_term_distributions(PPMConfig.named("C*I", 3), sequences[:2],
                                            sequences[2:], learn=True)[0]
    short_term = ppm.short_term_distributions(PPMConfig.named("X*UI", 3), sequences[2:])[0]
    assert np.allclose(rows, combine([long_term, short_term], 7.0, "geometric"), rtol=0,
                       atol=1e-15)


# -- combination ----------------------------------------------------------------------------

def test_weights_as_pearce_s_table_7_1():
    # Pearce (2005), table 7.1: 12 pitches (78 down to 67); contour's 0.294 (rising) shared by 6
    # pitches, 0.235 (unison) by one, 0.471 (falling) by 5; bias 1: its entropy 3.373 bits and
    # weight 1.063; cpintfref's entropy 2.392, weight 1.499. (The table's combined column is
    # left out: its rounded figures do not give its first rows back.)
    contour = np.array([0.294 / 6] * 6 + [0.235] + [0.471 / 5] * 5)
    assert np.allclose(np.round(contour, 3), [0.049] * 6 + [0.235] + [0.094] * 5)
    assert ppm.entropy(np.round(contour, 3)) == pytest.approx(3.373, abs=5e-4)
    weights = (np.array([3.373, 2.392]) / np.log2(12)) ** -1.0
    assert np.allclose(weights, [1.063, 1.499], atol=5e-4)


def test_combination_weights_by_hand():
    p1, p2 = np.array([0.5, 0.25, 0.25]), np.array([0.8, 0.1, 0.1])
    h1 = 1.5                                              # bits
    h2 = -(0.8 * np.log2(0.8) + 0.2 * np.log2(0.1))
    w1, w2 = (h1 / np.log2(3)) ** -2, (h2 / np.log2(3)) ** -2
    arithmetic = (w1 * p1 + w2 * p2) / (w1 + w2)
    geometric = p1 ** (w1 / (w1 + w2)) * p2 ** (w2 / (w1 + w2))
    assert np.allclose(combine([p1, p2], 2, "arithmetic"), arithmetic, rtol=0, atol=1e-15)
    assert np.allclose(combine([p1, p2], 2, "geometric"), geometric / geometric.sum(), rtol=0,
                       atol=1e-15)


def test_an_absent_model_is_left_out_and_none_gives_uniform():
    p1, p2 = np.array([[0.5, 0.25, 0.25]] * 2), np.array([[0.8, 0.1, 0.1]] * 2)
    present = np.array([[False, False], [True, False]])   # (models, rows)
    rows = combine([p1, p2], 2, "geometric", present)
    assert np.allclose(rows[0], p2[0], rtol=0, atol=1e-15)
    assert np.allclose(rows[1], np.full(3, 1 / 3), rtol=0, atol=1e-15)


# -- systems --------------------------------------------------------------------------------

def test_systems_are_checked_on_creation():
    with pytest.raises(ConfigError, match="cannot predict the pitch"):
        SystemConfig(("dur",))
    with pytest.raises(ConfigError, match="unknown viewpoint"):
        ppm.system_named("cpint,thrfiph")
    with pytest.raises(ConfigError, match="not a PPM model name"):
        SystemConfig(("cpint",), ltm="C*Q")
    assert ppm.system_named("cpint*dur, cpintfref").viewpoints == ("cpint*dur", "cpintfref")
    with pytest.raises(ConfigError, match=r"songs \[1\] are both learnt and tested"):
        system_distributions("cpint", TRAIN + [TEST], [0, 1], [1, 2])
    with pytest.raises(ConfigError, match="part must be one of"):
        system_distributions("cpint", TRAIN + [TEST], [0, 1], [2], "all")


@pytest.mark.parametrize("name", ["C*I", "X*UI", "C2I", "A0", "D*U"])
def test_ppm_names_round_trip(name):
    assert PPMConfig.named(name, 5).name == name


def test_figures_on_the_german_children_s_songs():
    """10 folds of kinder as benchmarks/bench_viewpoints.py runs them (a regression test: the
    figures of this version, to 4 decimals)."""
    from melodygen.formats.collections import read_collection
    from melodygen.learning.splits import k_folds

    kinder = read_collection("essen/kinder")
    songs = [Events.from_tune(tune) for tune in kinder.tunes]
    folds = k_folds(kinder, 10, 0)
    pitches = sorted({int(p) for song in songs for p in song.pitch})
    figures = {}
    for name in ("cpitch", "conklin-witten", "pearce"):
        per_fold = []
        for number, test in enumerate(folds):
            train = [i for other, fold in enumerate(folds) if other != number for i in fold]
            rows = system_distributions(ppm.SYSTEMS[name], songs, train, test, "both+", pitches)
            per_fold.append(np.mean(np.concatenate([
                ppm.bits(r, [pitches.index(p) for p in songs[i].pitch])
                for r, i in zip(rows, test)])))
        figures[name] = round(float(np.mean(per_fold)), 4)
    assert figures == {"cpitch": FIGURES[0], "conklin-witten": FIGURES[1], "pearce": FIGURES[2]}


FIGURES = (2.0974, 1.7937, 1.7260)

"""evaluation/style.py: the features of a tune, and the overlap of the distances between two sets
of tunes (Yang & Lerch 2020)."""

from fractions import Fraction as F

import numpy as np
import pytest

from melodygen.core.keys import Key
from melodygen.core.note import Melody, Note
from melodygen.evaluation.style import (FEATURES, StyleTune, _density, _overlap, compare_style,
                                        features, halves)

G = Key.parse("G")


def tune(pitches, lengths=None, marks=(), meter=(2, 4)) -> StyleTune:
    lengths = lengths or [F(1)] * len(pitches)
    melody = Melody(tuple(Note(p, F(l)) for p, l in zip(pitches, lengths)), "t", meter, key=G)
    return StyleTune.of(melody, marks)


def test_the_features_of_a_tune():
    # g a | g b | g a | d' g : in G; bar 3 repeats bar 1, bar 2 and 4 have its rhythm
    found = features(tune([67, 69, 67, 71, 67, 69, 74, 67], marks=[(":|", F(4))]))
    assert found["pitch classes"].tolist() == [0.5, 0, 0.25, 0, 0.125, 0, 0, 0.125, 0, 0, 0, 0]
    steps = {i - 12: share for i, share in enumerate(found["intervals"]) if share}
    assert steps == {2: 2 / 7, -2: 1 / 7, 4: 1 / 7, -4: 1 / 7, 5: 1 / 7, -7: 1 / 7}
    assert found["note lengths"] == {F(1): 8}
    assert (found["range"], found["notes per bar"]) == (7.0, 2.0)
    assert found["bar repeats"].tolist() == [0.25, 0.5]
    # part A (repeated) ends on b, four semitones above g, part B on g
    assert found["cadences"].tolist() == [0.5, 0, 0, 0, 0.5, 0, 0, 0, 0, 0, 0, 0]
    assert found["form"] == "AAB/2"


def test_a_kernel_density_and_the_overlap_of_two():
    grid = np.linspace(-5, 10, 2001)
    same = _density(np.array([0.0, 1.0, 2.0]), grid)
    assert np.trapezoid(same, grid) == pytest.approx(1.0)
    assert _overlap(same, same, grid) == pytest.approx(1.0)
    far = _density(np.array([7.0, 8.0, 9.0]), grid)
    assert _overlap(same, far, grid) < 0.01


def test_alike_sets_overlap_as_real_tunes_do_and_unlike_ones_do_not():
    rng = np.random.default_rng(0)

    def jiggy(n):  # tunes of eighth notes stepping about the tonic of G
        return [tune([int(60 + (67 + step) % 12)
                      for step in np.cumsum(rng.choice([-2, -1, 1, 2], 16))], [F(1, 2)] * 16)
                for _ in range(n)]

    reference, real, like = jiggy(20), jiggy(20), jiggy(10)
    unlike = [tune([60, 72] * 4, [F(2)] * 8) for _ in range(10)]  # leaps of an octave, halves
    alike = compare_style(like, reference, real)
    apart = compare_style(unlike, reference, real)
    assert [o.feature for o in alike.overlaps] == list(FEATURES)
    assert all(o.ratio > 0.8 for o in alike.overlaps if o.feature != "range")
    for feature in ("intervals", "note lengths", "notes per bar"):
        assert apart[feature].overlap < 0.2 < alike[feature].overlap
    assert alike.to_json()["tunes"] == {"candidates": 10, "reference": 20, "real": 20}
    assert set(alike.to_json()["features"]["form"]) == {"overlap", "real", "ratio"}


def test_a_set_needs_two_tunes():
    with pytest.raises(ValueError, match="at least 2 tunes in each set; the candidates have 1"):
        compare_style([tune([67])], [tune([67]), tune([69])], [tune([67]), tune([69])])


def test_halves_are_drawn_by_the_seed_and_keep_the_order():
    first, second = halves(list(range(9)), seed=3)
    assert sorted(first + second) == list(range(9)) and len(first) == 4
    assert first == sorted(first) and halves(list(range(9)), seed=3) == (first, second)


def test_a_comparison_shows_itself_in_a_notebook():
    rng = np.random.default_rng(1)
    tunes = [tune([int(60 + (67 + step) % 12) for step in np.cumsum(rng.choice([-2, 2], 8))],
                  [F(1, 2)] * 8) for _ in range(9)]
    page = compare_style(tunes[:3], tunes[3:6], tunes[6:])._repr_html_()
    assert "<h4>Style: 3 tunes against 3, beside 3 real ones</h4>" in page
    assert page.count("<tr>") == 9 and 'src="data:image/png;base64,' in page

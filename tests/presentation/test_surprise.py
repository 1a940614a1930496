"""Surprise note by note: the rows, the CSV with IDyOM's columns, the colours on the score."""

from __future__ import annotations

import csv
import io
import math
from fractions import Fraction

import numpy as np
import pytest
from test_display import with_probabilities
from test_report import made_up_run

from melodygen.presentation import surprise
from melodygen.presentation.engrave import read_svg
from melodygen.presentation.run_files import build_summary


def test_the_csv_has_idyoms_columns_and_full_precision():
    rows = [surprise.NoteSurprise("nabiya", "나비야", 5, Fraction(5, 2), 62, Fraction(1, 2), 0.25,
                                  2.0, 1.5, "mlp"),
            surprise.NoteSurprise("nabiya", "나비야", 6, Fraction(3), None, Fraction(1, 3),
                                  0.1, -math.log2(0.1), 0.0, "mlp")]
    assert surprise.per_note_csv(rows).decode() == (
        "dataset.id,melody.id,note.id,onset,cpitch,dur,probability,information.content,entropy,"
        "model,task,fold\n"
        "nabiya,나비야,5,2.5,62,0.5,0.25,2.0,1.5,mlp,note,\n"
        "nabiya,나비야,6,3,,0.3333333333333333,0.1,3.321928094887362,0.0,mlp,note,\n")


def test_a_song_runs_rows_are_every_predicted_note_under_every_model():
    run = with_probabilities(made_up_run())
    rows = surprise.song_surprise(run)
    assert len(rows) == 2 * 50
    first = rows[0]
    classes = len(run.vocabulary)
    small = 0.02 / (classes - 1)
    assert (first.dataset, first.melody, first.note, first.onset, first.pitch, first.duration,
            first.model) == ("nabiya", "나비야", 5, Fraction(5, 2), 62, Fraction(1, 2), "mlp")
    assert first.probability == pytest.approx(0.98, abs=1e-12)
    assert first.information_content == pytest.approx(-math.log2(0.98), abs=1e-12)
    assert first.entropy == pytest.approx(-(0.98 * math.log2(0.98)
                                            + (classes - 1) * small * math.log2(small)), abs=1e-12)
    eighth = rows[3]  # note 8, after the first f8 d8 d4 c8: the mlp's even spread
    assert (eighth.note, eighth.information_content) == (8, pytest.approx(math.log2(classes)))
    # the CSV's bits average to the model's mean surprise
    table = list(csv.DictReader(io.StringIO(surprise.per_note_csv(rows).decode())))
    for model in run.models:
        bits = [float(row["information.content"]) for row in table if row["model"] == model.spec.name]
        assert np.mean(bits) == pytest.approx(model.surprise(run.dataset.targets).mean(), abs=1e-12)


def test_no_rows_for_a_model_without_its_probabilities():
    assert surprise.song_surprise(made_up_run()) == []


@pytest.mark.parametrize("bits, colour", [(0.0, "#1a1a1a"), (0.49, "#1a1a1a"), (0.5, "#2f6fd0"),
                                          (1.0, "#8e44ad"), (2.0, "#e67e00"), (3.99, "#e67e00"),
                                          (4.0, "#e00000"), (12.0, "#e00000")])
def test_bands(bits, colour):
    assert surprise.band(bits) == colour


def test_top_surprises_are_the_largest_from_half_a_bit():
    assert surprise.top_surprises({5: 0.1, 6: 3.0, 7: 3.0, 8: 0.6, 9: 0.4, 10: 9.0}) == [10, 6, 7, 8]


def test_the_score_is_coloured_by_surprise_and_numbered():
    run = with_probabilities(made_up_run())
    summary = build_summary(run)
    bits = summary.surprise_bits()["mlp"]
    svg = surprise.surprise_score_svg(run.melody, bits)
    for colour in ("#9a9a9a", "#1a1a1a", "#e00000"):
        engraved = read_svg(svg, colour)
        notes = [place for place, note in enumerate(engraved, start=1) if note.marked]
        expected = [place for place in range(1, 55)
                    if (surprise.UNPREDICTED if place not in bits else surprise.band(bits[place]))
                    == colour]
        assert notes == expected, colour
    labels = {place: note.label for place, note in enumerate(read_svg(svg), start=1) if note.label}
    assert labels == {16: "1", 35: "2", 51: "3", 8: "4", 22: "5"}

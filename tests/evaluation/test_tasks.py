"""evaluation's tasks: each model sees exactly its task's inputs (a network of the pitch alone
gives the same figures whatever the rhythm and the key), says what it sees, and the per-note
surprise averages to the table's figures."""

import csv
import io
from fractions import Fraction

import numpy as np
import pytest

from melodygen.core.collection import Collection, Tune
from melodygen.core.errors import ConfigError
from melodygen.core.keys import Key
from melodygen.core.note import Melody, Note
from melodygen.evaluation import NetworkSettings, evaluate, evaluation_rows, per_note_csv
from melodygen.evaluation.cross_validation import models_named
from melodygen.formats.notation import parse_notes
from melodygen.learning.collection.config import CollectionTrainConfig

SONGS = ["c4 d4 e4 c4", "e4 f4 g2", "g8 a8 g8 f8 e4 c4", "c4 c4 g4 g4 a4 a4 g2", "f4 f4 e4 e4 d2",
         "c4 e4 g4 c'4", "d4 d8 e8 f4 d4"]
QUICK = NetworkSettings(train=CollectionTrainConfig(max_epochs=2, batch_size=4))


def collection(songs=SONGS, tonic=0, stretch=1) -> Collection:
    """The songs, each note ``stretch`` times as long, their files' key ``tonic`` major."""
    tunes = []
    for i, song in enumerate(songs):
        notes = tuple(Note(n.pitch, n.duration * stretch) for n in parse_notes(song))
        tunes.append(Tune(Melody(notes, f"t{i}", source=f"book.abc:{i + 1}", key=Key(tonic, "major")),
                          "book.abc", i + 1, f"t{i}", "4/4", "C"))
    return Collection("book.abc", tuple(tunes))


@pytest.mark.usefixtures("tensorflow")
def test_a_network_of_the_pitch_alone_reads_neither_rhythm_nor_key():
    plain = evaluate(collection(), ["lstm", "lstm+"], folds=2, seed=0, task="pitch",
                     settings=QUICK)
    other = evaluate(collection(tonic=7, stretch=Fraction(1, 2)), ["lstm", "lstm+"], folds=2,
                     seed=0, task="pitch", settings=QUICK)
    for name in ("lstm", "lstm+"):
        assert plain.models[name].bits_pitch == other.models[name].bits_pitch
        assert plain.models[name].inputs == ["the pitches before"]
        assert plain.models[name].bits_note is None
    # the same change reaches a network of the whole note, which reads the rhythm and the key
    plain = evaluate(collection(), ["lstm"], folds=2, seed=0, settings=QUICK)
    other = evaluate(collection(tonic=7, stretch=Fraction(1, 2)), ["lstm"], folds=2, seed=0,
                     settings=QUICK)
    assert plain.models["lstm"].bits_pitch != other.models["lstm"].bits_pitch


def test_each_model_says_its_task_and_what_it_sees():
    result = evaluate(collection(), ["ppm-both+", "mvs-cpitch"], folds=2, seed=0, task="pitch")
    out = result.to_json()
    assert (out["task"], out["models"]["ppm-both+"]["task"]) == ("pitch", "pitch")
    assert out["models"]["ppm-both+"]["inputs"] == ["the pitches before"]
    assert out["models"]["ppm-both+"]["bits_note"] is None
    assert out["models"]["mvs-cpitch"]["bits_pitch"] > 0
    result = evaluate(collection(), ["ppm-both+"], folds=2, seed=0)
    model = result.to_json()["models"]["ppm-both+"]
    assert (model["task"], model["inputs"]) == ("note", ["the pitches before",
                                                         "the lengths before"])
    assert model["bits_note"] > model["bits_pitch"]


def test_models_that_cannot_do_the_task_are_refused():
    with pytest.raises(ConfigError, match="predicts the pitch only"):
        models_named(["mvs-selected"], False, "note")
    with pytest.raises(ConfigError, match="reads more than the pitches before"):
        models_named(["mvs-selected"], False, "pitch")
    with pytest.raises(ConfigError, match="unknown task 'melody'"):
        models_named(["ppm-both+"], False, "melody")
    with pytest.raises(ConfigError, match="unknown viewpoint system 'mvs-nothing'"):
        models_named(["mvs-nothing"], False, "pitch-rhythm-key")
    assert models_named(None, False, "pitch-rhythm-key")[:3] == ["ppm-both+", "mvs-conklin-witten",
                                                                 "mvs-selected"]


def test_the_per_note_surprise_averages_to_the_table():
    """Per model: the mean information content of a fold's rows is the fold's bits per note of
    the pitch, and their mean over the folds the table's figure."""
    result = evaluate(collection(), ["ppm-both+", "mvs-conklin-witten"], folds=3, seed=0,
                      task="pitch-rhythm-key")
    table = list(csv.DictReader(io.StringIO(per_note_csv(evaluation_rows(result)).decode())))
    assert len(table) == 2 * 34
    for name, model in result.models.items():
        rows = [row for row in table if row["model"] == name]
        folds = [np.mean([float(row["information.content"]) for row in rows if row["fold"] == f])
                 for f in ("1", "2", "3")]
        assert np.mean(folds) == pytest.approx(model.bits_pitch, abs=1e-12)
        assert all(row["task"] == "pitch-rhythm-key" for row in rows)
        for row in rows:
            assert float(row["probability"]) == pytest.approx(
                2 ** -float(row["information.content"]))
            assert 0 <= float(row["entropy"]) <= np.log2(7) + 1e-9
    # the first song's notes, as the folds hold them: its pitches, onsets and lengths
    first = result.folds[0][0]
    melody = result.data.collection.tunes[first].melody
    rows = [row for row in table if row["model"] == "ppm-both+" and row["melody.id"] ==
            f"book.abc:{first + 1}"]
    now, expected = Fraction(0), []
    for note in melody.notes:
        expected.append((str(note.pitch), str(float(now)) if now.denominator > 1 else
                         str(now.numerator), note.duration))
        now += note.duration
    assert [(row["cpitch"], row["onset"]) for row in rows] == [e[:2] for e in expected]
    assert [row["note.id"] for row in rows] == [str(i) for i in range(1, len(expected) + 1)]

"""Every object a notebook user holds shows itself: a short plain ``repr`` and a self-contained
``_repr_html_`` (scores as inline SVG, audio as data URIs, no script, nothing from the network)."""

from __future__ import annotations

import base64
import re
import subprocess
import sys
from collections import Counter
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from external import child_env
from test_report import Elements, made_up_run

import melodygen
from melodygen.core.collection import Collection, Dropped, Tune
from melodygen.core.note import Melodies, Melody, Note
from melodygen.learning import kinds
from melodygen.presentation import run_files as outputs
from melodygen.presentation.audio import wav_to_samples
from melodygen.presentation.views import DISPLAY_RATE

SAVED = Path(__file__).resolve().parent.parent / "learning" / "saved_models"
AUDIO = re.compile(r'<audio controls preload="none" src="data:audio/wav;base64,([A-Za-z0-9+/=]+)">')


def with_probabilities(run):
    """``run`` with one-step probabilities: 0.98 on each model's own prediction, and for the mlp
    an even spread at the three places of f8 d8 d4 c8 (samples 3, 17, 44)."""
    classes = len(run.vocabulary)
    for model in run.models:
        probs = np.full((len(run.dataset), classes), 0.02 / (classes - 1))
        probs[np.arange(len(run.dataset)), model.one_step] = 0.98
        if model.spec.name == "mlp":
            probs[[3, 17, 44]] = 1 / classes
        model.one_step_probs = probs
    return run


def self_contained(page: str) -> Elements:
    """The page's elements, once it is checked to fetch nothing and run nothing."""
    elements = Elements(page)
    tags = [tag for tag, _ in elements.tags]
    assert not {"script", "iframe", "link", "object", "embed"} & set(tags)
    sources = [attrs.get("src", "") for _, attrs in elements.tags if "src" in attrs]
    assert all(source.startswith("data:") for source in sources), sources
    assert "@font-face" not in page and "url(" not in page
    assert page.startswith("<style>") and '<div class="melodygen">' in page
    return elements


def test_a_melody_shows_its_score_a_player_and_its_notes():
    song = melodygen.load_song("nabiya")
    assert repr(song) == "Melody('나비야', 54 notes, 2/4, 100 bpm)"
    page = song._repr_html_()
    elements = self_contained(page)
    assert len(elements.all("svg")) == 2  # verovio's page inside its document
    assert "<h4>나비야</h4>" in page and "54 notes, 2/4, 100 quarter notes a minute, C major" in page
    assert "g8 e8 e4 | f8 d8 d4 | c8 d8 e8 f8 | g8 g8 g4 |" in page  # the lecture's notation
    [audio] = AUDIO.findall(page)
    samples, rate = wav_to_samples(base64.b64decode(audio))
    assert rate == DISPLAY_RATE == 11025
    assert len(samples) == round((float(song.total_length) * 60 / 100 + 0.2) * rate)


def test_generated_melodies_are_a_list_shown_as_a_gallery():
    song = melodygen.load_song("nabiya")
    made = Melodies([song.with_notes(song.notes[:8], "one"), song.with_notes(song.notes[8:16], "two")])
    assert made == [made[0], made[1]] and isinstance(made, list)
    assert repr(made) == "Melodies(2: 'one', 'two')"
    page = made._repr_html_()
    self_contained(page)
    assert "<b>2 melodies</b>" in page and len(AUDIO.findall(page)) == 2
    assert page.index("<h4>one</h4>") < page.index("<h4>two</h4>")


def test_a_tune_and_a_collection():
    melody = Melody((Note(67, Fraction(1)), Note(64, Fraction(1, 2)), Note(None, Fraction(1, 2))),
                    "Kuckuck", (2, 4))
    tune = Tune(melody, "kinder/k1.abc", 3, "Kuckuck", "2/4", "G", "Deutschland")
    collection = Collection("kinder", (tune,) * 12, (Dropped("k9.abc:1", "unknown note"),),
                            duplicates=2, losses=Counter())
    assert repr(tune) == "Tune('kinder/k1.abc:3', 'Kuckuck', 3 notes)"
    assert repr(collection) == "Collection('kinder': 12 tunes, 24 notes, 1 dropped)"
    page = tune._repr_html_()
    self_contained(page)
    assert "kinder/k1.abc:3, M: 2/4, K: G, Deutschland" in page
    page = collection._repr_html_()
    self_contained(page)
    rows = re.findall(r'<tr><th class="name">(.*?)</th><td class="name">(.*?)</td></tr>', page)
    assert rows == [("tunes", "12"), ("notes", "24"), ("range", "E4-G4"), ("meters", "2/4 (12)"),
                    ("keys", "G (12)"), ("merged duplicates", "2"),
                    ("dropped", "1: unknown note (1)")]
    assert page.count("<td class=\"name\">kinder/k1.abc:3</td>") == 10  # the first ten tunes
    assert "… and 2 more tunes" in page


def test_a_song_run_shows_the_whole_comparison():
    run = with_probabilities(made_up_run())
    assert repr(run) == ("SongRun(나비야: mlp 46/50 one step, 5/50 full song; "
                         "stateful2 50/50 one step, 50/50 full song)")
    assert repr(run.models[0]) == "ModelRun(mlp, 163 epochs, 50 predictions)"
    model_page = run.models[0]._repr_html_()
    self_contained(model_page)
    assert ("<h4>mlp</h4><p>MLP 128-128, index input (the lecture&#x27;s MLP); trained 163 epochs "
            "in 1.25 s, reached its target at epoch 163; 50 one-step and full-song predictions.</p>"
            ) in model_page
    page = run._repr_html_()
    elements = self_contained(page)
    for part in ('<section id="verdict" class="verdict">', '<table class="contexts">',
                 '<section id="looking">', '<div class="notes wide">', 'alt="training loss',
                 '<section id="surprise">'):
        assert part in page, part
    assert "Without state, mlp derails at note 8" in page
    assert len(AUDIO.findall(page)) == 5  # the song, two predictions of each model
    scores = [a for a in elements.all("div") if a.get("class") in ("mg-score", "score")]
    assert len(scores) == 1 + 1 + 2 + 4  # the contexts, the song, each model's surprise, 4 predictions
    assert page.count('<td class="wrong">') == 4 + 45  # the mlp's wrong notes in the grid
    # its 4 wrong one-step notes (0.02 / 13 for the real one: 9.34 bits, the 4th of them at
    # note 8 in an even spread: log2 14 = 3.81 bits) and the even spreads
    assert ("<b>mlp</b>: 0.81 bits per note on average; most surprised at 1. note 16 (e8, 9.34 "
            "bits), 2. note 35 (e8, 9.34 bits), 3. note 51 (g8, 9.34 bits), 4. note 8 (d8, 3.81 "
            "bits), 5. note 22 (e8, 3.81 bits).") in page


def test_what_write_outputs_returns(tmp_path):
    summary = outputs.write_outputs(made_up_run(), tmp_path, scores=False, audio=False)
    assert repr(summary) == "RunSummary(나비야: mlp, stateful2; report.html)"
    page = summary._repr_html_()
    self_contained(page)
    assert "Without state, mlp derails at note 8" in page and "report: report.html" in page


def test_an_ambiguous_context_in_note_names():
    run = made_up_run()
    found = run.ambiguous()
    assert [repr(context) for context in found] == [
        "Ambiguity(f8 d8 d4 c8 -> e8 at notes 22, 49; d8 at note 8)",
        "Ambiguity(e8 e8 e8 f8 -> d8 at note 19; g4 at note 41)",
        "Ambiguity(d8 d8 d8 d8 -> d8 at note 32; e8 at note 33)",
        "Ambiguity(e8 e8 e8 e8 -> e8 at note 39; f8 at note 40)"]
    page = found[0]._repr_html_()
    self_contained(page)
    assert "<b>f8 d8 d4 c8</b>: 4 notes that come 3 times with another next note" in page
    assert re.findall(r'<td class="name">(.*?)</td>', page) == ["e8", "notes 22, 49", "d8", "note 8"]
    from dataclasses import replace
    assert repr(replace(found[0], vocabulary=None)).startswith("Ambiguity(10 8 1 7 -> ")


@pytest.mark.parametrize("name, kind, facts", [
    ("nabiya-mlp.melodygen", "a model of one song",
     [("inputs", "the last 4 notes, index encoding: 1 number(s) a note"),
      ("vocabulary", "c4 d4 e4 f4 g4 a4 b4 c8 d8 e8 f8 g8 a8 b8")]),  # the lecture's
    ("kinder-units8.melodygen", "a model of a collection", [("sizes", "1 layer(s) of 8 units")]),
])
def test_a_trained_model_of_either_kind(name, kind, facts):
    model = kinds.read(SAVED / name)  # without its network: no TensorFlow
    page = model._repr_html_()
    self_contained(page)
    rows = dict(re.findall(r'<tr><th class="name">(.*?)</th><td class="name">(.*?)</td></tr>', page))
    assert rows["kind"] == kind and rows["family"] == model.family
    for what, value in facts:
        assert rows[what] == value
    assert any(what.startswith("training: ") for what in rows)
    assert f"<h4>{repr(model).replace('<', '&lt;')}</h4>" in page.replace("&#x27;", "'")


def test_an_evaluation_shows_its_table():
    tunes = tuple(Tune(Melody(tuple(Note(60 + (i + j) % 5, Fraction(1, 2)) for j in range(12)),
                              f"t{i}", (2, 4)), f"t{i}.abc", None) for i in range(6))
    result = melodygen.evaluate(Collection("six", tunes), ["ppm-c2i"], folds=2, workers=1)
    said = repr(result)
    assert said.startswith("Evaluation(six, 2 folds, bits per note of the pitch: ppm-c2i ")
    assert repr(result.models["ppm-c2i"]).startswith("ModelResult(ppm-c2i: ")
    page = result._repr_html_()
    self_contained(page)
    assert "six: bits per note on songs the models have not seen, 2 folds" in page
    assert f"<td>{result.models['ppm-c2i'].bits_pitch:.3f}</td>" in page


LOADED = """
import matplotlib
matplotlib.use("pdf")
import melodygen
model = melodygen.load(%r)
melodies = model.generate(length=8, count=2, temperature=1.0, seed=1)
page = model._repr_html_() + melodies._repr_html_()
print(type(melodies).__name__, page.count("<audio"), "weights" in page, matplotlib.get_backend())
"""


def test_a_loaded_model_and_what_it_generates(tmp_path):
    """With its network: the weights counted; generate gives Melodies, shown as a gallery; the
    caller's matplotlib backend stays."""
    done = subprocess.run([sys.executable, "-c", LOADED % str(SAVED / "nabiya-mlp.melodygen")],
                          cwd=tmp_path, env=child_env(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["Melodies", "2", "True", "pdf"]


def test_the_display_leaves_the_callers_backend(tmp_path):
    code = ("import matplotlib; matplotlib.use('pdf'); import sys; sys.path.insert(0, %r)\n"
            "from test_report import made_up_run; import matplotlib.pyplot as plt\n"
            "run = made_up_run(); run._repr_html_()\n"
            "print(matplotlib.get_backend(), plt.get_backend())") % str(Path(__file__).parent)
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=child_env(),
                          capture_output=True, text=True, timeout=300)
    assert done.stdout.split() == ["pdf", "pdf"], done.stderr

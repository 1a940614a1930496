"""The bundled songs: what each one is, the corpus scores they were checked against, the kinds
of music they cover, ``--list``, their encodings, and (slow) that the stateful LSTM learns each."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from external import run_melodygen

from melodygen.core.errors import MelodyError
from melodygen.core.note import pitch_name
from melodygen.formats.notation import format_token
from melodygen.formats.songs import bundled_songs, load_melody, load_song
from melodygen.learning.song.config import MODELS, TrainConfig
from melodygen.learning.song.encoding import make_encoding
from melodygen.learning.song.vocabulary import LECTURE_NOTES, Vocabulary

pytestmark = pytest.mark.usefixtures("tensorflow")  # trains in this process

F = Fraction

# name -> (title, time signature, notes, pickup, lowest, highest, rests, distinct lengths)
SONGS = {
    "augustin": ("Ach du lieber Augustin", (3, 4), 107, 0, "D4", "E5", 3, {1, F(1, 2), 2, F(3, 2)}),
    "frere_jacques": ("Frère Jacques", (4, 4), 32, 0, "A3", "B4", 0, {1, F(1, 2), F(1, 4), 2, F(3, 4)}),
    "freut_euch": ("Freut euch des Lebens", (6, 8), 92, 0, "F4", "F5", 6,
                   {1, F(1, 2), F(1, 4), F(3, 2), F(3, 4)}),
    "muss_i_denn": ("Muss i denn", (2, 4), 89, F(1, 2), "F4", "F5", 3, {1, F(1, 2), F(1, 4), F(3, 4)}),
    "nabiya": ("나비야", (2, 4), 54, 0, "C4", "G4", 0, {1, F(1, 2)}),
    "o_tannenbaum": ("O Tannenbaum", (3, 4), 47, 1, "D4", "E5", 1, {1, F(1, 2), F(1, 4), F(3, 2), F(3, 4)}),
    "ode_to_joy": ("Ode to Joy", (4, 4), 62, 0, "G3", "G4", 0, {1, F(1, 2), 2, F(3, 2)}),
    "twinkle": ("Twinkle, Twinkle, Little Star", (4, 4), 42, 0, "C4", "A4", 0, {1, 2}),
}
# bundled song -> the music21 corpus tune it was transcribed from (every note checked here)
CORPUS = {
    "o_tannenbaum": ("essenFolksong/boehme20", 148),
    "freut_euch": ("essenFolksong/boehme10", 254),
    "augustin": ("essenFolksong/fink0", 76),
    "muss_i_denn": ("essenFolksong/erk20", 206),
}


def test_the_bundled_songs():
    assert sorted(bundled_songs()) == sorted(SONGS)


@pytest.mark.parametrize("name", sorted(SONGS))
def test_song(name):
    title, signature, count, pickup, low, high, rests, lengths = SONGS[name]
    melody = load_song(name)
    pitches = [note.pitch for note in melody.notes if not note.is_rest]
    assert (melody.title, melody.time_signature, len(melody), melody.pickup) == (title, signature, count, pickup)
    assert (pitch_name(min(pitches)), pitch_name(max(pitches))) == (low, high)
    assert sum(note.is_rest for note in melody.notes) == rests
    assert {note.duration for note in melody.notes} == lengths
    assert load_melody(name) == melody


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_song_matches_its_corpus_score(name):
    from music21 import corpus

    from melodygen.formats.musicxml import from_score

    path, number = CORPUS[name]
    score = from_score(corpus.parse(path, number=number), f"{path}#{number}")
    melody = load_song(name)
    assert melody.notes == score.notes
    assert (melody.time_signature, melody.pickup) == (score.time_signature, score.pickup)


def test_twinkle_ode_and_frere_jacques_as_their_sources_print_them():
    """The three songs that music21's corpus does not have, against the sources their files
    name, spelled out here by scale degree and length."""
    def tokens(name):
        return " ".join(format_token(note) for note in load_song(name).notes)

    twinkle = "c4 c4 g4 g4 a4 a4 g2 f4 f4 e4 e4 d4 d4 c2"
    middle = "g4 g4 f4 f4 e4 e4 d2"
    assert tokens("twinkle") == " ".join([twinkle, middle, middle, twinkle])
    line, ending = "e4 e4 f4 g4 g4 f4 e4 d4 c4 c4 d4 e4", "d4. c8 c2"
    bridge = "d4 d4 e4 c4 d4 e8 f8 e4 c4 d4 e8 f8 e4 d4 c4 d4 g,2"
    assert tokens("ode_to_joy") == " ".join([line, "e4. d8 d2", line, ending, bridge, line, ending])
    assert tokens("frere_jacques") == " ".join(
        2 * ["d4 e4 f#4 d4"] + 2 * ["f#4 g4 a2"] + 2 * ["a8. b16 a8 g8 f#4 d4"] + 2 * ["d4 a,4 d2"])


def test_the_songs_cover_the_kinds_the_issue_asks_for():
    songs = {name: load_song(name) for name in SONGS}
    new = {name: melody for name, melody in songs.items() if name != "nabiya"}
    assert len(new) >= 6
    signatures = {melody.time_signature for melody in new.values()}
    assert (4, 4) in signatures and {(3, 4), (6, 8)} <= signatures
    assert [name for name, m in new.items() if any(n.is_rest for n in m.notes)] == [
        "augustin", "freut_euch", "muss_i_denn", "o_tannenbaum"]
    dotted = {F(3, 4), F(3, 2)}
    assert sorted(name for name, m in new.items() if dotted & {n.duration for n in m.notes}) == [
        "augustin", "frere_jacques", "freut_euch", "muss_i_denn", "o_tannenbaum", "ode_to_joy"]
    black_keys = {1, 3, 6, 8, 10}  # C#, D#, F#, G#, A#: written with a sharp or a flat
    assert sorted(name for name, m in new.items()
                  if any(n.pitch is not None and n.pitch % 12 in black_keys for n in m.notes)) == [
        "frere_jacques", "freut_euch", "muss_i_denn", "o_tannenbaum"]
    # a chromatic note: B natural in F major (Freut euch), outside the song's key
    assert {n.pitch for n in songs["freut_euch"].notes} >= {70, 71}
    assert [name for name, m in new.items() if len(m) > 100] == ["augustin"]
    assert sorted(name for name, m in new.items() if m.pickup) == ["muss_i_denn", "o_tannenbaum"]
    singable = range(55, 80)  # G3..G5
    assert all(n.pitch in singable for m in songs.values() for n in m.notes if n.pitch is not None)


def test_list_shows_every_song_with_length_and_time_signature(tmp_path):
    done = run_melodygen("--list", cwd=tmp_path, timeout=60)
    assert done.returncode == 0 and done.stderr == ""
    rows = [line.split() for line in done.stdout.splitlines()]
    assert [row[0] for row in rows] == sorted(SONGS)
    for row in rows:
        title, signature, count, *_ = SONGS[row[0]]
        assert row[-5:-1] == [str(count), "notes", f"{signature[0]}/{signature[1]}",
                              f"{load_song(row[0]).tempo:g}"]


def test_songs_are_found_where_pip_installs_them(tmp_path):
    """pyproject.toml installs songs/ as melodygen/bundled/: the package laid out that way, away
    from any checkout, still lists every bundled song."""
    repo = Path(__file__).resolve().parents[2]
    shutil.copytree(repo / "melodygen", tmp_path / "melodygen",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(repo / "songs", tmp_path / "melodygen" / "bundled")
    done = subprocess.run([sys.executable, "-c", "from melodygen.formats.songs import bundled_songs, "
                           "songs_folder; print(songs_folder()); print(*bundled_songs())"],
                          cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(tmp_path)},
                          capture_output=True, text=True, check=True)
    folder, names = done.stdout.splitlines()
    assert Path(folder) == tmp_path / "melodygen" / "bundled"
    assert names.split() == list(bundled_songs())


def test_an_unknown_song_or_missing_file():
    with pytest.raises(MelodyError) as error:
        load_melody("twinkel")
    assert str(error.value) == (f"unknown song 'twinkel' (did you mean 'twinkle'?); bundled songs: "
                                f"{', '.join(sorted(SONGS))}")
    with pytest.raises(MelodyError) as error:
        load_melody("songs/tune.wav")
    assert str(error.value) == ("songs/tune.wav: no such file (songs are .txt, MIDI .mid, .midi or "
                                ".kar, scores .musicxml, .xml, .mxl, .abc, .krn)")


# --- encodings from the song's own notes --------------------------------------------------------

@pytest.mark.parametrize("name", sorted(set(SONGS) - {"nabiya"}))
def test_vocabulary_and_feature_scaling_come_from_the_song(name):
    melody = load_song(name)
    vocabulary = Vocabulary.for_melody(melody)
    distinct = set(melody.notes)
    assert vocabulary.name == "song" and set(vocabulary.notes) == distinct
    assert len(vocabulary) == len(distinct)
    # longest first, then by pitch, rests after the notes of their length
    keys = [(-n.duration, n.is_rest, n.pitch or 0) for n in vocabulary.notes]
    assert keys == sorted(keys)
    index = make_encoding("index", vocabulary).table
    assert index[:, 0].tolist() == pytest.approx([i / (len(vocabulary) - 1) for i in range(len(vocabulary))])
    table = make_encoding("features", vocabulary).table
    has_rests = any(n.is_rest for n in distinct)
    assert table.shape == (len(vocabulary), 3 if has_rests else 2)
    pitches = [n.pitch for n in distinct if not n.is_rest]
    lengths = sorted({n.duration for n in distinct}, reverse=True)
    for note, row in zip(vocabulary.notes, table):
        pitch = 0.0 if note.is_rest else (note.pitch - min(pitches)) / (max(pitches) - min(pitches))
        expected = [pitch, lengths.index(note.duration) / (len(lengths) - 1)] + ([float(note.is_rest)] if has_rests else [])
        assert row.tolist() == pytest.approx(expected)
    assert table.min() == 0.0 and table.max() == 1.0


def test_nabiya_keeps_the_lecture_dictionary():
    vocabulary = Vocabulary.for_melody(load_song("nabiya"))
    assert vocabulary.notes == LECTURE_NOTES and len(vocabulary) == 14


@pytest.mark.slow  # about 20 s: TensorFlow builds and compiles four models
def test_all_four_models_run_on_a_song_with_rests_and_accidentals():
    """Rests (a third feature) and a b natural next to b flats, end to end through every model."""
    from melodygen.learning.song.experiment import run_song

    melody = load_song("freut_euch")
    run = run_song(melody, list(MODELS), TrainConfig(epochs=2))
    vocabulary = Vocabulary.for_melody(melody)
    assert len(run.dataset) == len(melody) - 4 == 88
    for model in run.models:
        assert model.one_step.shape == model.full_song.shape == (88,)
        assert model.one_step.min() >= 0 and model.one_step.max() < len(vocabulary)
        predicted = run.predicted_melody(model.full_song, "x")
        assert len(predicted) == len(melody) and predicted.time_signature == (6, 8)
    features = make_encoding("features", vocabulary).table
    rest = vocabulary.notes.index(next(n for n in vocabulary.notes if n.is_rest))
    assert features[rest, 2] == 1.0 and features[:, 2].sum() == sum(n.is_rest for n in vocabulary.notes)
    assert np.isfinite([m.training.history.loss[-1] for m in run.models]).all()


# --- slow: the stateful LSTM learns every bundled song ------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SONGS))
def test_stateful2_learns_every_bundled_song(name):
    from melodygen.learning.song.experiment import run_song

    melody = load_song(name)
    start = time.perf_counter()
    run = run_song(melody, ["stateful2"], TrainConfig())
    model = run.models[0]
    assert len(melody) < 150
    assert run.wrong_positions(model.one_step) == []   # 100% one-step
    assert run.wrong_positions(model.full_song) == []  # and the whole song replayed
    assert model.training.reached_epoch is not None
    print(f"{name}: {len(melody)} notes, {model.training.epochs} epochs, "
          f"{time.perf_counter() - start:.1f} s")

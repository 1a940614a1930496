"""generation/config.py: one configuration for generating from a model of either kind, a model's
defaults filled in, primers checked, bad settings one error."""

from fractions import Fraction

import numpy as np
import pytest

from melodygen.core.errors import ConfigError, MelodyError
from melodygen.core.keys import Key
from melodygen.core.note import Note
from melodygen.formats.notation import format_token
from melodygen.generation.config import GenerateConfig, make_config, parse_key, parse_meter, \
    resolve_primer
from melodygen.learning.song.config import MODELS, TrainConfig
from melodygen.learning.song.encoding import make_encoding
from melodygen.learning.song.model import SongModel, TrainingFacts
from melodygen.learning.song.vocabulary import Vocabulary

LECTURE_TOKENS = "c4 d4 e4 f4 g4 a4 b4 c8 d8 e8 f8 g8 a8 b8"


def tokens(notes) -> str:
    return " ".join(format_token(note) for note in notes)


@pytest.fixture(scope="module")
def song_model(nabiya):
    """A model of 나비야 as a file describes it (no network: settings need none)."""
    vocabulary = Vocabulary.lecture()
    facts = TrainingFacts(epochs=1, reached_epoch=None, seconds=0.0, final_loss=1.0, samples=50,
                          target_right=50, one_step_right=0, full_song_right=0)
    return SongModel(MODELS["stateful2"], 4, vocabulary, make_encoding("features", vocabulary),
                     (nabiya,), TrainConfig(), facts, {})


def test_a_song_models_defaults(song_model, nabiya):
    config = make_config(song_model)
    assert config.primer == nabiya.notes[:4]
    assert (config.length, config.bars) == (50, None)
    assert config.greedy and config.seed is None and not config.end_on_tonic
    assert (config.time_signature, config.tempo, config.key, config.title, config.pickup) == \
        ((2, 4), 100.0, Key(0, "major"), "나비야 - generated", 0)
    assert config.to_json() == {
        "choosing": "greedy", "primer": "g8 e8 e4 f8", "primer_notes": 4, "length": 50,
        "bars": None, "key": "C major", "meter": "2/4", "tempo": 100.0, "end": "free",
        "temperature": None, "top_k": None, "top_p": None, "count": 1, "seed": None,
        "include_primer": True, "form": None, "part_bars": None, "motifs": False,
        "forms": {}, "pickups": {}}


def test_primer_tokens_with_bar_lines(song_model):
    assert tokens(resolve_primer(song_model, "g8 e8 | e4")) == "g8 e8 e4"
    assert resolve_primer(song_model, [Note(67, Fraction(1, 2))]) == (Note(67, Fraction(1, 2)),)


@pytest.mark.parametrize("primer, message", [
    ("g8 h8", "--primer:1:4: unknown note 'h8'"),
    ("g8 a16", f"--primer: note 2 'a16' is not in the model's vocabulary: {LECTURE_TOKENS}"),
    ("g8 c'8", f"--primer: note 2 'c'8' is not in the model's vocabulary: {LECTURE_TOKENS}"),
    (" | ", "--primer: a primer needs at least one note"),
    ([], "--primer: a primer needs at least one note"),
])
def test_bad_primers(song_model, primer, message):
    with pytest.raises(MelodyError) as caught:
        resolve_primer(song_model, primer)
    assert str(caught.value) == message


@pytest.mark.parametrize("settings, message", [
    ({"length": 0}, "length must be at least 1 note, got 0"),
    ({"bars": 0}, "bars must be at least 1, got 0"),
    ({"count": 0}, "count must be at least 1, got 0"),
    ({"seed": -1}, "seed must be 0 or more, got -1"),
    ({"tempo": 5}, "tempo must be 10..400 quarter notes per minute, got 5"),
    ({"temperature": 0.0}, "temperature must be a number above 0, got 0.0"),
    ({"top_p": 2.0}, "top-p must be in (0, 1], got 2.0"),
    ({"length": 8, "bars": 4}, "give --length (notes) or --bars, not both"),
    ({"key": "G"}, "--key needs a model of a collection (melodygen train SOURCE); a model of one "
                   "song keeps its song's key"),
    ({"meter": "3/4"}, "--meter needs a model of a collection (melodygen train SOURCE); a model "
                       "of one song keeps its song's meter"),
    ({"bars": 2, "primer": "g4 g4 g4 g4 g4"}, "the primer lasts 5 quarter notes, as long as the "
                                              "2 bars of 2/4 or longer"),
])
def test_bad_settings(song_model, settings, message):
    with pytest.raises(MelodyError) as caught:
        make_config(song_model, **settings)
    assert str(caught.value) == message


def test_sampling_without_a_seed_draws_one_and_keeps_it(song_model):
    config = make_config(song_model, temperature=1.0)
    assert isinstance(config.seed, int) and 0 <= config.seed < 2 ** 32
    assert config.describe() == f"sampling: temperature 1, seed {config.seed}"
    assert make_config(song_model, top_k=5, top_p=0.9, seed=7).describe() == \
        "sampling: temperature 1, top-k 5, top-p 0.9, seed 7"


def test_without_the_primer_a_melody_starts_where_the_primer_ended(song_model):
    # g8 e8 e4 f8 last 2.5 quarter notes: the new notes start an eighth into bar 2 of 2/4
    assert make_config(song_model, include_primer=False).pickup == Fraction(3, 2)
    assert make_config(song_model, primer="g8", include_primer=False).pickup == Fraction(3, 2)


def test_melody_i_draws_the_same_whatever_the_count():
    config = GenerateConfig((Note(60, 1),), (4, 4), 120.0, None, "t", length=1, temperature=1.0,
                            seed=7)
    probs = np.full(14, 1 / 14)

    def draws(index):
        choose = config.chooser(index)
        return tuple(choose(probs) for _ in range(20))

    assert draws(2) == draws(2)
    assert len({draws(index) for index in range(5)}) == 5  # each melody its own stream


@pytest.mark.parametrize("text, key", [("G", Key(7, "major")), ("g major", Key(7, "major")),
                                       ("D minor", Key(2, "minor")), ("F#m", Key(6, "minor")),
                                       ("Bb", Key(10, "major")), ("Ebmaj", Key(3, "major"))])
def test_keys(text, key):
    assert parse_key(text) == key


def test_bad_keys_and_meters():
    with pytest.raises(ConfigError, match="unknown key 'H'"):
        parse_key("H")
    with pytest.raises(ConfigError, match="unknown meter '3/5'"):
        parse_meter("3/5")
    with pytest.raises(ConfigError, match="unknown meter 'three'"):
        parse_meter("three")
    assert parse_meter(" 6/8 ") == (6, 8) and parse_meter((2, 2)) == (2, 2)

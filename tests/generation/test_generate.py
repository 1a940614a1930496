"""generation/generate.py: the generation loop, primers and bar lines; then the saved 나비야 model."""

from fractions import Fraction

import numpy as np
import pytest

from melodygen.core.errors import MelodyError
from melodygen.core.note import Note
from melodygen.formats.notation import format_token, parse_notes
from melodygen.generation.generate import (
    GenerateConfig,
    continuations,
    continue_indices,
    end_on_bar,
    make_config,
    pad_primer,
    resolve_primer,
)
from melodygen.learning.checkpoint import Checkpoint, TrainingFacts
from melodygen.learning.config import MODELS, TrainConfig
from melodygen.learning.encoding import make_encoding
from melodygen.learning.vocabulary import Vocabulary

LECTURE_TOKENS = "c4 d4 e4 f4 g4 a4 b4 c8 d8 e8 f8 g8 a8 b8"


def tokens(notes) -> str:
    return " ".join(format_token(note) for note in notes)


# ---- the loop ------------------------------------------------------------------------------

def test_pad_primer_repeats_the_first_note():
    assert pad_primer([3], 4).tolist() == [3, 3, 3, 3]
    assert pad_primer([1, 2], 4).tolist() == [1, 1, 1, 2]
    assert pad_primer([1, 2, 3, 4, 5], 4).tolist() == [1, 2, 3, 4, 5]
    with pytest.raises(ValueError):
        pad_primer([], 4)


class FakeModel:
    """Predicts (sum of the window) mod 5 for sure, and records every window it is shown."""

    def __init__(self):
        self.seen = []

    def __call__(self, window):
        self.seen.append(window.tolist())
        return np.eye(5)[int(np.sum(window)) % 5]


@pytest.mark.parametrize("stateful, fed", [
    (True, [[0, 1, 2], [1, 2, 3], [2, 3, 4]]),  # a stateful model reads every primer window
    (False, [[2, 3, 4]]),                        # a model without state only the last one
])
def test_the_loop_feeds_the_primer_then_its_own_notes(stateful, fed):
    model = FakeModel()
    out = continue_indices(model, np.array([0, 1, 2, 3, 4]), 3, 3, np.argmax, stateful)
    # 2+3+4 = 9 -> 4; 3+4+4 = 11 -> 1; 4+4+1 = 9 -> 4
    assert out.tolist() == [4, 1, 4]
    assert model.seen == fed + [[3, 4, 4], [4, 4, 1]]  # no prediction after the last note


def test_the_loop_pads_a_short_primer():
    model = FakeModel()
    assert continue_indices(model, np.array([2]), 3, 1, np.argmax, True).tolist() == [1]
    assert model.seen == [[2, 2, 2]]


# ---- bar lines -----------------------------------------------------------------------------

@pytest.mark.parametrize("before, measure, after", [
    ("g8 e8 e4", 2, "g8 e8 e4"),               # already full
    ("g4 e8", 2, "g4 e4"),                     # e8 + an eighth = e4
    ("e8", 2, "e2"),
    ("g8 e8 e4 f8", 2, "g8 e8 e4 f2"),         # f8 + a dotted quarter = f2
    ("e8 e8 e8 e4", 2, "e8 e8 e8 e4 r4."),     # e4 + 3/2 = 5/2 has no token: one dotted rest
    ("e4. e4", 4, "e4. e4 r4."),                # e4 + 3/2 has no token, 3/2 has: one rest
    ("c4", 3, "c2."),                          # 6/8: a measure of 3 quarter notes
    ("", 2, ""),
])
def test_end_on_bar(before, measure, after):
    notes = parse_notes(before) if before else []
    assert tokens(end_on_bar(notes, Fraction(measure))) == after


def test_end_on_bar_after_a_pickup():
    # 2/4 with a quarter-note pickup: bar lines at 1, 3, 5 ...
    assert tokens(end_on_bar(parse_notes("g4 e4 f8"), Fraction(2), Fraction(1))) == "g4 e4 f4"
    assert tokens(end_on_bar(parse_notes("g4 e4 f4"), Fraction(2), Fraction(1))) == "g4 e4 f4"


# ---- settings and primers (no model needed) --------------------------------------------------

@pytest.fixture(scope="module")
def checkpoint(nabiya):
    vocabulary = Vocabulary.lecture()
    facts = TrainingFacts(epochs=1, reached_epoch=None, seconds=0.0, final_loss=1.0, samples=50,
                          target_right=50, one_step_right=0, full_song_right=0)
    return Checkpoint.for_song(MODELS["stateful2"], 4, vocabulary,
                               make_encoding("features", vocabulary), nabiya, TrainConfig(), facts,
                               {})


def test_default_primer_is_the_song_opening_and_length_the_rest(checkpoint, nabiya):
    config = make_config(checkpoint)
    assert config.primer == nabiya.notes[:4]
    assert config.length == 50
    assert config.greedy and config.seed is None


def test_primer_tokens_with_bar_lines(checkpoint):
    assert tokens(resolve_primer(checkpoint, "g8 e8 | e4")) == "g8 e8 e4"
    assert resolve_primer(checkpoint, [Note(67, Fraction(1, 2))]) == (Note(67, Fraction(1, 2)),)


@pytest.mark.parametrize("primer, message", [
    ("g8 h8", "--primer:1:4: unknown note 'h8'"),
    ("g8 a16", f"--primer: note 2 'a16' is not in the model's vocabulary: {LECTURE_TOKENS}"),
    ("g8 c'8", f"--primer: note 2 'c'8' is not in the model's vocabulary: {LECTURE_TOKENS}"),
    (" | ", "--primer: a primer needs at least one note"),
    ([], "--primer: a primer needs at least one note"),
])
def test_bad_primers(checkpoint, primer, message):
    with pytest.raises(MelodyError) as caught:
        resolve_primer(checkpoint, primer)
    assert str(caught.value) == message


@pytest.mark.parametrize("settings, message", [
    ({"length": 0}, "length must be at least 1 note, got 0"),
    ({"count": 0}, "count must be at least 1, got 0"),
    ({"seed": -1}, "seed must be 0 or more, got -1"),
    ({"temperature": 0.0}, "temperature must be a number above 0, got 0.0"),
    ({"top_p": 2.0}, "top-p must be in (0, 1], got 2.0"),
])
def test_bad_settings(checkpoint, settings, message):
    with pytest.raises(MelodyError) as caught:
        make_config(checkpoint, **settings)
    assert str(caught.value) == message


def test_sampling_without_a_seed_draws_one_and_keeps_it(checkpoint):
    config = make_config(checkpoint, temperature=1.0)
    assert isinstance(config.seed, int) and 0 <= config.seed < 2 ** 32
    assert config.describe() == f"sampling: temperature 1, seed {config.seed}"
    assert make_config(checkpoint, top_k=5, top_p=0.9, seed=7).describe() == \
        "sampling: temperature 1, top-k 5, top-p 0.9, seed 7"


def test_melody_i_draws_the_same_whatever_the_count():
    config = GenerateConfig(primer=(Note(60, 1),), length=1, temperature=1.0, seed=7)
    probs = np.full(14, 1 / 14)

    def draws(index):
        choose = config.chooser(index)
        return tuple(choose(probs) for _ in range(20))

    assert draws(2) == draws(2)
    assert len({draws(index) for index in range(5)}) == 5  # each melody its own stream


# ---- the saved 나비야 stateful2 model ----------------------------------------------------------

@pytest.fixture(scope="module")
def model(nabiya_model_file):
    import melodygen
    return melodygen.load(nabiya_model_file)  # the public API


def test_greedy_from_the_default_primer_replays_the_song(model, nabiya):
    [melody] = model.generate()
    assert melody.notes == nabiya.notes
    assert (melody.title, melody.time_signature, melody.tempo) == ("나비야 - generated 1", (2, 4), 100)


def test_greedy_is_the_lecture_full_song_prediction(model, nabiya):
    from melodygen.learning import predict
    checkpoint = model.checkpoint
    primer = nabiya.notes[20:24]
    lecture = predict.full_song(model.model, checkpoint.encoding,
                                checkpoint.vocabulary.indices(primer), 12)
    [notes] = continuations(model, make_config(checkpoint, primer, length=12))
    assert notes == tuple(checkpoint.vocabulary.to_notes(lecture))


def test_a_stateful_model_carries_its_state_through_a_long_primer(model, nabiya):
    # Reading the song's first 12 notes window by window puts the LSTM in the state it had there
    # while learning, so it goes on with the song; from its last window alone (notes 9-12, a
    # context that recurs in the song) it could not know where it is.
    [melody] = model.generate(primer=nabiya.notes[:12], length=42)
    assert melody.notes == nabiya.notes


def test_near_zero_temperature_and_top_1_equal_greedy(model):
    primer, settings = "g8 e8 e4 f8", {"length": 16}
    greedy = model.generate(primer, **settings)
    assert model.generate(primer, temperature=1e-6, seed=3, **settings) == greedy
    assert model.generate(primer, top_k=1, temperature=2.0, seed=3, **settings) == greedy


def test_same_seed_same_notes_and_other_seeds_other_melodies(model):
    settings = {"primer": "g8 e8 e4 f8", "length": 24, "temperature": 1.0}
    first = model.generate(seed=7, **settings)[0].notes
    assert model.generate(seed=7, **settings)[0].notes == first
    others = {model.generate(seed=seed, **settings)[0].notes for seed in (8, 9)}
    assert first not in others and len(others) == 2


def test_count_gives_the_melodies_of_one_seed(model):
    settings = {"primer": "e8 e8", "length": 8, "temperature": 1.5, "seed": 11}
    two = model.generate(count=2, **settings)
    assert [melody.title for melody in two] == ["나비야 - generated 1", "나비야 - generated 2"]
    assert two[0] == model.generate(count=1, **settings)[0]


def test_a_short_primer_is_padded_with_its_first_note(model):
    def continuation(primer):
        return continuations(model, make_config(model.checkpoint, primer, length=8))[0]

    assert continuation("g8 e8") == continuation("g8 g8 g8 e8")
    [melody] = model.generate(primer="g8 e8", length=8)
    assert melody.notes[:3] == tuple(parse_notes("g8 e8")) + continuation("g8 e8")[:1]  # no pad


def test_without_the_primer_a_melody_starts_where_the_primer_ended(model, nabiya):
    [melody] = model.generate(include_primer=False)
    # g8 e8 e4 f8 last 2.5 quarter notes: the new notes start an eighth into measure 2 of 2/4
    assert melody.notes == nabiya.notes[4:]
    assert melody.pickup == Fraction(3, 2)
    [melody] = model.generate(primer="g8 e8 e4 f8", length=3, include_primer=False)
    assert tokens(melody.notes) == "d8 d4 c2"  # d8 d4 c8, the c lengthened to the bar line
    assert melody.pickup == Fraction(3, 2)


def test_bars_tempo_and_the_tonic_at_the_end_for_a_song_model(model):
    melodies = model.generate(primer="g8 e8 e4", temperature=1.0, count=3, seed=4)
    config = make_config(model.checkpoint, "g8 e8 e4", temperature=1.0, count=3, seed=4, bars=8,
                         tempo=90, end_on_tonic=True)
    from melodygen.generation.generate import to_melodies
    shaped = to_melodies(model.checkpoint, config, continuations(model, config))
    for melody in shaped:
        assert melody.total_length == 8 * 2 and melody.tempo == 90  # 8 bars of 2/4
        assert [n for n in melody.notes if n.pitch is not None][-1].pitch % 12 == 0  # C major
    assert len(melodies) == 3 and all(m.tempo == 100 for m in melodies)  # the song's by default
    with pytest.raises(MelodyError, match="give --length \\(notes\\) or --bars, not both"):
        make_config(model.checkpoint, length=8, bars=4)

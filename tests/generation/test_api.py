"""generation/api.py: models that generate, of either kind: the saved 나비야 stateful2 (greedy
replays the song, sampling, primers, bars) and a small model of essen/kinder (tunes in a key and
a meter, whole bars, the tonic at the end, the same seed the same tunes)."""

from fractions import Fraction

import pytest

from melodygen.core.keys import Key
from melodygen.core.note import Note
from melodygen.formats.notation import format_token, parse_notes
from melodygen.generation.config import make_config
from melodygen.generation.loop import generate
from melodygen.generation.stats import bar_check


def tokens(notes) -> str:
    return " ".join(format_token(note) for note in notes)


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
    from melodygen.learning.song import predict
    primer = nabiya.notes[20:24]
    lecture = predict.full_song(model.network, model.encoding, model.vocabulary.indices(primer),
                                12)
    [made] = generate(model, make_config(model, primer=primer, length=12))
    assert made.notes == tuple(model.vocabulary.to_notes(lecture))


def test_a_stateful_model_carries_its_state_through_a_long_primer(model, nabiya):
    # Reading the song's first 12 notes window by window puts the LSTM in the state it had there
    # while learning, so it goes on with the song; from its last window alone (notes 9-12, a
    # context that recurs in the song) it could not know where it is.
    [melody] = model.generate(primer=nabiya.notes[:12], length=42)
    assert melody.notes == nabiya.notes


def test_near_zero_temperature_and_top_1_equal_greedy(model):
    settings = {"primer": "g8 e8 e4 f8", "length": 16}
    greedy = model.generate(**settings)
    assert model.generate(temperature=1e-6, seed=3, **settings) == greedy
    assert model.generate(top_k=1, temperature=2.0, seed=3, **settings) == greedy


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
        return generate(model, make_config(model, primer=primer, length=8))[0].notes

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
    shaped = model.generate(primer="g8 e8 e4", temperature=1.0, count=3, seed=4, bars=8,
                            tempo=90, end_on_tonic=True)
    for melody in shaped:
        assert bar_check(melody) == (8, True) and melody.tempo == 90  # 8 whole bars of 2/4
        assert melody.notes[-1].pitch % 12 == 0  # C major's tonic
    melodies = model.generate(primer="g8 e8 e4", temperature=1.0, count=3, seed=4)
    assert len(melodies) == 3 and all(m.tempo == 100 for m in melodies)  # the song's by default


# ---- a model of a collection --------------------------------------------------------------------

@pytest.fixture(scope="module")
def tunes_model(tensorflow):
    import melodygen
    from melodygen.learning.collection.config import CollectionModelConfig, CollectionTrainConfig

    kinder = melodygen.read_collection("essen/kinder")
    return melodygen.train_model(kinder, network=CollectionModelConfig(units=32),
                                 config=CollectionTrainConfig(max_epochs=3, validation=0.1))


@pytest.mark.parametrize("key, meter, bars", [("G", "3/4", 8), ("D minor", "6/8", 4),
                                              ("Bb", "2/4", 6)])
def test_tunes_keep_whole_bars_and_end_on_the_tonic(tunes_model, key, meter, bars):
    settings = {"key": key, "meter": meter, "bars": bars, "count": 3, "seed": 5}
    tunes = tunes_model.generate(**settings)
    tonic = Key.parse(key).tonic
    beats, unit = map(int, meter.split("/"))
    low, high = tunes_model.pitch_limits(Key.parse(key))
    for tune in tunes:
        assert tune.time_signature == (beats, unit)
        assert bar_check(tune) == (bars, True)
        assert tune.notes[-1].pitch % 12 == tonic
        assert all(low <= note.pitch <= high for note in tune.notes)
    assert [t.notes for t in tunes_model.generate(**settings)] == [t.notes for t in tunes]
    other = tunes_model.generate(**{**settings, "count": 1, "seed": 6})
    assert other[0].notes != tunes[0].notes


def test_a_tunes_defaults_are_the_collections(tunes_model):
    config = make_config(tunes_model, seed=1)  # kinder has no repeat signs: one part, 8 bars
    assert (config.bars, config.length, config.end_on_tonic, config.temperature) == \
        (8, None, True, 1.0)
    assert (config.form, config.part_bars, config.motifs) == ("A", 8, True)
    assert (config.time_signature, config.key) == (tunes_model.meter, tunes_model.key)
    [made] = generate(tunes_model, config)
    assert bar_check(made.melody) == (8, True) and made.bits > 0


def test_a_primer_starts_every_tune(tunes_model):
    primer = tuple(parse_notes("g4 b4 d'4"))
    tunes = tunes_model.generate(key="G", meter="3/4", bars=4, primer=primer, count=2, seed=1)
    assert all(t.notes[:3] == primer and bar_check(t) == (4, True) for t in tunes)
    assert Note(67, Fraction(1)) == primer[0]

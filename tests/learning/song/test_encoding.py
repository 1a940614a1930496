"""encoding.py: the lecture's dictionary, its two input encodings, windows and the window ceiling."""

from fractions import Fraction

import numpy as np
import pytest
from conftest import LECTURE_NOTE2IDX, lecture_note

from melodygen.core.errors import MelodyError
from melodygen.core.note import Note
from melodygen.learning.song.encoding import (
    ENCODINGS,
    Dataset,
    make_dataset,
    make_encoding,
    window_ceiling,
)
from melodygen.learning.song.vocabulary import Vocabulary

# The first windows of 나비야 and the note after each, as the lecture's tokens.
FIRST_WINDOWS = [("g8 e8 e4 f8", "d8"), ("e8 e4 f8 d8", "d4"), ("e4 f8 d8 d4", "c8")]


def lecture_index_input(token: str) -> list[float]:
    """The lecture's index input of one note: note2idx / 13."""
    return [LECTURE_NOTE2IDX[token] / 13]


def lecture_feature_input(token: str) -> list[float]:
    """The lecture's two features of one note: scale / 6 (c=0 ... b=6), length (4 -> 0, 8 -> 1)."""
    return ["cdefgab".index(token[0]) / 6.0, {"4": 0.0, "8": 1.0}[token[1:]]]


LECTURE_INPUTS = {"index": lecture_index_input, "features": lecture_feature_input}


@pytest.fixture(scope="module")
def vocabulary():
    return Vocabulary.lecture()


@pytest.fixture(scope="module")
def dataset(nabiya, vocabulary):
    return make_dataset(vocabulary.indices(nabiya.notes), 4)


def test_lecture_vocabulary_is_note2idx(vocabulary):
    assert len(vocabulary) == 14 and vocabulary.name == "lecture"
    assert {token: vocabulary.index(lecture_note(token)) for token in LECTURE_NOTE2IDX} == LECTURE_NOTE2IDX
    assert vocabulary.to_notes(range(14)) == [lecture_note(token) for token in LECTURE_NOTE2IDX]


def test_nabiya_uses_the_lecture_dictionary(nabiya, vocabulary):
    assert Vocabulary.for_melody(nabiya) == vocabulary
    indices = vocabulary.indices(nabiya.notes)
    assert indices.dtype == np.int32
    assert indices[:8].tolist() == [LECTURE_NOTE2IDX[t] for t in "g8 e8 e4 f8 d8 d4 c8 d8".split()]
    assert sorted(set(indices.tolist())) == [1, 2, 3, 4, 7, 8, 9, 10, 11]  # 9 of the 14 tokens
    assert vocabulary.to_notes(indices) == list(nabiya.notes)


def test_note_outside_the_vocabulary(vocabulary):
    with pytest.raises(MelodyError) as error:
        vocabulary.indices([lecture_note("g8"), Note(61, Fraction(1, 2))], source="song.txt")
    assert str(error.value) == "song.txt: note 2 (Note(C#4, 1/2)) is not in the model's vocabulary"


def test_index_of_unknown_note_raises_key_error(vocabulary):
    with pytest.raises(KeyError):
        vocabulary.index(Note(61, 1))


def test_dataset_windows(nabiya, vocabulary, dataset):
    indices = vocabulary.indices(nabiya.notes)
    assert dataset.inputs.shape == (50, 4) and dataset.targets.shape == (50,)
    assert len(dataset) == 50 and dataset.window == 4
    assert dataset.inputs[:3].tolist() == [[LECTURE_NOTE2IDX[t] for t in w.split()] for w, _ in FIRST_WINDOWS]
    assert dataset.targets[:3].tolist() == [LECTURE_NOTE2IDX[t] for _, t in FIRST_WINDOWS]
    assert all(dataset.inputs[i].tolist() == indices[i:i + 4].tolist() for i in range(50))
    assert dataset.targets.tolist() == indices[4:].tolist()


@pytest.mark.parametrize("window", [1, 3, 5, 8])
def test_dataset_size_for_other_windows(nabiya, vocabulary, window):
    dataset = make_dataset(vocabulary.indices(nabiya.notes), window)
    assert dataset.inputs.shape == (54 - window, window)


def test_melody_too_short_for_the_window():
    with pytest.raises(MelodyError) as error:
        make_dataset(np.array([11, 9, 2, 10]), 4, source="short.txt")
    assert str(error.value) == "short.txt: melody has 4 notes; a window of 4 needs at least 5"


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_first_windows_encoded_as_the_lecture_does(dataset, vocabulary, encoding):
    encoded = make_encoding(encoding, vocabulary).encode(dataset.inputs[:3])
    expected = np.array([[LECTURE_INPUTS[encoding](token) for token in window.split()]
                         for window, _ in FIRST_WINDOWS], dtype=np.float32)
    assert encoded.dtype == np.float32
    np.testing.assert_array_equal(encoded, expected)


@pytest.mark.parametrize("encoding, features", [("index", 1), ("features", 2)])
def test_whole_song_encoded(dataset, vocabulary, encoding, features):
    made = make_encoding(encoding, vocabulary)
    assert made.name == encoding and made.features_per_note == features
    assert made.encode(dataset.inputs).shape == (50, 4, features)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_encoding_table_covers_the_dictionary(vocabulary, encoding):
    table = make_encoding(encoding, vocabulary).table
    expected = np.array([LECTURE_INPUTS[encoding](token) for token in LECTURE_NOTE2IDX], dtype=np.float32)
    np.testing.assert_array_equal(table, expected)


def test_unknown_encoding(vocabulary):
    with pytest.raises(ValueError) as error:
        make_encoding("onehot", vocabulary)
    assert str(error.value) == "unknown encoding 'onehot'; known: index, features"


def test_window_ceiling_counts_the_most_common_follower():
    # context (0, 1) is followed by 5 twice and by 6 once: at best 2 of those 3, plus (2, 3)
    dataset = Dataset(np.array([[0, 1], [0, 1], [0, 1], [2, 3]]), np.array([5, 6, 5, 7]))
    assert window_ceiling(dataset) == 3


@pytest.mark.parametrize("window, samples, ceiling", [(3, 51, 44), (4, 50, 46), (5, 49, 48), (8, 46, 46)])
def test_nabiya_window_ceiling(nabiya, vocabulary, window, samples, ceiling):
    dataset = make_dataset(vocabulary.indices(nabiya.notes), window)
    assert (len(dataset), window_ceiling(dataset)) == (samples, ceiling)

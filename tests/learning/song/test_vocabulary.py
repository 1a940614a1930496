"""learning/vocabulary.py: the vocabulary of one melody or many, and its rule for a note it has
never seen."""

from fractions import Fraction

import numpy as np
import pytest

from melodygen.core.errors import MelodyError
from melodygen.core.note import Melody, Note
from melodygen.formats.notation import parse_notes
from melodygen.learning.song.encoding import make_dataset, make_encoding
from melodygen.learning.song.vocabulary import LECTURE_NOTES, Vocabulary


def melody(tokens: str) -> Melody:
    return Melody(tuple(parse_notes(tokens)))


def test_one_melody_in_the_lecture_alphabet_keeps_note2idx(nabiya):
    assert Vocabulary.for_melody(nabiya) == Vocabulary.from_melodies([nabiya]) == \
        Vocabulary(LECTURE_NOTES, "lecture")


def test_many_melodies_give_their_distinct_notes_longest_first_then_by_pitch_rests_last():
    vocabulary = Vocabulary.from_melodies([melody("c4 d8 r8 e4"), melody("g2 d8 r4"),
                                           melody("c4 c#4")])
    assert vocabulary.notes == tuple(parse_notes("g2 c4 c#4 e4 r4 d8 r8"))
    assert (vocabulary.name, vocabulary.unknown, len(vocabulary)) == ("song", False, 7)
    # the same notes, in any order of the melodies, give the same vocabulary
    assert Vocabulary.from_melodies([melody("c4 c#4"), melody("g2 d8 r4"),
                                     melody("c4 d8 r8 e4")]) == vocabulary


def test_without_an_unknown_class_an_unseen_note_is_an_error_naming_it():
    vocabulary = Vocabulary.from_melodies([melody("c4 d4 e4 c#4")])
    assert vocabulary.indices(parse_notes("e4 c4 c#4")).tolist() == [3, 0, 1]
    with pytest.raises(MelodyError) as caught:
        vocabulary.indices(parse_notes("c4 f4"), source="tune.txt")
    assert str(caught.value) == "tune.txt: note 2 (Note(F4, 1)) is not in the model's vocabulary"
    with pytest.raises(KeyError):
        vocabulary.index(Note(65, Fraction(1)))


def test_with_an_unknown_class_every_unseen_note_is_the_last_class():
    vocabulary = Vocabulary.from_melodies([melody("c4 d4"), melody("e4")], unknown=True)
    assert (vocabulary.notes, vocabulary.name) == (tuple(parse_notes("c4 d4 e4")), "collection")
    assert (len(vocabulary), vocabulary.unknown_index) == (4, 3)
    assert vocabulary.indices(parse_notes("c4 f4 e4 c8")).tolist() == [0, 3, 2, 3]
    assert vocabulary.index(Note(65, Fraction(1))) == 3
    assert vocabulary.to_notes([2, 0]) == parse_notes("e4 c4")
    with pytest.raises(ValueError, match="the unknown class stands for no note"):
        vocabulary.to_notes([0, 3])
    # even lecture notes get the collection's own ordering when an unknown class is asked for
    lecture = Vocabulary.from_melodies([melody("c4 d8")], unknown=True)
    assert lecture.name == "collection" and lecture.notes == tuple(parse_notes("c4 d8"))


@pytest.mark.parametrize("name", ["index", "features"])
def test_the_unknown_class_has_its_own_input(name):
    vocabulary = Vocabulary.from_melodies([melody("c4 d8 r4 e4")], unknown=True)
    table = make_encoding(name, vocabulary).table
    assert table.shape[0] == len(vocabulary) == 5
    assert len({tuple(row) for row in table}) == 5  # every class, the unknown one too, is distinct
    if name == "features":
        assert table[-1].tolist() == [0.0, 0.0, 0.0, 1.0] and not table[:-1, -1].any()


def test_windows_over_several_melodies_never_span_two():
    dataset = make_dataset([np.array([0, 1, 2, 3]), np.array([5, 6]), np.array([7, 8, 9])], 2)
    assert dataset.inputs.tolist() == [[0, 1], [1, 2], [7, 8]]
    assert dataset.targets.tolist() == [2, 3, 9]
    assert make_dataset([0, 1, 2], 2).inputs.tolist() == [[0, 1]]  # one melody as a list
    with pytest.raises(MelodyError, match="no melody has more than 3 notes, the window"):
        make_dataset([np.array([0, 1, 2]), np.array([4])], 3)

"""formats/repeats.py: one rule for the repeats of every score read as a song (ABC, MusicXML,
Humdrum): the played order of measures, and a reel read from its ABC and from the MusicXML
music21 writes of it, the same notes played out; a tunebook in a collection keeps its tunes as
written."""

from __future__ import annotations

import warnings
from fractions import Fraction as F

import pytest
from external import BAD_INPUTS

from melodygen.core.note import Note, pitch_number
from melodygen.formats.collections import music21_corpus, read_collection
from melodygen.formats.repeats import Marks, played_order
from melodygen.formats.songs import load_melody

START, END = Marks(start=True), Marks(end=2)
PLAIN = Marks()


def ending(*passes: int, end: int = 0) -> Marks:
    return Marks(end=end, endings=frozenset(passes))


@pytest.mark.parametrize("marks, order", [
    ([PLAIN, PLAIN, PLAIN], [0, 1, 2]),
    ([START, END, PLAIN], [0, 1, 0, 1, 2]),                      # |: A B :| C
    ([PLAIN, END, PLAIN], [0, 1, 0, 1, 2]),                      # A B :| C: from the start
    ([START, END, PLAIN, END], [0, 1, 0, 1, 2, 3, 2, 3]),        # |: A :| B :|: A A B B
    ([Marks(start=True, end=2), Marks(start=True, end=2)], [0, 0, 1, 1]),  # |: A :|: B :|
    ([START, ending(1, end=2), ending(2), PLAIN], [0, 1, 0, 2, 3]),   # |: A [1 B :| [2 C | D
    ([START, ending(1), ending(1, end=2), ending(2), PLAIN, END],
     [0, 1, 2, 0, 3, 4, 5, 4, 5]),                               # two measures of a first ending,
                                                                 # then a new section
    ([START, ending(1, end=2), ending(2, end=2), ending(3)], [0, 1, 0, 2, 0, 3]),  # three voltas
    ([START, Marks(end=3)], [0, 1, 0, 1, 0, 1]),                 # MusicXML's times="3"
    ([START, ending(1), ending(2), PLAIN], [0, 1, 2, 3]),        # no end repeat: as written
    ([START, PLAIN, PLAIN], [0, 1, 2]),                          # a start never ended
])
def test_played_order(marks, order):
    assert played_order(marks) == order


REEL = """X:1
T:Reel of two parts
M:4/4
L:1/8
K:D
|: DFAF dFAF | GBdB AFDF :|
|: dfaf gfed |1 cABc d2d2 :|2 cABc d4 |]
"""


def names(*pairs) -> list[Note]:
    """("D4", 8 eighths ...) -> notes: (name, length in eighths)."""
    return [Note(pitch_number(name), F(length, 2)) for name, length in pairs]


A_PART = names(*[(name, 1)
                  for name in "D4 F#4 A4 F#4 D5 F#4 A4 F#4 G4 B4 D5 B4 A4 F#4 D4 F#4".split()])
B_START = names(*[(name, 1) for name in "D5 F#5 A5 F#5 G5 F#5 E5 D5".split()])
FIRST = names(("C#5", 1), ("A4", 1), ("B4", 1), ("C#5", 1), ("D5", 2), ("D5", 2))
SECOND = names(("C#5", 1), ("A4", 1), ("B4", 1), ("C#5", 1), ("D5", 4))


def quietly(read, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read(*args)


def test_a_reel_is_played_out_the_same_from_its_abc_and_its_musicxml(tmp_path):
    """A reel with |: :| and first and second endings: 59 notes played out (35 as written),
    note for note the same from its ABC and from the MusicXML music21 writes of it."""
    music21 = pytest.importorskip("music21")
    abc_file = tmp_path / "reel.abc"
    abc_file.write_text(REEL, encoding="utf-8")
    xml_file = tmp_path / "reel.musicxml"
    quietly(music21.converter.parse(str(abc_file)).write, "musicxml", str(xml_file))
    played = A_PART + A_PART + B_START + FIRST + B_START + SECOND
    assert len(played) == 59
    assert list(quietly(load_melody, abc_file).notes) == played
    assert list(quietly(load_melody, xml_file).notes) == played


def test_an_end_repeat_without_its_start_repeats_its_own_section(tmp_path):
    """|: A :| B :|: A A B B, from ABC and from music21's MusicXML of it (music21's own
    expander plays A A B A A B: after the first repeat it goes back to the first measure)."""
    music21 = pytest.importorskip("music21")
    abc_file = tmp_path / "ab.abc"
    abc_file.write_text("X:1\nT:AB\nM:2/4\nL:1/8\nK:C\n|: CDEF | GABc :| defg | abc'2 :|\n",
                        encoding="utf-8")
    xml_file = tmp_path / "ab.musicxml"
    quietly(music21.converter.parse(str(abc_file)).write, "musicxml", str(xml_file))
    a_part = names(*[(name, 1) for name in "C4 D4 E4 F4 G4 A4 B4 C5".split()])
    b_part = names(*[(name, 1) for name in "D5 E5 F5 G5 A5 B5".split()], ("C6", 2))
    for path in (abc_file, xml_file):
        assert list(quietly(load_melody, path).notes) == a_part * 2 + b_part * 2


def test_a_collection_keeps_a_tunebook_as_written(tmp_path, monkeypatch):
    """The collection model learns tunes with their repeats as written: 35 notes."""
    monkeypatch.setenv("MELODYGEN_CACHE", str(tmp_path / "cache"))
    (tmp_path / "tunes").mkdir()
    (tmp_path / "tunes" / "reel.abc").write_text(REEL, encoding="utf-8")
    (tune,) = read_collection(str(tmp_path / "tunes"), workers=1).tunes
    assert list(tune.melody.notes) == A_PART + B_START + FIRST + SECOND


def test_the_acacia_reel_is_the_same_from_its_abc_and_its_musicxml(tmp_path, monkeypatch):
    """Ryan's "Acacia" from music21's corpus: 124 notes as written, 248 played out, note for note
    (pitch and length) the notes of the MusicXML music21 writes of it (tests/bad_inputs)."""
    monkeypatch.setenv("MELODYGEN_CACHE", str(tmp_path / "cache"))
    path = music21_corpus() / "ryansMammoth" / "AcaciaReel.abc"
    if not path.exists():
        pytest.skip("music21's corpus has no ryansMammoth/AcaciaReel.abc")

    def sounding(melody):
        return [(note.pitch, note.duration) for note in melody.notes if not note.is_rest]

    assert len(sounding(read_collection(str(path), workers=1).tunes[0].melody)) == 124
    played = sounding(quietly(load_melody, path))
    assert len(played) == 248
    assert played == sounding(quietly(load_melody, BAD_INPUTS / "acacia.musicxml"))

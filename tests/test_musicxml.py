"""musicxml.py, the writer: notes -> MusicXML bytes, read back with music21."""

import xml.etree.ElementTree as ET
from fractions import Fraction

import pytest

from conftest import lecture_note, parse_score, score_notes
from melodygen.musicxml import musicxml_bytes, write_musicxml
from melodygen.note import Melody, Note


def melody_of(tokens: str, title: str = "나비야") -> Melody:
    notes = [Note(None, Fraction(1, 2)) if token == "r8" else lecture_note(token) for token in tokens.split()]
    return Melody(tuple(notes), title=title, time_signature=(2, 4), tempo=100)


# tokens, measures written, rest that completes the last measure (quarter notes)
MELODIES = [
    ("g8 e8 e4 f8 d8 d4", 2, None),
    ("g8 e4 e4", 2, Fraction(3, 2)),        # the second e4 is tied across the bar line
    ("g8 r8 e4 e8", 2, Fraction(3, 2)),
    ("g8 e8 e4 f8 d8 d8 d8 d8", 3, Fraction(3, 2)),  # like a prediction: primer, then notes
]


@pytest.fixture(scope="module")
def written(nabiya):
    """tokens -> (melody, bytes, music21 score) for each of MELODIES, and for 나비야 itself."""
    out = {}
    for tokens, _, _ in MELODIES:
        melody = melody_of(tokens)
        data = musicxml_bytes(melody)
        out[tokens] = (melody, data, parse_score(data))
    data = musicxml_bytes(nabiya)
    out["nabiya"] = (nabiya, data, parse_score(data))
    return out


def test_nabiya_round_trip(written, nabiya):
    _, data, score = written["nabiya"]
    assert score_notes(data) == list(nabiya.notes)
    measures = list(score.parts[0].getElementsByClass("Measure"))
    assert len(measures) == 16
    assert [measure.duration.quarterLength for measure in measures] == [2.0] * 16


@pytest.mark.parametrize("tokens, count, padding", MELODIES)
def test_full_measures_and_the_padding_rest(written, tokens, count, padding):
    melody, data, score = written[tokens]
    measures = list(score.parts[0].getElementsByClass("Measure"))
    assert [measure.duration.quarterLength for measure in measures] == [2.0] * count
    assert score_notes(data) == list(melody.notes) + ([Note(None, padding)] if padding else [])


def test_note_tied_across_the_bar_line(written):
    score = written["g8 e4 e4"][2]
    events = [(e.quarterLength, e.tie.type if e.tie else None)
              for e in score.parts[0].flatten().notesAndRests]
    assert events == [(0.5, None), (1.0, None), (0.5, "start"), (0.5, "stop"), (1.5, None)]


@pytest.mark.parametrize("key", ["nabiya"] + [tokens for tokens, _, _ in MELODIES])
def test_title_meter_and_tempo(written, key):
    melody, data, score = written[key]
    root = ET.fromstring(data)
    assert root.findtext("work/work-title") == melody.title
    assert root.findtext("movement-title") == melody.title
    assert score.metadata.bestTitle == melody.title
    signatures = list(score.recurse().getElementsByClass("TimeSignature"))
    assert [signature.ratioString for signature in signatures] == ["2/4"]
    marks = list(score.recurse().getElementsByClass("MetronomeMark"))
    assert [(mark.number, mark.referent.quarterLength) for mark in marks] == [(100, 1.0)]
    assert len(score.parts) == 1


def test_same_melody_same_bytes(written, nabiya):
    again = musicxml_bytes(Melody(nabiya.notes, nabiya.title, (2, 4), 100))
    assert again == written["nabiya"][1]
    assert b"encoding-date" not in again and b"composer" not in again


def test_write_musicxml(tmp_path, written, nabiya):
    path = tmp_path / "nabiya.musicxml"
    assert write_musicxml(nabiya, path) == path
    assert path.read_bytes() == written["nabiya"][1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nabiya.musicxml"]

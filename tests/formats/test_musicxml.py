"""musicxml.py, the writer: notes -> MusicXML bytes, read back with music21 and read as XML."""

import xml.etree.ElementTree as ET
from fractions import Fraction

import pytest
from conftest import lecture_note, parse_score, score_notes, without_padding

from melodygen.core.note import Melody, Note
from melodygen.formats.musicxml import (
    beat_groups,
    key_alters,
    musicxml_bytes,
    note_values,
    spell,
    write_musicxml,
)
from melodygen.formats.notation import parse_song
from melodygen.formats.songs import load_song


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


# --- how the notes are written: values, key, spelling, accidentals, beams, measures ---------------

def song(body: str, time: str = "2/4") -> Melody:
    return parse_song(f"title: t\ntime: {time}\ntempo: 100\n{body}\n")


def written_notes(melody: Melody) -> list[dict]:
    """Every <note> of the written score as a dict of what the tests look at."""
    root = ET.fromstring(musicxml_bytes(melody))
    notes = []
    for number, measure in enumerate(root.iter("measure")):
        for note in measure.iter("note"):
            notes.append({
                "measure": measure.get("number"),
                "pitch": None if note.find("rest") is not None else
                (note.findtext("pitch/step"), int(note.findtext("pitch/alter") or 0),
                 int(note.findtext("pitch/octave"))),
                "duration": int(note.findtext("duration")),
                "type": note.findtext("type"), "dots": len(note.findall("dot")),
                "accidental": note.findtext("accidental"),
                "ties": [tie.get("type") for tie in note.findall("tie")],
                "tied": [tied.get("type") for tied in note.findall("notations/tied")],
                "beams": [(int(beam.get("number")), beam.text) for beam in note.findall("beam")],
                "measure_rest": note.find("rest") is not None and note.find("rest").get("measure") == "yes",
                "tuplet": (int(note.findtext("time-modification/actual-notes")),
                           int(note.findtext("time-modification/normal-notes")))
                if note.find("time-modification") is not None else None,
                "bracket": [tuplet.get("type") for tuplet in note.findall("notations/tuplet")],
            })
    return notes


@pytest.mark.parametrize("length, values", [
    (Fraction(1, 2), [(Fraction(1, 2), "eighth", 0)]),
    (Fraction(3, 2), [(Fraction(3, 2), "quarter", 1)]),
    (Fraction(7, 2), [(Fraction(7, 2), "half", 2)]),
    (Fraction(5, 8), [(Fraction(1, 2), "eighth", 0), (Fraction(1, 8), "32nd", 0)]),
    (Fraction(5), [(Fraction(4), "whole", 0), (Fraction(1), "quarter", 0)]),
    (Fraction(9), [(Fraction(7), "whole", 2), (Fraction(2), "half", 0)]),
    (Fraction(1, 32), [(Fraction(1, 32), "128th", 0)]),
])
def test_note_values(length, values):
    assert note_values(length) == values


@pytest.mark.parametrize("length", [Fraction(1, 3), Fraction(1, 128), Fraction(0), Fraction(-1, 2)])
def test_lengths_that_no_note_values_make_are_refused(length):
    with pytest.raises(ValueError, match="not a sum of note values"):
        note_values(length)


@pytest.mark.parametrize("name, fifths", [("nabiya", 0), ("twinkle", 0), ("freut_euch", -1),
                                          ("muss_i_denn", -1)])
def test_key_signature_of_the_bundled_songs(name, fifths):
    root = ET.fromstring(musicxml_bytes(load_song(name)))
    assert root.findtext("part/measure/attributes/key/fifths") == str(fifths)


def test_key_alters():
    assert key_alters(0) == {}
    assert key_alters(2) == {"F": 1, "C": 1}
    assert key_alters(-3) == {"B": -1, "E": -1, "A": -1}


@pytest.mark.parametrize("pitch, fifths, spelled", [
    (70, -1, ("B", -1, 4)), (71, -1, ("B", 0, 4)),    # F major: Bb from the key, B natural
    (61, 0, ("C", 1, 4)), (63, 0, ("E", -1, 4)), (70, 0, ("B", -1, 4)),  # C: C#, Eb, Bb
    (65, 6, ("E", 1, 4)), (71, -6, ("C", -1, 5)),     # E# in F# major, Cb5 (= B4) in Gb major
    (60, 2, ("C", 0, 4)), (68, 2, ("G", 1, 4)), (68, -2, ("A", -1, 4)),
])
def test_spelling_in_the_key(pitch, fifths, spelled):
    assert spell(pitch, fifths) == spelled


def test_accidentals_show_what_the_key_and_the_measure_do_not_say():
    notes = written_notes(song("f8 g8 a8 bb8 | c'4 bb8 b8~ | b8 b8 c'4 | bb8 a8 g8 f8 | f2"))
    assert [(n["pitch"][0], n["pitch"][1], n["accidental"]) for n in notes] == [
        ("F", 0, None), ("G", 0, None), ("A", 0, None), ("B", -1, None),  # F major: Bb in the key
        ("C", 0, None), ("B", -1, None), ("B", 0, "natural"),
        ("B", 0, None), ("B", 0, "natural"), ("C", 0, None),  # tied over: no sign; then again
        ("B", -1, None), ("A", 0, None), ("G", 0, None), ("F", 0, None),
        ("F", 0, None)]
    assert [n["accidental"] for n in written_notes(song("c8 d8 e8 f8 | g8 bb8 b8 b8 | c'2"))] == [
        None, None, None, None, None, "flat", "natural", None, None]  # C major: a flat, undone
    assert [n["accidental"] for n in written_notes(song("b8 bb8 b8 b8 | b2"))] == [None] * 5  # B major


def test_beams_follow_the_beat_groups():
    two_four = written_notes(song("c8 d8 e8 f8 | g8 a16 b16 c'8. d'16 | e'4 f'8 r8"))
    assert [n["beams"] for n in two_four] == [
        [(1, "begin")], [(1, "end")], [(1, "begin")], [(1, "end")],
        [(1, "begin")], [(1, "continue"), (2, "begin")], [(1, "end"), (2, "end")],
        [(1, "begin")], [(1, "end"), (2, "backward hook")],
        [], [], []]  # a quarter has no beam, a rest ends one
    six_eight = written_notes(song("c8 d8 e8 f8 g8 a8 | b4. c'4.", time="6/8"))
    assert [n["beams"] for n in six_eight] == [
        [(1, "begin")], [(1, "continue")], [(1, "end")]] * 2 + [[], []]


def test_beat_groups():
    assert beat_groups((2, 4)) == [1, 2]
    assert beat_groups((6, 8)) == [Fraction(3, 2), 3]
    assert beat_groups((3, 8)) == [Fraction(3, 2)]
    assert beat_groups((7, 8)) == [1, 2, Fraction(7, 2)]
    assert beat_groups((2, 2)) == [2, 4]


def test_ties_across_bar_lines_and_into_written_values():
    notes = written_notes(song("g8 e2 c8 d4. e16"))  # e2 from beat 1.5 of 2, d4. from beat 2 of 2
    assert [(n["measure"], n["type"], n["dots"], n["ties"], n["tied"]) for n in notes] == [
        ("1", "eighth", 0, [], []),
        ("1", "quarter", 1, ["start"], ["start"]),
        ("2", "eighth", 0, ["stop"], ["stop"]),
        ("2", "eighth", 0, [], []),
        ("2", "quarter", 0, ["start"], ["start"]),
        ("3", "eighth", 0, ["stop"], ["stop"]),
        ("3", "16th", 0, [], []),
        ("3", "quarter", 0, [], []),                 # 5/4 of rest complete the last measure
        ("3", "16th", 0, [], []),
    ]
    notes = written_notes(song("g8 e1 c8"))  # a whole note from beat 1.5: through all of measure 2
    assert [(n["measure"], n["type"], n["ties"]) for n in notes[1:4]] == [
        ("1", "quarter", ["start"]), ("2", "half", ["stop", "start"]), ("3", "eighth", ["stop"])]


def test_a_rest_that_fills_a_measure_is_a_measure_rest():
    notes = written_notes(song("g4 e4 | r2 | e4 d4"))
    rest = notes[2]
    assert rest["measure_rest"] and rest["type"] is None
    assert rest["duration"] == 2 * notes[0]["duration"]  # two quarter notes long
    assert [n["measure"] for n in notes] == ["1", "1", "2", "3", "3"]


def test_pickup_measure_is_numbered_0_and_implicit():
    root = ET.fromstring(musicxml_bytes(load_song("muss_i_denn")))
    measures = list(root.iter("measure"))
    assert [(m.get("number"), m.get("implicit")) for m in measures[:2]] == [("0", "yes"), ("1", None)]
    assert measures[-1].findtext("barline/bar-style") == "light-heavy"


@pytest.mark.parametrize("octave, clef", [("", ("G", "2")), (",", ("F", "4"))])
def test_clef_by_register(octave, clef):
    melody = song(" ".join(f"{letter}{octave}8" for letter in "cdefgabc"))
    root = ET.fromstring(musicxml_bytes(melody))
    assert (root.findtext(".//clef/sign"), root.findtext(".//clef/line")) == clef


def test_tuplets_have_time_modification_and_a_bracket_per_beat_group():
    notes = written_notes(song("(3 c8 d8 e8 f4 | (5 c16 d16 e16 f16 g16 (3:2:2 a4 r8 | (3 b4 c'4 d'4 |"))
    assert [(n["type"], n["duration"], n["tuplet"], n["bracket"]) for n in notes] == [  # 15 a quarter
        ("eighth", 5, (3, 2), ["start"]), ("eighth", 5, (3, 2), []),
        ("eighth", 5, (3, 2), ["stop"]), ("quarter", 15, None, []),
        ("16th", 3, (5, 4), ["start"]), ("16th", 3, (5, 4), []), ("16th", 3, (5, 4), []),
        ("16th", 3, (5, 4), []), ("16th", 3, (5, 4), ["stop"]),
        ("quarter", 10, (3, 2), ["start"]), ("eighth", 5, (3, 2), ["stop"]),  # a triplet rest
        # quarter-note triplets over two beats: the middle one is cut at the beat, tied
        ("quarter", 10, (3, 2), ["start"]), ("eighth", 5, (3, 2), ["stop"]),
        ("eighth", 5, (3, 2), ["start"]), ("quarter", 10, (3, 2), ["stop"])]
    assert notes[11]["ties"] == [] and notes[12]["ties"] == ["start"] and notes[13]["ties"] == ["stop"]
    assert [n["beams"] for n in notes[:4]] == [[(1, "begin")], [(1, "continue")], [(1, "end")], []]
    root = ET.fromstring(musicxml_bytes(song("(3 c8 d8 e8 f4")))
    assert root.findtext("part/measure/attributes/divisions") == "3"  # the fewest: 1/3 -> 1


def test_tuplets_read_back_by_music21_as_written():
    melody = song("(3 c8 d8 e8 f4 | (5 c16 d16 e16 f16 g16 (3:2:2 a4 r8 | (3 b4 c'4 d'4 | "
                  "(6 c'16 b16 a16 g16 f16 e16 d4 |")
    assert without_padding(score_notes(musicxml_bytes(melody))) == list(melody.notes)


def test_the_key_of_the_melody_is_its_signature_with_its_mode():
    root = ET.fromstring(musicxml_bytes(song("key: D minor\nd8 e8 f8 g8 | a2", time="2/4")))
    assert (root.findtext(".//key/fifths"), root.findtext(".//key/mode")) == ("-1", "minor")
    root = ET.fromstring(musicxml_bytes(song("d8 e8 f8 g8 | a2")))
    assert root.find(".//key/mode") is None  # a key found in the notes: the signature only


@pytest.mark.parametrize(("name", "fifths", "mode"), [
    ("D dorian", "0", "dorian"), ("E phrygian", "0", "phrygian"), ("F lydian", "0", "lydian"),
    ("G mixolydian", "0", "mixolydian"), ("B locrian", "0", "locrian"), ("Eb minor", "-6", "minor"),
    ("D# minor", "6", "minor"), ("Gb major", "-6", "major")])
def test_every_mode_and_spelling_is_written_and_read_back(name, fifths, mode):
    """MusicXML has all seven modes (major ... locrian); music21 reads them back, and a flat key
    stays flat (Eb minor six flats, D# minor six sharps)."""
    import music21

    from melodygen.core.keys import Key
    from melodygen.formats.musicxml import from_score

    melody = Melody((Note(63, Fraction(1)), Note(66, Fraction(1))), "t", key=Key.parse(name))
    data = musicxml_bytes(melody)
    root = ET.fromstring(data)
    assert (root.findtext(".//key/fifths"), root.findtext(".//key/mode")) == (fifths, mode)
    read = from_score(music21.converter.parse(data.decode("utf-8"), format="musicxml"), "k.musicxml")
    assert read.key == melody.key and str(read.key) == name

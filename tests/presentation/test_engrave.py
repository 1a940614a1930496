"""Engraved scores: wrong notes in red and numbered, the notes on the page equal the notes predicted."""

import re
import xml.etree.ElementTree as ET
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from melodygen import Melody, Note, TrainConfig, load_song, parse_notes
from melodygen.formats.musicxml import musicxml_bytes
from melodygen.learning.song.experiment import SongRun, prepare
from melodygen.presentation.engrave import PHONE_PAGE_WIDTH, WRONG_COLOR, read_svg, score_svg

RED_NOTE = re.compile(r'<g id="[^"]+" class="note"[^>]*fill="' + WRONG_COLOR + '"')


def nabiya_run() -> SongRun:
    """나비야 with no trained model: enough to build predicted melodies and their wrong notes."""
    melody = load_song("nabiya")
    config = TrainConfig()
    vocabulary, dataset = prepare(melody, config.window)
    return SongRun(melody, vocabulary, dataset, config, [])


def engrave_prediction(run: SongRun, indices: np.ndarray):
    melody = run.predicted_melody(indices, "나비야 - test prediction")
    wrong = run.wrong_positions(indices)
    return melody, wrong, score_svg(musicxml_bytes(melody, wrong), subtitle=f"{len(wrong)} wrong")


@pytest.mark.parametrize("k", [0, 1, 4, 17])
def test_k_wrong_eighths_give_k_red_notes(k):
    # k predicted eighth notes, spread over the song, become another eighth note: no note is split
    # by a bar line, so the SVG has one note head per note and exactly k red notes.
    run = nabiya_run()
    vocabulary = run.vocabulary
    indices = run.dataset.targets.copy()
    eighths = [i for i, index in enumerate(indices) if vocabulary.notes[index].duration == Fraction(1, 2)]
    changed = [eighths[round(j * (len(eighths) - 1) / max(k - 1, 1))] for j in range(k)]
    for i in changed:
        pitch = vocabulary.notes[indices[i]].pitch
        indices[i] = vocabulary.index(Note(69 if pitch != 69 else 71, Fraction(1, 2)))  # a8 or b8
    melody, wrong, svg = engrave_prediction(run, indices)
    assert wrong == [run.config.window + i + 1 for i in changed]
    assert len(RED_NOTE.findall(svg.decode())) == len(changed)
    assert [(e.note, e.marked, e.label) for e in read_svg(svg)] == \
        [(note, position in wrong, str(position) if position in wrong else None)
         for position, note in enumerate(melody.notes, start=1)]


def test_mlp_like_collapse_marks_every_wrong_note_once():
    # A full song that derails into repeated quarter notes: quarters on off-beats are tied across
    # bar lines (two red heads, one note). Read back, every wrong note is one marked note.
    run = nabiya_run()
    indices = run.dataset.targets.copy()
    d4 = Note(62, Fraction(1))
    indices[3:] = run.vocabulary.index(d4)  # d4 from the 8th note of the song on
    melody, wrong, svg = engrave_prediction(run, indices)
    engraved = read_svg(svg)
    assert [e.note for e in engraved] == list(melody.notes)
    song = run.melody.notes
    assert wrong == [p for p in range(8, len(song) + 1) if song[p - 1] != d4]
    assert [position for position, e in enumerate(engraved, start=1) if e.marked] == wrong
    assert [e.label for e in engraved if e.marked] == [str(position) for position in wrong]
    assert len(RED_NOTE.findall(svg.decode())) > len(wrong)  # tied halves are red too
    assert svg.decode().count('class="verse"') == len(wrong)  # one number per note, not per tied half


SONGS = {
    "accidentals, rests, ties": ("e4 e8 d4 e8 f#8 f#8 r4 bb2 r2 c'4. r8 g,16 a,16 b,8 d2", (2, 4)),
    "3/4 with dots": ("c4. d8 e4 f2 g4 a8 b8 c'4. r8 c'4 r4", (3, 4)),
    "6/8 across bars": ("g8 a8 b8 c'4 d'8 e'4. r4. d'4 c'8 b4. a4 g8", (6, 8)),
    "sharps and naturals": ("f#8 f8 f#8 c#'8 c'8 c#'8 g#,4 g,4", (4, 4)),
}


@pytest.mark.parametrize("name", SONGS)
def test_engraved_notes_round_trip(name):
    text, meter = SONGS[name]
    melody = Melody(tuple(parse_notes(text)), title=name, time_signature=meter, tempo=90)
    marked = {1, 3, len(melody)}
    svg = score_svg(musicxml_bytes(melody, marked))
    engraved = read_svg(svg)
    notes = list(melody.notes)
    while notes[-1].is_rest:  # read_svg drops trailing rests (the last measure's filler)
        notes.pop()
    assert [e.note for e in engraved] == notes
    shown = marked & set(range(1, len(notes) + 1))
    assert {i for i, e in enumerate(engraved, start=1) if e.marked} == shown
    assert {e.label for e in engraved if e.label} == {str(i) for i in shown}  # rests too


lengths = st.sampled_from([Fraction(1, 4), Fraction(1, 2), Fraction(1), Fraction(3, 2), Fraction(2),
                           Fraction(3), Fraction(5, 2)])  # quarter notes; 5/2 needs a tie


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.one_of(st.none(), st.integers(48, 84)), lengths), min_size=1, max_size=12),
       st.sampled_from([(2, 4), (3, 4), (4, 4), (6, 8)]), st.data())
def test_any_melody_round_trips_through_the_engraving(events, meter, data):
    notes = [Note(pitch, length) for pitch, length in events]
    notes[-1] = Note(notes[-1].pitch or 60, notes[-1].duration)  # end on a note
    joined = []  # adjacent rests read back as one rest
    for note in notes:
        if joined and note.is_rest and joined[-1].is_rest:
            joined[-1] = Note(None, joined[-1].duration + note.duration)
        else:
            joined.append(note)
    melody = Melody(tuple(joined), title="property", time_signature=meter, tempo=120)
    marked = set(data.draw(st.lists(st.integers(1, len(joined)), max_size=4)))
    engraved = read_svg(score_svg(musicxml_bytes(melody, marked)))
    assert [e.note for e in engraved] == joined
    assert {i for i, e in enumerate(engraved, start=1) if e.marked} == marked
    assert [e.label for e in engraved] == [str(i) if i in marked else None
                                           for i in range(1, len(joined) + 1)]


def test_same_input_same_bytes_and_marks_change_them():
    melody = load_song("nabiya")
    first = score_svg(musicxml_bytes(melody, [5, 6]), subtitle="two")
    assert score_svg(musicxml_bytes(melody, [5, 6]), subtitle="two") == first
    assert score_svg(musicxml_bytes(melody, [5, 7]), subtitle="two") != first


def test_title_and_subtitle_are_text_not_markup():
    title = 'Bad <script>alert("x")</script> & 나비야'
    melody = Melody(tuple(parse_notes("c4 d4 e4 f4")), title=title, time_signature=(4, 4))
    svg = score_svg(musicxml_bytes(melody), subtitle="<b>sub</b>")
    root = ET.fromstring(svg)  # well-formed XML
    assert not [e for e in root.iter() if e.tag.endswith("script")]
    texts = ["".join(t.itertext()).strip() for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert title in texts and "<b>sub</b>" in texts
    assert "Melody" not in texts  # no part name in front of the staff


def test_positions_past_the_melody_mark_nothing():
    # 나비야 fills its last measure exactly; this melody needs a filler rest, never marked
    melody = Melody(tuple(parse_notes("c4 d4 e4")), title="short", time_signature=(4, 4))
    svg = score_svg(musicxml_bytes(melody, {4, 5}))
    assert WRONG_COLOR not in svg.decode()
    assert [e.note for e in read_svg(svg)] == list(melody.notes)


def test_a_score_longer_than_a_page_is_one_svg_of_stacked_pages(monkeypatch):
    from melodygen.presentation import engrave

    monkeypatch.setitem(engrave.VEROVIO_OPTIONS, "pageHeight", 500)  # 나비야 then needs 2 pages
    melody = load_song("nabiya")
    svg = score_svg(musicxml_bytes(melody, {3, 30, 54}))
    assert svg.decode().count('class="definition-scale"') == 2  # one per page
    assert re.match(rb'<svg viewBox="0 0 840 \d+"', svg)
    engraved = read_svg(svg)
    assert [e.note for e in engraved] == list(melody.notes)
    assert [i for i, e in enumerate(engraved, start=1) if e.marked] == [3, 30, 54]
    assert [e.label for e in engraved if e.marked] == ["3", "30", "54"]


def test_the_phone_layout_is_narrower_with_its_own_ids_and_the_same_marks():
    melody = load_song("nabiya")
    xml = musicxml_bytes(melody, {8: "8", 20: "20\ne4"})
    laptop, phone = score_svg(xml, subtitle="a subtitle"), score_svg(xml, subtitle="a subtitle",
                                                                    page_width=PHONE_PAGE_WIDTH)
    assert re.match(rb'<svg viewBox="0 0 840 ', laptop) and re.match(rb'<svg viewBox="0 0 360 ', phone)
    ids = [set(re.findall(rb' id="([^"]+)"', svg)) for svg in (laptop, phone)]
    assert ids[0] and not ids[0] & ids[1]  # both can be inlined in one page
    for svg in (laptop, phone):
        assert [(e.note, e.label) for e in read_svg(svg)] == \
            [(note, {8: "8", 20: "20\ne4"}.get(i)) for i, note in enumerate(melody.notes, start=1)]


def test_long_titles_are_wrapped_to_the_page():
    melody = Melody(tuple(parse_notes("c4 d4 e4 f4")), title="나비야 - " + "a long title " * 6)
    phone = ET.fromstring(score_svg(musicxml_bytes(melody), subtitle="first line\nsecond line",
                                    page_width=PHONE_PAGE_WIDTH))
    texts = ["".join(t.itertext()).strip() for t in phone.iter("{http://www.w3.org/2000/svg}text")]
    assert "first line" in texts and "second line" in texts
    title = [text for text in texts if "long title" in text]
    assert len(title) >= 3 and all(len(line) <= PHONE_PAGE_WIDTH // 26 for line in title)


def test_music_symbols_of_texts_become_paths_and_empty_texts_stay():
    """The tempo mark's note drawn as a path, its words kept with their spaces; a self-closing
    <text/> before it is left alone (it once made the search span two texts)."""
    from melodygen.presentation.engrave import glyphs_as_paths

    import verovio
    resources = verovio.toolkit().getResourcePath()
    svg = ('<g><text y="3" font-size="0px" />\n<g class="staff"/></g><g class="tempo">'
           '<text x="735" y="1384" font-size="0px">\n <tspan class="rend"><tspan class="text">'
           '<tspan font-family="Leipzig" font-size="720px">\uECA5</tspan></tspan></tspan>\n '
           '<tspan class="text"><tspan font-size="405px"> = </tspan></tspan></text></g>')
    out = glyphs_as_paths(svg, resources)
    assert out.startswith('<g><text y="3" font-size="0px" />\n<g class="staff"/></g>')
    assert "Leipzig" not in out
    assert '<g transform="translate(735 1384) scale(0.72)"><path transform="scale(1,-1)" d="M203 126' in out
    assert ('<text x="952.44" xml:space="preserve" y="1384" font-size="0px"><tspan class="rend">'
            '<tspan class="text"></tspan></tspan><tspan class="text"><tspan font-size="405px"> = '
            '</tspan></tspan></text>') in out

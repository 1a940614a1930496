"""presentation/gallery.py: every generated melody's files hold the same notes (MIDI, MusicXML,
ABC), the gallery shows every score, player and statistic, summary.json says it all; for a model
of either kind."""

import html
import json
import re
import shutil
from fractions import Fraction

import pytest
from conftest import midi_notes, score_notes, without_padding
from test_report import FRAME, chromium, needs_chromium

from melodygen.core.form import FormFacts
from melodygen.core.keys import Key
from melodygen.core.note import Melody
from melodygen.formats.abc import read_abc
from melodygen.formats.notation import parse_notes
from melodygen.generation.config import GenerateConfig
from melodygen.generation.loop import Generated
from melodygen.learning.interface import Defaults, MelodyModel
from melodygen.presentation.gallery import melodies_stats, write_generated

G = Key(7, "major")
TUNES = ["g4 b8 d'8 g'4 | f#'8 e'8 d'4 b4 | c'4 a4 f#4 | g2. |",
         "d'4 b4 g4 | (3 a8 b8 c'8 d'4 d'4 | e'8 d'8 c'4 a4 | g2. |"]


class Book(MelodyModel):
    """A model of a collection as the gallery sees one: what it learnt, no network."""

    kind, name, family = "collection", "lstm", "lstm"
    reference = (Melody(tuple(parse_notes("g4 b8 d'8 g'4 e4")), "a reel", source="book.abc:3"),)
    reference_bits = 3.2
    learnt_from = "essen"

    def describe(self):
        return "collection LSTM of essen (7,976 tunes)"

    @property
    def defaults(self):
        return Defaults("essen tune", (3, 4), Fraction(0), 96.0, G, bars=4)

    @property
    def lengths(self):
        return (Fraction(1, 2), Fraction(1))

    def facts(self):
        return {"kind": "collection", "name": "lstm", "source": "essen", "tunes": 7976}

    def stepper(self, key=None, meter=None):
        raise NotImplementedError

    def save(self, path):
        raise NotImplementedError


def made(count: int = 2) -> list[Generated]:
    return [Generated(Melody(tuple(parse_notes(tokens.replace("|", " "))), f"essen tune {n}",
                             time_signature=(3, 4), tempo=96.0, source=f"essen tune {n}"),
                      tuple(parse_notes(tokens.replace("|", " "))), 3.1)
            for n, tokens in enumerate(TUNES[:count], start=1)]


def config(count: int = 2) -> GenerateConfig:
    return GenerateConfig((), (3, 4), 96.0, G, "essen tune", bars=4, end_on_tonic=True,
                          temperature=1.0, count=count, seed=1)


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tunes")
    model, melodies = Book(), made()
    summary = write_generated(folder, model, config(), melodies,
                              melodies_stats(model, config(), melodies), "book.melodygen")
    return folder, melodies, summary


def test_every_tune_has_its_files_with_the_same_notes(written):
    folder, melodies, summary = written
    assert summary.removed == []
    for generated, melody in zip(melodies, summary.melodies):
        files = melody.files.files()
        assert set(files) == {"midi", "musicxml", "svg", "wav", "abc"}
        notes = generated.melody.notes
        assert midi_notes((folder / files["midi"]).read_bytes()) == list(notes)
        assert without_padding(score_notes((folder / files["musicxml"]).read_bytes())) == \
            list(notes)
        assert read_abc(folder / files["abc"]).notes == notes
        assert (folder / files["abc"]).read_text().splitlines()[5] == "K:G"


def test_the_statistics(written):
    _, _, summary = written
    first = summary.melodies[0].stats
    assert (first.bars, first.full_bars, first.ends_on_tonic, first.in_key) == (4, True, True, 1.0)
    assert first.copy.length == 4 and first.copied_from == "a reel"  # g4 b8 d'8 g'4, by title
    assert (first.bits, first.reference_bits) == (3.1, 3.2)
    assert summary.melodies[1].stats.copy.length == 1


def test_the_gallery_and_the_summary(written):
    folder, _, _ = written
    page = (folder / "gallery.html").read_text()
    assert page.count('<div class="score"') == 2 and page.count("<audio") == 2
    assert 'src="tune-1.wav"' in page
    assert "New melodies of collection LSTM of essen (7,976 tunes)" in page
    assert "4 (a reel 1-4)" in page  # the longest copy: the tune's title, and where it is
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["model"] == {"file": "book.melodygen", "kind": "collection", "name": "lstm",
                                "source": "essen", "tunes": 7976}
    assert [t["stats"]["longest_copy"] for t in summary["melodies"]] == [
        {"notes": 4, "start": 1, "melody": "a reel", "melody_start": 1},
        {"notes": 1, "start": 1, "melody": "a reel", "melody_start": 1}]
    assert summary["melodies"][0]["stats"]["bits_per_note"] == 3.1
    assert summary["melodies"][1]["tokens"].startswith("d'4 b4 g4 (3 a8 b8 c'8")
    assert "reference" not in summary  # a collection: no one song to compare with


def test_a_second_run_with_fewer_tunes_leaves_only_its_own(written):
    folder, _, _ = written
    (folder / "mine.txt").write_text("a user's file\n")
    model, melodies = Book(), made(1)
    summary = write_generated(folder, model, config(1), melodies,
                              melodies_stats(model, config(1), melodies))
    assert sorted(summary.removed) == ["tune-2.abc", "tune-2.mid", "tune-2.musicxml", "tune-2.svg",
                                       "tune-2.wav"]
    assert (folder / "mine.txt").exists()


# ---- tunes with form ------------------------------------------------------------------------

# AABB, parts of 2 bars of 6/8: a pickup, a bar, a last bar short by the pickup of the next part
JIG = "a8 | d'8 f#'8 a'8 a'8 f#'8 d'8 | d'4. d'4 b8 | g8 b8 d'8 g'8 f#'8 e'8 | d'4. d'4"


class Jigs(Book):
    """A model of jigs: it learnt the tunes of the written ones, so a style can be measured."""

    reference = tuple(Melody(tuple(parse_notes(tokens.replace("|", " "))), f"jig {n}", (6, 8),
                             pickup=Fraction(1, 2), source=f"jigs.abc:{n}")
                      for n, tokens in enumerate([JIG] * 6, start=1))
    reference_marks = ((("|:", Fraction(0)), (":|", Fraction(6)), ("|:", Fraction(6)),
                        (":|", Fraction(12))),) * 6
    form = FormFacts({"AABB/2": 6}, {Fraction(1, 2): 6}, "jig")


@pytest.fixture(scope="module")
def jigs(tmp_path_factory):
    from melodygen.core.form import layout

    folder = tmp_path_factory.mktemp("jigs")
    notes = tuple(parse_notes(JIG.replace("|", " ")))
    form = layout("AABB", 2, Fraction(3))
    made = [Generated(Melody(notes, f"Jig {n}", (6, 8), 165.0, f"Jig {n}", Fraction(1, 2)),
                      notes, 2.5, form) for n in (1, 2)]
    settings = GenerateConfig((), (6, 8), 165.0, Key(2, "major"), "Jig", bars=4,
                              end_on_tonic=True, temperature=1.0, count=2, seed=1, form="AABB",
                              part_bars=2)
    model = Jigs()
    summary = write_generated(folder, model, settings, made,
                              melodies_stats(model, settings, made), "jigs.melodygen")
    return folder, made, summary


def test_a_tune_with_form_is_written_in_parts_and_played_out(jigs):
    folder, made, summary = jigs
    played = made[0].form.played(made[0].melody).notes  # A A B B
    assert len(played) == 2 * len(made[0].melody.notes)
    assert midi_notes((folder / "tune-1.mid").read_bytes()) == list(played)
    xml = (folder / "tune-1.musicxml").read_text()
    assert xml.count('<repeat direction="forward" />') == 2 and \
        xml.count('<repeat direction="backward" />') == 2
    assert "<rehearsal>A</rehearsal>" in xml and "<rehearsal>B</rehearsal>" in xml
    assert xml.count('<print new-system="yes" />') == 1  # a system a part
    from melodygen.formats.musicxml import read_score
    assert read_score(folder / "tune-1.musicxml").notes == played  # music21 plays its repeats
    text = (folder / "tune-1.abc").read_text()
    assert "R:jig" in text and "P:A\n|: A | " in text and text.count(" :|") == 2
    book = (folder / "tunes.abc").read_text()
    assert book.count("X:") == 2 and "X:2\nT:Jig 2\nR:jig\n" in book


def test_the_gallery_of_tunes_with_form_shows_their_parts_and_their_style(jigs):
    folder, _, summary = jigs
    page = (folder / "gallery.html").read_text()
    assert "<h2 id=\"tune-1\">Jig 1 (AABB)</h2>" in page
    assert page.count('<div class="phone">') == 2 and page.count('<div class="laptop">') == 2
    assert 'href="tunes.abc"' in page and '<h2 id="style">Style</h2>' in page
    assert 'src="style.png"' in page and (folder / "style.png").read_bytes()[:4] == b"\x89PNG"
    data = json.loads((folder / "summary.json").read_text())
    assert data["tunebook"] == "tunes.abc"
    assert data["melodies"][0]["form"] == {
        "letters": "AABB", "part_bars": 2, "pickup": "1/2", "bar_repeats_from": None,
        "parts": [["A", "0", "6", True, None], ["B", "6", "12", True, None]]}
    style = data["style"]
    assert style["tunes"] == {"candidates": 2, "reference": 3, "real": 3}
    assert set(style["features"]) == {"pitch classes", "intervals", "note lengths", "range",
                                      "notes per bar", "bar repeats", "cadences", "form"}
    # the new tunes are the learnt ones: as alike to them as they are to each other
    assert all(values["overlap"] > 0.9 for values in style["features"].values())


@needs_chromium
@pytest.mark.parametrize("width, layout", [(390, "phone"), (1280, "laptop")])
def test_the_gallery_reads_on_a_phone_and_a_laptop(jigs, tmp_path, width, layout):
    """In a frame of a phone's width and of a laptop's (the report's test): no sideways
    scrolling, the scores of that width with staves large enough to read; a system a part (the
    jig's parts are two bars) in either layout."""
    folder, _, _ = jigs
    for name in folder.iterdir():
        shutil.copy(name, tmp_path / name.name)
    (tmp_path / "frame.html").write_text(FRAME.replace("report.html", "gallery.html") % width,
                                         encoding="utf-8")
    result = chromium(tmp_path, "--allow-file-access-from-files", "--window-size=1400,900",
                      "--virtual-time-budget=5000", "--dump-dom", (tmp_path / "frame.html").as_uri())
    found = json.loads(html.unescape(re.search(r'<pre id="out">(.*?)</pre>', result.stdout, re.S)[1]))
    assert found["scrollWidth"] <= width
    assert found["layouts"] == [layout] * 2
    assert all(staff >= 24 for staff in found["staffs"]), found["staffs"]  # 6 px a space
    page = (folder / "gallery.html").read_text()
    scores = re.findall(rf'<div class="{layout}">(.*?)</div>', page, re.S)
    assert [score.count('class="system"') for score in scores] == [2, 2]

"""presentation/gallery.py: every tune's files hold the same notes (MIDI, MusicXML, ABC), the
gallery shows every score, player and statistic, summary.json says it all."""

import json

import pytest
from conftest import midi_notes, score_notes, without_padding

from melodygen.core.keys import Key
from melodygen.core.note import Melody
from melodygen.formats.abc import read_abc
from melodygen.formats.notation import parse_notes
from melodygen.generation.stats import CopyIndex, tune_stats
from melodygen.presentation.gallery import write_tunes

G = Key(7, "major")
TUNES = ["g4 b8 d'8 g'4 | f#'8 e'8 d'4 b4 | c'4 a4 f#4 | g2. |",
         "d'4 b4 g4 | (3 a8 b8 c'8 d'4 d'4 | e'8 d'8 c'4 a4 | g2. |"]


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tunes")
    reference = [Melody(tuple(parse_notes("g4 b8 d'8 g'4 e4")), "a reel", source="book.abc:3")]
    copies = CopyIndex(reference)
    tunes = []
    for number, tokens in enumerate(TUNES, start=1):
        melody = Melody(tuple(parse_notes(tokens.replace("|", " "))), f"tune {number}",
                        time_signature=(3, 4), tempo=96.0, source=f"tune {number}")
        tunes.append((melody, tune_stats(melody, G, copies, ["book.abc:3"], 3.1, 3.2)))
    settings = {"count": 2, "bars": 4, "meter": "3/4", "key": str(G),
                "choosing": "sampling: temperature 1, seed 1"}
    model = {"source": "essen", "tunes": 7976, "validation_bits": 3.22}
    files, removed = write_tunes(folder, tunes, G, settings, model)
    return folder, tunes, files, removed


def test_every_tune_has_its_files_with_the_same_notes(written):
    folder, tunes, files, removed = written
    assert removed == []
    for (melody, _), tune in zip(tunes, files):
        assert set(tune.files) == {"midi", "musicxml", "svg", "wav", "abc"}
        assert midi_notes((folder / tune.files["midi"]).read_bytes()) == list(melody.notes)
        assert without_padding(score_notes((folder / tune.files["musicxml"]).read_bytes())) == \
            list(melody.notes)
        assert read_abc(folder / tune.files["abc"]).notes == melody.notes
        assert (folder / tune.files["abc"]).read_text().splitlines()[5] == "K:G"


def test_the_statistics(written):
    _, tunes, files, _ = written
    first = files[0].stats
    assert (first.bars, first.full_bars, first.ends_on_tonic, first.in_key) == (4, True, True, 1.0)
    assert first.copy.length == 4 and first.copied_from == "book.abc:3"  # g4 b8 d'8 g'4
    assert files[1].stats.copy.length == 1


def test_the_gallery_and_the_summary(written):
    folder, tunes, files, _ = written
    page = (folder / "gallery.html").read_text()
    assert page.count('<div class="score"') == 2 and page.count("<audio") == 2
    assert 'src="tune-1.wav"' in page and "New tunes in the style of essen" in page
    assert "4 (book.abc:3)" in page  # the longest copy and its tune
    summary = json.loads((folder / "summary.json").read_text())
    assert [t["stats"]["longest_copy"] for t in summary["tunes"]] == [
        {"notes": 4, "start": 1, "tune": "book.abc:3", "tune_start": 1},
        {"notes": 1, "start": 1, "tune": "book.abc:3", "tune_start": 1}]
    assert summary["tunes"][0]["stats"]["bits_per_note"] == 3.1
    assert summary["tunes"][1]["tokens"].startswith("d'4 b4 g4 (3 a8 b8 c'8")


def test_a_second_run_with_fewer_tunes_leaves_only_its_own(written):
    folder, tunes, _, _ = written
    (folder / "mine.txt").write_text("a user's file\n")
    _, removed = write_tunes(folder, tunes[:1], G, {"count": 1, "bars": 4, "meter": "3/4",
                                                    "key": "G major", "choosing": "greedy"},
                             {"source": "essen", "tunes": 1, "validation_bits": 3.0})
    assert sorted(removed) == ["tune-2.abc", "tune-2.mid", "tune-2.musicxml", "tune-2.svg",
                               "tune-2.wav"]
    assert (folder / "mine.txt").exists()

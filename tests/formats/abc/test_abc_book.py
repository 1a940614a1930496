"""formats/abc/book.py: a tunebook read with a broken tune, which drops only itself."""

from __future__ import annotations

import pytest
from abc_testing import notes, tune

from melodygen.core.errors import MelodyError, MelodyWarning
from melodygen.formats import abc
from melodygen.formats.collections import read_collection


def test_a_broken_tune_drops_only_itself_with_its_reason(tmp_path):
    path = tmp_path / "book.abc"
    path.write_text("X:1\nT:Good\nM:2/4\nL:1/4\nK:C\nc d |\n\n"
                    "X:2\nT:Bad meter\nM:3\nK:C\nc d |\n\n"
                    "X:3\nT:Also good\nL:1/4\nM:3/4\nK:G\nf g a |\n"
                    "X:4\nT:No notes\nK:C\n\n", encoding="utf-8")
    book = abc.read_tunebook(path)
    assert [reading.melody.title for reading in book.readings] == ["Good", "Also good"]
    assert book.melodies[1].notes == notes(("F#5", 1), ("G5", 1), ("A5", 1))
    assert [(tune.number, reason) for tune, reason in book.failed] == [
        (2, f"{path}:10:1: M: meter '3' is not beats/unit, C, C| or none"),
        (4, f"{path}:20: no notes in the tune")]
    assert len(book) == 2 and book.fallbacks == 0


def test_a_reference_number_that_is_not_a_number_is_a_broken_tune():
    text = "X:1a\nM:2/4\nL:1/4\nK:C\nc d |\n"
    with pytest.raises(MelodyError, match="music21 cannot read the tune"):
        abc.music21_tune(tune(text))
    with pytest.raises(MelodyError, match=r"^tune.abc:1:1: X: reference number '1a' is not a number"):
        abc.read_tune(tune(text))


def test_a_tunebook_that_is_not_one_is_an_error(tmp_path):
    with pytest.raises(MelodyError, match="no tunes"):
        abc.tunebook_from_text("just text\n", "notes.txt")
    with pytest.raises(MelodyError) as raised:
        abc.read_tunebook(tmp_path / "missing.abc")
    assert str(raised.value) == \
        f"{tmp_path / 'missing.abc'}: cannot read: No such file or directory"


LATIN_1_BOOK = ("X:1\nT:G\u00e4rten\nM:2/4\nL:1/4\nK:C\nc d |\n\n"
                "X:2\nT:Stra\u00dfe \u2013 Weg\nM:2/4\nL:1/4\nK:G\ne f |\n")


@pytest.mark.parametrize("encoding, second", [("cp1252", "Stra\u00dfe \u2013 Weg"),
                                              ("utf-8", "Stra\u00dfe \u2013 Weg")])
def test_a_tunebook_in_latin_1_or_windows_1252_is_read_whole(tmp_path, monkeypatch, encoding,
                                                              second):
    """One byte 0xe4 (ä in Latin-1) is not UTF-8: the tunebook is read as Windows-1252 (Latin-1
    with its dashes and quotes), the same way by read_abc (melodygen SONG), read_tunebook and
    read_collection (corpus, train and evaluate), not dropped whole."""
    monkeypatch.setenv("MELODYGEN_CACHE", str(tmp_path / "cache"))
    path = tmp_path / "book.abc"
    path.write_bytes(LATIN_1_BOOK.encode(encoding))
    assert (b"\xe4" in path.read_bytes()) == (encoding == "cp1252")
    assert [melody.title for melody in abc.read_tunebook(path).melodies] == ["G\u00e4rten", second]
    assert abc.read_abc(path, 2).title == second
    collection = read_collection(str(path), workers=1)
    assert [tune.title for tune in collection.tunes] == ["G\u00e4rten", second]
    assert collection.dropped == ()


def test_a_tunebook_of_bytes_undefined_in_windows_1252_is_read_as_latin_1(tmp_path):
    path = tmp_path / "book.abc"
    path.write_bytes(b"X:1\nT:A\x81B\xe4\nM:2/4\nL:1/4\nK:C\nc d |\n")
    assert abc.read_tunebook(path).melodies[0].title == "A\x81B\u00e4"


def test_a_damaged_tune_says_in_one_line_what_was_passed_over(tmp_path):
    """Characters of no ABC meaning between well-formed measures: read as far as understood, as
    music21 does, and one warning says how many were passed over and where the first is (it read
    without a word, and melodygen FILE.abc exited 0); the invisible bar line [|] is no damage."""
    path = tmp_path / "bad_syntax_error.abc"
    path.write_text("X:1\nT:Bad syntax\nM:4/4\nL:1/4\nK:C\n"
                    "C D E F | G $A @B c [|] ]]] c B A G ## | F E D C ;;; |]\n", encoding="utf-8")
    with pytest.warns(MelodyWarning) as caught:
        melody = abc.read_abc(path)
    assert len(melody.notes) == 16
    assert [str(warning.message) for warning in caught] == [
        f"{path}: passed over 10 characters or words of no ABC meaning, the first '$' at line 6, "
        "column 13: the tune may be broken (read as far as it is understood)"]

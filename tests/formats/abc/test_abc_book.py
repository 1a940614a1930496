"""formats/abc/book.py: a tunebook read with a broken tune, which drops only itself."""

from __future__ import annotations

import pytest
from abc_testing import notes, tune

from melodygen.core.errors import MelodyError
from melodygen.formats import abc


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
    with pytest.raises(MelodyError, match="cannot read the tunebook"):
        abc.read_tunebook(tmp_path / "missing.abc")

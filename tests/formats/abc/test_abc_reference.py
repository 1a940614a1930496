"""formats/abc/reference.py: music21's reading, against melodygen's on kinder0's figures and a
fixed sample of music21's corpus, read by music21 live."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from abc_testing import CORPUS, MUSIC21, summary

from melodygen.formats import abc

ESSEN = sorted(path for path in (CORPUS / "essenFolksong").glob("*.abc") if not path.name.startswith("test"))


def test_kinder0_figures():
    """The corpus research figures: 213 tunes, 8,393 notes with ties merged, 27 pitches."""
    book = abc.read_tunebook(CORPUS / "essenFolksong" / "kinder0.abc", fallback=False)
    pitches = [note.pitch for melody in book.melodies for note in melody.notes if not note.is_rest]
    assert (len(book), len(pitches), len(set(pitches)), book.failed) == (213, 8393, 27, ())


def sample(path: Path, count: int):
    """``count`` tunes spread evenly over a book, first and last included: a fixed sample."""
    tunes = abc.split_tunes(path.read_text(encoding="utf-8"), path.name)
    if len(tunes) <= count:
        return list(tunes)
    return [tunes[round(i * (len(tunes) - 1) / (count - 1))] for i in range(count)]


@pytest.mark.parametrize("path", ESSEN, ids=lambda path: path.stem)
def test_essen_sample_reads_as_music21(path):
    """30 tunes of every Essen file: read as music21 does, the same as music21 live; with
    melodygen's rules, the same as music21 reading the tune as ABC 2.1 (accidentals carry)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for one in sample(path, 30):
            reference = summary(abc.music21_tune(one))
            assert summary(abc.read_tune(one, MUSIC21)) == reference, one.where
            ours = summary(abc.read_tune(one))
            if ours != reference:
                assert ours == summary(abc.music21_tune(one, abc_version=(2, 1, 0))), one.where


@pytest.mark.parametrize("folder", ["ryansMammoth", "oneills1850"])
def test_other_tunebooks_sample_reads_as_music21(folder):
    """Every 60th tune of the Irish and American tunebooks: as music21 reads it, or read by
    music21 when melodygen does not read it."""
    tunes = [one for path in sorted((CORPUS / folder).glob("*.abc"))
             for one in abc.split_tunes(path.read_text(encoding="utf-8"), path.name)][::60]
    assert len(tunes) > 15
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for one in tunes:
            reference = summary(abc.music21_tune(one))
            try:
                assert summary(abc.read_tune(one, MUSIC21)) == reference, one.where
            except abc.UnsupportedAbc:
                pass

"""formats/collections.py: every tune of a folder, a glob, a tunebook or a named corpus; what is
dropped and merged, counted; the cache; reading in parallel."""

from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest

from melodygen.core.errors import MelodyError
from melodygen.formats import collections
from melodygen.formats.collections import named_collections, read_collection
from melodygen.formats.notation import parse_notes

FILES = Path(__file__).resolve().parent / "collection_files"


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    """Every test with a cache folder of its own."""
    monkeypatch.setenv("MELODYGEN_CACHE", str(tmp_path / "cache"))


def test_a_folder_gives_every_tune_of_every_melody_file_in_it():
    collection = read_collection(str(FILES), workers=1)
    assert [tune.name for tune in collection] == ["book.abc:1", "book.abc:3", "sub/song.txt"]
    first, third, song = collection.tunes
    assert first.melody.notes == tuple(parse_notes("g8 a8 b8 c'8 d'4 d'4"))
    assert (first.title, first.meter, first.key, first.region) == ("First", "2/4", "G", None)
    assert third.melody.notes == tuple(parse_notes("f4 g4 a4 bb2"))  # the final rest is dropped
    assert (third.title, third.meter, third.key, third.region) == \
        ("Third", "3/4", "F", "Europa, Mitteleuropa, Deutschland")
    assert third.melody.time_signature == (3, 4) and third.melody.source == "book.abc:3"
    assert (song.title, song.number, song.melody.source) == ("A song", None, "sub/song.txt")
    # README.md is no melody file: skipped without a word; sub/twice.abc repeats book.abc:1
    assert collection.duplicates == 1
    assert [(d.where, d.reason) for d in collection.dropped] == [
        ("book.abc:2", "music21 cannot read the tune: float division by zero"),
        ("sub/bad.txt", "unknown note")]
    assert collection.dropped[1].detail == "2:4: unknown note 'h4'"
    assert (collection.notes, len(collection.pitches), collection.pitch_range()) == (14, 10, "C4-D5")
    assert collection.meters() == Counter({"3/4": 2, "2/4": 1})


def test_a_tunebook_a_glob_and_one_melody_file():
    assert [t.name for t in read_collection(str(FILES / "book.abc"), workers=1)] == \
        ["book.abc:1", "book.abc:3"]
    assert [t.name for t in read_collection(str(FILES / "sub" / "*.txt"), workers=1)] == \
        [str(FILES / "sub" / "song.txt")]  # bad.txt dropped
    assert [t.name for t in read_collection(str(FILES / "sub" / "song.txt"))] == ["song.txt"]


def test_the_german_childrens_songs_as_pearce_counts_them():
    kinder = read_collection("essen/kinder")
    assert (len(kinder), kinder.notes, len(kinder.pitches)) == (213, 8393, 27)
    assert kinder.dropped == () and kinder.duplicates == 0
    assert kinder.tunes[0].name == "kinder0.abc:1" and kinder.tunes[0].title == "SCHLAF KINDLEIN SCHLAF"
    assert kinder.tunes[0].region.startswith("Europa, Mitteleuropa, Deutschland")


@pytest.mark.slow
def test_bach_s_chorales_read_as_written(tmp_path, monkeypatch):
    # BWV 253-438 but 327 (326's melody transposed): Pearce's Dataset 2 has 185 melodies,
    # 9,227 notes, 21 pitches; repeats as written, three grace notes dropped; read without the
    # cache (20 s on one core)
    monkeypatch.setenv("MELODYGEN_CACHE", str(tmp_path))
    chorales = read_collection("chorales")
    assert (len(chorales), chorales.notes, len(chorales.pitches)) == (185, 9304, 21)
    assert chorales.dropped == () and chorales.duplicates == 0
    assert chorales.tunes[0].name == "bwv253.mxl" and chorales.tunes[-1].name == "bwv438.mxl"
    first = chorales.tunes[0].melody
    assert (str(first.key), first.time_signature, first.pickup) == ("A major", (4, 4), 1)
    repeated = chorales.tunes[3]                   # BWV 256: its first 16 quarter notes repeat
    assert repeated.name == "bwv256.mxl"
    assert sum(note.duration for note in repeated.melody.notes) == 40   # 56 played out


def test_named_collections():
    names = named_collections()
    assert names[:2] == ["essen", "essen/kinder"] and names[-1] == "chorales"
    assert {"essen/han1", "essen/kinder0", "ryansMammoth", "oneills1850"} <= set(names)
    assert not any(name.startswith("essen/test") for name in names)
    with pytest.raises(MelodyError, match="^essen/kinderr: no Essen file 'kinderr'; known: kinder, "):
        read_collection("essen/kinderr")


def test_a_source_without_any_melody_is_one_error(tmp_path):
    (tmp_path / "notes.md").write_text("nothing\n")
    with pytest.raises(MelodyError) as caught:
        read_collection(str(tmp_path))
    assert str(caught.value).startswith(f"{tmp_path}: no melody files (.abc, .mid")
    (tmp_path / "bad.txt").write_text("c4 h4\n")
    with pytest.raises(MelodyError) as caught:
        read_collection(str(tmp_path))
    assert str(caught.value) == f"{tmp_path}: no melody in it (1 dropped, most: unknown note)"
    with pytest.raises(MelodyError, match="no such file, folder or collection"):
        read_collection(str(tmp_path / "missing"))


def test_the_second_reading_comes_from_the_cache(tmp_path, monkeypatch):
    first = read_collection(str(FILES), workers=1)
    monkeypatch.setattr(collections, "read_file", lambda *args: pytest.fail("read again"))
    second = read_collection(str(FILES), workers=1)
    assert second == first
    with pytest.raises(pytest.fail.Exception):
        read_collection(str(FILES), workers=1, use_cache=False)


def test_an_edited_file_is_read_again(tmp_path):
    book = tmp_path / "book.abc"
    book.write_text("X:1\nT:a\nM:2/4\nL:1/4\nK:C\nCD|\n")
    assert read_collection(str(book))[0].melody.notes == tuple(parse_notes("c4 d4"))
    book.write_text("X:1\nT:a\nM:2/4\nL:1/4\nK:C\nCE|\n")
    assert read_collection(str(book))[0].melody.notes == tuple(parse_notes("c4 e4"))


def test_a_copy_of_a_file_is_named_as_the_copy(tmp_path):
    for name in ("one.abc", "two.abc"):
        (tmp_path / name).write_text("X:4\nT:a\nM:2/4\nL:1/4\nK:C\nCD|\n")
    read_collection(str(tmp_path / "one.abc"))
    tune = read_collection(str(tmp_path / "two.abc"))[0]  # from the cache entry of one.abc
    assert (tune.name, tune.melody.source) == ("two.abc:4", "two.abc:4")


def test_parallel_reading_gives_what_one_process_gives():
    assert read_collection(str(FILES), workers=2, use_cache=False) == \
        read_collection(str(FILES), workers=1, use_cache=False)


def test_progress_counts_tunes_up_to_the_total():
    calls = []
    read_collection(str(FILES), workers=1, progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, 6) and calls[-1] == (6, 6)  # 3 tunes in book.abc, 1 in twice.abc, 2 files
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_durations_stay_exact_through_the_cache(tmp_path):
    book = tmp_path / "triplets.abc"
    book.write_text("X:1\nT:t\nM:2/4\nL:1/8\nK:C\n(3CDE F2|\n")
    expected = (Fraction(1, 3),) * 3 + (Fraction(1),)
    for _ in range(2):  # read, then from the cache
        melody = read_collection(str(book))[0].melody
        assert tuple(note.duration for note in melody.notes) == expected


def test_dropped_files_are_grouped_by_their_reason_without_its_places(tmp_path):
    """Junk scores whose parser names a line and a column, and ABC tunes whose music21 message
    carries melodygen's own reason in parentheses: one group a reason, not one a column (200
    junk files gave 37 lines for 4 reasons)."""
    folder = tmp_path / "junk"
    folder.mkdir()
    for spaces in range(4):
        (folder / f"column{spaces}.musicxml").write_bytes(b"<a>" + b" " * spaces + b"<")
    for lines in range(3):
        (folder / f"line{lines}.musicxml").write_bytes(b"<a>" + b"\n" * lines + b"<")
    for letter in "hH":  # no pitch letter for melodygen, no default length for music21
        (folder / f"{letter}.abc").write_text(f"X:1\nT:Junk\nK:C\n{letter}231 c|\n",
                                              encoding="utf-8")
    (folder / "good.txt").write_text("c4 d4 e4 f4 g4\n", encoding="utf-8")
    collection = read_collection(str(folder), workers=1)
    assert collection.dropped_by_reason() == Counter({
        "cannot read score: unclosed token": 7,
        "music21 cannot read the tune: no active default note length provided for note "
        "processing": 2})
    assert {d.detail for d in collection.dropped if d.where == "line2.musicxml"} == {
        "cannot read score: unclosed token: line 3, column 0"}  # --verbose keeps the place

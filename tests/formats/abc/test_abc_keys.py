"""A tune's K: kept, with its signature and mode, through every way a tune is read (one tune of a
file, ``book.abc:3``, a tune of a collection) and every writer (MusicXML, ABC, MIDI).

Before, ``abc_key`` never gave a key (``_MODES`` was bound twice in formats/abc.py, the second
binding a tuple): every ABC tune had ``Melody.key`` None whatever its K: said.
"""

from __future__ import annotations

import re
import warnings

import pytest

from melodygen.core.keys import Key
from melodygen.core.note import Melody, Note
from melodygen.formats import abc
from melodygen.formats.collections import read_collection
from melodygen.formats.midi import to_midi
from melodygen.formats.musicxml import musicxml_bytes
from melodygen.formats.songs import load_melody


# K: -> (the key as str, its signature in fifths, the mode MusicXML writes, K: as melodygen writes
# it, the key signature MIDI writes)
KEYS = {
    "G": ("G major", 1, "major", "G", "G"),
    "Em": ("E minor", 1, "minor", "Em", "Em"),
    "Dmix": ("D mixolydian", 1, "mixolydian", "Dmix", "G"),
    "Bb": ("Bb major", -2, "major", "Bb", "Bb"),
    "F#m": ("F# minor", 3, "minor", "F#m", "F#m"),
    "ADor": ("A dorian", 1, "dorian", "Ador", "G"),
}


def tune_text(number: int, key: str) -> str:
    """A tune in ``key`` whose notes differ from the other tunes' (a collection merges copies)."""
    return f"X:{number}\nT:In {key}\nM:2/4\nL:1/8\nK:{key}\nABcd|efga|{'b4|' * number}\n"


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """A tunebook of one tune in each key, X:1 to X:6."""
    path = tmp_path_factory.mktemp("keys") / "book.abc"
    path.write_text("\n".join(tune_text(n, key) for n, key in enumerate(KEYS, start=1)),
                    encoding="utf-8")
    return path


def key_facts(key: Key) -> tuple[str, int, str]:
    return str(key), key.fifths, key.mode


@pytest.mark.parametrize("value", KEYS)
def test_a_single_tune_keeps_its_key(tmp_path, value):
    path = tmp_path / "x.abc"
    path.write_text(tune_text(1, value), encoding="utf-8")
    assert key_facts(load_melody(path).key) == KEYS[value][:3]
    assert load_melody(str(path)).key == Key.parse(value)


@pytest.mark.parametrize(("number", "value"), list(enumerate(KEYS, start=1)))
def test_a_tune_of_a_book_keeps_its_key(book, number, value):
    melody = load_melody(f"{book}:{number}")
    assert key_facts(melody.key) == KEYS[value][:3]
    assert melody.source == str(book)


def test_the_tunes_of_a_collection_keep_their_keys(book, tmp_path, monkeypatch):
    monkeypatch.setenv("MELODYGEN_CACHE", str(tmp_path / "cache"))
    for use_cache in (True, True, False):  # written to the cache, read from it, read again
        collection = read_collection(str(book), workers=1, use_cache=use_cache)
        assert [key_facts(tune.melody.key) for tune in collection] == \
            [facts[:3] for facts in KEYS.values()]
        assert [tune.key for tune in collection] == list(KEYS)  # the field as written


@pytest.mark.parametrize("value", KEYS)
def test_written_musicxml_carries_signature_and_mode(book, value):
    number = list(KEYS).index(value) + 1
    xml = musicxml_bytes(load_melody(f"{book}:{number}")).decode("utf-8")
    _, fifths, mode, _, _ = KEYS[value]
    assert re.findall(r"<key>\s*(.*?)\s*</key>", xml, re.S)[0].split() == \
        [f"<fifths>{fifths}</fifths>", f"<mode>{mode}</mode>"]


@pytest.mark.parametrize("value", KEYS)
def test_written_abc_carries_the_key_and_reads_back(book, value):
    number = list(KEYS).index(value) + 1
    melody = load_melody(f"{book}:{number}")
    text = abc.abc_text(melody)
    assert text.splitlines()[5] == f"K:{KEYS[value][3]}"
    (again,) = abc.split_tunes(text, "again.abc")
    reading = abc.read_tune(again)
    assert reading.melody.notes == melody.notes and reading.melody.key == melody.key


@pytest.mark.parametrize("value", KEYS)
def test_midi_writes_a_mode_as_the_major_key_of_its_signature(book, value):
    number = list(KEYS).index(value) + 1
    written = [m.key for m in to_midi(load_melody(f"{book}:{number}")).tracks[0]
               if m.type == "key_signature"]
    assert written == [KEYS[value][4]]


def test_notes_are_spelt_in_the_signature_of_the_mode():
    """D mixolydian has one sharp: F# without a sign, C natural without one; A dorian too; Eb
    minor six flats: Gb, not F#, and Cb written as a plain C."""
    def body(key: str, pitches) -> str:
        melody = Melody(tuple(Note(p, 1) for p in pitches), "t", (4, 4), key=Key.parse(key))
        return abc.abc_text(melody).splitlines()[6]
    assert body("Dmix", [62, 66, 72, 74]) == "D2 F2 c2 d2 |]"
    assert body("ADor", [69, 66, 72, 65]) == "A2 F2 c2 =F2 |]"
    assert body("Ebm", [63, 66, 71, 70]) == "E2 G2 c2 B2 |]"
    assert body("D#m", [63, 66, 71, 70]) == "D2 F2 B2 A2 |]"


def test_k_none_gives_no_key_and_the_writer_finds_one(tmp_path):
    path = tmp_path / "none.abc"
    path.write_text("X:1\nM:2/4\nL:1/8\nK:none\nGABc|d4|\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        melody = load_melody(path)
    assert melody.key is None
    assert abc.abc_text(melody).splitlines()[5] == "K:G"  # the key the notes fit (song_key)


def test_midi_reads_back_the_key_it_wrote():
    melody = Melody((Note(63, 1),), "t", key=Key.parse("Ebm"))
    read = [m.key for m in to_midi(melody).tracks[0] if m.type == "key_signature"]
    assert read == ["Ebm"] and Key.parse(read[0]) == melody.key

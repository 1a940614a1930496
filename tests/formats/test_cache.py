"""formats/cache.py: entries keyed by content, reader and options; whole or absent, never trusted
when damaged."""

import os
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest

from melodygen.core.keys import Key
from melodygen.core.note import Melody, Note
from melodygen.formats import cache

MELODIES = [Melody((Note(60, Fraction(1, 3)), Note(None, Fraction(1, 2)), Note(67, Fraction(3, 2))),
                   "one", (3, 4), 96.0, "book.abc:1", Fraction(1)),
            Melody((Note(72, Fraction(4)),), "two", (2, 2), 120.0, "book.abc:2"),
            Melody((Note(63, Fraction(1)),), "three", (4, 4), 120.0, "book.abc:3", 0, Key.parse("Ebm")),
            Melody((Note(62, Fraction(1)),), "four", (4, 4), 120.0, "book.abc:4", 0, Key.parse("Dmix"))]


def test_melodies_survive_an_entry(tmp_path):
    assert cache.save_entry("k", MELODIES, {"x": [1, "é"]}, tmp_path)
    melodies, meta = cache.load_entry("k", tmp_path)
    assert melodies == MELODIES and meta == {"x": [1, "é"]}
    assert [m.pickup for m in melodies] == [Fraction(1), Fraction(0), Fraction(0), Fraction(0)]
    assert [str(m.key) for m in melodies] == ["None", "None", "Eb minor", "D mixolydian"]
    assert os.listdir(tmp_path) == ["k.npz"]  # no temporary file left


def test_heads_of_every_version_decode():
    """A head keeps the key as [tonic, mode, fifths]; heads written before keys had a signature
    ([tonic, mode]) or before melodies had a key (five fields) decode as they did, in the cache
    and in saved collection models (reference.npz)."""
    arrays = cache.encode_melodies(MELODIES)
    assert [head[5] for head in arrays["heads"]] == [None, None, [3, "minor", -6], [2, "mixolydian", 1]]
    old = [head[:5] + ([head[5][:2]] if head[5] else [None]) for head in arrays["heads"]]
    older = [head[:5] for head in arrays["heads"]]
    assert [m.key for m in cache.decode_melodies(arrays, old)] == [
        None, None, Key(3, "minor"), Key(2, "mixolydian")]
    assert str(cache.decode_melodies(arrays, old)[2].key) == "D# minor"  # the usual signature
    assert [m.key for m in cache.decode_melodies(arrays, older)] == [None] * 4
    assert [m.notes for m in cache.decode_melodies(arrays, older)] == [m.notes for m in MELODIES]


def test_a_stale_format_is_another_key(monkeypatch):
    key = cache.entry_key(b"X:1", "r1", {})
    monkeypatch.setattr(cache, "FORMAT", cache.FORMAT - 1)
    assert cache.entry_key(b"X:1", "r1", {}) != key


def test_the_key_changes_with_content_reader_and_options():
    keys = {cache.entry_key(b"X:1", "r1", {}), cache.entry_key(b"X:2", "r1", {}),
            cache.entry_key(b"X:1", "r2", {}), cache.entry_key(b"X:1", "r1", {"grid": 1})}
    assert len(keys) == 4
    assert cache.entry_key(b"X:1", "r1", {}) == cache.entry_key(b"X:1", "r1", {})


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty"])
def test_a_damaged_entry_is_never_trusted(tmp_path, damage):
    cache.save_entry("k", MELODIES, {}, tmp_path)
    path = tmp_path / "k.npz"
    data = bytearray(path.read_bytes())
    if damage == "truncate":
        data = data[:len(data) // 2]
    elif damage == "flip":  # inside the pitch array: still a valid zip, the checksum tells
        stored = dict(np.load(path))
        stored["pitch"] = stored["pitch"].copy()
        stored["pitch"][0] += 1
        np.savez(path, **stored)
        data = bytearray(path.read_bytes())
    elif damage == "garbage":
        data = bytearray(os.urandom(len(data)))
    else:
        data = bytearray()
    path.write_bytes(bytes(data))
    assert cache.load_entry("k", tmp_path) is None


def test_no_entry_and_an_unwritable_folder(tmp_path):
    assert cache.load_entry("missing", tmp_path) is None
    blocked = tmp_path / "file"
    blocked.write_text("")
    assert cache.save_entry("k", MELODIES, {}, blocked / "sub") is False


def test_an_interrupted_write_leaves_no_entry_and_no_temporary_file(tmp_path, monkeypatch):
    def interrupted(*args):
        raise KeyboardInterrupt
    monkeypatch.setattr(cache.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        cache.save_entry("k", MELODIES, {}, tmp_path)
    assert os.listdir(tmp_path) == []


WRITER = """
import sys
from fractions import Fraction
from melodygen.core.note import Melody, Note
from melodygen.formats import cache
from pathlib import Path
melodies = [Melody(tuple(Note(60 + i % 12, Fraction(1, 2)) for i in range(5000)), "t")] * 20
for _ in range(20):
    assert cache.save_entry("same", melodies, {"n": 1}, Path(sys.argv[1]))
    found = cache.load_entry("same", Path(sys.argv[1]))
    assert found is not None and found[0] == melodies, "a reader saw a partial entry"
"""


def test_two_processes_writing_and_reading_one_entry(tmp_path):
    children = [subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)]) for _ in range(2)]
    assert [child.wait(timeout=120) for child in children] == [0, 0]
    assert os.listdir(tmp_path) == ["same.npz"]


def test_the_cache_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("MELODYGEN_CACHE", str(tmp_path / "own"))
    assert cache.cache_folder() == tmp_path / "own"
    monkeypatch.delenv("MELODYGEN_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_folder() == tmp_path / "xdg" / "melodygen"

"""files.py: atomic writes and the output-folder check."""

import errno
import os
import stat

import pytest

from melodygen.core.errors import MelodyError
from melodygen.formats import files
from melodygen.formats.files import prepare_folder, write_atomic


def listing(folder):
    return sorted(path.name for path in folder.iterdir())


def test_write_atomic_writes_the_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "song.mid"
    assert write_atomic(path, b"MThd data") == path
    assert path.read_bytes() == b"MThd data"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert listing(tmp_path) == ["song.mid"]


def test_write_atomic_replaces_an_old_file(tmp_path):
    path = tmp_path / "summary.json"
    path.write_bytes(b"old")
    write_atomic(path, b"new")
    assert path.read_bytes() == b"new"
    assert listing(tmp_path) == ["summary.json"]


def test_failed_write_leaves_the_old_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "summary.json"
    path.write_bytes(b"old")

    def disk_full(*args):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(files.os, "replace", disk_full)
    with pytest.raises(MelodyError) as error:
        write_atomic(path, b"new")
    assert str(error.value) == f"{path}: cannot write: No space left on device"
    assert path.read_bytes() == b"old"
    assert listing(tmp_path) == ["summary.json"]


def test_interrupted_write_leaves_the_old_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "song.mid"
    path.write_bytes(b"old")

    def interrupt(*args):
        raise KeyboardInterrupt
    monkeypatch.setattr(files.os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(path, b"new")
    assert path.read_bytes() == b"old"
    assert listing(tmp_path) == ["song.mid"]


def test_write_atomic_into_a_missing_folder_makes_it(tmp_path):
    path = tmp_path / "missing" / "deeper" / "song.mid"
    write_atomic(path, b"x")
    assert path.read_bytes() == b"x" and listing(path.parent) == ["song.mid"]


def test_write_atomic_under_a_file_is_one_error(tmp_path):
    blocker = tmp_path / "somefile"
    blocker.write_bytes(b"keep")
    with pytest.raises(MelodyError) as error:
        write_atomic(blocker / "sub" / "song.mid", b"x")
    assert str(error.value) == f"{blocker / 'sub'}: cannot make this folder: {blocker} is a file"


def test_prepare_folder_creates_nested_folders(tmp_path):
    folder = tmp_path / "out" / "nabiya"
    assert prepare_folder(folder) == folder
    assert folder.is_dir()
    assert listing(folder) == []  # the write check leaves nothing behind
    assert prepare_folder(folder) == folder  # an existing folder is fine


def test_prepare_folder_under_a_regular_file(tmp_path):
    blocker = tmp_path / "somefile"
    blocker.write_bytes(b"keep")
    with pytest.raises(MelodyError) as error:
        prepare_folder(blocker / "sub")
    assert str(error.value) == f"{blocker / 'sub'}: cannot make this folder: {blocker} is a file"
    assert listing(tmp_path) == ["somefile"] and blocker.read_bytes() == b"keep"


def test_prepare_folder_that_is_a_file(tmp_path):
    blocker = tmp_path / "out"
    blocker.write_bytes(b"keep")
    with pytest.raises(MelodyError) as error:
        prepare_folder(blocker)
    assert str(error.value) == f"{blocker}: is a file, not a folder; give a folder to write in"
    assert blocker.read_bytes() == b"keep"


def test_prepare_folder_in_proc():
    with pytest.raises(MelodyError) as error:
        prepare_folder("/proc/melodygen-test/out")
    assert str(error.value) == ("/proc/melodygen-test/out: cannot write output folder: "
                                "No such file or directory")

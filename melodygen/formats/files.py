"""Files in and out: an input is a regular file (``check_regular``), an output is written
whole or not at all (``write_atomic``), in a folder checked before any work."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from ..core.errors import MelodyError


# what a path is when it is not a regular file nor a folder, by its stat mode
_NOT_FILES = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
              (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def check_regular(path: str | Path) -> None:
    """Refuse a path that is a named pipe, a socket or a device, before it is opened: reading
    one can wait forever for a writer (``mkfifo pipe.mid``). A regular file, a folder and a
    path that does not exist pass; their readers say what is wrong with them."""
    try:
        mode = os.stat(path).st_mode  # no open: stat does not wait on a pipe
    except (OSError, ValueError):
        return
    for test, what in _NOT_FILES:
        if test(mode):
            raise MelodyError(f"is {what}, not a file; melodygen reads regular files only",
                              source=str(path))


def prepare_folder(folder: str | Path) -> Path:
    """Create ``folder`` if needed and check that files can be written in it, before any work.
    A ``folder`` that is a file, or lies under one, is refused with that file named."""
    folder = Path(folder)
    for place in (folder, *folder.parents):
        if place.exists() or place.is_symlink():
            if not place.is_dir():
                reason = ("is a file, not a folder; give a folder to write in" if place == folder
                          else f"cannot make this folder: {place} is a file")
                raise MelodyError(reason, source=str(folder))
            break
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".melodygen-check-"):
            pass
    except OSError as error:
        reason = error.strerror or str(error)
        raise MelodyError(f"cannot write output folder: {reason}", source=str(folder)) from None
    return folder


def write_atomic(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``; the
    folder is made when it does not exist yet.

    A reader (or a crash) sees the old file or the new one, never half of one.
    """
    path = Path(path)
    if not path.parent.is_dir():
        prepare_folder(path.parent)
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise MelodyError(f"cannot write: {error.strerror or error}", source=str(path)) from None
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise MelodyError(f"cannot write: {error.strerror or error}", source=str(path)) from None
        raise
    return path

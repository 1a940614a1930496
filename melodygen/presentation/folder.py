"""An output folder that holds one run: the files melodygen wrote there before and does not
write again are removed, and nothing else.

melodygen lists the files of each run in the folder's manifest (``MANIFEST``, one name a line).
A rerun writes its own files, then removes those of the manifest it did not write again (the
WAVs of an earlier run with audio, ``generated-2`` ... after a ``--count 1`` run) and lists its
own. A file melodygen did not write is never in the manifest, so it is never removed; a folder
without a manifest (written by an older melodygen) loses nothing.

The manifest is written before any file that it does not list yet, so a run that stops halfway
leaves every file it wrote listed for the next run to clear.
"""

from __future__ import annotations

from pathlib import Path

from ..formats.files import write_atomic

MANIFEST = ".melodygen-files"
_HEADER = "# files melodygen wrote in this folder in its last run; the next run removes those it does not write again\n"


class RunFolder:
    """The folder of one run: ``write`` each file through it, then ``finish``."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.previous = read_manifest(self.path)
        self.written: list[str] = []
        self._listed = set(self.previous)  # names the manifest on disk holds now

    def write(self, name: str, data: bytes) -> Path:
        """Write ``data`` as the file ``name`` of the folder (atomically); returns its path."""
        if name not in self._listed:
            self._listed.add(name)
            self._write_manifest(self.previous + [n for n in self.written if n not in self.previous] + [name])
        self.written.append(name)
        return write_atomic(self.path / name, data)

    def finish(self) -> list[str]:
        """Remove the files of the previous run that this run did not write, list this run's
        files in the manifest; returns the names removed."""
        removed = []
        for name in self.previous:
            path = self.path / name
            if name not in self.written and path.is_file() and not path.is_symlink():
                path.unlink()
                removed.append(name)
        self._write_manifest(list(dict.fromkeys(self.written)))
        self.previous, self._listed = list(dict.fromkeys(self.written)), set(self.written)
        return removed

    def _write_manifest(self, names: list[str]) -> None:
        write_atomic(self.path / MANIFEST, (_HEADER + "".join(f"{n}\n" for n in names)).encode("utf-8"))


def read_manifest(folder: Path) -> list[str]:
    """The files the manifest of ``folder`` lists: plain names of files in the folder only (a
    line naming anything else, or a damaged manifest, lists nothing)."""
    try:
        text = (folder / MANIFEST).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    names = [line for line in text.splitlines() if line and not line.startswith("#")]
    return [name for name in dict.fromkeys(names)
            if name not in (".", "..", MANIFEST) and Path(name).name == name and "\\" not in name]

"""For the tests: ``python -m melodygen`` in a child process, and the programs outside Python.

A test that needs a program or a test extra calls ``need(...)``: where it is missing the test
is skipped with the reason, except in CI (``CI=true``), where every one of them must be
there and a missing one fails the test.
"""

from __future__ import annotations

import importlib
import itertools
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BAD_INPUTS = Path(__file__).resolve().parent / "bad_inputs"
REQUIRED = os.environ.get("CI", "").lower() == "true"  # CI installs everything: no skips
# Where each program comes from, for the skip message (Debian packages, as .ci/run installs them).
PROGRAMS = {"mscore3": "musescore3", "fluidsynth": "fluidsynth", "timidity": "timidity",
            "sox": "sox", "rsvg-convert": "librsvg2-bin", "abc2midi": "abcmidi",
            "abcm2ps": "abcm2ps"}
SOUNDFONT = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")  # Debian's fluid-soundfont-gm


def _missing(reason: str):
    if REQUIRED:
        pytest.fail(f"{reason} (CI=true: every program of .ci/run must be installed)")
    pytest.skip(reason)


def need_program(name: str) -> str:
    """The path of program ``name``, or skip (fail in CI) when it is not installed."""
    path = shutil.which(name)
    if path is None:
        _missing(f"{name} not installed (Debian package {PROGRAMS.get(name, name)})")
    return path


def need_module(name: str):
    """Import a test extra (``pip install '.[test]'``), or skip (fail in CI) without it."""
    try:
        return importlib.import_module(name)
    except ImportError:
        _missing(f"Python package {name} not installed (pip install '.[test]')")


def need_soundfont() -> Path:
    if not SOUNDFONT.is_file():
        _missing(f"no General MIDI soundfont at {SOUNDFONT} (Debian package fluid-soundfont-gm)")
    return SOUNDFONT


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a child melodygen: this checkout first on the import path."""
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, "QT_QPA_PLATFORM": "offscreen", **extra}


def melodygen_command(*args) -> list[str]:
    return [sys.executable, "-m", "melodygen", *map(str, args)]


def run_melodygen(*args, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    """``python -m melodygen ARGS`` in ``cwd``: its exit status, stdout and stderr as text."""
    return subprocess.run(melodygen_command(*args), cwd=cwd, env=child_env(), capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def long_song(notes: int) -> str:
    """A song file's text: 나비야 over and over, ``notes`` notes in all, 16 tokens a line."""
    from melodygen.formats.notation import format_token
    from melodygen.formats.songs import load_song

    tokens = [format_token(note) for note in load_song("nabiya").notes]
    cycle = list(itertools.islice(itertools.cycle(tokens), notes))
    lines = [" ".join(cycle[i:i + 16]) for i in range(0, notes, 16)]
    return f"title: {notes} notes\ntime: 2/4\ntempo: 100\n" + "\n".join(lines) + "\n"


def free_ports(count: int) -> list[int]:
    """``count`` TCP ports of 127.0.0.1 that nothing listens on now (for worker processes)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for one in sockets:
            one.bind(("127.0.0.1", 0))
        return [one.getsockname()[1] for one in sockets]
    finally:
        for one in sockets:
            one.close()


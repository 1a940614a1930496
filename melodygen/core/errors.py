"""The exception and warning types melodygen raises for a user's mistake or a changed input."""

from __future__ import annotations

import re

# where a library's message turns to dumping its objects
_INTERNALS = re.compile(r"\s*(?:tPrev:|<music21\.|\bat 0x)")


class MelodyError(Exception):
    """Bad input: an unknown song, a malformed token, a broken file, an unusable folder.

    The message names where the problem is, compiler style:
    ``songs/x.txt:3:7: unknown note 'h8'``. The CLI prints ``str(error)`` as one line
    and exits with status 2.
    """

    def __init__(self, message: str, *, source: str | None = None,
                 line: int | None = None, column: int | None = None) -> None:
        self.message = message
        self.source = source
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [str(part) for part in (self.source, self.line, self.column) if part is not None]
        return ":".join(where + [" " + self.message]) if where else self.message


class ConfigError(MelodyError, ValueError):
    """A setting that cannot be used: ``--epochs 0``, a temperature of 0, an unknown model name.

    Every configuration type (``TrainConfig``, ``GenerateConfig``, the model presets) raises
    this one type when it is created with a bad value. It is a ``MelodyError`` (the CLI prints
    one line, exit status 2) and a ``ValueError`` (a bad value, for a Python caller)."""


def library_reason(error: Exception) -> str:
    """A library's exception (music21's, expat's) as a reason for one line: its first line,
    without the objects it dumps after it (music21's ``tPrev: <music21.abcFormat...>``), at most
    150 characters; the exception's type when it has no message."""
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    text = _INTERNALS.split(text)[0].rstrip(" .,:;()")
    return (text[:150] + " ...") if len(text) > 150 else text or type(error).__name__


class MelodyWarning(UserWarning):
    """Input understood only after a change that the user should hear about: a chord reduced to
    its highest note, a length moved to the 32nd-note grid. The CLI prints it as one line."""

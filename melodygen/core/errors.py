"""The exception and warning types melodygen raises for a user's mistake or a changed input."""

from __future__ import annotations


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


class MelodyWarning(UserWarning):
    """Input understood only after a change that the user should hear about: a chord reduced to
    its highest note, a length moved to the 32nd-note grid. The CLI prints it as one line."""

"""A tunebook's text -> its tunes, found without reading their notes: each ``X:`` line starts one
(``split_tunes``); a ``TuneText`` keeps the tune's lines, where it is and its header fields."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_X_LINE = re.compile(r"[ \t]*X:")
_FIELD_LINE = re.compile(r"([A-Za-z]):(.*)")


@dataclass(frozen=True)
class TuneText:
    """One tune of a tunebook, as text (``core.collection.Tune`` is a tune read).

    text:    the tune's lines, from its ``X:`` line to the line before the next ``X:``.
    line:    the line of ``X:`` in the book (1 = first line).
    number:  the ``X:`` reference number, or None when it is not a number.
    fields:  the header fields up to and including the first ``K:``, as (letter, value) pairs.
    header:  the book's text before its first ``X:`` (music21 puts it before every tune).
    source:  the book's path or name, for messages.
    """

    text: str
    line: int
    number: int | None
    fields: tuple[tuple[str, str], ...] = ()
    header: str = field(default="", repr=False)
    source: str = "<abc>"

    def field(self, letter: str) -> str | None:
        """The first value of a header field: ``tune.field("R")`` -> ``'Kinder -, Wiegen - Lied'``."""
        return next((value for key, value in self.fields if key == letter), None)

    @property
    def title(self) -> str:
        """``T:``, or ``X:<number>`` when the tune has no title."""
        return self.field("T") or f"X:{self.number if self.number is not None else '?'}"

    @property
    def meter(self) -> str | None:
        return self.field("M")

    @property
    def key(self) -> str | None:
        """``K:`` as written (``fields.abc_key`` makes it a ``core.keys.Key``)."""
        return self.field("K")

    @property
    def origin(self) -> str | None:
        """``O:``, where the tune comes from (Essen: ``'Europa, Mitteleuropa, Deutschland, ...'``)."""
        return self.field("O")

    @property
    def remarks(self) -> str | None:
        """``N:`` lines joined by "; " (Essen keeps its catalogue number there: ``'K0001'``)."""
        values = [value for key, value in self.fields if key == "N" and value]
        return "; ".join(values) or None

    @property
    def where(self) -> str:
        """``book.abc:12``: the tune's X: line, for messages."""
        return f"{self.source}:{self.line}"


def split_tunes(text: str, source: str = "<abc>") -> tuple[TuneText, ...]:
    """A tunebook's text -> its tunes, in order: each ``X:`` line starts one."""
    lines = text.split("\n")
    starts = [index for index, line in enumerate(lines) if _X_LINE.match(line)]
    if not starts:
        return ()
    header = "\n".join(lines[:starts[0]]) + "\n" if starts[0] else ""
    tunes = []
    for start, end in zip(starts, starts[1:] + [len(lines)]):
        fields = _header_fields(lines[start:end])
        number_text = fields[0][1] if fields else ""
        number = int(number_text) if number_text.isdigit() else None
        tunes.append(TuneText("\n".join(lines[start:end]), start + 1, number, fields, header,
                              source))
    return tuple(tunes)


def _header_fields(lines: list[str]) -> tuple[tuple[str, str], ...]:
    """(letter, value) of each field line up to and including the first ``K:``, comments cut."""
    fields = []
    for line in lines:
        found = _FIELD_LINE.match(line.strip())
        if found:
            fields.append((found.group(1), found.group(2).split("%")[0].strip()))
            if found.group(1) == "K":
                break
    return tuple(fields)

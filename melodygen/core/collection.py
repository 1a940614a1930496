"""A collection of melodies: the tunes of a folder, a tunebook or a named corpus, each with where it
came from, and what could not be read.

A ``Tune`` is one melody with its provenance: the file, its number in the file (the ABC ``X:``
number; none for a file of one melody), title, meter, key and region as the file gives them.
A ``Collection`` holds the tunes kept, the tunes dropped with their reasons, how many tunes were
merged because they repeat an earlier tune note for note, and the notes dropped inside the tunes
kept (grace notes, chord tones below the top note), counted by reason.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Iterator

from . import display
from .note import Melody, pitch_name


@dataclass(frozen=True)
class Tune:
    """One melody of a collection and where it came from."""

    melody: Melody
    file: str                 # the file, as the collection names it (relative to its root)
    number: int | None        # its number in a tunebook (ABC X:, else its place); None for a
                              # file of one melody
    title: str = ""
    meter: str | None = None  # as the file writes it ("3/4", "C|"), None when it gives none
    key: str | None = None    # as the file writes it ("G", "Dmin"), None when it gives none
    region: str | None = None  # where the tune was collected (ABC O:), None when not given
    rhythm: str | None = None  # the kind of tune as the file names it (ABC R: "jig", "reel")
    marks: tuple[tuple[str, Fraction], ...] = ()  # how it is played, as written: (mark, quarter
    # notes from its start) of each repeat sign |: :|, ending [1 [2, double bar and P: field
    # (``core.form.tune_form`` reads its parts from them); none for a file without them

    @property
    def name(self) -> str:
        """``file:number`` (a tune of a tunebook) or ``file``: how messages and summaries name it."""
        return self.file if self.number is None else f"{self.file}:{self.number}"

    def __len__(self) -> int:
        return len(self.melody)

    def __repr__(self) -> str:
        return f"Tune({self.name!r}, {self.title or self.melody.title!r}, {len(self.melody)} notes)"

    def _repr_html_(self) -> str:
        return display.html(self)


@dataclass(frozen=True)
class Dropped:
    """A tune, or a whole file, that could not be read."""

    where: str        # file:number, or the file
    reason: str       # why, in words that group alike tunes ("unknown note")
    detail: str = ""  # the reader's whole message, with its place and values


@dataclass(frozen=True)
class Collection:
    """The tunes of a source, in a stable order (file, then number), and what was left out."""

    name: str                                  # the source as the user named it
    tunes: tuple[Tune, ...]
    dropped: tuple[Dropped, ...] = ()          # tunes (or files) not read, with the reason
    duplicates: int = 0                        # tunes merged: the same notes as an earlier tune
    losses: Counter = field(default_factory=Counter)  # notes dropped in the tunes kept, by reason

    def __len__(self) -> int:
        return len(self.tunes)

    def __repr__(self) -> str:
        return (f"Collection({self.name!r}: {len(self.tunes):,} tunes, {self.notes:,} notes, "
                f"{len(self.dropped):,} dropped)")

    def _repr_html_(self) -> str:
        return display.html(self)

    def __iter__(self) -> Iterator[Tune]:
        return iter(self.tunes)

    def __getitem__(self, index: int) -> Tune:
        return self.tunes[index]

    def melodies(self) -> list[Melody]:
        return [tune.melody for tune in self.tunes]

    @property
    def notes(self) -> int:
        """Pitched notes in all tunes (rests not counted)."""
        return sum(1 for tune in self.tunes for note in tune.melody.notes if not note.is_rest)

    @property
    def pitches(self) -> frozenset[int]:
        """The distinct MIDI pitches of all tunes."""
        return frozenset(note.pitch for tune in self.tunes for note in tune.melody.notes
                         if not note.is_rest)

    def pitch_range(self) -> str:
        """'C4-G5' (lowest to highest), or '-' without notes."""
        pitches = self.pitches
        return f"{pitch_name(min(pitches))}-{pitch_name(max(pitches))}" if pitches else "-"

    def meters(self) -> Counter:
        """Time signature ('3/4') -> tunes, from the melodies as read."""
        return Counter("/".join(map(str, tune.melody.time_signature)) for tune in self.tunes)

    def keys(self) -> Counter:
        """Key as the files write it -> tunes (tunes without one are not counted)."""
        return Counter(tune.key for tune in self.tunes if tune.key)

    def dropped_by_reason(self) -> Counter:
        return Counter(dropped.reason for dropped in self.dropped)

    def subset(self, indices, name: str | None = None) -> "Collection":
        """The tunes at ``indices`` (in that order), as a collection of their own."""
        return Collection(name or self.name, tuple(self.tunes[i] for i in indices))

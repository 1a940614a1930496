"""ABC tunebooks -> melodies: a fast reader that reads the notes music21 reads, tune by tune.

A tunebook is split into tunes at its ``X:`` lines (``split_tunes``: no notes are read, each
``Tune`` keeps its text, line, number and header fields). ``read_tune`` reads one tune into a
``Melody``; it follows music21's ABC reader (``music21.abcFormat``, version 10) token for token,
so that the notes are the ones music21 gives, and raises ``UnsupportedAbc`` for what it does not
read (voices, inline fields, clefs in ``K:``, text that music21 would read as stray notes...):
``read_tunebook`` then reads that tune with music21 (``music21_tune``, the reference reading,
which parses only that tune's text). A tune that neither can read is dropped with its reason.

What a reading keeps (units: quarter notes, exact ``Fraction``s):

- notes and rests as written: repeats are not played out (music21 does not expand them while
  parsing ABC); ties joined into one note (a tie joins the notes on either side when they have
  the same MIDI pitch; an ABC natural and an unmarked note of the same pitch are the same);
  tuplets exact (``(3`` of eighths: 1/3 each); adjacent rests joined, rests at the end dropped
  (``timeline.tidy_rests``, every reader's rule);
- chords as their highest note, grace notes dropped: both counted in the ``TuneReading``;
- the first time signature (later ``M:`` changes counted), the tempo of the first ``Q:`` that
  gives one (quarter notes per minute, else 120), the title, and the pickup: the length of the
  first measure when it is shorter than the time signature's (music21's anacrusis rule).

Where music21 is clearly wrong, melodygen keeps a rule of its own (``RULES``; the README gives
the number of tunes each one changes). ``read_tune(tune, rules=frozenset())`` reads as music21
does, which is how the benchmark checks that every other difference is zero. Two music21 faults
are not reproduced at all: when it re-bars a measure longer than its meter (translate.reBar) it
can lose the end of a chord or tuplet note split at the bar, and a chord-symbol text its chord
parser fails on (``"Transcribed by ..."``) makes it fail on the whole tune; melodygen keeps the
notes as written and passes over chord symbols.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from ..core.errors import MelodyError
from ..core.keys import Key, key_alters, song_key, spell
from ..core.note import Melody, Note
from .timeline import tidy_rests, usable_tempo

DEFAULT_TEMPO = 120.0  # quarter notes per minute when a tune has no Q:

# melodygen's departures from music21's reading, by name (see the module and the README)
RULES = {
    "carry-accidentals":
        "an accidental holds for the notes of the same letter to the end of the bar, as ABC 2.1 "
        "says (4.2) and the Essen transcriptions need; music21 does so only in files that declare "
        "%abc-2.x in their first 100 characters (music21 issues #386 and #1588)",
    "keep-quoted-accent":
        'a note with an annotation starting with ">" (Ryan\'s accents) is kept; music21 drops '
        "the note (it takes the text for a fingering diagram)",
    "keep-fermata":
        "a note with a fermata (H) is kept; music21 drops the note",
    "default-length":
        "a tune with neither L: nor M: before its first note has eighth notes as its unit note "
        "length (ABC 2.1, 3.1.7); music21 cannot read it",
    "tempo-spaces":
        "spaces in a Q: field are only spaces (Q:1/4 =50 is 50 quarter notes a minute); music21 "
        "counts each one as one more whole note in the beat (250)",
    "broken-rhythm-over-marks":
        "a broken rhythm (> or <) applies across the decorations, slurs and ties written "
        "between its two notes; music21 applies it only to notes written right beside it",
}
ALL_RULES = frozenset(RULES)


# --- tunebooks -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Tune:
    """One tune of a tunebook, found without reading its notes.

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


_X_LINE = re.compile(r"[ \t]*X:")
_FIELD_LINE = re.compile(r"([A-Za-z]):(.*)")


def split_tunes(text: str, source: str = "<abc>") -> tuple[Tune, ...]:
    """A tunebook's text -> its tunes, in order: each ``X:`` line starts one (``Tune``)."""
    lines = text.split("\n")
    starts = [index for index, line in enumerate(lines) if _X_LINE.match(line)]
    if not starts:
        return ()
    header = "\n".join(lines[:starts[0]]) + "\n" if starts[0] else ""
    tunes = []
    for start, end in zip(starts, starts[1:] + [len(lines)]):
        fields = []
        for line in lines[start:end]:
            found = _FIELD_LINE.match(line.strip())
            if found:
                value = found.group(2).split("%")[0].strip()
                fields.append((found.group(1), value))
                if found.group(1) == "K":
                    break
        number_text = fields[0][1] if fields else ""
        number = int(number_text) if number_text.isdigit() else None
        tunes.append(Tune("\n".join(lines[start:end]), start + 1, number, tuple(fields), header,
                          source))
    return tuple(tunes)


# --- readings --------------------------------------------------------------------------------

class UnsupportedAbc(MelodyError):
    """Valid ABC, or ABC that music21 reads somehow, that ``read_tune`` does not read: read the
    tune with ``music21_tune`` instead. The message names the construct and where it is."""


@dataclass(frozen=True)
class TuneReading:
    """One tune read: its melody and what the reading left out or changed.

    grace_notes:    grace notes (``{...}``) dropped.
    chord_tones:    chord notes below the highest, dropped.
    meter_changes:  later ``M:`` fields that change the meter (the melody keeps the first).
    tempo_changes:  later ``Q:`` fields that change the tempo (the melody keeps the first).
    unjoined_ties:  ties (``-``) that join nothing: to another pitch, a rest or a chord.
    reader:         "melodygen" (``read_tune``) or "music21" (``music21_tune``).
    """

    tune: Tune = field(repr=False)
    melody: Melody
    grace_notes: int = 0
    chord_tones: int = 0
    meter_changes: int = 0
    tempo_changes: int = 0
    unjoined_ties: int = 0
    reader: str = "melodygen"
    odd_measures: tuple[int, int] = (0, 0)  # (measures between the first and the last that do
                                            # not last a measure of their meter, such measures)
    passed_over: int = 0      # words and characters of no ABC meaning, passed over (as by music21)


# ABC's modes: how far the tonic lies above the major tonic of the key signature
_MODES = {"": 0, "maj": 0, "major": 0, "ion": 0, "ionian": 0, "m": 9, "min": 9, "minor": 9,
          "aeo": 9, "aeolian": 9, "mix": 7, "mixolydian": 7, "dor": 2, "dorian": 2, "phr": 4,
          "phrygian": 4, "lyd": 5, "lydian": 5, "loc": 11, "locrian": 11}
_ABC_KEY = re.compile(r"\s*([A-Ga-g])([#b]?)\s*([A-Za-z]*)")


def abc_key(value: str | None) -> Key | None:
    """A ``K:`` field -> the key of its signature: 'G' and 'Em' as written, a mode as the major
    key of its signature ('Dmix' -> G major, 'Ador' -> G major); None for none ('K:none', a
    bagpipe key, a key melodygen cannot place)."""
    found = _ABC_KEY.match(value or "")
    if not found:
        return None
    letter, accidental, mode = found.groups()
    mode = mode.lower()
    if mode not in _MODES and mode[:3] not in _MODES:
        return None
    offset = _MODES.get(mode, _MODES.get(mode[:3]))
    tonic = ({"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}[letter.upper()]
             + {"#": 1, "b": -1, "": 0}[accidental]) % 12
    if offset == 9:
        return Key(tonic, "minor")
    return Key((tonic - offset) % 12, "major")


def _reading(tune: Tune, events, *, meter, tempo, pickup, reader: str, **counts) -> TuneReading:
    """Events -> TuneReading by the rules both readers share: ties joined, rests tidied.

    events: (MIDI pitch or None for a rest, length in quarter notes, tied to the next, tied from
    the one before), in order; meter (beats, unit) or None; tempo in quarter notes per minute or
    None; pickup in quarter notes.
    """
    notes: list[list] = []  # [pitch, length, tied to the next]
    unjoined = 0
    for pitch, length, tie_start, tie_stop in events:
        previous = notes[-1] if notes else None
        if previous is not None and previous[2]:
            if tie_stop and pitch is not None and previous[0] == pitch:
                previous[1] += length
                previous[2] = tie_start
                continue
            unjoined += 1
            previous[2] = False
        notes.append([pitch, length, tie_start and pitch is not None])
    unjoined += sum(1 for note in notes[-1:] if note[2])
    line = tidy_rests(Note(pitch, length) for pitch, length, _ in notes)
    if not any(not note.is_rest for note in line):
        raise MelodyError("no notes in the tune", source=tune.source, line=tune.line)
    try:
        melody = Melody(tuple(line), tune.title, meter or (4, 4),
                        usable_tempo(tempo, tune.where) if tempo else DEFAULT_TEMPO,
                        tune.where, pickup, abc_key(tune.key))
    except ValueError as error:
        raise MelodyError(str(error), source=tune.source, line=tune.line) from None
    return TuneReading(tune, melody, unjoined_ties=unjoined, reader=reader, **counts)


# --- the tokens of music21's ABC reader --------------------------------------------------------
#
# music21 walks the text once, character by character (abcFormat.ABCHandler.tokenize), then gives
# each token its context (tokenProcess) and makes a stream of it (translate). The same steps
# here, with the same precedence of one reading of a character over another.

FIELD, BAR, TUPLET, BROKEN, SLUR, PAREN_END, TIE, MARK, GRACE, GRACE_END, NOTE, CHORD = range(12)
_MARKS = frozenset((MARK, SLUR, PAREN_END, TIE))  # what "broken-rhythm-over-marks" looks past

_BARS = re.compile(r":\|[12]|\|\]|\|\||\[\||\[[12]|\|[12]|:\||\|:|::|\||:")  # music21's order
_BAR_SPLIT = {"::": (":|", "|:"), "|1": ("|", "[1"), "|2": ("|", "[2"), ":|1": (":|", "[1"),
              ":|2": (":|", "[2")}
_REGULAR_BARS = frozenset(("|", "[1", "[2"))
_DECORATIONS = ".~^=_HLMOPSTuv"  # may come before a note's letter
_NOT_A_PITCH = "~wuvhHLTSN"
_SINGLE_MARKS = {".": MARK, "u": MARK, "v": MARK, "K": MARK, "k": MARK, "M": MARK,
                 "{": GRACE, "}": GRACE_END, ")": PAREN_END, "-": TIE}
# collected note texts that music21 drops (abcFormat.ABCHandler.tokenize)
_DROPPED = frozenset(("w", "u", "v", "v.", "h", "H", "vk", "uk", "U", "~", ".", "=", "V", "S", "s",
                      "i", "I", "ui", "u.", "Q", "Hy", "Hx", "r", "m", "M", "n", "N", "o", "O",
                      "P", "l", "L", "R", "y", "T", "t", "x", "Z"))
_QUOTED_DROP_ENDS = ("u", "v", "k", "K", "Q", ".", "y", "T", "w", "h", "x")
_CHORD_SYMBOL = re.compile(r'"[^"]*"')
_PITCH_LETTER = re.compile(r"[a-gA-Gz]")
_LENGTH_CHARS = re.compile(r"[0-9/]+")
_VERSION = re.compile(r"%abc-(\d+)\.(\d+)")
_DIRECTIVE = re.compile(r"%%([a-z\-]+)\s+(\S+)")
_DYNAMICS = {"!crescendo(!": MARK, "!crescendo)!": PAREN_END, "!diminuendo(!": MARK,
             "!diminuendo)!": PAREN_END}


class _Token:
    """One token; notes and chords get their context (length, tie, tuplet, grace) later."""

    __slots__ = ("kind", "pos", "text", "carried", "broken", "tie", "tuplet", "grace", "default",
                 "key", "length", "pitch", "tones", "dropped", "value")

    def __init__(self, kind: int, pos: int, text: str, carried: str = "") -> None:
        self.kind, self.pos, self.text, self.carried = kind, pos, text, carried
        self.broken = None    # (marker, "left" or "right")
        self.tie = None       # "start", "stop" or "continue"
        self.tuplet = None    # (actual, normal) notes
        self.grace = False
        self.default = None   # the length of a note without a number here (quarter notes)
        self.key = ()         # the key signature here: (step, alteration) pairs
        self.length = Fraction(0)  # quarter notes
        self.pitch = None     # MIDI pitch (a chord's highest); None for a rest or an empty chord
        self.tones = 0        # a chord's notes
        self.dropped = False  # music21 reads the token but adds nothing for it
        self.value = None     # a field's meaning: M: (beats, unit), Q: quarter notes a minute


class _Text:
    """The text being read, for positions in messages: ``header`` then the tune."""

    def __init__(self, tune: Tune) -> None:
        self.passed = 0  # characters of no ABC meaning passed over
        self.tune, self.value = tune, tune.header + tune.text

    def where(self, pos: int) -> dict:
        header = len(self.tune.header)
        if pos < header:
            line0, start = 1, 0
        else:
            line0, start = self.tune.line, header
        line = line0 + self.value.count("\n", start, pos)
        column = pos - (self.value.rfind("\n", 0, pos) + 1) + 1
        return {"source": self.tune.source, "line": line, "column": column}

    def unsupported(self, pos: int, what: str) -> UnsupportedAbc:
        return UnsupportedAbc(what, **self.where(pos))

    def broken(self, pos: int, what: str) -> MelodyError:
        return MelodyError(what, **self.where(pos))


def _tokenize(text: _Text, propagation, rules) -> list[_Token]:
    """music21's tokens of ``text``; ``propagation(directives)`` says how accidentals carry:
    "not", "octave" or "pitch" (ABC 2.1's %%propagate-accidentals)."""
    src = text.value
    end = len(src)
    tokens: list[_Token] = []
    append = tokens.append
    directives: dict[str, str] = {}
    carried: dict[str, str] = {}  # accidentals written in this bar: letter (or note) -> ^ = _
    accidental = ""               # the accidental of the note being read (music21 keeps it
    pitch_text = ""               # until a note takes it, as it keeps the last pitch text)
    chord_symbol = ""
    fermata = "keep-fermata" in rules
    i = 0
    while i < end:
        c = src[i]
        following = src[i + 1] if i + 1 < end else None
        if c == "%":
            j = src.find("\n", i + 1, end)
            j = end if j < 0 else j
            found = _DIRECTIVE.match(src, i, j)
            if found:
                directives[found.group(1)] = found.group(2)
            i = j
            continue
        if (following == ":" and i + 2 < end and src[i + 2] != "|"
                and (c == "w" or (c.isalpha() and c.isupper()))):
            j = src.find("\n", i + 1, end)
            j = end if j < 0 else j
            append(_Token(FIELD, i, src[i:j].strip()))
            i = j
            continue
        if not c.isspace() and not c.isalnum() and c not in "~(":
            found = _BARS.match(src, i, end)
            if found:
                carried, accidental = {}, ""
                for part in _BAR_SPLIT.get(found.group(), (found.group(),)):
                    append(_Token(BAR, i, part))
                i = found.end()
                continue
        if c == "(" and following is not None and following.isdigit():
            if not following.isascii():
                raise text.unsupported(i, f"tuplet {src[i:i + 2]!r}")
            j = i + 2
            if j >= end:
                raise text.unsupported(i, "a tuplet at the end of the tune")
            if src[j] == ":":
                j += 1
                if j < end and src[j].isdigit():
                    j += 1
                if j >= end:
                    raise text.unsupported(i, "a tuplet at the end of the tune")
                if src[j] == ":":
                    j += 1
                    if j < end and src[j].isdigit():
                        j += 1
            append(_Token(TUPLET, i, src[i:j]))
            i = j
            continue
        if c in "<>":
            j = i + 1
            while j < end - 1 and src[j] in "<>":
                j += 1
            append(_Token(BROKEN, i, src[i:j]))
            i = j
            continue
        if c == "!":
            j = i + 1
            while j < i + 20 and j < end:
                if src[j] == "!":
                    kind = _DYNAMICS.get(src[i:j + 1])
                    if kind is not None:
                        append(_Token(kind, i, src[i:j + 1]))
                    i = j
                    break
                j += 1
            i += 1
            continue
        if c == "(":
            if following is not None:
                append(_Token(SLUR, i, c))
            i += 1
            continue
        if c == '"':
            j = i + 1
            while j < end - 1 and src[j] != '"':
                j += 1
            chord_symbol += src[i:j + 1]
            i = j + 1
            continue
        if c == "[":
            j = i + 1
            while j < end - 1 and src[j] != "]":
                j += 1
            j += 1
            while j < end and (src[j].isdigit() or src[j] == "/"):
                j += 1
            if j > i + 2 and src[i + 2] == ":" and src[i + 1].isalpha():
                raise text.unsupported(i, f"inline field {src[i:j]!r}")
            append(_Token(CHORD, i, chord_symbol + src[i:j]))
            chord_symbol = ""
            i = j
            continue
        kind = _SINGLE_MARKS.get(c)
        if kind is not None:
            append(_Token(kind, i, c))
            i += 1
            continue
        if c.isalpha() or c in "~^=_":
            begin = i
            found_pitch = c.isalpha() and c not in _DECORATIONS
            if found_pitch:
                pitch_text = c
            if c in "^=_":
                accidental = c
            j = i + 1
            while j < end:
                d = src[j]
                if not found_pitch and d in _DECORATIONS:
                    j += 1
                    if j >= end:
                        raise text.unsupported(i, "a decoration at the end of the tune")
                    if src[j] in "^=_":
                        accidental += src[j]
                elif not found_pitch and d.isalpha() and d not in _NOT_A_PITCH:
                    found_pitch, pitch_text = True, d
                    j += 1
                elif d.isdigit() or d in ",/'":
                    if d in ",'":
                        pitch_text += d
                    j += 1
                else:
                    break
            collected = chord_symbol + src[i:j]
            chord_symbol = ""
            i = j
            if collected in _DROPPED:
                continue
            if collected[0] == '"' and (collected[-1] in _QUOTED_DROP_ENDS or collected.endswith("v.")):
                continue
            if collected[0] in "xZ" or (collected[0] == "H" and not fermata):
                continue
            if len(collected) > 1 and collected[0] == "=" and collected[1].isdigit():
                continue
            if not pitch_text:
                raise text.unsupported(begin, f"{collected!r} before any note (music21 reads C4)")
            letter, mode = pitch_text[0].upper(), propagation(directives)
            carry = ""
            if accidental:
                if mode == "octave":
                    carried[pitch_text] = accidental
                elif mode == "pitch":
                    carried[letter] = accidental
                accidental = ""
            elif mode == "pitch":
                carry = carried.get(letter, "")
            elif mode == "octave":
                carry = carried.get(pitch_text, "")
            append(_Token(NOTE, begin, collected, carry))
            continue
        if not src[i].isspace() and src[i] not in "\\`":
            text.passed += 1  # a character of no ABC meaning, which music21 passes over too
        i += 1  # white space, line continuations and what music21 passes over
    return tokens


def _version_propagation(text: str, rules):
    """How accidentals carry (a function of the directives read so far): music21's rule (ABC 2.1
    only for a text declaring %abc-2.x in its first 100 characters), or "carry-accidentals"."""
    if "carry-accidentals" not in rules:
        found = _VERSION.search(text[:100])
        if not found or int(found.group(1)) < 2:
            return lambda directives: "not"
    return lambda directives: directives.get("propagate-accidentals", "pitch")


# --- pitches and lengths ---------------------------------------------------------------------

_STEPS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_FIFTHS = "FCGDAEB"  # the order sharps enter a key signature; flats enter in reverse
_KEY_NAMES = sorted(["c", "g", "d", "a", "e", "b", "f#", "g#", "a#", "f", "bb", "eb", "d#", "ab",
                     "e#", "db", "c#", "gb", "cb", "hp"], key=len, reverse=True)
_MODES = (("dor", -2), ("phr", -4), ("lyd", 1), ("mix", -1), ("maj", 0), ("ion", 0),
          ("aeo", -3), ("m", -3))
_BROKEN = {">": (Fraction(3, 2), Fraction(1, 2)), "<": (Fraction(1, 2), Fraction(3, 2)),
           ">>": (Fraction(7, 4), Fraction(1, 4)), "<<": (Fraction(1, 4), Fraction(7, 4)),
           ">>>": (Fraction(15, 8), Fraction(1, 8)), "<<<": (Fraction(1, 8), Fraction(15, 8))}
_TUPLET_NORMAL = {1: 1, 2: 3, 3: 2, 4: 3, 5: None, 6: 2, 7: None, 8: 3, 9: None}  # None: 2 or 3


def key_alterations(value: str) -> dict[str, int] | None:
    """A ``K:`` value -> step -> alteration of its key signature, as music21 reads it:
    ``'F'`` -> {'B': -1}, ``'Edor'`` -> {'F': 1, 'C': 1}, ``'Hp'`` -> {'F': 1, 'C': 1}; a name it
    does not know is C major. None for what ``read_tune`` does not read: a clef (music21
    transposes the tune for it) or more than 7 sharps or flats; ValueError where music21 fails."""
    lowered = value.lower()
    if "-8va" in lowered or "bass" in lowered:
        return None
    name, rest = "C", ""
    for target in _KEY_NAMES:
        if lowered[:len(target)] == target:
            name, rest = value[:len(target)], value[len(target):]
            break
    rest = rest.strip().lower()
    shift = 0
    if rest:
        shift = next((change for prefix, change in _MODES if rest.startswith(prefix)), 0)
    if name == "HP":
        name, shift = "C", 0
    elif name == "Hp":
        name, shift = "D", 0
    elif name.lower() == "hp":
        raise ValueError(f"key {value!r} is not a key music21 reads")
    step, alter = name[0].upper(), {"": 0, "#": 1, "b": -1, "B": -1}[name[1:]]  # "AB" is A flat
    sharps = _FIFTHS.index(step) - 1 + 7 * alter + shift
    if sharps > 7 or sharps < -7:
        return None
    return ({step: 1 for step in _FIFTHS[:sharps]} if sharps >= 0
            else {step: -1 for step in _FIFTHS[::-1][:-sharps]})


def _meter(value: str):
    """An ``M:`` value -> (beats, unit), None for "none"; music21's reading ("FREI4/4" is 4/4)."""
    if value.lower() == "none":
        return None
    if value == "C":
        return (4, 4)
    if value == "C|":
        return (2, 2)
    parts = value.split("/")
    digits = ["".join(char for char in part if char in "0123456789") for part in parts]
    if len(parts) != 2 or not all(digits):
        raise ValueError(f"meter {value!r} is not beats/unit, C, C| or none")
    return int(digits[0]), int(digits[1])


def _default_length(value: str) -> Fraction:
    """``L:`` -> the length of a note without a number, in quarter notes."""
    numerator, _, denominator = value.partition("/")
    return Fraction(4 * int(numerator.strip()), 4 if denominator == "G" else int(denominator.strip()))


@functools.lru_cache(maxsize=4096)
def _length(text: str, default: Fraction, broken) -> Fraction:
    """A note's length text (after its letter: ``2``, ``/``, ``3/2``...) -> quarter notes, as
    music21 computes it (``3/`` is 3/2, ``1/2/`` is 1/2, ``a//b`` patterns give a quarter)."""
    number = "".join(_LENGTH_CHARS.findall(text))
    if not number:
        length = default
    elif number in ("/", "//", "///"):
        length = default / 2 ** len(number)
    elif number[0] == "/":
        length = default / int(number[1:].split("/")[0])
    elif number[-1] == "/":
        length = default * int(number.split("/")[0]) / 2
    elif number.count("/") == 2:
        length = Fraction(1)
    elif "/" in number:
        numerator, denominator = number.split("/")
        length = default * int(numerator) / int(denominator)
    else:
        length = default * int(number)
    if broken is not None:
        left, right = _BROKEN.get(broken[0], (1, 1))
        length *= left if broken[1] == "left" else right
    return length


class _Problem(Exception):
    """What is wrong with a note, before its place is known: ``unsupported`` or broken."""

    def __init__(self, message: str, unsupported: bool = True) -> None:
        super().__init__(message)
        self.unsupported = unsupported


def _pitch(text: _Text, token: _Token, note: str, carried: str, key: tuple) -> int | None:
    """A note's text (no chord symbol) -> MIDI pitch, None for a rest (music21's getPitchName);
    ``key``: the key signature's (step, alteration) pairs."""
    try:
        return _pitch_of(note, carried, key)
    except _Problem as problem:
        message = f"{token.text!r}: {problem}"
        raise (text.unsupported if problem.unsupported else text.broken)(token.pos, message) from None


@functools.lru_cache(maxsize=4096)
def _pitch_of(note: str, carried: str, key: tuple) -> int | None:
    if len(note) > 1 and note[0] in "uT":
        note = note[1:]
    note = note.replace("T", "")
    found = _PITCH_LETTER.search(note)
    if found is None:
        raise _Problem("no pitch letter (music21 reads C4)")
    name = found.group()
    if name == "z":
        return None
    written = note.count("_"), note.count("^"), note.count("=")
    if carried and any(written):
        raise _Problem("a carried and a written accidental (music21 reads C4)")
    flats, sharps, naturals = (carried.count("_"), carried.count("^"), carried.count("=")) \
        if carried else written
    if sum(1 for count in (flats, sharps, naturals) if count) > 1 or naturals > 1 \
            or flats > 3 or sharps > 3:
        raise _Problem("accidentals music21 does not read")
    step = name.upper()
    alter = sharps - flats if (flats or sharps or naturals) else dict(key).get(step, 0)
    octave = (5 if name.islower() else 4) - note.count(",") + note.count("'")
    pitch = 12 * (octave + 1) + _STEPS[step] + alter
    if not 0 <= pitch <= 127:
        raise _Problem("outside the MIDI range 0..127", unsupported=False)
    return pitch


def _without_chord_symbols(text: _Text, token: _Token) -> tuple[str, str]:
    """(the first chord symbol's text or "", the token's text after its chord symbols)."""
    if '"' not in token.text:
        return "", token.text
    symbols = list(_CHORD_SYMBOL.finditer(token.text))
    if not symbols:
        raise text.unsupported(token.pos, "an unclosed quote")
    return symbols[0].group(), token.text[symbols[-1].end():]


def _drops_note(symbol: str, rules) -> bool:
    """music21 adds no note for a chord symbol whose text starts with ">" (translate.parseABCNote)."""
    if not symbol or "keep-quoted-accent" in rules:
        return False
    name = re.sub("[()]", "", symbol.replace('"', "").strip())
    return name.startswith(">")


# --- a tune ------------------------------------------------------------------------------------

def read_tune(tune: Tune, rules=ALL_RULES) -> TuneReading:
    """A tune -> its melody, fast; the same notes as ``music21_tune`` but for ``rules`` (names of
    ``RULES``; an empty set reads exactly as music21 does).

    Raises ``UnsupportedAbc`` for what it does not read (read the tune with ``music21_tune``)
    and ``MelodyError`` (file:line:column) for a broken tune.
    """
    text = _Text(tune)
    propagation = _version_propagation(text.value, rules)
    tokens = _tokenize(text, propagation, rules)
    meters, tempos = _context(text, tokens, rules)
    meter, tempo, pickup = _layout(text, tokens)
    events, graces, tones, passed = [], 0, 0, 0
    for token in tokens:
        if token.kind == NOTE or token.kind == CHORD:
            if token.dropped:
                passed += 1
                continue
            if token.kind == CHORD:
                if token.tones:
                    tones += token.tones - 1
                    events.append((token.pitch, token.length, False, False))
            elif token.grace:
                graces += 1
            else:
                events.append((token.pitch, token.length, token.tie in ("start", "continue"),
                               token.tie in ("stop", "continue")))
    return _reading(tune, events, meter=meter, tempo=tempo, pickup=pickup, reader="melodygen",
                    grace_notes=graces, chord_tones=tones, meter_changes=_changes(meters),
                    tempo_changes=_changes(tempos), odd_measures=_odd_measures(tokens, meter),
                    passed_over=passed + text.passed)


def _odd_measures(tokens: list[_Token], meter) -> tuple[int, int]:
    """(measures between the first and the last whose notes do not last a whole number of
    measures of the meter, measures checked): a hint that a tune is broken, which music21 reads
    as far as it can. Two bars without a bar line between them are one measure here (Essen ends
    a line of bars without one), and a measure beside a repeat sign may be short (its other part
    is at the other side of the sign)."""
    if meter is None or sum(1 for t in tokens if t.kind == BAR and t.text in _REGULAR_BARS) < 2:
        return 0, 0
    parts = [part for part in _measures(tokens) if any(t.kind in (NOTE, CHORD) for t in part)]
    wrong = checked = 0
    for index in range(1, len(parts) - 1):
        signature = _last_field(parts[index], "M:") or meter
        should = Fraction(4 * signature[0], signature[1])
        length = sum((t.length for t in parts[index] if t.kind in (NOTE, CHORD) and not t.dropped
                      and not (t.kind == NOTE and t.grace)), Fraction(0))
        beside_repeat = any(t.kind == BAR and ":" in t.text
                            for part in parts[index - 1:index + 2] for t in part)
        checked += 1
        wrong += (length > should and length % should != 0) or (length < should and not beside_repeat)
    return wrong, checked


def _changes(values) -> int:
    """How many of ``values`` differ from the one before."""
    return sum(1 for before, after in itertools.pairwise(values) if after != before)


def _context(text: _Text, tokens: list[_Token], rules):
    """music21's tokenProcess: each note and chord gets its length, pitch, tie, tuplet and grace
    from the fields, marks and notes around it. Returns the meters (beats, unit) and the tempos
    (quarter notes per minute) of all the fields, in order."""
    default = None       # quarter notes of a note without a number (L:, else from M:)
    key: tuple = ()      # (step, alteration) of the key signature
    meter = None
    meters, tempos = [], []
    tuplet = None        # [notes left, (actual, normal)]
    tie_pending = False
    in_grace = False
    last_note = None
    voices = 0
    over_marks = "broken-rhythm-over-marks" in rules
    count = len(tokens)
    for index, token in enumerate(tokens):
        kind = token.kind
        if kind == FIELD:
            tag, _, data = token.text.partition(":")
            data = data.split("%")[0].strip()
            try:
                if tag == "M":
                    meter = token.value = _meter(data)
                    if meter is not None:
                        meters.append(meter)
                    if default is None:
                        default = Fraction(1, 2) if meter is None or \
                            Fraction(*meter) >= Fraction(3, 4) else Fraction(1, 4)
                if tag == "L":
                    if "/" not in data:
                        raise ValueError(f"note length {data!r} is not 1/n")
                    default = _default_length(data)
                elif tag == "K":
                    alterations = key_alterations(data)
                    if alterations is None:
                        raise text.unsupported(token.pos, f"key {data!r}: a clef, which music21 "
                                                          "transposes for, or over 7 sharps or flats")
                    key = tuple(sorted(alterations.items()))
                elif tag == "Q":
                    token.value = _tempo(data, rules)
                    if token.value is not None:
                        tempos.append(token.value)
                elif tag == "X" and not _is_number(data):
                    raise ValueError(f"reference number {data!r} is not a number")
                elif tag == "V" and data[:1].isdigit():
                    voices += 1
                    if voices > 1:
                        raise text.unsupported(token.pos, "several voices (V:)")
            except (ValueError, ZeroDivisionError) as error:
                raise text.broken(token.pos, f"{tag}: {error}") from None
            continue
        if kind == BROKEN:
            before = index - 1
            after = index + 1
            if over_marks:
                while before >= 0 and tokens[before].kind in _MARKS:
                    before -= 1
                while after < count and tokens[after].kind in _MARKS:
                    after += 1
            if before >= 0 and after < count and tokens[before].kind in (NOTE, CHORD) \
                    and tokens[after].kind in (NOTE, CHORD):
                tokens[before].broken = (token.text, "left")
                tokens[after].broken = (token.text, "right")
        elif kind == TUPLET:
            tuplet = [0, _tuplet_ratio(text, token, meter)]
            parts = token.text.split(":")
            tuplet[0] = int(parts[2]) if len(parts) >= 3 and parts[2] else tuplet[1][0]
        elif kind == TIE:
            if last_note is not None:
                last_note.tie = "continue" if last_note.tie == "stop" else "start"
            tie_pending = True
        elif kind == GRACE:
            in_grace = True
        elif kind == GRACE_END:
            in_grace = False
        elif kind == NOTE or kind == CHORD:
            if default is None:
                if "default-length" not in rules:
                    raise text.broken(token.pos, "no note length: neither L: nor M: before the "
                                                 "first note (music21 cannot read the tune)")
                default = Fraction(1, 2)
            token.default, token.key = default, key
            if tie_pending:
                token.tie = "stop"
                tie_pending = False
            if in_grace:
                token.grace = True
            if tuplet is not None:
                if tuplet[0] == 0:
                    tuplet = None
                else:
                    tuplet[0] -= 1
                    token.tuplet = tuplet[1]
            last_note = token
    for token in tokens:
        if token.kind == NOTE:
            _note(text, token, rules)
        elif token.kind == CHORD:
            _chord(text, token, rules)
    return meters, tempos


def _is_number(text: str) -> bool:
    """Whether Python's int() (music21's reading of X:) takes ``text``."""
    try:
        int(text)
    except ValueError:
        return False
    return True


def _tuplet_ratio(text: _Text, token: _Token, meter) -> tuple[int, int]:
    """``(p``, ``(p:q``, ``(p:q:r`` -> (p, q): p notes in the time of q (music21's table: (3 is
    3:2, (2 is 2:3; (5, (7 and (9 in the time of 3 in compound meters, of 2 otherwise)."""
    parts = token.text.split(":")
    actual = int(parts[0][1:])
    if actual not in _TUPLET_NORMAL:
        raise text.broken(token.pos, f"tuplet {token.text!r}: music21 reads (1 to (9 only")
    normal = _TUPLET_NORMAL[actual]
    if normal is None:
        normal = 3 if meter is not None and meter[0] % 3 == 0 and meter[0] > 3 else 2
    if len(parts) >= 2 and parts[1]:
        normal = int(parts[1])
    return actual, normal


def _apply_tuplet(text: _Text, token: _Token, length: Fraction) -> Fraction:
    if token.tuplet is None:
        return length
    if length <= 0 or length.denominator & (length.denominator - 1) or \
            not _single_value(length):
        raise text.unsupported(token.pos, f"a tuplet of a {length} quarter-note length "
                                          "(music21 fails on it)")
    actual, normal = token.tuplet
    return length * normal / actual


def _single_value(length: Fraction) -> bool:
    """Whether one written note value (with up to 3 dots... as music21 types it) has this length."""
    for dots in range(4):
        base = length / (2 - Fraction(1, 2 ** dots))
        if base.numerator == 1 or base.denominator == 1:
            value = base.numerator if base.denominator == 1 else base.denominator
            if value & (value - 1) == 0 and Fraction(1, 2 ** 10) <= base <= 16:
                return True
    return False


def _note(text: _Text, token: _Token, rules) -> None:
    default, key = token.default, token.key
    symbol, note = _without_chord_symbols(text, token)
    token.dropped = _drops_note(symbol, rules)
    token.pitch = _pitch(text, token, note, token.carried, key)
    try:
        length = _length(note, default, token.broken)
    except (ValueError, ZeroDivisionError):
        raise text.unsupported(token.pos, f"note length in {token.text!r}") from None
    if not token.grace:
        length = _apply_tuplet(text, token, length)
        if length <= 0:
            raise text.unsupported(token.pos, f"{token.text!r} has no length")
    token.length = length


def _chord(text: _Text, token: _Token, rules) -> None:
    """A chord: its highest note, the length of its first note times its own (music21's
    ABCChord.parse: ``[c2e]3`` is 6 default lengths); no notes: no chord (an empty ``[]``)."""
    default, key = token.default, token.key
    symbol, chord = _without_chord_symbols(text, token)
    token.dropped = _drops_note(symbol, rules)
    close = chord.find("]")
    if close < 0:
        raise text.broken(token.pos, f"chord {token.text!r} has no closing bracket")
    try:
        outer = _length(chord[close + 1:], Fraction(1), token.broken)
    except (ValueError, ZeroDivisionError):
        raise text.unsupported(token.pos, f"chord length in {token.text!r}") from None
    inner = _Text(Tune(chord[1:close], 1, None, source=text.tune.source))
    pitches, first = [], Fraction(0)
    for sub in _tokenize(inner, lambda directives: "not", rules):
        if sub.kind != NOTE:
            if sub.kind != FIELD:
                continue
            raise text.unsupported(token.pos, f"chord {token.text!r}")
        _, note = _without_chord_symbols(text, sub)
        pitch = _pitch(text, token, note, "", key)
        if pitch is None:
            continue
        try:
            length = _length(note, default, None)
        except (ValueError, ZeroDivisionError):
            raise text.unsupported(token.pos, f"note length in chord {token.text!r}") from None
        first = first or length
        pitches.append(pitch)
    token.tones = len(pitches)
    token.pitch = max(pitches) if pitches else None
    token.length = _apply_tuplet(text, token, outer * first) if pitches else Fraction(0)
    if pitches and token.length <= 0:
        raise text.unsupported(token.pos, f"chord {token.text!r} has no length")


def _tempo(data: str, rules) -> float | None:
    """A ``Q:`` value -> quarter notes per minute as music21 reads it (``1/4=120``, ``3/8=50``,
    ``90``, ``"Allegro" 1/4=120``); None when it gives no number."""
    plain = re.sub(r'"[^"]*"?', "", data).strip() if '"' in data else data.strip()
    if not plain:
        return None
    if "=" in plain:
        lengths, number = plain.split("=")
        referent = 0.0
        for length in lengths.split() if "tempo-spaces" in rules else lengths.split(" "):
            numerator, denominator = length.split("/") if "/" in length else ("1", "1")
            referent += float(numerator) / float(denominator) * 4
        return round(float(number) * referent, 2) if referent else None
    return round(float(plain), 2)


def _layout(text: _Text, tokens: list[_Token]):
    """What music21's abcToStreamPart makes of the tune: (the first time signature or None, the
    first tempo or None, the pickup in quarter notes).

    With two regular bar lines music21 cuts the tune into measures (``_measures``); each measure
    keeps the last meter of its fields, the first measure with notes is the anacrusis when it is
    shorter than its meter, and the fields that fall between the cuts are lost. Otherwise the
    part holds every field and has no pickup."""
    if sum(1 for token in tokens if token.kind == BAR and token.text in _REGULAR_BARS) < 2:
        return _first_field(tokens, "M:"), _first_field(tokens, "Q:"), Fraction(0)
    handlers = _measures(tokens)
    if len(handlers) == 1:
        return _first_field(handlers[0], "M:"), _first_field(handlers[0], "Q:"), Fraction(0)
    measures = []
    for part in handlers:
        if any(t.kind in (NOTE, CHORD) for t in part):
            measures.append(part)
        else:  # fields outside the measures: music21 puts them in the part, out of order
            kept = next((t for t in part if t.kind == FIELD and t.value is not None), None)
            if kept is not None:
                raise text.unsupported(kept.pos, f"{kept.text!r} outside the measures")
    signatures = [_last_field(part, "M:") for part in measures]
    meter = next((signature for signature in signatures if signature is not None), None)
    tempo = next((value for part in measures if (value := _first_field(part, "Q:")) is not None), None)
    pickup = Fraction(0)
    if signatures[0] is not None:
        length = sum((t.length for t in measures[0] if t.kind in (NOTE, CHORD) and not t.dropped
                      and not (t.kind == NOTE and t.grace)), Fraction(0))
        if 0 < length < Fraction(4 * signatures[0][0], signatures[0][1]):
            pickup = length
    return meter, tempo, pickup


def _first_field(tokens, tag: str):
    """The first meaning (``_Token.value``) of a field ``tag`` ("M:", "Q:") among ``tokens``."""
    return next((t.value for t in tokens if t.kind == FIELD and t.value is not None
                 and t.text.startswith(tag)), None)


def _last_field(tokens, tag: str):
    return next((t.value for t in reversed(tokens) if t.kind == FIELD and t.value is not None
                 and t.text.startswith(tag)), None)


def _measures(tokens: list[_Token]) -> list[list[_Token]]:
    """music21's splitByMeasure and mergeLeadingMetaData: the token lists of the measures (and of
    the fields between them), each field list joined to the measure after it."""
    count = len(tokens)
    indices = [i for i, token in enumerate(tokens)
               if token.kind == BAR or (token.kind == FIELD and i + 1 < count
                                        and tokens[i + 1].kind in (NOTE, CHORD))]
    pairs, last = [(0, indices[0])], indices[0]
    for index in indices[1:]:
        if index != last + 1:
            pairs.append((last, index))
        last = index
    if last != count - 1:
        pairs.append((last, count - 1))
    handlers = []
    for x, y in pairs:
        x_clip, y_clip = x, y
        if tokens[x].kind == BAR or (x != 0 and tokens[x].kind == FIELD):
            x_clip = x + 1
        last_note = tokens[y].kind in (NOTE, CHORD) and y == count - 1
        if tokens[y].kind == BAR or (tokens[y].kind != FIELD and not last_note):
            y_clip = y - 1
        part = tokens[x_clip:y_clip + 1]
        if part:
            handlers.append(part)
    has_notes = [any(t.kind in (NOTE, CHORD) for t in part) for part in handlers]
    if sum(has_notes) <= 1:
        return [[t for part in handlers for t in part]]
    merged, i = [], 0
    while i < len(handlers):
        if not has_notes[i] and i != len(handlers) - 1:
            merged.append(handlers[i] + handlers[i + 1])
            i += 2
        else:
            merged.append(handlers[i])
            i += 1
    return merged


# --- the reference: music21 ----------------------------------------------------------------------

def music21_tune(tune: Tune, abc_version: tuple[int, int, int] | None = None) -> TuneReading:
    """A tune read by music21's ABC converter (its header and its text only, not the whole book),
    made a melody by the same rules as ``read_tune``: the reference, and the reading of what
    ``read_tune`` does not read. ``abc_version`` makes music21 read the text as that version of
    ABC (``(2, 1, 0)``: accidentals carry to the end of the bar) instead of the version the text
    declares. Raises ``MelodyError`` when music21 cannot read the tune."""
    from music21 import abcFormat, chord, harmony, meter, note, stream, tempo
    from music21.abcFormat import translate

    text = tune.header + tune.text
    try:
        handler = (abcFormat.ABCFile(abc_version) if abc_version else abcFormat.ABCFile()).readstr(text)
        score = translate.abcToStreamScore(handler)
    except Exception as error:  # music21 raises many types for a tune it cannot read
        reason = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
        raise MelodyError(f"music21 cannot read the tune: {reason}", source=tune.source,
                          line=tune.line) from None
    parts = [part for part in score.parts if part.recurse().notes] or list(score.parts)
    if not parts:
        raise MelodyError("no notes in the tune", source=tune.source, line=tune.line)
    part = parts[0]
    events, graces, tones, now = [], 0, 0, Fraction(0)
    for element in part.flatten().notesAndRests:
        if isinstance(element, harmony.Harmony):
            continue
        if element.duration.isGrace:
            graces += 1
            continue
        start, length = Fraction(element.offset), Fraction(element.quarterLength)
        if start > now:
            events.append((None, start - now, False, False))
        elif start < now:
            raise MelodyError(f"music21 put a note at quarter note {start} under the one before",
                              source=tune.source, line=tune.line)
        tie = element.tie.type if element.tie is not None else None
        if isinstance(element, chord.Chord):
            pitch = max(p.midi for p in element.pitches)
            if tie in (None, "start"):
                tones += len(element.pitches) - 1
        else:
            pitch = None if isinstance(element, note.Rest) else element.pitch.midi
        events.append((pitch, length, tie in ("start", "continue"), tie in ("stop", "continue")))
        now = start + length
    signatures = list(part.recurse().getElementsByClass(meter.TimeSignature))
    marks = [mark for mark in part.recurse().getElementsByClass(tempo.MetronomeMark)
             if mark.number is not None and not mark.numberImplicit]
    measures = part.getElementsByClass(stream.Measure)
    pickup = Fraction(0)
    if measures and measures[0].paddingLeft:
        first = measures[0]
        pickup = Fraction(first.barDuration.quarterLength) - Fraction(first.paddingLeft)
    meters, tempos = [], []
    for token in handler.tokens:
        if isinstance(token, abcFormat.ABCMetadata) and token.isMeter():
            value = token.getTimeSignatureParameters()
            if value is not None:
                meters.append(value[:2])
        elif isinstance(token, abcFormat.ABCMetadata) and token.isTempo():
            mark = token.getMetronomeMarkObject()
            if mark is not None and mark.number is not None and not mark.numberImplicit:
                tempos.append(round(float(mark.getQuarterBPM()), 2))
    first_tempo = round(float(marks[0].getQuarterBPM()), 2) if marks else None
    return _reading(tune, events,
                    meter=(signatures[0].numerator, signatures[0].denominator) if signatures else None,
                    tempo=first_tempo, pickup=pickup, reader="music21", grace_notes=graces,
                    chord_tones=tones, meter_changes=_changes(meters), tempo_changes=_changes(tempos))


# --- a tunebook --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Tunebook:
    """The tunes of an ABC file read, and the ones that could not be.

    readings: each tune read, in book order (``reading.reader`` says by which reader).
    failed:   (tune, reason) for each tune dropped; the reason names file:line.
    """

    source: str
    readings: tuple[TuneReading, ...]
    failed: tuple[tuple[Tune, str], ...] = ()

    @property
    def melodies(self) -> tuple[Melody, ...]:
        return tuple(reading.melody for reading in self.readings)

    @property
    def fallbacks(self) -> int:
        """Tunes that music21 read because ``read_tune`` does not read them."""
        return sum(1 for reading in self.readings if reading.reader == "music21")

    def __len__(self) -> int:
        return len(self.readings)


def read_tunes(tunes, *, rules=ALL_RULES, fallback: bool = True) -> tuple[list, list]:
    """Tunes -> (readings, [(tune, reason)] of the tunes dropped): each tune read by
    ``read_tune``, or by ``music21_tune`` when ``read_tune`` does not read it (``fallback``)."""
    readings, failed = [], []
    for tune in tunes:
        try:
            try:
                readings.append(read_tune(tune, rules))
            except UnsupportedAbc as unsupported:
                if not fallback:
                    raise
                try:
                    readings.append(music21_tune(tune))
                except MelodyError as error:
                    raise MelodyError(f"{error.message} (melodygen: {unsupported.message})",
                                      source=error.source, line=error.line) from None
        except MelodyError as error:
            failed.append((tune, str(error)))
    return readings, failed


def read_tunebook(path: str | Path, *, rules=ALL_RULES, fallback: bool = True) -> Tunebook:
    """An ABC file -> its tunes read (``Tunebook``); a broken tune is dropped, not the book."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise MelodyError(f"cannot read the tunebook: {error}", source=str(path)) from None
    return tunebook_from_text(text, str(path), rules=rules, fallback=fallback)


def tunebook_from_text(text: str, source: str = "<abc>", *, rules=ALL_RULES,
                       fallback: bool = True) -> Tunebook:
    tunes = split_tunes(text, source)
    if not tunes:
        raise MelodyError("no tunes (no X: line)", source=source)
    readings, failed = read_tunes(tunes, rules=rules, fallback=fallback)
    return Tunebook(source, tuple(readings), tuple(failed))



def read_abc(path: str | Path, tune: int | None = None) -> Melody:
    """One tune of an ABC file -> Melody: the tune whose ``X:`` number is ``tune``, by default
    the first (with a warning naming how many the file has and how to read another). Only that
    tune is read, by ``read_tune`` (``music21_tune`` for what it does not read); what the
    reading drops is said in one warning line each, with counts. A file without an ``X:`` line
    is read as one tune; text without a ``K:`` line is no ABC tune."""
    import warnings

    from ..core.errors import MelodyWarning

    path = Path(path)
    source = str(path)
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise MelodyError("is a folder, not an ABC file", source=source) from None
    except OSError as error:
        raise MelodyError(f"cannot read: {error.strerror or error}", source=source) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")  # older ABC files are Latin-1
    if not text.strip():
        raise MelodyError("cannot read score: the file is empty", source=source)
    tunes = split_tunes(text, source) or split_tunes("X:1\n" + text, source)
    numbers = [t.number for t in tunes]
    if tune is None:
        chosen = tunes[0]
        if len(tunes) > 1:
            title = f" {chosen.field('T')!r}" if chosen.field("T") else ""
            warnings.warn(MelodyWarning(
                f"{source}: {len(tunes)} tunes; reading the first, X:{chosen.number}{title} "
                f"(--tune N or {path.name}:N reads the tune of X:N)"), stacklevel=2)
    elif tune in numbers:
        chosen = tunes[numbers.index(tune)]
    else:
        shown = [str(n) for n in numbers if n is not None]
        listed = ", ".join(shown[:5]) + (f" ... {shown[-1]}" if len(shown) > 5 else "")
        raise MelodyError(f"no tune X:{tune} in the file (its tunes: X:{listed or 'none numbered'})",
                          source=source)
    if chosen.key is None:
        raise MelodyError("not an ABC tune: no K: line (an ABC tune starts with X:, and K:, the "
                          "key, ends its header)", source=source)
    try:
        reading = read_tune(chosen)
    except UnsupportedAbc:
        reading = music21_tune(chosen)
    notes = sum(1 for note in reading.melody.notes if not note.is_rest)
    for count, what in ((reading.grace_notes, "are grace notes (ornaments)"),
                        (reading.chord_tones, "are chord tones below the top note")):
        if count:
            warnings.warn(MelodyWarning(
                f"{source}: {count} of {notes + count} notes {what} and were dropped"
                + ("; to keep them, write them as notes of a length" if "grace" in what else "")),
                stacklevel=2)
    for count, what in ((reading.meter_changes, "time signature"), (reading.tempo_changes, "tempo")):
        if count:
            shown = "/".join(map(str, reading.melody.time_signature)) if what == "time signature" \
                else f"{reading.melody.tempo:g} bpm"
            warnings.warn(MelodyWarning(f"{source}: the {what} changes during the song; kept the "
                                        f"first, {shown}"), stacklevel=2)
    wrong, checked = reading.odd_measures
    if reading.passed_over and wrong * 3 >= checked > 0:  # both: many tunes break only one rule
        warnings.warn(MelodyWarning(
            f"{source}: {wrong} of {checked} measure{'s' * (checked != 1)} between the first and "
            "the last do not last a measure of their time signature: the tune may be broken "
            "(read as far as it is understood)"), stacklevel=2)
    melody = reading.melody
    return Melody(melody.notes, melody.title, melody.time_signature, melody.tempo, source,
                  melody.pickup, melody.key)

# --- writing -------------------------------------------------------------------------------------

def abc_text(melody: Melody, key: Key | None = None, number: int = 1) -> str:
    """Melody -> one ABC tune (ABC 2.1) that ``read_tune`` and music21 read back as the same
    notes: X:, T:, M:, L:1/8 (1/16 when the tune has lengths shorter than a 16th that 1/8
    cannot write as n/2), Q:1/4=tempo, K: (``key``: a ``core.keys.Key``, else the melody's own
    key, else found in its notes); notes spelt in the key with accidentals where the key and the
    bar so far do not give the pitch, lengths as multiples of L (``3/2``, ``2/3``), notes tied
    over bar lines, a pickup bar when the melody has one, four bars a line."""
    found = key or melody.key or song_key(melody)
    fifths = found.fifths if found is not None else 0
    unit = Fraction(1, 2)  # L:1/8, in quarter notes
    if any(((note.duration / unit) * 4).denominator not in (1, 2, 4) and
           ((note.duration / unit) * 4).denominator % 3 for note in melody.notes):
        unit = Fraction(1, 4)
    beats, beat_unit = melody.time_signature
    header = [f"X:{number}", f"T:{melody.title}", f"M:{beats}/{beat_unit}",
              f"L:1/{int(4 / unit)}", f"Q:1/4={melody.tempo:g}", f"K:{_abc_key(found)}"]
    alters = key_alters(fifths)
    bars, words, shown = [], [], {}
    measure = melody.measure_length
    position = (measure - melody.pickup) % measure if melody.pickup else Fraction(0)
    for note in melody.notes:
        left = note.duration
        while left:
            take = min(left, measure - position)
            tied = note.pitch is not None and take < left
            words.append(_abc_note(note.pitch, take, unit, fifths, alters, shown) + ("-" if tied else ""))
            position += take
            left -= take
            if position == measure:
                bars.append(" ".join(words))
                words, shown, position = [], {}, Fraction(0)
    if words:
        bars.append(" ".join(words))
    lines = [" | ".join(bars[i:i + 4]) for i in range(0, len(bars), 4)]
    body = " |\n".join(lines) + " |]"
    return "\n".join(header + [body]) + "\n"


def _abc_key(key: Key | None) -> str:
    """A key as K: writes it: G, F#m, Bb, Ebm."""
    if key is None:
        return "C"
    from ..core.note import PITCH_CLASS_NAMES
    names = {1: "C#", 3: "Eb", 6: "F#", 8: "Ab", 10: "Bb"}  # the usual spelling of a tonic
    name = names.get(key.tonic, PITCH_CLASS_NAMES[key.tonic])
    if key.fifths < 0 and key.tonic == 6:
        name = "Gb"
    return name + ("m" if key.mode == "minor" else "")


def _abc_note(pitch, length: Fraction, unit: Fraction, fifths: int, alters, shown) -> str:
    """One note or rest: pitch spelt in the key (an accidental when the key and the bar so far
    do not give it), the length as a multiple of the unit."""
    multiple = length / unit
    suffix = "" if multiple == 1 else (str(multiple.numerator) if multiple.denominator == 1 else
                                       ("" if multiple.numerator == 1 else str(multiple.numerator))
                                       + "/" + str(multiple.denominator))
    if pitch is None:
        return "z" + suffix
    step, alter, octave = spell(pitch, fifths)
    accidental = ""
    if shown.get((step, octave), alters.get(step, 0)) != alter:
        accidental = {-2: "__", -1: "_", 0: "=", 1: "^", 2: "^^"}[alter]
        shown[(step, octave)] = alter
    letter = step if octave <= 4 else step.lower()
    marks = "," * (4 - octave) if octave < 4 else "'" * (octave - 5) if octave > 5 else ""
    return accidental + letter + marks + suffix

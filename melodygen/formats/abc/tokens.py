"""The tokens of music21's ABC reader: a tune's text -> fields, bar lines, marks, notes and chords.

music21 walks the text once, character by character (``abcFormat.ABCHandler.tokenize``), then
gives each token its context (tokenProcess: ``reader``) and makes a stream of it (translate:
``measures``). ``tokenize`` is the first step, with the same precedence of one reading of a
character over another; a note's token also carries the accidental that the bar so far gives it
(ABC 2.1's propagation of accidentals, when the tune or ``RULES`` ask for it).
"""

from __future__ import annotations

import re
from fractions import Fraction

from ...core.errors import MelodyError
from .reading import UnsupportedAbc
from .tunebook import TuneText

# the kinds of token
FIELD, BAR, TUPLET, BROKEN, SLUR, PAREN_END, TIE, MARK, GRACE, GRACE_END, NOTE, CHORD = range(12)
MARKS = frozenset((MARK, SLUR, PAREN_END, TIE))  # what "broken-rhythm-over-marks" looks past
REGULAR_BARS = frozenset(("|", "[1", "[2"))     # the bar lines music21 counts to cut measures

_BARS = re.compile(r":\|[12]|\|\]|\|\||\[\||\[[12]|\|[12]|:\||\|:|::|\||:")  # music21's order
_BAR_SPLIT = {"::": (":|", "|:"), "|1": ("|", "[1"), "|2": ("|", "[2"), ":|1": (":|", "[1"),
              ":|2": (":|", "[2")}
_DECORATIONS = ".~^=_HLMOPSTuv"  # may come before a note's letter
_NOT_A_PITCH = "~wuvhHLTSN"
_SINGLE_MARKS = {".": MARK, "u": MARK, "v": MARK, "K": MARK, "k": MARK, "M": MARK,
                 "{": GRACE, "}": GRACE_END, ")": PAREN_END, "-": TIE}
# collected note texts that music21 drops (abcFormat.ABCHandler.tokenize)
_DROPPED = frozenset(("w", "u", "v", "v.", "h", "H", "vk", "uk", "U", "~", ".", "=", "V", "S", "s",
                      "i", "I", "ui", "u.", "Q", "Hy", "Hx", "r", "m", "M", "n", "N", "o", "O",
                      "P", "l", "L", "R", "y", "T", "t", "x", "Z"))
_QUOTED_DROP_ENDS = ("u", "v", "k", "K", "Q", ".", "y", "T", "w", "h", "x")
_VERSION = re.compile(r"%abc-(\d+)\.(\d+)")
_DIRECTIVE = re.compile(r"%%([a-z\-]+)\s+(\S+)")
_DYNAMICS = {"!crescendo(!": MARK, "!crescendo)!": PAREN_END, "!diminuendo(!": MARK,
             "!diminuendo)!": PAREN_END}


class Token:
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


class Text:
    """The text being read, for positions in messages: ``header`` then the tune."""

    def __init__(self, tune: TuneText) -> None:
        self.passed = 0  # characters of no ABC meaning passed over
        self.first_passed: int | None = None  # where the first of them is
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


def tokenize(text: Text, propagation, rules) -> list[Token]:
    """music21's tokens of ``text``; ``propagation(directives)`` says how accidentals carry:
    "not", "octave" or "pitch" (ABC 2.1's %%propagate-accidentals)."""
    return _Tokenizer(text, propagation, rules).run()


def version_propagation(text: str, rules):
    """How accidentals carry (a function of the directives read so far): music21's rule (ABC 2.1
    only for a text declaring %abc-2.x in its first 100 characters), or "carry-accidentals"."""
    if "carry-accidentals" not in rules:
        found = _VERSION.search(text[:100])
        if not found or int(found.group(1)) < 2:
            return lambda directives: "not"
    return lambda directives: directives.get("propagate-accidentals", "pitch")


class _Tokenizer:
    """One pass over a text: ``run`` gives each character to the step that reads the construct
    it starts, in music21's order of precedence; a step appends what it reads and returns where
    the next construct starts."""

    def __init__(self, text: Text, propagation, rules) -> None:
        self.text, self.src, self.end = text, text.value, len(text.value)
        self.propagation = propagation
        self.keep_fermata = "keep-fermata" in rules
        self.tokens: list[Token] = []
        self.directives: dict[str, str] = {}
        self.carried: dict[str, str] = {}  # accidentals written in this bar: letter (or note) -> ^ = _
        self.accidental = ""  # the accidental of the note being read (music21 keeps it until a
        self.pitch_text = ""  # note takes it, as it keeps the last pitch text)
        self.chord_symbol = ""  # quoted text waiting for the note or chord it stands before

    def run(self) -> list[Token]:
        src, end, i = self.src, self.end, 0
        while i < end:
            c = src[i]
            following = src[i + 1] if i + 1 < end else None
            if c == "%":
                i = self.comment(i)
            elif (following == ":" and i + 2 < end and src[i + 2] != "|"
                  and (c == "w" or (c.isalpha() and c.isupper()))):
                i = self.field(i)
            elif (not c.isspace() and not c.isalnum() and c not in "~("
                  and (bar := _BARS.match(src, i, end))):
                i = self.bar(bar)
            elif c == "(" and following is not None and following.isdigit():
                i = self.tuplet(i)
            elif c in "<>":
                i = self.broken_rhythm(i)
            elif c == "!":
                i = self.decoration(i)
            elif c == "(":
                if following is not None:
                    self.tokens.append(Token(SLUR, i, c))
                i += 1
            elif c == '"':
                i = self.quoted(i)
            elif c == "[":
                i = self.chord(i)
            elif c in _SINGLE_MARKS:
                self.tokens.append(Token(_SINGLE_MARKS[c], i, c))
                i += 1
            elif c.isalpha() or c in "~^=_":
                i = self.note(i)
            else:  # white space, line continuations and what music21 passes over
                if not c.isspace() and c not in "\\`" and src[i - 2:i + 1] != "[|]":
                    self.text.passed += 1  # a character of no ABC meaning (not the end of the
                    # invisible bar line [|], which music21 reads as [| and a character)
                    if self.text.first_passed is None:
                        self.text.first_passed = i
                i += 1
        return self.tokens

    def _line_end(self, i: int) -> int:
        j = self.src.find("\n", i + 1, self.end)
        return self.end if j < 0 else j

    def comment(self, i: int) -> int:
        """``%`` to the end of the line; a ``%%directive value`` is kept."""
        j = self._line_end(i)
        found = _DIRECTIVE.match(self.src, i, j)
        if found:
            self.directives[found.group(1)] = found.group(2)
        return j

    def field(self, i: int) -> int:
        """``K:G`` and the like: the rest of the line."""
        j = self._line_end(i)
        self.tokens.append(Token(FIELD, i, self.src[i:j].strip()))
        return j

    def bar(self, found: re.Match) -> int:
        """A bar line (``::`` and ``|1`` as two); the accidentals of the bar end with it."""
        self.carried, self.accidental = {}, ""
        for part in _BAR_SPLIT.get(found.group(), (found.group(),)):
            self.tokens.append(Token(BAR, found.start(), part))
        return found.end()

    def tuplet(self, i: int) -> int:
        """``(3``, ``(3:2``, ``(3:2:4``."""
        src, end = self.src, self.end
        if not src[i + 1].isascii():
            raise self.text.unsupported(i, f"tuplet {src[i:i + 2]!r}")
        j = i + 2
        for _ in range(2):  # ":q", then ":r", each number left out or of one digit
            if j >= end:
                raise self.text.unsupported(i, "a tuplet at the end of the tune")
            if src[j] != ":":
                break
            j += 1
            if j < end and src[j].isdigit():
                j += 1
        self.tokens.append(Token(TUPLET, i, src[i:j]))
        return j

    def broken_rhythm(self, i: int) -> int:
        """``>``, ``<<`` and the like."""
        j = i + 1
        while j < self.end - 1 and self.src[j] in "<>":
            j += 1
        self.tokens.append(Token(BROKEN, i, self.src[i:j]))
        return j

    def decoration(self, i: int) -> int:
        """``!trill!``: passed over, but for the hairpins that music21 reads as marks."""
        src = self.src
        for j in range(i + 1, min(i + 20, self.end)):
            if src[j] == "!":
                kind = _DYNAMICS.get(src[i:j + 1])
                if kind is not None:
                    self.tokens.append(Token(kind, i, src[i:j + 1]))
                return j + 1
        return i + 1

    def quoted(self, i: int) -> int:
        """``"Am"``: kept for the note or chord that follows."""
        j = i + 1
        while j < self.end - 1 and self.src[j] != '"':
            j += 1
        self.chord_symbol += self.src[i:j + 1]
        return j + 1

    def chord(self, i: int) -> int:
        """``[CEG]2``, with the quoted text before it; an inline field ``[K:D]`` is not read."""
        src, end = self.src, self.end
        j = i + 1
        while j < end - 1 and src[j] != "]":
            j += 1
        j += 1
        while j < end and (src[j].isdigit() or src[j] == "/"):
            j += 1
        if j > i + 2 and src[i + 2] == ":" and src[i + 1].isalpha():
            raise self.text.unsupported(i, f"inline field {src[i:j]!r}")
        self.tokens.append(Token(CHORD, i, self.chord_symbol + src[i:j]))
        self.chord_symbol = ""
        return j

    def note(self, i: int) -> int:
        """A note with its decorations, accidentals, octave marks, length and the quoted text
        before it, or a word music21 passes over."""
        j = self._note_end(i)
        collected = self.chord_symbol + self.src[i:j]
        self.chord_symbol = ""
        if not self._passed_over(collected):
            if not self.pitch_text:
                raise self.text.unsupported(i, f"{collected!r} before any note (music21 reads C4)")
            self.tokens.append(Token(NOTE, i, collected, self._carry()))
        return j

    def _note_end(self, i: int) -> int:
        """Where the note that starts at ``i`` ends; its pitch text and accidental are kept."""
        src, end, c = self.src, self.end, self.src[i]
        found_pitch = c.isalpha() and c not in _DECORATIONS
        if found_pitch:
            self.pitch_text = c
        if c in "^=_":
            self.accidental = c
        j = i + 1
        while j < end:
            d = src[j]
            if not found_pitch and d in _DECORATIONS:
                j += 1
                if j >= end:
                    raise self.text.unsupported(i, "a decoration at the end of the tune")
                if src[j] in "^=_":
                    self.accidental += src[j]
            elif not found_pitch and d.isalpha() and d not in _NOT_A_PITCH:
                found_pitch, self.pitch_text = True, d
                j += 1
            elif d.isdigit() or d in ",/'":
                if d in ",'":
                    self.pitch_text += d
                j += 1
            else:
                break
        return j

    def _passed_over(self, collected: str) -> bool:
        """Whether music21 drops a note text it collected (abcFormat.ABCHandler.tokenize)."""
        if collected in _DROPPED:
            return True
        if collected[0] == '"' and (collected[-1] in _QUOTED_DROP_ENDS or collected.endswith("v.")):
            return True
        if collected[0] in "xZ" or (collected[0] == "H" and not self.keep_fermata):
            return True
        return len(collected) > 1 and collected[0] == "=" and collected[1].isdigit()

    def _carry(self) -> str:
        """The accidental the note takes from the bar so far ("" for none); an accidental
        written on the note is kept for the notes after it."""
        letter, mode = self.pitch_text[0].upper(), self.propagation(self.directives)
        if self.accidental:
            if mode == "octave":
                self.carried[self.pitch_text] = self.accidental
            elif mode == "pitch":
                self.carried[letter] = self.accidental
            self.accidental = ""
            return ""
        if mode == "pitch":
            return self.carried.get(letter, "")
        if mode == "octave":
            return self.carried.get(self.pitch_text, "")
        return ""

"""A tune -> its melody, fast (``read_tune``): music21's reading, step for step.

``tokens.tokenize`` reads the text; ``_Context`` gives each note and chord what the fields and
marks before and around it say (music21's tokenProcess); ``notes`` makes pitches and lengths of
them and ``measures`` finds the meter, tempo and pickup; ``reading.tune_reading`` joins the ties
and makes the melody.
"""

from __future__ import annotations

from fractions import Fraction

from . import fields
from ..repeats import played_order
from .measures import layout, odd_measures, repeat_marks
from .notes import read_chord, read_note, tuplet_ratio
from .reading import ALL_RULES, TuneReading, changes, tune_reading
from .tokens import (BAR, BROKEN, CHORD, FIELD, GRACE, GRACE_END, MARKS, NOTE, TIE, TUPLET, Text,
                     Token, tokenize, version_propagation)
from .tunebook import TuneText

# the bar lines that say how a tune is played: repeats, first and second endings, section ends
STRUCTURE_BARS = frozenset(("|:", ":|", "[1", "[2", "||", "|]", "[|"))


def read_tune(tune: TuneText, rules=ALL_RULES, *, played_out: bool = False) -> TuneReading:
    """A tune -> its melody, fast; the same notes as ``music21_tune`` but for ``rules`` (names of
    ``RULES``; an empty set reads exactly as music21 does). ``played_out``: the notes with the
    repeats played out (``repeats.played_order`` over the measures music21 makes), not as
    written.

    The reading keeps the tune's structure as written (``TuneReading.marks``): each repeat sign,
    ending, double bar line and ``P:`` field with the time it stands at.

    Raises ``UnsupportedAbc`` for what it does not read (read the tune with ``music21_tune``)
    and ``MelodyError`` (file:line:column) for a broken tune.
    """
    text = Text(tune)
    tokens = tokenize(text, version_propagation(text.value, rules), rules)
    context = _Context(text, tokens, rules)
    context.run()
    meter, tempo, pickup = layout(text, tokens)
    events, graces, tones = [], 0, 0
    for token in _played(tokens) if played_out else tokens:
        if token.kind != NOTE and token.kind != CHORD or token.dropped:
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
    return tune_reading(tune, events, meter=meter, tempo=tempo, pickup=pickup, reader="melodygen",
                        grace_notes=graces, chord_tones=tones,
                        meter_changes=changes(context.meters), tempo_changes=changes(context.tempos),
                        odd_measures=odd_measures(tokens, meter), marks=structure(tokens),
                        **_passed_over(text, tokens))


def structure(tokens: list[Token]) -> tuple[tuple[str, Fraction], ...]:
    """A tune's structure as written: (mark, quarter notes of the notes before it) of each
    repeat sign, ending, double bar line (``STRUCTURE_BARS``) and ``P:`` field, in order."""
    now, marks = Fraction(0), []
    for token in tokens:
        if token.kind == BAR and token.text in STRUCTURE_BARS:
            marks.append((token.text, now))
        elif token.kind == FIELD and token.text.startswith("P:"):
            marks.append((token.text.split("%")[0].strip(), now))
        elif token.kind in (NOTE, CHORD) and not token.dropped and not \
                (token.kind == NOTE and token.grace) and not (token.kind == CHORD and not token.tones):
            now += token.length
    return tuple(marks)


def _passed_over(text: Text, tokens: list[Token]) -> dict:
    """What the reading passed over, as written: ``passed_over``, the characters of no ABC
    meaning and the notes music21 adds nothing for, and ``first_passed``, where the first is
    (line, column, its text)."""
    dropped = [token for token in tokens if token.kind in (NOTE, CHORD) and token.dropped]
    places = [token.pos for token in dropped] + \
        ([text.first_passed] if text.first_passed is not None else [])
    if not places:
        return {}
    first = min(places)
    shown = next((token.text for token in dropped if token.pos == first), text.value[first])
    where = text.where(first)
    return {"passed_over": len(dropped) + text.passed,
            "first_passed": (where["line"], where["column"], shown)}


def _played(tokens: list[Token]) -> list[Token]:
    """The tokens of the measures in the order they are played (``repeats.played_order``); the
    tokens as they are when the tune has no measures or no repeats."""
    marks = repeat_marks(tokens)
    order = played_order([mark for _, mark in marks])
    if order == list(range(len(marks))):
        return tokens
    return [token for place in order for token in marks[place][0]]


class _Context:
    """music21's tokenProcess: each note and chord gets its length, pitch, tie, tuplet and grace
    from the fields, marks and notes around it. ``run`` walks the tokens once, giving each to
    the step of its kind, then reads every note and chord; ``meters`` and ``tempos`` are then
    the meters (beats, unit) and tempos (quarter notes per minute) of all the fields, in order."""

    def __init__(self, text: Text, tokens: list[Token], rules) -> None:
        self.text, self.tokens, self.rules = text, tokens, rules
        self.default = None       # quarter notes of a note without a number (L:, else from M:)
        self.key: tuple = ()      # (step, alteration) of the key signature
        self.meter = None
        self.meters: list = []
        self.tempos: list = []
        self.tuplet = None        # [notes left, (actual, normal)]
        self.tie_pending = False
        self.in_grace = False
        self.last_note = None
        self.voices = 0

    def run(self) -> None:
        for index, token in enumerate(self.tokens):
            kind = token.kind
            if kind == FIELD:
                self.field(token)
            elif kind == BROKEN:
                self.broken_rhythm(index)
            elif kind == TUPLET:
                self.tuplet = [0, tuplet_ratio(self.text, token, self.meter)]
                parts = token.text.split(":")
                self.tuplet[0] = int(parts[2]) if len(parts) >= 3 and parts[2] else self.tuplet[1][0]
            elif kind == TIE:
                if self.last_note is not None:
                    self.last_note.tie = "continue" if self.last_note.tie == "stop" else "start"
                self.tie_pending = True
            elif kind == GRACE:
                self.in_grace = True
            elif kind == GRACE_END:
                self.in_grace = False
            elif kind == NOTE or kind == CHORD:
                self.note(token)
        for token in self.tokens:
            if token.kind == NOTE:
                read_note(self.text, token, self.rules)
            elif token.kind == CHORD:
                read_chord(self.text, token, self.rules)

    def field(self, token: Token) -> None:
        """M:, L:, K:, Q:, X: and V: as music21 reads them; a bad value breaks the tune."""
        tag, _, data = token.text.partition(":")
        data = data.split("%")[0].strip()
        try:
            if tag == "M":
                self.meter = token.value = fields.meter(data)
                if self.meter is not None:
                    self.meters.append(self.meter)
                if self.default is None:
                    self.default = Fraction(1, 2) if self.meter is None or \
                        Fraction(*self.meter) >= Fraction(3, 4) else Fraction(1, 4)
            if tag == "L":
                self.default = fields.unit_length(data)
            elif tag == "K":
                alterations = fields.key_alterations(data, "locrian" in self.rules)
                if alterations is None:
                    raise self.text.unsupported(token.pos, f"key {data!r}: a clef, which music21 "
                                                           "transposes for, or over 7 sharps or flats")
                self.key = tuple(sorted(alterations.items()))
            elif tag == "Q":
                token.value = fields.tempo(data, self.rules)
                if token.value is not None:
                    self.tempos.append(token.value)
            elif tag == "X" and not fields.is_number(data):
                raise ValueError(f"reference number {data!r} is not a number")
            elif tag == "V" and data[:1].isdigit():
                self.voices += 1
                if self.voices > 1:
                    raise self.text.unsupported(token.pos, "several voices (V:)")
        except (ValueError, ZeroDivisionError) as error:
            raise self.text.broken(token.pos, f"{tag}: {error}") from None

    def broken_rhythm(self, index: int) -> None:
        """``>`` between two notes or chords: marks them left and right (across the marks
        between them with the rule "broken-rhythm-over-marks")."""
        tokens, before, after = self.tokens, index - 1, index + 1
        if "broken-rhythm-over-marks" in self.rules:
            while before >= 0 and tokens[before].kind in MARKS:
                before -= 1
            while after < len(tokens) and tokens[after].kind in MARKS:
                after += 1
        if before >= 0 and after < len(tokens) and tokens[before].kind in (NOTE, CHORD) \
                and tokens[after].kind in (NOTE, CHORD):
            tokens[before].broken = (tokens[index].text, "left")
            tokens[after].broken = (tokens[index].text, "right")

    def note(self, token: Token) -> None:
        """A note or chord takes the unit length, the key, a pending tie, the grace and the
        tuplet it stands in."""
        if self.default is None:
            if "default-length" not in self.rules:
                raise self.text.broken(token.pos, "no note length: neither L: nor M: before the "
                                                  "first note (music21 cannot read the tune)")
            self.default = Fraction(1, 2)
        token.default, token.key = self.default, self.key
        if self.tie_pending:
            token.tie = "stop"
            self.tie_pending = False
        if self.in_grace:
            token.grace = True
        if self.tuplet is not None:
            if self.tuplet[0] == 0:
                self.tuplet = None
            else:
                self.tuplet[0] -= 1
                token.tuplet = self.tuplet[1]
        self.last_note = token

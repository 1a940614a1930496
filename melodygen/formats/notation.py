"""Song files: the lecture's note tokens, extended, <-> notes.

A token is a pitch letter and a length, as in the lecture: ``g8`` is G4 as an eighth note,
``e4`` is E4 as a quarter note. Letters ``c d e f g a b`` name the octave of middle C
(c = C4 = MIDI 60). melodygen extends the lecture's tokens, every lecture token keeping
its meaning::

    token      := pitch length [dots] [tie] | 'r' length [dots]
    pitch      := letter [accidental] [octave marks]
    letter     := c d e f g a b            (octave 4: c = C4 = MIDI 60, b = B4)
    accidental := '#' (sharp) | 'b' (flat)   f#8 = F#4 eighth, bb4 = Bb4 quarter
    octave marks := "'" per octave up | ',' per octave down   c'4 = C5, g,8 = G3, a''2 = A6
    length     := 1 2 4 8 16 32 64 128 256   (whole, half, quarter, eighth, ..., 256th)
    dots       := '.' | '..'      (dotted, double dotted)   e4. = dotted quarter (3/2)
    tie        := '~'             the note goes on into the next token, which has its pitch:
                                  c2~ c8 = one C4 of 5/2 quarter notes
    'r'        := a rest          r8 = eighth rest
    tuplet     := '(' p [':' q [':' r]]   a word of its own before the notes it changes, as in
                                  ABC: the next r tokens (default p), notes or rests, each last
                                  q/p of their written length: p notes in the time of q.
                                  q defaults to the largest power of two below p (a power of
                                  two p needs its q: (2:3). (3 c8 d8 e8 = a triplet of eighths,
                                  1/3 quarter note each; (5 c16 d16 e16 f16 g16 = a quintuplet;
                                  (3:2:1 c4 = one quarter of a triplet, 2/3; (3:2:2 c8 d4 = a
                                  triplet's eighth and quarter. Ties join tuplet notes too.

There is no key signature on the notes: every sharp and flat is written on its note.

A song file is UTF-8 text: header lines ``title: ...``, ``time: 3/4``, ``tempo: 100``
(quarter notes per minute), ``key: G major`` (the key its scores are written in, any name
``core.keys.Key.parse`` reads: ``Bb major``, ``F# minor``, ``D dorian``; without one a score
takes the key that fits the notes) before the notes; tokens separated by
white space; ``#`` starting a word begins a comment that runs to the end of the line. ``|`` is
a bar line: bar lines are optional, but when a song has them each bar between two bar lines
must fill one measure, the notes before the first bar line are a pickup (upbeat, shorter than a
measure) or one full measure, and the notes after the last bar line at most one measure.

Rests follow the rule of every melodygen reader (``timeline.tidy_rests``): adjacent rests are
one rest, and rests at the end of a song (filling its last bar) are not part of the melody.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

from ..core.errors import MelodyError
from ..core.keys import Key, melody_key, spell
from ..core.note import DEFAULT_TEMPO, Melody, Note, too_long, tuplet_ratio
from .files import check_regular
from .timeline import tidy_rests

LETTERS = "cdefgab"
LETTER_SEMITONES = {"c": 0, "d": 2, "e": 4, "f": 5, "g": 7, "a": 9, "b": 11}
ACCIDENTALS = {"": 0, "#": 1, "b": -1}
LENGTHS = (1, 2, 4, 8, 16, 32, 64, 128, 256)  # note values: 1 = whole ... 256 = 256th
MAX_DOTS = 2
BASE_OCTAVE = 4  # a letter without octave marks is in the octave of middle C
HEADER_KEYS = ("title", "time", "tempo", "key")
MAX_TUPLET = 64  # the largest p, q and r of a tuplet mark
DEFAULT_TIME_SIGNATURE = (4, 4)
BAR = "|"
TIE = "~"

_TOKEN = re.compile(
    r"(?:(?P<rest>r)|(?P<letter>[a-g])(?P<accidental>[#b]?)(?P<octave>[',]*))"
    r"(?P<length>\d+)(?P<dots>\.*)(?P<tie>~?)")
_TUPLET = re.compile(r"\((?P<actual>\d+)(?::(?P<normal>\d*)(?::(?P<count>\d+))?)?")
_HEADER = re.compile(r"\s*(?P<key>[A-Za-z]+)\s*:(?P<value>.*)")
_SHARP_SPELLING = ("c", "c#", "d", "d#", "e", "f", "f#", "g", "g#", "a", "a#", "b")
_ACCIDENTAL_MARKS = {0: "", 1: "#", -1: "b"}  # alteration -> its mark in a token


def length_to_duration(length: int, dots: int = 0) -> Fraction:
    """Note value and dots -> quarter notes: (8, 0) -> 1/2, (4, 1) -> 3/2."""
    base = Fraction(4, length)
    return base * (2 - Fraction(1, 2 ** dots))


# Every length one token can have -> its (note value, dots) (no two tokens have one length).
_LENGTH_OF_DURATION = {length_to_duration(length, dots): (length, dots)
                       for length in LENGTHS for dots in range(MAX_DOTS + 1)}


def duration_to_length(duration: Fraction) -> tuple[int, int] | None:
    """Quarter notes -> (note value, dots), or None when no single token has that length."""
    return _LENGTH_OF_DURATION.get(duration)


# Every length one token can have, longest first: what format_song splits a long note into.
_TOKEN_DURATIONS = sorted(_LENGTH_OF_DURATION, reverse=True)


@dataclass(frozen=True)
class _Piece:
    """One token of a song file: its note, whether it is tied to the next token, and where."""

    note: Note
    tied: bool
    line: int
    column: int
    word: str


def _parse_word(word: str) -> tuple[Note, bool]:
    """One token -> (Note, tied to the next token). Raises ValueError with the reason."""
    match = _TOKEN.fullmatch(word)
    if match is None:
        if word[:1] in "CDEFGABR":
            raise ValueError(f"unknown note {word!r} (note letters are lower case: c d e f g a b, r)")
        raise ValueError(f"unknown note {word!r}")
    length = int(match["length"])
    if length not in LENGTHS:
        raise ValueError(f"bad length {match['length']!r} in {word!r} (use 1, 2, 4, 8, 16, 32, 64, 128 or 256)")
    dots = len(match["dots"])
    if dots > MAX_DOTS:
        raise ValueError(f"too many dots in {word!r} (at most {MAX_DOTS})")
    duration = length_to_duration(length, dots)
    tied = bool(match["tie"])
    if match["rest"]:
        return Note(None, duration), tied
    marks = match["octave"]
    if "'" in marks and "," in marks:
        raise ValueError(f"bad octave in {word!r}: use ' to go up or , to go down, not both")
    octave = BASE_OCTAVE + marks.count("'") - marks.count(",")
    pitch = 12 * (octave + 1) + LETTER_SEMITONES[match["letter"]] + ACCIDENTALS[match["accidental"]]
    if not 0 <= pitch <= 127:
        raise ValueError(f"bad octave in {word!r}: MIDI pitch {pitch} is outside 0..127")
    return Note(pitch, duration), tied


def parse_token(token: str) -> Note:
    """One token -> Note. Raises ValueError with the reason when the token is malformed."""
    note, tied = _parse_word(token)
    if tied:
        raise ValueError(f"a tie joins two tokens; {token!r} alone has nothing to join")
    return note


def format_token(note: Note, key: Key | None = None) -> str:
    """Note -> its token: spelt in ``key`` when one is given (F major: Note(70, 1/2) -> 'bb8',
    see ``core.keys.spell``), else sharps for black keys (Note(66, 1/2) -> 'f#8')."""
    length = duration_to_length(note.duration)
    if length is None:
        raise ValueError(f"a duration of {note.duration} quarter notes has no token "
                         "(lengths are whole to 256th, with up to two dots)")
    value, dots = length
    suffix = f"{value}{'.' * dots}"
    if note.pitch is None:
        return "r" + suffix
    if key is None:
        name, octave = _SHARP_SPELLING[note.pitch % 12], note.pitch // 12 - 1
    else:
        step, alter, octave = spell(note.pitch, key.fifths)
        name = step.lower() + _ACCIDENTAL_MARKS[alter]
    marks = "'" * (octave - BASE_OCTAVE) if octave >= BASE_OCTAVE else "," * (BASE_OCTAVE - octave)
    return name + marks + suffix


def note_label(note: Note, key: Key | None = None) -> str:
    """The note's token (``f#8``, spelt in ``key`` when given) for a message or a listing, or
    its repr when no single token has its length (``Note(C4, 5/2)``)."""
    try:
        return format_token(note, key)
    except ValueError:
        return repr(note)


def tokens_text(notes, key: Key | None = None) -> str | None:
    """Notes -> their tokens (spelt in ``key`` when given) separated by spaces, a note whose
    length no single token has as tied tokens (``c2~ c8``), tuplets with their marks
    (``(3 a8 b8 c'8``); None when a length cannot be written with tokens at all (the ``tokens``
    of summary.json)."""
    try:
        words: list[tuple[str, tuple[int, int] | None]] = []
        for note in notes:
            pieces = _tokens(note.pitch, note.duration)
            for index, (piece, ratio) in enumerate(pieces):
                tied = note.pitch is not None and index < len(pieces) - 1
                words.append((format_token(piece, key) + (TIE if tied else ""), ratio))
        return " ".join(_tuplet_marks(words))
    except ValueError:
        return None


def _words(line: str):
    """(column, word) pairs of one line, 1-based columns, stopping at a comment."""
    for match in re.finditer(r"\S+", line):
        if match.group().startswith("#"):
            return
        yield match.start() + 1, match.group()


def _parse_header(key: str, value: str, source: str, line: int, column: int):
    try:
        if key == "title":
            if not value:
                raise ValueError("empty title")
            return value
        if key == "key":
            return Key.parse(value)
        if key == "time":
            beats, unit = value.split("/")
            signature = (int(beats), int(unit))
            if signature[0] < 1 or signature[1] not in (1, 2, 4, 8, 16, 32):
                raise ValueError
            return signature
        tempo = float(value)
        if not 10 <= tempo <= 400:
            raise ValueError
        return tempo
    except ValueError:
        hint = {"title": "a title", "time": "a time signature like 3/4",
                "tempo": "quarter notes per minute, 10..400",
                "key": "a key like G major, F# minor or D dorian"}[key]
        raise MelodyError(f"bad {key} {value!r} (expected {hint})",
                          source=source, line=line, column=column) from None


def _read_text(text: str, source: str):
    """Song text -> (headers, pieces, bar lines as (index of the next piece, line, column))."""
    headers: dict[str, object] = {}
    pieces: list[_Piece] = []
    bars: list[tuple[int, int, int]] = []
    tuplet = None  # [scale, tokens left, line, column, word] of the tuplet mark in force
    for line_number, line in enumerate(text.splitlines(), start=1):
        words = list(_words(line))
        header = _HEADER.match(line) if words else None
        if header:
            key, column = header["key"].lower(), words[0][0]
            if key not in HEADER_KEYS:
                raise MelodyError(f"unknown header {key!r} (known: {', '.join(HEADER_KEYS)})",
                                  source=source, line=line_number, column=column)
            if pieces:
                raise MelodyError(f"header {key!r} after the notes (headers come first)",
                                  source=source, line=line_number, column=column)
            value = header["value"].split(" #", 1)[0].strip()
            headers[key] = _parse_header(key, value, source, line_number, column)
            continue
        for column, word in words:
            if word == BAR:
                bars.append((len(pieces), line_number, column))
                continue
            try:
                if word.startswith("("):
                    if tuplet:
                        raise ValueError(f"tuplet {word!r} inside the tuplet {tuplet[4]!r}, which "
                                         f"has {tuplet[1]} more note{'s' if tuplet[1] > 1 else ''}")
                    tuplet = [*_parse_tuplet(word), line_number, column, word]
                    continue
                note, tied = _parse_word(word)
            except ValueError as error:
                raise MelodyError(str(error), source=source, line=line_number, column=column) from None
            if tuplet:
                note = Note(note.pitch, note.duration * tuplet[0])
                tuplet[1] -= 1
                tuplet = tuplet if tuplet[1] else None
            pieces.append(_Piece(note, tied, line_number, column, word))
    if tuplet:
        _, left, line_number, column, word = tuplet
        raise MelodyError(f"tuplet {word!r} at the end lacks {left} note{'s' if left > 1 else ''}",
                          source=source, line=line_number, column=column)
    return headers, pieces, bars


def _parse_tuplet(word: str) -> tuple[Fraction, int]:
    """A tuplet mark -> (the length of each of its notes / its written length, how many notes):
    '(3' -> (2/3, 3), '(5' -> (4/5, 5), '(3:2:1' -> (2/3, 1). Raises ValueError."""
    match = _TUPLET.fullmatch(word)
    if match is None:
        raise ValueError(f"bad tuplet {word!r} (write (3, (5, (3:2 or (3:2:4 as its own word)")
    actual = int(match["actual"])
    if not 2 <= actual <= MAX_TUPLET:
        raise ValueError(f"bad tuplet {word!r}: {actual} notes; a tuplet has 2..{MAX_TUPLET}")
    if match["normal"]:
        normal = int(match["normal"])
    elif actual & (actual - 1):
        normal = 1 << (actual.bit_length() - 1)
    else:
        raise ValueError(f"tuplet {word!r}: give the time of {actual} notes, e.g. ({actual}:{actual + 1}")
    count = int(match["count"]) if match["count"] else actual
    if not (1 <= normal <= MAX_TUPLET and 1 <= count <= MAX_TUPLET) or normal == actual:
        raise ValueError(f"bad tuplet {word!r}: p:q:r each 1..{MAX_TUPLET}, p other than q")
    return Fraction(normal, actual), count


def _join_ties(pieces: list[_Piece], source: str) -> list[Note]:
    """Tokens -> notes: a token tied with '~' and the next one make one note."""
    notes: list[Note] = []
    for previous, piece in zip([None] + pieces, pieces):
        if previous is not None and previous.tied:
            if piece.note.pitch != previous.note.pitch:
                raise MelodyError(f"tie from {previous.word!r} to {piece.word!r}: a tie joins two "
                                  "notes of the same pitch", source=source, line=piece.line,
                                  column=piece.column)
            notes[-1] = Note(piece.note.pitch, notes[-1].duration + piece.note.duration)
            if too_long(notes[-1].duration):
                raise MelodyError(f"tied to {piece.word!r}, the note "
                                  f"{too_long(notes[-1].duration)}", source=source,
                                  line=piece.line, column=piece.column)
        else:
            notes.append(piece.note)
    if pieces and pieces[-1].tied:
        last = pieces[-1]
        raise MelodyError(f"tie at the end: {last.word!r} has no next note to join",
                          source=source, line=last.line, column=last.column)
    return notes


def parse_song(text: str, source: str = "<string>") -> Melody:
    """Song file text -> Melody. Errors name ``source:line:column`` and the bad token."""
    headers, pieces, bars = _read_text(text, source)
    notes = tidy_rests(_join_ties(pieces, source))
    if not notes:
        raise MelodyError("no notes in the song", source=source)
    melody = Melody(tuple(notes), title=str(headers.get("title", Path(source).stem)),
                    time_signature=headers.get("time", DEFAULT_TIME_SIGNATURE),
                    tempo=headers.get("tempo", DEFAULT_TEMPO), source=source,
                    key=headers.get("key"))
    return replace(melody, pickup=_check_bars(melody, pieces, bars))


def _check_bars(melody: Melody, pieces: list[_Piece], bars: list[tuple[int, int, int]]) -> Fraction:
    """Check the bar lines against the meter; return the pickup (0 when there is none)."""
    if not bars:
        return Fraction(0)
    measure = melody.measure_length
    beats, unit = melody.time_signature

    def length(start: int, end: int) -> Fraction:
        return sum((piece.note.duration for piece in pieces[start:end]), Fraction(0))

    for (start, _, _), (end, line, column) in zip(bars, bars[1:]):
        if length(start, end) != measure:
            raise MelodyError(f"bar lasts {length(start, end)} quarter notes, {beats}/{unit} needs "
                              f"{measure}", source=melody.source, line=line, column=column)
    first, line, column = bars[0]
    pickup = length(0, first)
    if pickup > measure:
        raise MelodyError(f"{pickup} quarter notes before the first bar line; a pickup is shorter "
                          f"than a measure ({beats}/{unit} needs {measure}): a bar line is missing",
                          source=melody.source, line=line, column=column)
    last, line, column = bars[-1]
    if length(last, len(pieces)) > measure:
        raise MelodyError(f"{length(last, len(pieces))} quarter notes after the last bar line, more "
                          f"than one measure ({beats}/{unit} needs {measure}): a bar line is missing",
                          source=melody.source, line=line, column=column)
    return pickup % measure


def parse_notes(text: str, source: str = "<notes>") -> list[Note]:
    """A line of tokens (a primer, say) -> notes, ties joined; no header, rests kept as written."""
    _, pieces, _ = _read_text(text, source)
    notes = _join_ties(pieces, source)
    if not notes:
        raise MelodyError("no notes", source=source)
    return notes


SHORTEST_TOKEN = length_to_duration(LENGTHS[-1])  # the 256th note, 1/64 quarter note


def _split_duration(duration: Fraction) -> list[Fraction]:
    """A length of plain note values -> token lengths that add up to it, longest first:
    5/2 -> [2, 1/2]."""
    if duration_to_length(duration):
        return [duration]
    if (duration / SHORTEST_TOKEN).denominator != 1:
        raise ValueError(f"a length of {duration} quarter notes cannot be written with tokens "
                         f"(they are multiples of a 256th note, {SHORTEST_TOKEN} quarter note)")
    parts = []
    while duration > 0:  # the 256th note is a token: this ends
        parts.append(next(d for d in _TOKEN_DURATIONS if d <= duration))
        duration -= parts[-1]
    return parts


def _tokens(pitch: int | None, length: Fraction) -> list[tuple[Note, tuple[int, int] | None]]:
    """A length -> the notes of its tokens and the tuplet each is in: a triplet's 5/6 is its
    quarter and its 16th, both (3, 2)."""
    ratio = tuplet_ratio(length)
    if ratio is None:
        return [(Note(pitch, written), None) for written in _split_duration(length)]
    written = length * Fraction(*ratio)  # its length as written in the tuplet
    if (written / SHORTEST_TOKEN).denominator != 1:
        raise ValueError(f"a length of {length} quarter notes cannot be written with tokens (in "
                         f"a tuplet of {ratio[0]} in the time of {ratio[1]} it is {written}, not "
                         f"a multiple of a 256th note, {SHORTEST_TOKEN} quarter note)")
    return [(Note(pitch, part), ratio) for part in _split_duration(written)]


def _tuplet_marks(words: list[tuple[str, tuple[int, int] | None]]) -> list[str]:
    """Words with their tuplets -> the words with a tuplet mark before each run of one tuplet:
    '(3' before 3 notes of (3, 2), '(3:2:2' before 2 of them."""
    out: list[str] = []
    index = 0
    while index < len(words):
        word, ratio = words[index]
        if ratio is None:
            out.append(word)
            index += 1
            continue
        end = index
        while end < len(words) and words[end][1] == ratio:
            end += 1
        actual, normal = ratio
        count = end - index
        chunk = actual if count % actual == 0 and normal == 1 << (actual.bit_length() - 1) \
            else min(count, MAX_TUPLET)
        for start in range(index, end, chunk):
            taken = min(chunk, end - start)
            out.append(f"({actual}" if taken == actual and chunk == actual
                       else f"({actual}:{normal}:{taken}")
            out.extend(word for word, _ in words[start:start + taken])
        index = end
    return out


def format_song(melody: Melody, bars_per_line: int = 4) -> str:
    """Melody -> song file text that ``parse_song`` reads back as the same melody.

    Bar lines mark every measure (after the pickup, if any); a note that crosses a bar line,
    or whose length no single token has, is written as tied tokens (``c2~ | c8``); a tuplet's
    notes get a tuplet mark (``(3 c8 d8 e8``). Notes are spelt in the song's key
    (``core.keys.melody_key``: its ``key``, else the one its notes fit): Bb in F major is ``bb``,
    not ``a#``.
    """
    key = melody_key(melody)
    beats, unit = melody.time_signature
    measure = melody.measure_length
    lines = [f"title: {melody.title}", f"time: {beats}/{unit}", f"tempo: {melody.tempo:g}"]
    if melody.key is not None:
        lines.append(f"key: {melody.key}")
    next_bar = melody.pickup or measure  # position of the next bar line, in quarter notes
    now = Fraction(0)
    words: list[tuple[str, tuple[int, int] | None]] = []
    bars_on_line = 0
    for note in melody.notes:
        end = now + note.duration
        while now < end:
            piece_end = min(end, next_bar)
            tokens = _tokens(note.pitch, piece_end - now)
            for i, (token_note, ratio) in enumerate(tokens):
                tied = note.pitch is not None and (i < len(tokens) - 1 or piece_end < end)
                words.append((format_token(token_note, key) + (TIE if tied else ""), ratio))
            now = piece_end
            if now == next_bar:
                words.append((BAR, None))
                next_bar += measure
                bars_on_line += 1
                if bars_on_line == bars_per_line:
                    lines.append(" ".join(_tuplet_marks(words)))
                    words, bars_on_line = [], 0
    if words:
        lines.append(" ".join(_tuplet_marks(words)))
    return "\n".join(lines) + "\n"


def read_song(path: str | Path) -> Melody:
    """Read a song file (UTF-8 text in the notation above)."""
    path = Path(path)
    check_regular(path)
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise MelodyError("is a folder, not a song file", source=str(path)) from None
    except OSError as error:
        raise MelodyError(f"cannot read: {error.strerror}", source=str(path)) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise MelodyError(f"not UTF-8 text (byte {error.start})", source=str(path)) from None
    return parse_song(text, source=str(path))

"""Song files: the lecture's note tokens <-> notes.

A token is a pitch letter and a length, as in the lecture: ``g8`` is G4 as an eighth note,
``e4`` is E4 as a quarter note. Letters ``c d e f g a b`` name the octave of middle C
(c = C4 = MIDI 60). melodygen extends the lecture's tokens, every lecture token keeping
its meaning::

    token   := pitch length dots | 'r' length dots
    pitch   := letter [accidental] [octave marks]
    letter  := c d e f g a b          (octave 4: c = C4, b = B4)
    accidental := '#' (sharp) | 'b' (flat)          f#8 = F#4 eighth, bb4 = Bb4 quarter
    octave marks := "'" per octave up, ',' per octave down  c'4 = C5, g,8 = G3
    length  := 1 2 4 8 16 32   (whole, half, quarter, eighth, sixteenth, thirty-second)
    dots    := '.' or '..'     (dotted, double dotted)  e4. = dotted quarter
    r       := a rest           r8 = eighth rest

A song file is UTF-8 text: header lines ``title: ...``, ``time: 3/4``, ``tempo: 100``
(quarter notes per minute) before the notes; tokens separated by white space; ``|`` is an
optional bar line (each bar is then checked to fill its measure); ``#`` starting a word
begins a comment that runs to the end of the line.
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

from .errors import MelodyError
from .note import Melody, Note

LETTERS = "cdefgab"
LETTER_SEMITONES = {"c": 0, "d": 2, "e": 4, "f": 5, "g": 7, "a": 9, "b": 11}
LENGTHS = (1, 2, 4, 8, 16, 32)  # note values: 1 = whole ... 32 = thirty-second
BASE_OCTAVE = 4  # a letter without octave marks is in the octave of middle C
HEADER_KEYS = ("title", "time", "tempo")
DEFAULT_TIME_SIGNATURE = (4, 4)
DEFAULT_TEMPO = 120.0

_TOKEN = re.compile(
    r"(?:(?P<rest>r)|(?P<letter>[a-g])(?P<accidental>[#b]?)(?P<octave>'+|,+)?)"
    r"(?P<length>\d+)(?P<dots>\.*)")
_SHARP_SPELLING = ("c", "c#", "d", "d#", "e", "f", "f#", "g", "g#", "a", "a#", "b")


def length_to_duration(length: int, dots: int = 0) -> Fraction:
    """Note value and dots -> quarter notes: (8, 0) -> 1/2, (4, 1) -> 3/2."""
    base = Fraction(4, length)
    return base * (2 - Fraction(1, 2 ** dots))


def duration_to_length(duration: Fraction) -> tuple[int, int] | None:
    """Quarter notes -> (note value, dots), or None when no single token has that length."""
    for length in LENGTHS:
        for dots in range(3):
            if length_to_duration(length, dots) == duration:
                return length, dots
    return None


def parse_token(token: str) -> Note:
    """One token -> Note. Raises ValueError with the reason when the token is malformed."""
    match = _TOKEN.fullmatch(token)
    if match is None:
        raise ValueError(f"unknown note {token!r}")
    length = int(match["length"])
    if length not in LENGTHS:
        raise ValueError(f"bad length {match['length']!r} in {token!r} (use 1, 2, 4, 8, 16 or 32)")
    dots = len(match["dots"])
    if dots > 2:
        raise ValueError(f"too many dots in {token!r} (at most 2)")
    duration = length_to_duration(length, dots)
    if match["rest"]:
        return Note(None, duration)
    marks = match["octave"] or ""
    octave = BASE_OCTAVE + (len(marks) if marks.startswith("'") else -len(marks))
    semitone = LETTER_SEMITONES[match["letter"]] + {"": 0, "#": 1, "b": -1}[match["accidental"]]
    pitch = 12 * (octave + 1) + semitone
    if not 0 <= pitch <= 127:
        raise ValueError(f"octave out of range in {token!r} (MIDI pitch {pitch} is not in 0..127)")
    return Note(pitch, duration)


def format_token(note: Note) -> str:
    """Note -> its token, sharps for black keys: Note(66, 1/2) -> 'f#8'."""
    length = duration_to_length(note.duration)
    if length is None:
        raise ValueError(f"a duration of {note.duration} quarter notes has no token "
                         "(lengths are whole to 32nd, with up to two dots)")
    value, dots = length
    suffix = f"{value}{'.' * dots}"
    if note.pitch is None:
        return "r" + suffix
    octave = note.pitch // 12 - 1
    marks = "'" * (octave - BASE_OCTAVE) if octave >= BASE_OCTAVE else "," * (BASE_OCTAVE - octave)
    return _SHARP_SPELLING[note.pitch % 12] + marks + suffix


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
                "tempo": "quarter notes per minute, 10..400"}[key]
        raise MelodyError(f"bad {key} {value!r} (expected {hint})",
                          source=source, line=line, column=column) from None


def parse_song(text: str, source: str = "<string>") -> Melody:
    """Song file text -> Melody. Errors name ``source:line:column`` and the bad token."""
    headers: dict[str, object] = {}
    notes: list[Note] = []
    bars: list[tuple[int, int, int]] = []  # (index of first note after the bar, line, column)
    for line_number, line in enumerate(text.splitlines(), start=1):
        words = list(_words(line))
        if words and words[0][1].endswith(":") and not notes:
            column, key = words[0][0], words[0][1][:-1].lower()
            if key not in HEADER_KEYS:
                raise MelodyError(f"unknown header {key!r} (known: {', '.join(HEADER_KEYS)})",
                                  source=source, line=line_number, column=column)
            value = line.split(":", 1)[1].split(" #", 1)[0].strip()
            headers[key] = _parse_header(key, value, source, line_number, column)
            continue
        for column, word in words:
            if word == "|":
                bars.append((len(notes), line_number, column))
                continue
            try:
                notes.append(parse_token(word))
            except ValueError as error:
                raise MelodyError(str(error), source=source, line=line_number, column=column) from None
    if not notes:
        raise MelodyError("no notes in the song", source=source)
    melody = Melody(tuple(notes), title=str(headers.get("title", Path(source).stem)),
                    time_signature=headers.get("time", DEFAULT_TIME_SIGNATURE),
                    tempo=headers.get("tempo", DEFAULT_TEMPO), source=source)
    _check_bars(melody, bars)
    return melody


def _check_bars(melody: Melody, bars: list[tuple[int, int, int]]) -> None:
    """Every complete bar between two bar lines must fill one measure exactly."""
    for (start, _, _), (end, line, column) in zip(bars, bars[1:]):
        length = sum((note.duration for note in melody.notes[start:end]), Fraction(0))
        if length != melody.measure_length:
            beats, unit = melody.time_signature
            raise MelodyError(f"bar lasts {length} quarter notes, {beats}/{unit} needs "
                              f"{melody.measure_length}", source=melody.source, line=line, column=column)


def parse_notes(text: str, source: str = "<notes>") -> list[Note]:
    """A line of tokens (a primer, say) -> notes, without a song header."""
    return list(parse_song(text, source).notes)


def format_song(melody: Melody, per_line: int = 16) -> str:
    """Melody -> song file text that ``parse_song`` reads back as the same melody."""
    beats, unit = melody.time_signature
    tempo = f"{melody.tempo:g}"
    lines = [f"title: {melody.title}", f"time: {beats}/{unit}", f"tempo: {tempo}"]
    tokens = [format_token(note) for note in melody.notes]
    lines += [" ".join(tokens[i:i + per_line]) for i in range(0, len(tokens), per_line)]
    return "\n".join(lines) + "\n"


def read_song(path: str | Path) -> Melody:
    """Read a song file (UTF-8 text in the notation above)."""
    path = Path(path)
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

"""ABC tunebooks -> melodies: a fast reader that reads the notes music21 reads, tune by tune;
melodies -> ABC.

A tunebook is split into tunes at its ``X:`` lines (``split_tunes``: no notes are read, each
``TuneText`` keeps its text, line, number and header fields). ``read_tune`` reads one tune into a
``Melody``; it follows music21's ABC reader (``music21.abcFormat``, version 10) token for token,
so that the notes are the ones music21 gives, and raises ``UnsupportedAbc`` for what it does not
read (voices, inline fields, clefs in ``K:``, text that music21 would read as stray notes...):
``read_tunebook`` then reads that tune with music21 (``music21_tune``, the reference reading,
which parses only that tune's text). A tune that neither can read is dropped with its reason.

What a reading keeps (units: quarter notes, exact ``Fraction``s):

- notes and rests as written: repeats are not played out (music21 does not expand them while
  parsing ABC; ``read_tune(..., played_out=True)`` and ``read_abc``, one tune read as a song,
  play them out by the rule of every score format, ``formats/repeats.py``); ties joined into
  one note (a tie joins the notes on either side when they have the same MIDI pitch; an ABC
  natural and an unmarked note of the same pitch are the same);
  tuplets exact (``(3`` of eighths: 1/3 each); adjacent rests joined, rests at the end dropped
  (``timeline.tidy_rests``, every reader's rule);
- chords as their highest note, grace notes dropped: both counted in the ``TuneReading``;
- the first time signature (later ``M:`` changes counted), the tempo of the first ``Q:`` that
  gives one (quarter notes per minute, else 120), the title, the pickup: the length of the
  first measure when it is shorter than the time signature's (music21's anacrusis rule), and
  the key of the first ``K:`` (``fields.abc_key``: its signature and mode, ``K:Dmix`` is D
  mixolydian), or None for ``K:none`` and what names no key.

Where music21 is clearly wrong, melodygen keeps a rule of its own (``RULES``; the README gives
the number of tunes each one changes). ``read_tune(tune, rules=frozenset())`` reads as music21
does, which is how the benchmark checks that every other difference is zero. Two music21 faults
are not reproduced at all: when it re-bars a measure longer than its meter (translate.reBar) it
can lose the end of a chord or tuplet note split at the bar, and a chord-symbol text its chord
parser fails on (``"Transcribed by ..."``) makes it fail on the whole tune; melodygen keeps the
notes as written and passes over chord symbols.

The modules, in the order a tune goes through them:

    tunebook   a book's text -> TuneText, one a tune (split_tunes)
    tokens     a tune's text -> music21's tokens
    fields     K:, M:, L:, Q:, X: values (the key: abc_key; music21's signature: key_alterations)
    notes      a note's or chord's token -> pitch and length
    measures   the measures music21 cuts: the first meter and tempo, the pickup
    reader     read_tune: the steps above, one tune -> TuneReading
    reading    TuneReading, RULES, UnsupportedAbc, the events -> melody step both readers share
    reference  music21_tune: the same tune read by music21
    book       read_tunebook, read_tunes (with the fallback), read_abc (one tune of a file)
    writer     abc_text: notes -> ABC (a tune with its form), abc_tunebook: tunes -> one book
"""

from .book import Tunebook, read_abc, read_tunebook, read_tunes, tunebook_from_text
from .fields import abc_key, key_alterations
from .reader import read_tune
from .reading import ALL_RULES, RULES, TuneReading, UnsupportedAbc
from .reference import music21_tune
from .tunebook import TuneText, split_tunes
from .writer import abc_key_name, abc_text, abc_tunebook

__all__ = ["ALL_RULES", "RULES", "TuneReading", "TuneText", "Tunebook", "UnsupportedAbc",
           "abc_key", "abc_key_name", "abc_text", "abc_tunebook", "key_alterations", "music21_tune", "read_abc",
           "read_tune", "read_tunebook", "read_tunes", "split_tunes", "tunebook_from_text"]

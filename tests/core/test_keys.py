"""core/keys.py: the key of a melody, its scale and its key signature; keys in every mode,
parsed from their names and spelt back (parse -> str -> parse)."""

import re

import pytest

from melodygen.core.errors import ConfigError
from melodygen.core.keys import MODES, SCALE_STEPS, Key, mode_name, song_key, spell
from melodygen.core.note import Melody
from melodygen.formats.notation import parse_notes


def melody(tokens: str) -> Melody:
    return Melody(tuple(parse_notes(tokens)))


def test_nabiya_is_in_c_major(nabiya):
    # Krumhansl-Schmuckler alone answers E minor (lots of e), whose scale lacks the song's f.
    key = song_key(nabiya)
    assert key == Key(0, "major") and str(key) == "C major"
    assert sorted(key.scale) == [0, 2, 4, 5, 7, 9, 11]


@pytest.mark.parametrize("tokens, key", [
    ("g4 a4 b4 c'4 d'4 e'4 f#'4 g'4", "G major"),
    ("a4 c'8 b8 a4 e4 a4 b4 c'2 b4 a2", "A minor"),
    ("d4 f4 a4 d'4 c'4 bb4 a4 g4 f4 e4 d2", "D minor"),
])
def test_keys_agree_with_music21_where_the_scale_does_not_decide(tokens, key):
    import music21
    stream = music21.stream.Stream([music21.note.Note(n.pitch, quarterLength=n.duration)
                                    for n in parse_notes(tokens)])
    found = stream.analyze("krumhansl")
    assert str(song_key(melody(tokens))) == key == f"{found.tonic.name} {found.mode}"


def test_minor_scale_is_natural_minor():
    assert sorted(Key(9, "minor").scale) == [0, 2, 4, 5, 7, 9, 11]  # A minor: the white keys


@pytest.mark.parametrize("key, fifths", [
    (Key(0, "major"), 0), (Key(7, "major"), 1), (Key(2, "major"), 2), (Key(11, "major"), 5),
    (Key(6, "major"), 6), (Key(5, "major"), -1), (Key(10, "major"), -2), (Key(1, "major"), -5),
    (Key(9, "minor"), 0), (Key(4, "minor"), 1), (Key(2, "minor"), -1), (Key(3, "minor"), 6),
    (Key(0, "minor"), -3),
])
def test_key_signature(key, fifths):
    assert key.fifths == fifths


def test_a_song_of_rests_has_no_key():
    assert song_key(melody("r4 r2")) is None


# --- modes, signatures and names ------------------------------------------------------------------

@pytest.mark.parametrize(("text", "tonic", "mode", "fifths", "name"), [
    ("G", 7, "major", 1, "G major"), ("Em", 4, "minor", 1, "E minor"),
    ("Dmix", 2, "mixolydian", 1, "D mixolydian"), ("Bb", 10, "major", -2, "Bb major"),
    ("F#m", 6, "minor", 3, "F# minor"), ("ADor", 9, "dorian", 1, "A dorian"),
    ("A dorian", 9, "dorian", 1, "A dorian"), ("G major", 7, "major", 1, "G major"),
    ("f# minor", 6, "minor", 3, "F# minor"), ("Ebmaj", 3, "major", -3, "Eb major"),
    ("D minor", 2, "minor", -1, "D minor"), ("Am", 9, "minor", 0, "A minor"),
    ("Dmixolydian", 2, "mixolydian", 1, "D mixolydian"), ("E Phr", 4, "phrygian", 0, "E phrygian"),
    ("F Lydian", 5, "lydian", 0, "F lydian"), ("Bloc", 11, "locrian", 0, "B locrian"),
    ("C ionian", 0, "major", 0, "C major"), ("A Aeolian", 9, "minor", 0, "A minor"),
    ("Ebm", 3, "minor", -6, "Eb minor"), ("D#m", 3, "minor", 6, "D# minor"),
    ("F#", 6, "major", 6, "F# major"), ("Gb", 6, "major", -6, "Gb major"),
    ("C#", 1, "major", 7, "C# major"), ("Cb", 11, "major", -7, "Cb major"),
    ("A#m", 10, "minor", 7, "A# minor"), ("Abm", 8, "minor", -7, "Ab minor"),
    ("  bb  ", 10, "major", -2, "Bb major"), ("EMIN", 4, "minor", 1, "E minor"),
    ("G#", 8, "major", -4, "Ab major"), ("Fb", 4, "major", 4, "E major"),  # 8 sharps, 8 flats
])
def test_parse(text, tonic, mode, fifths, name):
    key = Key.parse(text)
    assert (key.tonic, key.mode, key.fifths, str(key)) == (tonic, mode, fifths, name)


@pytest.mark.parametrize("text", ["H", "Gx", "none", "", "Gmi", "AB", "G m x", "Dmaj7", "HP", "Bb#"])
def test_parse_refuses_what_is_no_key_naming_it(text):
    with pytest.raises(ConfigError, match=f"^not a key: {re.escape(repr(text))}"):
        Key.parse(text)
    with pytest.raises(ValueError):  # a ConfigError is a ValueError (and a MelodyError)
        Key.parse(text)


@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("fifths", range(-7, 8))
def test_every_key_reads_back_from_its_name(fifths, mode):
    key = Key.from_fifths(fifths, mode)
    assert Key.parse(str(key)) == key
    assert (key.fifths, key.mode) == (fifths, mode)
    assert key.scale == Key.from_fifths(fifths).scale  # a mode is its signature's major scale


@pytest.mark.parametrize("tonic", range(12))
@pytest.mark.parametrize("mode", sorted(MODES))
def test_a_key_built_from_numbers_takes_the_usual_signature(tonic, mode):
    key = Key(tonic, mode)
    assert -5 <= key.fifths <= 6 and Key.parse(str(key)) == key
    assert key == Key(tonic, mode, key.fifths) and hash(key) == hash(Key(tonic, mode, key.fifths))


def test_the_usual_signatures_are_the_ones_of_before():
    assert [str(Key(tonic, "major")) for tonic in range(12)] == [
        "C major", "Db major", "D major", "Eb major", "E major", "F major", "F# major", "G major",
        "Ab major", "A major", "Bb major", "B major"]
    assert [str(Key(tonic, "minor")) for tonic in range(12)] == [
        "C minor", "C# minor", "D minor", "D# minor", "E minor", "F minor", "F# minor", "G minor",
        "G# minor", "A minor", "Bb minor", "B minor"]


def test_a_key_remembers_its_spelling():
    assert Key.parse("Ebm") != Key.parse("D#m") and Key.parse("Ebm").scale == Key.parse("D#m").scale
    assert Key(3, "minor") == Key.parse("D#m") and Key(3, "minor", -6) == Key.parse("Ebm")
    assert len({Key.parse("Bb"), Key(10, "major"), Key.from_fifths(-2)}) == 1
    assert Key.parse("Gb").tonic_name == "Gb" and Key.parse("F#").tonic_name == "F#"
    assert Key(0, "ionian") == Key(0, "major") and Key(9, "aeolian").mode == "minor"


@pytest.mark.parametrize(("args", "message"), [
    ((12, "major"), "a key is a pitch class 0..11 and a mode"),
    ((0, "blues"), "a key is a pitch class 0..11 and a mode"),
    ((0, "major", 2), "C major has no key signature of 2 fifths"),
    ((6, "major", 8), "F# major has no key signature of 8 fifths"),
])
def test_a_bad_key_is_a_config_error(args, message):
    with pytest.raises(ConfigError, match=message):
        Key(*args)


@pytest.mark.parametrize(("mode", "steps"), [
    ("major", (0, 2, 4, 5, 7, 9, 11)), ("dorian", (0, 2, 3, 5, 7, 9, 10)),
    ("phrygian", (0, 1, 3, 5, 7, 8, 10)), ("lydian", (0, 2, 4, 6, 7, 9, 11)),
    ("mixolydian", (0, 2, 4, 5, 7, 9, 10)), ("minor", (0, 2, 3, 5, 7, 8, 10)),
    ("locrian", (0, 1, 3, 5, 6, 8, 10))])
def test_the_scale_of_each_mode(mode, steps):
    assert SCALE_STEPS[mode] == steps
    assert sorted(Key(2, mode).scale) == sorted((2 + step) % 12 for step in steps)


@pytest.mark.parametrize(("name", "spelt"), [
    ("Dmix", ["D", "E", "F#", "G", "A", "B", "C"]), ("Ebm", ["Eb", "F", "Gb", "Ab", "Bb", "Cb", "Db"]),
    ("D#m", ["D#", "E#", "F#", "G#", "A#", "B", "C#"]), ("Bloc", ["B", "C", "D", "E", "F", "G", "A"])])
def test_notes_are_spelt_in_the_signature_of_the_mode(name, spelt):
    key = Key.parse(name)
    names = []
    for step in SCALE_STEPS[key.mode]:
        letter, alter, _ = spell(60 + key.tonic + step, key.fifths)
        names.append(letter + {-1: "b", 0: "", 1: "#"}[alter])
    assert names == spelt


def test_mode_names_as_abc_writes_them():
    assert [mode_name(word) for word in ("", "m", "MAJ", "Minor", "dor", "Mixolydian", "aeo", "Ion",
                                         "mi", "x", "blues")] == [
        "major", "minor", "major", "minor", "dorian", "mixolydian", "minor", "major", None, None, None]

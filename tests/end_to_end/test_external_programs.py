"""The files of ``python -m melodygen nabiya`` in the programs a user opens them with.

MusicXML: valid against the MusicXML 4.0 schema (offline), and MuseScore 3 turns it into the
same notes as melodygen's own MIDI. MIDI: read by symusic (a parser not built on mido) as the
same notes, opened by MuseScore, and rendered by FluidSynth and TiMidity to a WAV that sounds
as long as the melody. And every MIDI fits onlinesequencer.net's importer.

The programs' exit statuses lie (MuseScore exits 0 on a file it could not read, a synthesizer
writes silence without a soundfont), so every check looks at what they wrote.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
from fractions import Fraction
from pathlib import Path

import mido
import pytest
from conftest import onsets_and_pitches
from external import (
    BAD_INPUTS,
    child_env,
    need_module,
    need_program,
    need_soundfont,
    run_melodygen,
)

from melodygen.core.note import Melody
from melodygen.formats.midi import midi_bytes
from melodygen.formats.songs import bundled_songs, load_song
from melodygen.learning.song.config import MODELS
from melodygen.presentation.run_files import PREDICTIONS

STEMS = ["original"] + [f"{model}-{kind}" for model in MODELS for kind in PREDICTIONS]
SEED, EPOCHS = 11, 30  # few epochs: the models still get notes wrong, so the files differ
MUSESCORE_ERRORS = ("not a valid MusicXML file", "Error at line", "empty score")
SILENCE_DB = -40  # audio quieter than this, relative to the loudest sample, is silence
PROGRAM_TIMEOUT = 60  # seconds for one conversion or rendering


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> tuple[Path, dict]:
    """One run of every model on 나비야: (output folder, summary.json)."""
    folder = tmp_path_factory.mktemp("nabiya")
    done = run_melodygen("nabiya", "--model", "all", "--epochs", EPOCHS, "--seed", SEED,
                         "--out", folder, "--quiet", cwd=folder)
    assert done.returncode == 0, done.stderr
    return folder, json.loads((folder / "summary.json").read_text())


def expected_notes(summary: dict, stem: str) -> list[tuple[Fraction, Fraction, int]]:
    """(onset, length, MIDI pitch) in quarter notes of the notes summary.json gives ``stem``."""
    if stem == "original":
        pairs = summary["original"]["notes"]
    else:
        model, kind = stem.split("-", 1)
        pairs = summary["models"][model]["outputs"][kind]["notes"]
    out, onset = [], Fraction(0)
    for pitch, length in pairs:
        if pitch is not None:
            out.append((onset, Fraction(length), pitch))
        onset += Fraction(length)
    return out


def musescore(source: Path, target: Path) -> subprocess.CompletedProcess:
    """``mscore3 -o TARGET SOURCE``, headless (child_env sets QT_QPA_PLATFORM=offscreen)."""
    return subprocess.run([need_program("mscore3"), "-o", str(target), str(source)],
                          env=child_env(), capture_output=True, text=True,
                          timeout=PROGRAM_TIMEOUT, stdin=subprocess.DEVNULL)


def musescore_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if any(error in line for error in MUSESCORE_ERRORS)]


# --- MusicXML -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def musicxml_schema(tmp_path_factory):
    """The MusicXML 4.0 XSD (from the musicxml package) with its imports of xml.xsd and xlink.xsd
    pointed at local copies (from the xmlschema package): validation never touches the network."""
    etree = need_module("lxml.etree")
    musicxml, xmlschema = need_module("musicxml"), need_module("xmlschema")
    xsd = Path(musicxml.__file__).parent / "generate_classes" / "musicxml_4_0.xsd"
    schemas = Path(xmlschema.__file__).parent / "schemas"
    local = {"xml.xsd": schemas / "XML" / "xml.xsd", "xlink.xsd": schemas / "XLINK" / "xlink.xsd"}
    folder = tmp_path_factory.mktemp("xsd")
    for name, path in [("musicxml.xsd", xsd), *local.items()]:
        text = re.sub(r'schemaLocation="https?://[^"]*/(xml|xlink)\.xsd"',
                      lambda m: f'schemaLocation="{m[1]}.xsd"', path.read_text(encoding="utf-8"))
        assert "http" not in "".join(re.findall(r'schemaLocation="[^"]*"', text)), name
        (folder / name).write_text(text, encoding="utf-8")
    parser = etree.XMLParser(no_network=True)
    schema = etree.XMLSchema(etree.parse(str(folder / "musicxml.xsd"), parser))

    def validate(data: bytes) -> list[str]:
        document = etree.fromstring(data, etree.XMLParser(no_network=True, load_dtd=False,
                                                          resolve_entities=False))
        schema.validate(document)
        return [f"line {error.line}: {error.message}" for error in schema.error_log]

    return validate


@pytest.mark.parametrize("stem", STEMS)
def test_musicxml_is_valid_musicxml_4_0(run, musicxml_schema, stem):
    folder, _ = run
    assert musicxml_schema((folder / f"{stem}.musicxml").read_bytes()) == []


def test_the_schema_check_finds_a_broken_score(run, musicxml_schema):
    data = (run[0] / "original.musicxml").read_bytes()
    broken = data.replace(b"<beats>2</beats>", b"<beats>2</beats><tempo>100</tempo>", 1)
    assert broken != data
    errors = musicxml_schema(broken)
    assert len(errors) == 1 and "tempo" in errors[0]


@pytest.mark.parametrize("stem", STEMS)
def test_musescore_plays_musicxml_as_melodygens_midi(run, tmp_path, stem):
    folder, summary = run
    target = tmp_path / f"{stem}.mid"
    done = musescore(folder / f"{stem}.musicxml", target)
    assert done.returncode == 0 and musescore_errors(done.stderr) == [], done.stderr
    melodygen_notes = onsets_and_pitches(folder / f"{stem}.mid")
    assert melodygen_notes == [(onset, pitch) for onset, _, pitch in expected_notes(summary, stem)]
    assert onsets_and_pitches(target) == melodygen_notes
    tempos = [m.tempo for t in mido.MidiFile(target).tracks for m in t if m.type == "set_tempo"]
    assert tempos == [mido.bpm2tempo(summary["song"]["tempo"])]


def test_musescore_shows_the_wrong_notes_red_and_numbered(run, tmp_path):
    # The marks are in the MusicXML itself: MuseScore keeps each wrong note's colour and its
    # number (a lyric under it), so a MuseScore user sees the wrong notes too.
    folder, summary = run
    stem, wrong = next((f"{name}-full-song", model["full_song_wrong_positions"])
                       for name, model in summary["models"].items() if model["full_song_wrong_positions"])
    target = tmp_path / f"{stem}.mscx"
    done = musescore(folder / f"{stem}.musicxml", target)
    assert done.returncode == 0 and musescore_errors(done.stderr) == [], done.stderr
    chords = re.findall(r"<Chord>(.*?)</Chord>", target.read_text(encoding="utf-8"), re.S)
    numbered = [(re.search(r"<Lyrics>\s*<text>(\d+)</text>", chord)[1],
                 '<color r="224" g="0" b="0"' in chord) for chord in chords if "<Lyrics>" in chord]
    assert numbered == [(str(position), True) for position in wrong]


def test_musescore_errors_on_a_broken_musicxml_are_seen(tmp_path):
    done = musescore(BAD_INPUTS / "junk.musicxml", tmp_path / "junk.mid")
    assert done.returncode == 0  # the exit status lies
    assert len(musescore_errors(done.stderr)) >= 1


# Triplets, quintuplets, sextuplets, quarter-note triplets across a beat, a triplet rest and a
# triplet tied over a bar line, after a pickup
TUPLETS = ("time: 3/4\nkey: D minor\ntempo: 90\n(3 a,8 c#8 e8 | (3 d4 e4 f4 g4 | "
           "(5 a16 g16 f16 e16 d16 (3:2:2 c#4 d8 (6 d16 e16 f16 g16 a16 bb16 | "
           "(3 a8 g8 f8~ (3:2:2 f4 r8 (3 e16 d16 c#16 d8 |\n")


@pytest.fixture(scope="module")
def tuplets(tmp_path_factory) -> tuple[Path, Melody]:
    from melodygen.formats.midi import write_midi
    from melodygen.formats.musicxml import write_musicxml
    from melodygen.formats.notation import parse_song

    folder = tmp_path_factory.mktemp("tuplets")
    melody = parse_song(TUPLETS, source="tuplets.txt")
    write_musicxml(melody, folder / "tuplets.musicxml")
    write_midi(melody, folder / "tuplets.mid")
    return folder, melody


def test_a_score_with_tuplets_is_valid_musicxml_4_0(tuplets, musicxml_schema):
    folder, _ = tuplets
    assert musicxml_schema((folder / "tuplets.musicxml").read_bytes()) == []


def test_musescore_plays_tuplets_as_melodygens_midi(tuplets, tmp_path):
    folder, melody = tuplets
    done = musescore(folder / "tuplets.musicxml", tmp_path / "musescore.mid")
    assert done.returncode == 0 and musescore_errors(done.stderr) == [], done.stderr
    onsets, now = [], Fraction(0)
    for note in melody.notes:
        if not note.is_rest:
            onsets.append((now, note.pitch))
        now += note.duration
    assert onsets_and_pitches(folder / "tuplets.mid") == onsets
    assert onsets_and_pitches(tmp_path / "musescore.mid") == onsets


def test_symusic_reads_tuplets_from_melodygens_midi(tuplets):
    symusic = need_module("symusic")
    folder, melody = tuplets
    score = symusic.Score(str(folder / "tuplets.mid"))
    assert [(t.numerator, t.denominator) for t in score.time_signatures] == [(1, 4), (3, 4)]  # pickup
    notes, now = [], Fraction(0)
    for note in melody.notes:
        if not note.is_rest:
            notes.append((now, note.duration, note.pitch))
        now += note.duration
    assert [(Fraction(n.start, 480), Fraction(n.duration, 480), n.pitch)
            for n in score.tracks[0].notes] == notes


# --- MIDI -----------------------------------------------------------------------------------

@pytest.mark.parametrize("stem", STEMS)
def test_symusic_reads_the_same_notes(run, stem):
    symusic = need_module("symusic")
    folder, summary = run
    score = symusic.Score(str(folder / f"{stem}.mid"))
    assert score.ticks_per_quarter == 480
    assert [(t.numerator, t.denominator) for t in score.time_signatures] == [(2, 4)]
    assert [round(t.qpm, 6) for t in score.tempos] == [summary["song"]["tempo"]]
    assert [track.is_drum for track in score.tracks] == [False]
    notes = [(Fraction(n.start, 480), Fraction(n.duration, 480), n.pitch) for n in score.tracks[0].notes]
    assert notes == expected_notes(summary, stem)


STEP_SEMITONES = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def musicxml_pitches(data: bytes) -> list[int]:
    """MIDI pitches of the notes of a MusicXML document, a tied note counted once."""
    etree = need_module("lxml.etree")
    pitches = []
    for note in etree.fromstring(data, etree.XMLParser(no_network=True)).iter("note"):
        pitch = note.find("pitch")
        if pitch is None or note.find("chord") is not None:
            continue
        if any(tie.get("type") == "stop" for tie in note.findall("tie")):
            continue
        pitches.append(12 * (int(pitch.findtext("octave")) + 1) + STEP_SEMITONES[pitch.findtext("step")]
                       + int(float(pitch.findtext("alter") or 0)))
    return pitches


@pytest.mark.parametrize("stem", STEMS)
def test_musescore_opens_midi(run, tmp_path, stem):
    folder, summary = run
    target = tmp_path / f"{stem}.musicxml"
    done = musescore(folder / f"{stem}.mid", target)
    assert done.returncode == 0 and musescore_errors(done.stderr) == [], done.stderr
    assert musicxml_pitches(target.read_bytes()) == [p for _, _, p in expected_notes(summary, stem)]


def audible_seconds(wav: Path) -> tuple[float, float]:
    """(seconds from the start to the end of the last sound, peak amplitude 0..1) of a WAV,
    measured by sox: normalized, trailing audio below SILENCE_DB trimmed."""
    sox = need_program("sox")
    peak = subprocess.run([sox, str(wav), "-n", "stat"], capture_output=True, text=True,
                          timeout=PROGRAM_TIMEOUT)
    trimmed = subprocess.run([sox, str(wav), "-n", "gain", "-n", "reverse", "silence", "1", "0.005",
                              f"{SILENCE_DB}d", "reverse", "stat"], capture_output=True, text=True,
                             timeout=PROGRAM_TIMEOUT)

    def field(report, name):
        return float(re.search(rf"^{name}:\s+(\S+)", report.stderr, re.MULTILINE)[1])

    return field(trimmed, r"Length \(seconds\)"), field(peak, "Maximum amplitude")


def render(renderer: str, midi: Path, wav: Path) -> None:
    if renderer == "fluidsynth":
        command = [need_program("fluidsynth"), "-ni", "-F", str(wav), "-r", "44100",
                   str(need_soundfont()), str(midi)]
    else:
        need_soundfont()  # Debian's timidity.cfg plays it when no other soundfont is installed
        command = [need_program("timidity"), "-Ow", "-o", str(wav), str(midi)]
    subprocess.run(command, capture_output=True, timeout=PROGRAM_TIMEOUT, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("renderer", ["fluidsynth", "timidity"])
@pytest.mark.parametrize("stem", STEMS)
def test_midi_renders_as_long_as_the_melody(run, tmp_path, renderer, stem):
    folder, summary = run
    wav = tmp_path / f"{stem}.wav"
    render(renderer, folder / f"{stem}.mid", wav)
    onset, length, _ = expected_notes(summary, stem)[-1]
    seconds = float(onset + length) * 60 / summary["song"]["tempo"]  # the last note's end
    audible, peak = audible_seconds(wav)
    assert peak > 0.01, f"{renderer} wrote silence"
    # The last note's release rings on a little; a lost last note or a wrong tempo ends early or late.
    assert seconds - 0.1 <= audible <= seconds + 1.0, (audible, seconds)


def test_audible_length_tells_a_shorter_melody(tmp_path):
    """The check above can fail: 나비야 without its last note renders 0.6 s (a quarter) shorter."""
    melody = load_song("nabiya")
    for name, notes in (("whole", melody.notes), ("cut", melody.notes[:-1])):
        (tmp_path / f"{name}.mid").write_bytes(midi_bytes(melody.with_notes(notes)))
        render("fluidsynth", tmp_path / f"{name}.mid", tmp_path / f"{name}.wav")
    whole, _ = audible_seconds(tmp_path / "whole.wav")
    cut, _ = audible_seconds(tmp_path / "cut.wav")
    assert 0.4 < whole - cut < 0.8


# --- onlinesequencer.net ----------------------------------------------------------------------

def onlinesequencer_problems(data: bytes) -> list[str]:
    """What onlinesequencer.net's MIDI import would change: it takes format 0 or 1, keeps one tempo,
    snaps note lengths to 16th notes and clamps octaves to 2..7 (C2 = 36 .. B7 = 107)."""
    midi = mido.MidiFile(file=io.BytesIO(data))
    problems = [] if midi.type in (0, 1) else [f"format {midi.type}"]
    tempos = [m.tempo for track in midi.tracks for m in track if m.type == "set_tempo"]
    if len(tempos) != 1:
        problems.append(f"{len(tempos)} tempos")
    sixteenth = midi.ticks_per_beat // 4
    for track in midi.tracks:
        now, started = 0, {}
        for message in track:
            now += message.time
            if message.type == "note_on" and message.velocity > 0:
                started[message.note] = now
                if not 36 <= message.note <= 107:
                    problems.append(f"pitch {message.note} outside octaves 2..7")
            elif message.type in ("note_on", "note_off") and message.note in started:
                length = now - started.pop(message.note)
                if length % sixteenth:
                    problems.append(f"a note of {length} ticks, off the 16th grid ({sixteenth} ticks)")
    return problems


@pytest.mark.parametrize("stem", STEMS)
def test_midi_fits_onlinesequencer(run, stem):
    assert onlinesequencer_problems((run[0] / f"{stem}.mid").read_bytes()) == []


@pytest.mark.parametrize("song", sorted(bundled_songs()))
def test_bundled_song_midi_fits_onlinesequencer(song):
    assert onlinesequencer_problems(midi_bytes(load_song(song))) == []


def test_onlinesequencer_check_finds_problems():
    midi = mido.MidiFile(type=1, ticks_per_beat=480)
    midi.tracks.append(mido.MidiTrack([
        mido.MetaMessage("set_tempo", tempo=600_000, time=0),
        mido.MetaMessage("set_tempo", tempo=500_000, time=480)]))
    midi.tracks.append(mido.MidiTrack([
        mido.Message("note_on", note=31, velocity=90, time=0),
        mido.Message("note_off", note=31, velocity=0, time=480),
        mido.Message("note_on", note=60, velocity=90, time=0),
        mido.Message("note_off", note=60, velocity=0, time=60)]))
    data = io.BytesIO()
    midi.save(file=data)
    assert onlinesequencer_problems(data.getvalue()) == [
        "2 tempos", "pitch 31 outside octaves 2..7", "a note of 60 ticks, off the 16th grid (120 ticks)"]


def test_musescore_opens_generated_tunes_with_the_notes_of_their_midi(tmp_path):
    """A tune of `melodygen generate` from a model of a collection: its MusicXML, opened in
    MuseScore and played to MIDI, has the onsets and pitches of melodygen's own MIDI."""
    from melodygen.core.keys import Key
    from melodygen.formats.notation import parse_notes
    from melodygen.presentation.folder import RunFolder
    from melodygen.presentation.run_files import write_melody

    melody = Melody(tuple(parse_notes("d'4 b4 g4 (3 a8 b8 c'8 d'4 d'4 e'8 d'8 c'4 a4 g2.")),
                    "tune 1", time_signature=(3, 4), tempo=96.0)
    # the files of a generated tune, as presentation.gallery writes them
    files = write_melody(RunFolder(tmp_path), "tune-1", melody, scores=False, audio=False,
                         key=Key(7, "major"))
    done = musescore(tmp_path / files.musicxml, tmp_path / "musescore.mid")
    assert done.returncode == 0 and musescore_errors(done.stderr) == [], done.stderr
    assert onsets_and_pitches(tmp_path / "musescore.mid") == \
        onsets_and_pitches(tmp_path / files.midi)


def test_a_tune_with_form_is_valid_musicxml_and_musescore_plays_its_repeats(tmp_path,
                                                                           musicxml_schema):
    """A jig of form AABB, each part starting with a pickup (its own measure, the bar before it
    short by it), triplets in it: valid MusicXML 4.0 with its repeat bar lines and letters, and
    MuseScore plays it as melodygen's MIDI plays it, the repeats played out."""
    from melodygen.core.form import layout
    from melodygen.core.keys import Key
    from melodygen.formats.musicxml import musicxml_bytes
    from melodygen.formats.notation import parse_notes

    notes = tuple(parse_notes("a8 d'8 f#'8 a'8 (3 a'16 b'16 a'16 f#'8 d'8 d'4. d'4 b8 g8 b8 d'8 "
                              "g'8 f#'8 e'8 d'4. d'4"))
    melody = Melody(notes, "Jig 1", (6, 8), 165.0, pickup=Fraction(1, 2))
    form = layout("AABB", 2, Fraction(3))
    data = musicxml_bytes(melody, {}, Key(2, "major"), form)
    assert musicxml_schema(data) == []
    (tmp_path / "jig.musicxml").write_bytes(data)
    (tmp_path / "jig.mid").write_bytes(midi_bytes(form.played(melody)))
    done = musescore(tmp_path / "jig.musicxml", tmp_path / "musescore.mid")
    assert done.returncode == 0 and musescore_errors(done.stderr) == [], done.stderr
    assert onsets_and_pitches(tmp_path / "musescore.mid") == \
        onsets_and_pitches(tmp_path / "jig.mid")

"""`melodygen train` and `melodygen generate`: files, the table, exact seeds, one-line errors."""

import contextlib
import io
import json
import re
from fractions import Fraction

import pytest
from conftest import midi_notes, run_python, score_notes, without_padding

from melodygen.cli import main
from melodygen.core.note import Note
from melodygen.formats.musicxml import read_score
from melodygen.formats.notation import format_token, parse_notes
from melodygen.learning.kinds import read
from melodygen.presentation.audio import TAIL, wav_to_samples
from melodygen.presentation.engrave import read_svg
from melodygen.presentation.folder import MANIFEST

VOCABULARY = "c4 d4 e4 f4 g4 a4 b4 c8 d8 e8 f8 g8 a8 b8"
ISSUE_SETTINGS = ["--primer", "g8 e8 e4 f8", "--length", "64", "--temperature", "0.9",
                  "--top-k", "5", "--count", "4", "--seed", "7"]


def run_cli(*args) -> tuple[int, str, str]:
    """melodygen.cli.main(args) in this process: (exit status, stdout, stderr without the
    progress lines, "... …", which test_progress.py checks)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(arg) for arg in args])
        except SystemExit as exit:  # argparse: --help, usage errors
            code = exit.code
    said = [line for line in err.getvalue().splitlines(keepends=True) if not line.endswith(" …\n")]
    return code, out.getvalue(), "".join(said)


def summary_of(folder) -> dict:
    return json.loads((folder / "summary.json").read_text(encoding="utf-8"))


def tokens(notes) -> str:
    return " ".join(format_token(note) for note in notes)


@pytest.fixture(scope="module")
def issue_run(nabiya_model_file, tmp_path_factory):
    """The issue's command: 4 sampled melodies of 64 notes after the primer."""
    folder = tmp_path_factory.mktemp("gen") / "gen"
    code, out, err = run_cli("generate", nabiya_model_file, *ISSUE_SETTINGS, "--out", folder)
    return code, out, err, folder


# ---- train -------------------------------------------------------------------------------------

def test_train_saves_a_model(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli("train", "nabiya", "--model", "mlp", "--epochs", "3", "--quiet")
    path = "models/nabiya-mlp.melodygen"  # the default name
    assert code == 0
    assert err.startswith("warning: mlp stopped at the epoch cap (3) before reaching its target: ")
    first, second = out.splitlines()
    assert re.fullmatch(r"나비야: mlp trained in 3 epochs, \d+\.\d\d s; one-step \d+/50 right, "
                        r"full song \d+/50 right", first)
    size = (tmp_path / path).stat().st_size
    assert second == f"saved {path} ({size / 1024:.0f} KiB); new melodies: melodygen generate {path}"
    checkpoint = read(tmp_path / path)
    assert (checkpoint.spec.name, checkpoint.config.epochs, checkpoint.training.epochs) == ("mlp", 3, 3)


def test_train_accepts_any_file_name_and_window(tmp_path):
    path = tmp_path / "models" / "nabiya.keras"  # the issue's name: still a melodygen model file
    code, out, err = run_cli("train", "nabiya", "--model", "lstm", "--epochs", "2", "--window", "8",
                             "--quiet", "--save", path)
    assert code == 0, err
    assert read(path).window == 8
    code, out, err = run_cli("generate", path, "--length", "3", "--out", tmp_path / "out")
    assert code == 0, err
    assert summary_of(tmp_path / "out")["settings"]["primer"] == "g8 e8 e4 f8 d8 d4 c8 d8"


# ---- generate ----------------------------------------------------------------------------------

def test_the_issue_command_writes_four_melodies(issue_run, nabiya_model_file):
    code, out, err, folder = issue_run
    assert (code, err) == (0, "")
    stems = [f"generated-{n}" for n in range(1, 5)]
    assert sorted(path.name for path in folder.iterdir()) == sorted(
        [f"{stem}.{suffix}" for stem in stems for suffix in ("mid", "musicxml", "svg", "wav", "abc")]
        + ["gallery.html", "summary.json", MANIFEST])
    summary = summary_of(folder)
    assert summary["settings"] == {
        "choosing": "sampling: temperature 0.9, top-k 5, seed 7", "primer": "g8 e8 e4 f8",
        "primer_notes": 4, "length": 64, "bars": None, "key": "C major", "meter": "2/4",
        "tempo": 100.0, "end": "free", "temperature": 0.9, "top_k": 5, "top_p": None,
        "count": 4, "seed": 7, "include_primer": True, "form": None, "part_bars": None,
        "motifs": False, "forms": {}, "pickups": {}}
    assert (summary["model"]["kind"], summary["model"]["name"], summary["model"]["song"]) == \
        ("song", "stateful2", "나비야")
    for stem, entry in zip(stems, summary["melodies"]):
        notes = [Note(pitch, Fraction(length)) for pitch, length in entry["notes"]]
        assert entry["tokens"] == tokens(notes)
        assert entry["tokens"].startswith("g8 e8 e4 f8 ")
        assert len(entry["generated_tokens"].split()) == 64
        assert sum(note.duration for note in notes) % 2 == 0  # 2/4: ends on a bar line
        assert midi_notes((folder / f"{stem}.mid").read_bytes()) == notes
        assert without_padding(score_notes((folder / f"{stem}.musicxml").read_bytes())) == \
            without_padding(notes)  # a closing rest and the score's padding rest read as one
        # read_svg gives the notes as heard: a closing rest is not among them
        assert [engraved.note for engraved in read_svg((folder / f"{stem}.svg").read_bytes())] == \
            without_padding(notes)
        samples, rate = wav_to_samples((folder / f"{stem}.wav").read_bytes())
        seconds = float(sum(note.duration for note in notes)) * 60 / 100 + TAIL  # 100 bpm
        assert len(samples) / rate == pytest.approx(seconds, abs=1 / rate)
        assert (entry["svg"], entry["wav"], entry["abc"]) == \
            (f"{stem}.svg", f"{stem}.wav", f"{stem}.abc")
    assert len({entry["tokens"] for entry in summary["melodies"]}) == 4


def test_the_table(issue_run, nabiya_model_file):
    code, out, err, folder = issue_run
    lines = out.splitlines()
    assert lines[0] == f"나비야, stateful2 ({nabiya_model_file}): 4 melodies of 64 notes of 2/4 " \
                       "in C major, sampling: temperature 0.9, top-k 5, seed 7"
    assert lines[1] == "primer g8 e8 e4 f8 (in the output), then 64 notes per melody"
    assert lines[3].split() == ["melody", "notes", "bars", "ends", "on", "tonic", "in", "key",
                                "range", "longest", "copy", "bits/note"]
    assert lines[4].split() == ["song", "54", "16", "full", "no", "100%", "C4-G4", "(7)", "-", "-"]
    summary = summary_of(folder)
    for line, entry in zip(lines[5:9], summary["melodies"]):
        stats = entry["stats"]
        copy = stats["longest_copy"]
        assert line.split() == [
            entry["midi"][:-4], str(stats["notes"]), str(stats["bars"]),
            *(["full"] if stats["full_bars"] else []), "yes" if stats["ends_on_tonic"] else "no", f"{stats['in_key']:.0%}",
            f"{stats['lowest']}-{stats['highest']}", f"({stats['range_semitones']})",
            str(copy["notes"]), f"({copy['melody']}",
            f"{copy['melody_start']}-{copy['melody_start'] + copy['notes'] - 1})",
            f"{stats['bits_per_note']:.2f}"]
        assert copy["melody"] == "나비야"
    assert lines[9:] == ["", f"files in {folder}/: generated-1 ... generated-4 (.mid, .musicxml, "
                             ".svg, .wav, .abc), gallery.html, summary.json"]


def test_same_seed_same_bytes(nabiya_model_file, tmp_path):
    settings = ["--primer", "e8 e8", "--length", "16", "--temperature", "1.2", "--top-p", "0.9",
                "--count", "2", "--seed", "3"]
    first, again = tmp_path / "first", tmp_path / "again"
    runs = [run_cli("generate", nabiya_model_file, *settings, "--out", folder) for folder in (first, again)]
    assert runs[1] == (0, runs[0][1].replace(str(first), str(again)), "")
    files = sorted(path.name for path in first.iterdir())
    assert len(files) == 13  # 2 x (.mid, .musicxml, .svg, .wav, .abc), gallery, summary, MANIFEST
    for name in files:
        assert (again / name).read_bytes() == (first / name).read_bytes()


def test_greedy_by_default_replays_the_song(nabiya_model_file, nabiya, tmp_path):
    code, out, err = run_cli("generate", nabiya_model_file, "--out", tmp_path)
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == f"나비야, stateful2 ({nabiya_model_file}): 1 melody of 50 " \
                                  "notes of 2/4 in C major, greedy"
    assert midi_notes((tmp_path / "generated-1.mid").read_bytes()) == list(nabiya.notes)
    summary = summary_of(tmp_path)
    assert summary["settings"]["seed"] is None
    assert summary["melodies"][0]["stats"]["longest_copy"] == \
        {"notes": 50, "start": 1, "melody": "나비야", "melody_start": 5}


def test_no_primer_in_output(nabiya_model_file, nabiya, tmp_path):
    code, out, err = run_cli("generate", nabiya_model_file, "--no-primer-in-output", "--out", tmp_path)
    assert (code, err) == (0, "")
    assert out.splitlines()[1] == "primer g8 e8 e4 f8 (left out of the output), then 50 notes per melody"
    [entry] = summary_of(tmp_path)["melodies"]
    assert entry["tokens"] == tokens(nabiya.notes[4:])
    # g8 e8 e4 f8 end an eighth into measure 2: the score starts with a 3/2 pickup
    score = read_score(tmp_path / "generated-1.musicxml")
    assert (score.notes, score.pickup) == (nabiya.notes[4:], Fraction(3, 2))


def test_a_greedy_count_warns_that_the_melodies_are_the_same(nabiya_model_file, tmp_path):
    code, out, err = run_cli("generate", nabiya_model_file, "--length", "2", "--count", "2",
                             "--no-scores", "--no-audio", "--out", tmp_path)
    assert code == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        MANIFEST, "gallery.html", "generated-1.abc", "generated-1.mid", "generated-1.musicxml",
        "generated-2.abc", "generated-2.mid", "generated-2.musicxml", "summary.json"]
    assert out.splitlines()[-1] == f"files in {tmp_path}/: generated-1 ... generated-2 (.mid, " \
                                   ".musicxml, .abc), gallery.html, summary.json"
    assert err == "note: greedy generation gives 2 identical melodies; sample with --temperature, " \
                  "--top-k or --top-p for different ones\n"


@pytest.mark.parametrize("args, message", [
    (["--primer", "g8 x8"], "--primer:1:4: unknown note 'x8'"),
    (["--primer", "g8 a16"], f"--primer: note 2 'a16' is not in the model's vocabulary: {VOCABULARY}"),
    (["--temperature", "0"], "temperature must be a number above 0, got 0.0"),
    (["--temperature", "-1"], "temperature must be a number above 0, got -1.0"),
    (["--top-k", "0"], "top-k must be a whole number, at least 1, got 0"),
    (["--top-p", "0"], "top-p must be in (0, 1], got 0.0"),
    (["--top-p", "1.5"], "top-p must be in (0, 1], got 1.5"),
    (["--length", "0"], "length must be at least 1 note, got 0"),
    (["--count", "0"], "count must be at least 1, got 0"),
])
def test_bad_settings_are_one_line_and_exit_2(nabiya_model_file, tmp_path, args, message):
    code, out, err = run_cli("generate", nabiya_model_file, *args, "--out", tmp_path / "out")
    assert (code, out, err) == (2, "", message + "\n")
    assert not (tmp_path / "out").exists()


def test_bad_model_files_are_one_line_and_exit_2(tmp_path):
    missing = tmp_path / "missing.melodygen"
    noise = tmp_path / "noise.melodygen"
    noise.write_bytes(b"not a model" * 10)
    for path, message in [
        (missing, f"no such model file (make one with: melodygen train SONG --save {missing})"),
        (noise, "not a melodygen model file, or a corrupted one (not a zip archive)"),
    ]:
        assert run_cli("generate", path) == (2, "", f"{path}: {message}\n")


def test_an_output_folder_that_is_a_file(nabiya_model_file, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, out, err = run_cli("generate", nabiya_model_file, "--out", blocker)
    assert (code, out, err) == (2, "", f"{blocker}: is a file, not a folder; give a folder to write in\n")
    code, out, err = run_cli("generate", nabiya_model_file, "--out", blocker / "sub")
    assert (code, out, err) == (2, "", f"{blocker / 'sub'}: cannot make this folder: {blocker} is a file\n")


@pytest.mark.parametrize("args, message", [
    (["nabiya", "--window", "0"], "window must be at least 1, got 0"),
    (["nosuchsong"], "unknown song 'nosuchsong'; bundled songs: "),
])
def test_bad_training_input_is_one_line_and_exit_2(args, message):
    code, out, err = run_cli("train", *args, "--quiet")
    assert (code, out) == (2, "")
    assert err.startswith(message) and err.count("\n") == 1


def test_train_refuses_a_folder_to_save_in(tmp_path):
    code, out, err = run_cli("train", "nabiya", "--save", tmp_path)
    assert (code, out) == (2, "")
    assert err == f"{tmp_path}: is a folder; give a file name, e.g. {tmp_path / 'stateful2.melodygen'}\n"


def test_errors_before_the_model_loads_need_no_tensorflow(nabiya_model_file, tmp_path):
    code = (
        "import sys, contextlib, io\n"
        "from melodygen.cli import main\n"
        f"model = {str(nabiya_model_file)!r}\n"
        "with contextlib.redirect_stderr(io.StringIO()):\n"
        "    codes = [main(['generate', model, '--primer', 'h8']),\n"
        "             main(['generate', model, '--top-p', '2']),\n"
        "             main(['generate', 'missing.melodygen'])]\n"
        "print(codes, 'tensorflow' in sys.modules)\n")
    done = run_python(code, tmp_path)
    assert done.stdout == "[2, 2, 2] False\n", done.stderr


def test_help(tmp_path):
    done = run_python("import sys\nfrom melodygen.cli import main\n"
                      "try:\n    main(['generate', '--help'])\nexcept SystemExit:\n    pass\n"
                      "print('tensorflow' in sys.modules)", tmp_path)
    assert done.stdout.endswith("False\n")
    assert "padded in front with copies of its first note" in done.stdout
    assert "usage: melodygen generate" in done.stdout
    code, out, err = run_cli("--help")
    out = " ".join(out.split())
    assert "melodygen train SOURCE --save FILE" in out and "A song named train, generate, corpus, " \
        "evaluate or compare is read as ./train, ./generate, ./corpus, ./evaluate or ./compare." \
        in out


def test_the_song_command_still_works_and_train_is_a_command():
    code, out, err = run_cli("--list")
    assert code == 0 and "\nnabiya " in "\n" + out
    code, out, err = run_cli("train")
    assert code == 2 and err.startswith("usage: melodygen train")


def test_primer_parsing_matches_the_notation(nabiya_model_file, tmp_path):
    code, out, err = run_cli("generate", nabiya_model_file, "--primer", "g8 e8 | e4", "--length", "1",
                             "--out", tmp_path)
    assert code == 0, err
    assert summary_of(tmp_path)["settings"]["primer"] == tokens(parse_notes("g8 e8 e4"))


def test_a_rerun_with_fewer_melodies_leaves_only_its_own(nabiya_model_file, tmp_path):
    # --count 1 after --count 4 into the same folder: generated-2 ... 4 go, the user's file stays
    folder = tmp_path / "gen"
    assert run_cli("generate", nabiya_model_file, "--count", "4", "--temperature", "1", "--seed",
                   "1", "--length", "8", "--out", folder)[0] == 0
    (folder / "generated-5.mid").write_bytes(b"the user's own, not melodygen's")
    code, out, err = run_cli("generate", nabiya_model_file, "--length", "8", "--out", folder)
    assert (code, err) == (0, "")
    assert sorted(path.name for path in folder.iterdir()) == sorted(
        [f"generated-1.{suffix}" for suffix in ("mid", "musicxml", "svg", "wav", "abc")]
        + ["generated-5.mid", "gallery.html", "summary.json", MANIFEST])
    assert out.splitlines()[-1] == "removed 15 files of the run before that this one did not write again"
    assert len(summary_of(folder)["melodies"]) == 1


def test_the_primer_is_echoed_in_the_songs_key(tmp_path):
    # Freut euch des Lebens is in F major: its B flat is bb8 in the echo, the table and the files
    model = tmp_path / "freut.melodygen"
    assert run_cli("train", "freut_euch", "--epochs", "1", "--quiet", "--save", model)[0] == 0
    code, out, err = run_cli("generate", model, "--primer", "a4. bb8 a8 bb8", "--length", "4",
                             "--out", tmp_path / "gen")
    assert (code, err) == (0, "")
    assert out.splitlines()[1] == "primer a4. bb8 a8 bb8 (in the output), then 4 notes per melody"
    assert "in F major" in out.splitlines()[0]
    summary = summary_of(tmp_path / "gen")
    assert summary["settings"]["primer"] == "a4. bb8 a8 bb8"
    assert "bb8" in summary["model"]["vocabulary"] and not [t for t in summary["model"]["vocabulary"] if "#" in t]
    code, out, err = run_cli("generate", model, "--primer", "c#8", "--out", tmp_path / "x")
    assert code == 2 and "bb8" in err.split("vocabulary:")[1] and "#" not in err.split("vocabulary:")[1]

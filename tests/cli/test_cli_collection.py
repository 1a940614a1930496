"""`melodygen train SOURCE` for a collection and `melodygen generate` of its model: the files,
the table, one line for what a collection's model does not take; Ctrl-C and --resume."""

import json
import signal
import subprocess
import time

import pytest

from external import child_env, melodygen_command

FILES = ["X:1\nT:one\nM:3/4\nL:1/8\nK:G\nG2 B2 d2 | g4 f2 | e2 d2 B2 | G6 |\n",
         "X:2\nT:two\nM:3/4\nL:1/8\nK:G\nd2 B2 G2 | A4 B2 | c2 B2 A2 | G6 |\n",
         "X:3\nT:three\nM:3/4\nL:1/8\nK:G\nB2 c2 d2 | e4 d2 | c2 A2 F2 | G6 |\n",
         "X:4\nT:four\nM:3/4\nL:1/8\nK:G\nG2 A2 B2 | c4 B2 | A2 G2 F2 | G6 |\n"]


def melodygen(*args, cwd, timeout=600):
    return subprocess.run(melodygen_command(*args), cwd=cwd,
                          env=child_env(MELODYGEN_CACHE=str(cwd / "cache")),
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("book")
    (folder / "book.abc").write_text("\n".join(FILES * 3).replace("X:", "X:").strip() + "\n")
    done = melodygen("train", "book.abc", "--save", "book.melodygen", "--epochs", "2",
                     "--units", "16", "--validation", "0.25", cwd=folder)
    assert done.returncode == 0, done.stderr
    return folder, done


def test_train_on_a_collection(model):
    folder, done = model
    lines = done.stdout.splitlines()
    assert lines[0].startswith("book.abc: trained on ") and " epochs in " in lines[0]
    assert lines[1].startswith("saved book.melodygen (") and "melodygen generate book.melodygen" \
        in lines[1]
    assert "training on book.abc" in done.stderr and "loading TensorFlow" in done.stderr


def test_generate_tunes_in_a_key_and_meter(model):
    folder, _ = model
    done = melodygen("generate", "book.melodygen", "--key", "D", "--meter", "3/4", "--bars", "4",
                     "--count", "2", "--seed", "3", "--out", "gen", "--no-audio", cwd=folder)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("book.abc, lstm (book.melodygen): 2 melodies of 4 bars of 3/4 in D "
                               "major, form A (parts of 4 bars), a quarter of 120, sampling: "
                               "temperature 1, seed 3")
    assert lines[2].split()[:3] == ["melody", "notes", "bars"]
    assert [line.split()[2:5] for line in lines[3:5]] == [["4", "full", "yes"]] * 2
    summary = json.loads((folder / "gen" / "summary.json").read_text())
    assert [t["stats"]["bars"] for t in summary["melodies"]] == [4, 4]
    assert (summary["model"]["kind"], summary["model"]["source"]) == ("collection", "book.abc")
    assert {path.name for path in (folder / "gen").iterdir()} >= {
        "tune-1.mid", "tune-1.musicxml", "tune-1.abc", "tune-1.svg", "gallery.html", "summary.json"}
    again = melodygen("generate", "book.melodygen", "--key", "D", "--meter", "3/4", "--bars", "4",
                      "--count", "2", "--seed", "3", "--out", "gen2", "--no-audio", cwd=folder)
    for name in ("tune-1.mid", "tune-2.musicxml", "tune-1.abc"):  # the same seed, the same bytes
        assert (folder / "gen" / name).read_bytes() == (folder / "gen2" / name).read_bytes()
    assert again.returncode == 0


@pytest.mark.parametrize("args, message", [
    (["--no-primer-in-output"], "a tune of a collection's model starts with its primer (leave "
                                "--no-primer-in-output out)"),
    (["--length", "8", "--bars", "2"], "give --length (notes) or --bars, not both"),
    (["--key", "H"], "unknown key 'H' (write a tonic and a mode: G, D minor, F#m, Bb, Dmix)"),
    (["--meter", "3/5"], "unknown meter '3/5' (write beats/unit: 3/4, 6/8, 2/2)"),
    (["--bars", "0"], "bars must be at least 1, got 0"),
])
def test_bad_settings_are_one_line(model, args, message):
    folder, _ = model
    done = melodygen("generate", "book.melodygen", *args, cwd=folder)
    assert (done.returncode, done.stderr) == (2, message + "\n")


def test_a_model_of_one_song_refuses_key_and_meter(model, nabiya_model_file):
    folder, _ = model
    done = melodygen("generate", str(nabiya_model_file), "--key", "G", cwd=folder)
    assert (done.returncode, done.stderr) == (2, "--key needs a model of a collection (melodygen "
                                                 "train SOURCE); a model of one song keeps its "
                                                 "song's key\n")


def test_ctrl_c_then_resume_goes_on_from_the_last_finished_epoch(model):
    folder, _ = model
    args = ["train", "book.abc", "--save", "again.melodygen", "--epochs", "40", "--units", "16",
            "--validation", "0.25"]
    child = subprocess.Popen(melodygen_command(*args), cwd=folder,
                             env=child_env(MELODYGEN_CACHE=str(folder / "cache")),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    partial = folder / "again.melodygen.partial"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not partial.exists():
        time.sleep(0.2)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=120)
    assert child.returncode == 130 and "Traceback" not in err, err
    assert partial.exists() and not (folder / "again.melodygen").exists()
    done = melodygen(*args, "--resume", cwd=folder)
    assert done.returncode == 0, done.stderr
    assert not partial.exists() and (folder / "again.melodygen").exists()


def test_generate_tunes_with_form_and_compare_them(model, tmp_path):
    """--form AABA: the tunes are written in parts (tunes.abc with its letters and repeat signs),
    played out in the MIDI; ABC's programs read them without a word; `melodygen compare` says
    how alike they are to the collection."""
    from external import need_program

    from melodygen.core.form import tune_form
    from melodygen.formats.abc import read_tunebook
    from melodygen.formats.midi import read_midi

    folder, _ = model
    done = melodygen("generate", "book.melodygen", "--form", "aaba", "--part-bars", "2",
                     "--count", "3", "--seed", "2", "--out", "formed", "--no-audio",
                     "--no-scores", cwd=folder)
    assert done.returncode == 0, done.stderr
    assert "form AABA (parts of 2 bars)" in done.stdout.splitlines()[0]
    out = folder / "formed"
    book = read_tunebook(out / "tunes.abc")
    assert [reading.tune.number for reading in book.readings] == [1, 2, 3]
    assert len({reading.melody.title for reading in book.readings}) == 3
    summary = json.loads((out / "summary.json").read_text())
    for reading, melody in zip(book.readings, summary["melodies"]):
        form = tune_form(reading.melody, reading.marks)
        assert form.letters == melody["form"]["letters"] == "AABA"
        played = read_midi(out / melody["midi"])
        assert played.notes == form.played(reading.melody).notes  # the repeats played out
    text = (out / "tunes.abc").read_text()
    assert text.count("P:A\n|: ") == 3 and text.count("P:B\n") == 3 and "R:" not in text
    assert "style" not in summary  # the model learnt 3 tunes: too few to halve
    for program, args in (("abc2midi", ["tunes.abc"]), ("abcm2ps", ["tunes.abc", "-O", "t.ps"])):
        need_program(program)
        ran = subprocess.run([program, *args], cwd=out, capture_output=True, text=True)
        assert not [line for line in (ran.stdout + ran.stderr).splitlines()
                    if "error" in line.lower() or "warning" in line.lower()], program
    compared = melodygen("compare", "formed", "book.abc", "--json", "style.json", cwd=folder)
    assert compared.returncode == 0, compared.stderr
    lines = compared.stdout.splitlines()
    assert lines[0] == ("formed (3 tunes) against book.abc (2 tunes, half of it), beside its "
                        "other half (2 tunes, in sets of 2)")  # 4 tunes, once duplicates go
    assert lines[1].split() == ["feature", "generated", "real", "generated", "/", "real"]
    assert [line.split()[0] for line in lines[2:]] == ["pitch", "intervals", "note", "range",
                                                       "notes", "bar", "cadences", "form"]
    assert set(json.loads((folder / "style.json").read_text())["features"]) == {
        "pitch classes", "intervals", "note lengths", "range", "notes per bar", "bar repeats",
        "cadences", "form"}


@pytest.mark.parametrize("args, message", [
    (["--form", "BAB"], "a form brings in its parts in order, A first, then B, then C: 'BAB' "
                        "brings in B after nothing"),
    (["--form", "AB", "--bars", "5"], "--bars 5 is not the 2 written parts of AB of 4 bars "
                                      "each; leave --bars out or give 8"),
    (["--form", "collection", "--part-bars", "2"], "--form collection draws each tune's form "
                                                   "and length from the collection's: leave "
                                                   "--part-bars and --bars out")])
def test_bad_forms_are_one_line(model, args, message):
    folder, _ = model
    done = melodygen("generate", "book.melodygen", *args, cwd=folder)
    assert (done.returncode, done.stderr) == (2, message + "\n")


def test_a_meter_the_model_never_learnt_warns(model):
    folder, _ = model
    done = melodygen("generate", "book.melodygen", "--meter", "6/8", "--count", "1", "--seed",
                     "1", "--out", "six", "--no-audio", "--no-scores", cwd=folder)
    assert done.returncode == 0
    assert "the model learnt no tune in 6/8 (it learnt 3/4): expect bars of another meter's " \
           "rhythm" in done.stderr


def test_compare_refuses_what_it_cannot_compare(model):
    folder, _ = model
    done = melodygen("compare", "nothing", "book.abc", cwd=folder)
    assert done.returncode == 2 and done.stderr.strip().endswith(
        "nothing: no such file, folder or collection (named collections: essen, essen/kinder, "
        "essen/NAME, ryansMammoth, oneills1850, airdsAirs, miscFolk, chorales)")

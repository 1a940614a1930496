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

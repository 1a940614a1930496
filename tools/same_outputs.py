"""Check that two versions of melodygen write the same files: same notes, same bytes.

    python tools/same_outputs.py REF            # REF (a commit, tag or branch) against this checkout
    python tools/same_outputs.py REF --quick    # fewer commands

REF is checked out into a temporary git worktree; every command below runs once with REF's
package on the import path and once with this checkout's, each in a fresh output folder, and
every file written is compared byte for byte. The only differences ignored are the measured
times: in ``summary.json`` the keys that hold seconds, and in ``report.html`` the numbers of the
"training s" cells and sentences; both files are compared with those blanked out. A saved model
is a zip whose Keras part carries a time stamp: the models are compared by what they generate.
A ``summary.json`` that differs says whether its notes (every melody's, as MIDI numbers and
lengths) are the same: "same notes, other fields" is a change of its schema only.

Exit status 0 when every file matches, 1 otherwise (each difference is listed).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# (name, arguments), run in the command's own folder; each writes into out/ there.
COMMANDS = [
    ("nabiya", ["nabiya", "--out", "out"]),
    ("nabiya-all", ["nabiya", "--model", "all", "--seed", "7", "--out", "out"]),
    ("freut_euch", ["freut_euch", "--model", "stateful2", "--out", "out"]),
    ("o_tannenbaum-lecture", ["o_tannenbaum", "--model", "mlp", "--recipe", "lecture",
                              "--epochs", "30", "--out", "out"]),
    ("train", ["train", "nabiya", "--save", "out/nabiya.melodygen", "--quiet"]),
    ("generate-greedy", ["generate", "out/nabiya.melodygen", "--out", "out/greedy"]),
    ("generate-sampled", ["generate", "out/nabiya.melodygen", "--primer", "g8 e8 e4 f8",
                          "--length", "40", "--temperature", "0.9", "--top-k", "5", "--count",
                          "3", "--seed", "7", "--out", "out/sampled"]),
    ("generate-no-primer", ["generate", "out/nabiya.melodygen", "--primer", "g8 e8",
                            "--top-p", "0.9", "--seed", "3", "--no-primer-in-output",
                            "--no-audio", "--out", "out/bare"]),
    ("midi-in", ["{repo}/tests/bad_inputs/chords.mid", "--model", "mlp", "--no-audio",
                 "--out", "out"]),
    ("abc-in", ["{repo}/tests/bad_inputs/tunes.abc", "--model", "mlp", "--no-audio",
                "--out", "out"]),
    # a collection: what it holds, a small model of it, tunes in a key and a meter, PPM's bits
    ("corpus-kinder", ["corpus", "essen/kinder", "--json", "out/kinder.json"]),
    ("train-collection", ["train", "essen/kinder", "--units", "16", "--epochs", "2", "--save",
                          "out/kinder.melodygen", "--quiet"]),
    ("generate-tunes", ["generate", "out/kinder.melodygen", "--key", "G", "--meter", "2/4",
                        "--bars", "8", "--count", "3", "--seed", "1", "--out", "out/tunes"]),
    ("evaluate-ppm", ["evaluate", "essen/kinder", "--folds", "3", "--models", "ppm-c2i",
                      "ppm-both+", "--out", "out/evaluation"]),
]
QUICK = {"nabiya", "train", "generate-sampled", "train-collection", "generate-tunes"}
TIME_KEYS = {"training_seconds", "training_timeline", "seconds"}


def blank_times(value):
    """summary.json or evaluation.json without the measured times."""
    if isinstance(value, dict):
        return {key: ("<time>" if key in TIME_KEYS else blank_times(item))
                for key, item in value.items()}
    if isinstance(value, list):
        return [blank_times(item) for item in value]
    return value


def notes_of(summary: dict) -> list:
    """Every melody's notes in a summary.json of any version, as [pitch, length] pairs."""
    found = []
    if isinstance(summary, dict):
        if isinstance(summary.get("notes"), list) and summary["notes"] and \
                isinstance(summary["notes"][0], list):
            found.append(summary["notes"])
        for value in summary.values():
            found += notes_of(value)
    elif isinstance(summary, list):
        for value in summary:
            found += notes_of(value)
    return found


def comparable(path: Path, root: Path) -> bytes:
    """The file's bytes, times blanked, and the path of the version's checkout as <root> (a
    bundled song's source is its path)."""
    data = path.read_bytes().replace(str(root).encode(), b"<root>")
    if path.name in ("summary.json", "evaluation.json"):
        return json.dumps(blank_times(json.loads(data)), sort_keys=True).encode()
    if path.name == "report.html":
        text = data.decode()
        text = re.sub(r"<td>\d+\.\d\d</td>", "<td>TIME</td>", text)
        text = re.sub(r"in \d+\.\d\d s", "in TIME s", text)
        return text.encode()
    return data


def run_all(package_root: Path, tmp: Path, names: set[str]) -> dict[str, Path]:
    """Run every command with ``package_root`` first on the import path; {command: its folder}."""
    env = dict(os.environ, PYTHONPATH=str(package_root))
    folders = {}
    shared = tmp / "shared"  # train and generate share one folder: generate reads the model
    for name, arguments in COMMANDS:
        if name not in names:
            continue
        folder = shared if name.startswith(("train", "generate")) else tmp / name
        (folder / "out").mkdir(parents=True, exist_ok=True)  # older versions made no folder for --json
        args = [a.replace("{repo}", str(package_root)) for a in arguments]
        done = subprocess.run([sys.executable, "-m", "melodygen", *args], cwd=folder, env=env,
                              capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            raise SystemExit(f"{package_root}: melodygen {' '.join(args)} failed "
                             f"({done.returncode}):\n{done.stderr}")
        folders[name] = folder / "out"
    return folders


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ref", help="the version to compare with, e.g. a commit of main")
    parser.add_argument("--quick", action="store_true", help=f"only {', '.join(sorted(QUICK))}")
    args = parser.parse_args()
    names = QUICK if args.quick else {name for name, _ in COMMANDS}
    with tempfile.TemporaryDirectory(prefix="melodygen-same-") as folder:
        tmp = Path(folder)
        worktree = tmp / "ref"
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(worktree),
                        args.ref], check=True, capture_output=True)
        try:
            before = run_all(worktree, tmp / "before", names)
            after = run_all(REPO, tmp / "after", names)
            differences, compared = [], 0
            for root_before, root_after in {(before[n], after[n]) for n in before}:
                files_before = {p.relative_to(root_before) for p in root_before.rglob("*") if p.is_file()}
                files_after = {p.relative_to(root_after) for p in root_after.rglob("*") if p.is_file()}
                for missing in sorted(files_before ^ files_after):
                    differences.append(f"{missing}: written by only one version")
                for name in sorted(files_before & files_after):
                    if name.suffix == ".melodygen":
                        continue  # compared by what it generates
                    compared += 1
                    old = comparable(root_before / name, worktree)
                    new = comparable(root_after / name, REPO)
                    if old != new:
                        same = name.name == "summary.json" and \
                            notes_of(json.loads(old)) == notes_of(json.loads(new))
                        differences.append(f"{root_after.parent.name}/{name}: differs"
                                           + (" (same notes, other fields)" if same else ""))
        finally:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(worktree)],
                           capture_output=True)
    for line in differences:
        print(line)
    print(f"{compared} files compared against {args.ref}: "
          + ("all the same" if not differences else f"{len(differences)} differ"))
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())

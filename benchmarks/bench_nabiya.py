"""Benchmark: melodygen's default run against the lecture's recipe and `import keras`, in one run.

Every measurement is a fresh process, timed wall to wall, its peak RSS read with wait4; each is
repeated (--repeat, default 3, in rounds of one run of each) and the median time and the largest
peak RSS reported. The lecture's recipe (benchmarks/
lecture_recipe.py: Keras fit loops as the lecture writes them) runs --epochs epochs; below 2000
its time is extrapolated to 2000 epochs from its measured first epoch and steady per-epoch cost,
and the table says so.

    python benchmarks/bench_nabiya.py                 # lecture recipe at 200 epochs, extrapolated
    python benchmarks/bench_nabiya.py --epochs 2000   # the lecture's full 2000 epochs (~11 min a run)
    python benchmarks/bench_nabiya.py --quick         # CI: 100 epochs (two compiled calls), to keep it working
    python benchmarks/bench_nabiya.py --baseline ../before   # also that checkout's default run

After the table, where the time of a default run goes: one more fresh process runs the default
run's stages one after another, each timed (STAGES below): importing TensorFlow and Keras, per
model building, tracing and compiling with the first epoch, the later training steps and the
predictions, then each kind of output file. The command itself overlaps part of the writing
with the training (cli/song.py: train_while_writing), so its wall time is less than the sum.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LECTURE_EPOCHS = 2000

# The default run's stages one after another, each timed; prints {stage: seconds} as JSON.
STAGES = r"""
import json, sys, tempfile, time
from collections import defaultdict

seconds = defaultdict(float)
start = time.perf_counter()
from melodygen.learning.backend import configure_tensorflow, load_keras
load_keras()
configure_tensorflow(optimize_graphs=False)  # as the command runs it
seconds["import TensorFlow and Keras"] = time.perf_counter() - start

from melodygen.formats.songs import load_melody
from melodygen.learning.song import experiment, training
from melodygen.learning.song.config import DEFAULT_MODELS, TrainConfig
from melodygen.presentation import run_files


def timed(module, name, stage):
    real = getattr(module, name)

    def wrapper(*args, **kwargs):
        begin = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            seconds[stage] += time.perf_counter() - begin
    setattr(module, name, wrapper)


timed(training, "build", "building")
for name, stage in (("midi_bytes", "MIDI"), ("musicxml_bytes", "MusicXML"), ("score_svg", "scores (SVG)"),
                    ("wav_bytes", "audio (WAV)"), ("loss_plot_png", "loss plot (PNG)"),
                    ("write_report", "report.html"), ("write_summary", "summary.json")):
    timed(run_files, name, "write " + stage)
first_epoch = {}


def on_stage(stage, name):
    now = time.perf_counter()
    if stage == "train":
        seconds["_begin " + name] = now
    else:  # predictions begin: the training is over
        seconds["_trained " + name] = now


def progress(report):  # an EpochReport
    if report.epoch == 1:
        first_epoch[report.model] = time.perf_counter()


run = experiment.run_song(load_melody("nabiya"), list(DEFAULT_MODELS), TrainConfig(), progress, on_stage)
after_predictions = time.perf_counter()
names = list(DEFAULT_MODELS)
for number, name in enumerate(names):
    begin, trained = seconds.pop("_begin " + name), seconds.pop("_trained " + name)
    predicted = seconds["_begin " + names[number + 1]] if number + 1 < len(names) else after_predictions
    seconds[f"{name}: building, tracing, compiling, epoch 1"] = first_epoch[name] - begin
    seconds[f"{name}: epochs 2-{run.models[number].training.epochs}"] = trained - first_epoch[name]
    seconds[f"{name}: predictions (tracing and running)"] = predicted - trained
with tempfile.TemporaryDirectory() as folder:
    begin = time.perf_counter()
    run_files.write_outputs(run, folder)
    seconds["write: all the files"] = time.perf_counter() - begin
print(json.dumps(seconds))
"""


def measure(command: list[str], root: Path = ROOT) -> tuple[float, float, str]:
    """Run ``command`` in a fresh process with melodygen from ``root`` (this checkout, or the
    baseline's); return (wall seconds, its peak RSS in MiB, stdout)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=root, stdout=out, stderr=err,
                                   env={**os.environ, "PYTHONPATH": str(root)})
        _, status, usage = os.wait4(process.pid, 0)  # reaps this child: its own rusage
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0), err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if process.returncode != 0:
        sys.exit(f"benchmark step failed ({' '.join(command)}):\n{stderr[-2000:]}")
    return wall, usage.ru_maxrss / 1024, stdout


def summary(runs: list[tuple[float, float, str]]) -> dict:
    """Median wall time and largest peak RSS of the runs of one command, and the last stdout."""
    return {"seconds": statistics.median(r[0] for r in runs), "all_seconds": [r[0] for r in runs],
            "rss_mib": max(r[1] for r in runs), "all_rss_mib": [r[1] for r in runs], "stdout": runs[-1][2]}


def lecture_summary(runs: list[tuple[float, float, str]]) -> dict:
    """The runs of benchmarks/lecture_recipe.py (mlp and stateful2 in one process, as the
    lecture's notebook runs them), with their time at 2000 epochs."""
    at_2000 = []
    for wall, _, stdout in runs:
        models = json.loads(stdout.strip().splitlines()[-1])
        training = sum(m["training_seconds"] for m in models.values())
        # Everything else (start-up, imports, predictions) + each model's training at 2000 epochs.
        at_2000.append(wall - training + sum(m["first_epoch_seconds"] + m["seconds_per_epoch"]
                                             * (LECTURE_EPOCHS - 1) for m in models.values()))
    return {**summary(runs), "seconds_2000": statistics.median(at_2000), "models": models}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=200, help="epochs of the lecture's recipe runs")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement (median)")
    parser.add_argument("--quick", action="store_true",
                        help="CI mode: --epochs 100, the fewest that extrapolate from two compiled calls")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--baseline", type=Path, metavar="CHECKOUT",
                        help="also the default run of the melodygen in this folder (another "
                             "version's checkout, e.g. a git worktree): time and peak memory")
    args = parser.parse_args()
    epochs = 100 if args.quick else args.epochs
    repeat = max(args.repeat, 3)
    python = sys.executable
    with tempfile.TemporaryDirectory() as scratch:
        cli = [python, "-m", "melodygen"]
        commands = {
            "import_keras": [python, "-c", "import keras"],
            "help": cli + ["--help"],
            "list": cli + ["--list"],
            "melodygen": cli + ["nabiya", "--quiet", "--out", f"{scratch}/default"],
            "melodygen_all": cli + ["nabiya", "--quiet", "--model", "all", "--out", f"{scratch}/all"],
            "melodygen_transformer": cli + ["nabiya", "--quiet", "--model", "transformer", "--out",
                                            f"{scratch}/transformer"],
            "melodygen_lecture": cli + ["nabiya", "--quiet", "--recipe", "lecture", "--epochs", str(epochs),
                                        "--no-audio", "--no-report", "--out", f"{scratch}/lecture"],
            "lecture": [python, "benchmarks/lecture_recipe.py", "--epochs", str(epochs)],
        }
        # Round after round, every command once a round: what the machine does meanwhile (its
        # load, how much memory the kernel can back with huge pages: tens of MiB either way)
        # reaches all of them alike.
        roots = {name: ROOT for name in commands}
        if args.baseline:  # the same default run with another version of melodygen
            commands["baseline"] = cli + ["nabiya", "--quiet", "--out", f"{scratch}/baseline"]
            roots["baseline"] = args.baseline.resolve()
        runs: dict[str, list] = {name: [] for name in commands}
        for _ in range(repeat):
            for name, command in commands.items():
                runs[name].append(measure(command, roots[name]))
        figures = {name: summary(r) for name, r in runs.items() if name != "lecture"}
        figures["lecture"] = lecture_summary(runs["lecture"])
        default = json.loads((Path(scratch) / "default" / "summary.json").read_text())["models"]
        default.update(json.loads((Path(scratch) / "all" / "summary.json").read_text())["models"])
        compiled = json.loads((Path(scratch) / "lecture" / "summary.json").read_text())["models"]
    print(report(figures, default, compiled, epochs, repeat))
    print("\n" + stages_report(measure([python, "-c", STAGES])[2]))
    if args.json:
        for figure in figures.values():
            figure.pop("stdout", None)
        args.json.write_text(json.dumps({"epochs": epochs, "repeat": repeat, **figures}, indent=2))


def stages_report(stdout: str) -> str:
    """The table of where the time of a default run goes, from the STAGES child's JSON."""
    seconds = json.loads(stdout.strip().splitlines()[-1])
    building = seconds.pop("building")
    lines = ["where the time of a default run goes (one process, its stages one after another):",
             f"  {'building the models (inside the first epochs below)':<56} {building:6.2f} s"]
    lines += [f"  {stage:<56} {value:6.2f} s" for stage, value in seconds.items()]
    return "\n".join(lines)


def at_2000(timeline: list[list[float]]) -> float:
    """Training seconds at 2000 epochs from (epochs done, seconds) after each compiled call:
    the first call (building, compiling) as measured, later epochs at their steady cost."""
    (first_epochs, first_seconds), (last_epochs, last_seconds) = timeline[0], timeline[-1]
    if last_epochs >= LECTURE_EPOCHS or last_epochs == first_epochs:
        return last_seconds * LECTURE_EPOCHS / last_epochs
    per_epoch = (last_seconds - first_seconds) / (last_epochs - first_epochs)
    return first_seconds + per_epoch * (LECTURE_EPOCHS - first_epochs)


def report(f: dict, default: dict, compiled: dict, epochs: int, repeat: int) -> str:
    lecture = f["lecture"]
    extrapolated = epochs != LECTURE_EPOCHS
    lecture_models = lecture["models"]
    per_epoch = {name: m["seconds_per_epoch"] for name, m in lecture_models.items()}
    compiled_train = sum(m["training_seconds"] for m in compiled.values())
    fit_train = sum(m["training_seconds"] for m in lecture_models.values())
    fit_2000 = sum(m["first_epoch_seconds"] + m["seconds_per_epoch"] * (LECTURE_EPOCHS - 1)
                   for m in lecture_models.values())
    compiled_2000 = sum(at_2000(m["training_timeline"]) for m in compiled.values())

    def right(models, name, key):
        return f"{models[name][key]}/{models[name].get('samples', 50)}"

    rows = [
        ("python -c 'import keras'", f["import_keras"]["seconds"], f["import_keras"]["rss_mib"], "", "", ""),
        ("melodygen --help", f["help"]["seconds"], f["help"]["rss_mib"], "", "", ""),
        ("melodygen --list", f["list"]["seconds"], f["list"]["rss_mib"], "", "", ""),
        ("melodygen nabiya (default)", f["melodygen"]["seconds"], f["melodygen"]["rss_mib"],
         right(default, "mlp", "one_step_right"), right(default, "stateful2", "one_step_right"),
         right(default, "stateful2", "full_song_right")),
        ("melodygen nabiya --model transformer", f["melodygen_transformer"]["seconds"],
         f["melodygen_transformer"]["rss_mib"], "", right(default, "transformer", "one_step_right"),
         right(default, "transformer", "full_song_right")),
        ("melodygen nabiya --model all", f["melodygen_all"]["seconds"], f["melodygen_all"]["rss_mib"],
         right(default, "transformer4", "one_step_right"), "", ""),
        *([("the same default run, baseline", f["baseline"]["seconds"], f["baseline"]["rss_mib"],
            "", "", "")] if "baseline" in f else []),
        (f"lecture recipe, fit loops, {epochs} epochs", lecture["seconds"], lecture["rss_mib"],
         right(lecture_models, "mlp", "one_step_right"), right(lecture_models, "stateful2", "one_step_right"),
         right(lecture_models, "stateful2", "full_song_right")),
        (f"melodygen --recipe lecture, {epochs} epochs", f["melodygen_lecture"]["seconds"],
         f["melodygen_lecture"]["rss_mib"], right(compiled, "mlp", "one_step_right"),
         right(compiled, "stateful2", "one_step_right"), right(compiled, "stateful2", "full_song_right")),
    ]
    lines = [f"melodygen benchmark: median of {repeat} runs each, peak RSS is the largest of them",
             "the last columns: one-step notes right of a model of the last 4 notes (mlp; in "
             "--model all transformer4), of a model with memory (stateful2; transformer) and "
             "the full song it replays",
             "", f"{'run':<40} {'wall s':>8} {'peak RSS MiB':>13} {'4 notes':>11} "
                 f"{'memory':>12} {'full song':>15}"]
    for name, seconds, rss, a, b, c in rows:
        lines.append(f"{name:<40} {seconds:>8.2f} {rss:>13.0f} {a:>11} {b:>12} {c:>15}")
    lecture_2000 = lecture["seconds_2000"]
    how = (f"extrapolated from {epochs} epochs: first epoch + {per_epoch['mlp'] * 1000:.1f} ms (mlp) and "
           f"{per_epoch['stateful2'] * 1000:.1f} ms (stateful2) per further epoch"
           if extrapolated else "measured")
    melodygen_s = f["melodygen"]["seconds"]
    lines += [
        "",
        f"lecture recipe at 2000 epochs: {lecture_2000:.1f} s ({how})",
        f"speed-up, default run vs lecture recipe at 2000 epochs:  {lecture_2000 / melodygen_s:6.1f}x  (target >= 50x)",
        f"default run / import keras:                              {melodygen_s / f['import_keras']['seconds']:6.2f}x  (target <= 1.5x)",
        f"--model transformer / import keras:                      "
        f"{f['melodygen_transformer']['seconds'] / f['import_keras']['seconds']:6.2f}x  "
        "(target <= 1.3x)",
        f"--model all / import keras:                              "
        f"{f['melodygen_all']['seconds'] / f['import_keras']['seconds']:6.2f}x  (target <= 2x)",
        *([f"default run / the baseline's:                           "
           f"{melodygen_s / f['baseline']['seconds']:6.2f}x in time, "
           f"{f['melodygen']['rss_mib'] / f['baseline']['rss_mib']:.3f}x in peak RSS (target <= 1x; "
           "round by round: " + " ".join(f"{a / b:.3f}" for a, b in zip(f["melodygen"]["all_rss_mib"],
                                                                        f["baseline"]["all_rss_mib"])) + ")"]
          if "baseline" in f else []),
        f"training, fit loops / melodygen --recipe lecture, {epochs} epochs measured:  "
        f"{fit_train / compiled_train:5.1f}x  ({fit_train:.2f} s vs {compiled_train:.2f} s)",
        f"training, fit loops / melodygen --recipe lecture, at 2000 epochs:         "
        f"{fit_2000 / compiled_2000:5.1f}x  (target >= 5x; {fit_2000:.1f} s vs {compiled_2000:.1f} s"
        f"{', extrapolated' if extrapolated else ''})",
        f"peak RSS, default run / lecture recipe at {epochs} epochs:{' ' * max(0, 13 - len(str(epochs)))}"
        f"{f['melodygen']['rss_mib'] / lecture['rss_mib']:6.3f}x  (target <= 1x; round by round: "
        + " ".join(f"{a / b:.3f}" for a, b in zip(f["melodygen"]["all_rss_mib"], lecture["all_rss_mib"])) + ")",
        f"--help {f['help']['seconds']:.2f} s, --list {f['list']['seconds']:.2f} s (target < 1 s)",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()

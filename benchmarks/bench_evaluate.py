"""Benchmark: `melodygen evaluate` on the German children's songs and on all of Essen, timed, with
the figures the evaluation issue asks for beside Pearce's (2005).

Every run is a fresh process (`python -m melodygen evaluate ...`), timed wall to wall, its
evaluation.json read back. Runs, in order:

1. kinder, PPM only (C2I, C*I, LTM+, BOTH+): the published figures reproduced (within 0.05);
2. kinder, the default models (PPM and the LSTM trained on the training folds, lstm and lstm+):
   the whole evaluation's time (target <= 10 min on 2 cores), lstm against PPM C*I;
3. kinder with --pretrain essen (pretrained, pretrained+), its cache folder empty first, so the
   pretraining is timed too;
4. all of Essen, PPM C*I's 10 folds (target <= 30 s), then the four PPM models;
5. with --essen-lstm, all of Essen with the LSTM too, at most --essen-epochs epochs a fold
   (default 10: about an hour on 2 cores; the README's table); --essen-transformer the same
   for the Transformer;
6. with --tasks, kinder and the chorales in each of the three tasks (pitch; pitch given rhythm
   and key; the whole note), the task's default models (``TASK_MODELS``), each evaluation
   timed (the chorales' default models: target <= 5 min) -- the README's tables per task.

    python benchmarks/bench_evaluate.py            # 1-4
    python benchmarks/bench_evaluate.py --quick    # CI: 1, a 3-fold LSTM of 2 epochs, and a
                                                   # 3-fold chorale run of each task
    python benchmarks/bench_evaluate.py --essen-lstm
    python benchmarks/bench_evaluate.py --tasks    # 6 only
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PPM_MODELS = ["ppm-c2i", "ppm-c*i", "ppm-ltm+", "ppm-both+"]
PUBLISHED = {"ppm-c2i": 2.613, "ppm-c*i": 2.428, "ppm-ltm+": 2.237, "ppm-both+": 2.106}


def evaluate(*args: str, cache: Path, scratch: Path) -> tuple[float, dict]:
    """One `melodygen evaluate` in a fresh process: (wall seconds, its evaluation.json)."""
    out = scratch / f"run-{len(list(scratch.iterdir()))}"
    command = [sys.executable, "-m", "melodygen", "evaluate", *args, "--out", str(out), "--quiet"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MELODYGEN_CACHE": str(cache)}
    start = time.perf_counter()
    done = subprocess.run(command, cwd=scratch, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"benchmark step failed ({' '.join(command)}):\n{done.stderr[-3000:]}")
    print(done.stdout, flush=True)
    return wall, json.loads((out / "evaluation.json").read_text())


def table(result: dict) -> list[str]:
    """The models of an evaluation.json, with the published figures of its collection and task,
    and what each model sees."""
    lines = [f"task {result['task']}: {result['task_what']}",
             f"{'model':<20} {'bits/pitch':>10} {'published':>9} {'bits/note':>9} "
             f"{'pitch right':>11}  folds"]
    for name, model in result["models"].items():
        published = result["published"].get(name, {}).get("bits_pitch")
        note = "" if model["bits_note"] is None else f"{model['bits_note']:.3f}"
        folds = " ".join(f"{x:.2f}" for x in model["fold_bits_pitch"])
        lines.append(f"{name:<20} {model['bits_pitch']:>10.3f} "
                     f"{'' if published is None else f'{published:.3f}':>9} {note:>9} "
                     f"{model['accuracy_pitch']:>11.1%}  {folds}")
    for name, model in result["models"].items():
        lines.append(f"  {name} sees: {', '.join(model['inputs'])}")
    return lines


TASKS = ("pitch", "pitch-rhythm-key", "note")


def tasks(cache: Path, scratch: Path, quick: bool) -> tuple[list[str], list[str]]:
    """kinder and the chorales in each task, the task's default models: (report, failures)."""
    report, failed = [], []
    for source in ("chorales",) if quick else ("essen/kinder", "chorales"):
        for task in TASKS:
            more = ["--folds", "3", "--epochs", "2"] if quick else []
            wall, result = evaluate(source, "--task", task, *more, cache=cache, scratch=scratch)
            report += [f"{source}, task {task}, the default models "
                       f"({result['folds']} folds):", *table(result), f"  {wall:.0f} s", ""]
            if source == "chorales" and not quick and wall > 300:
                failed.append(f"the chorales' evaluation in task {task} took {wall:.0f} s")
    return report, failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="CI: PPM on kinder, a tiny LSTM run")
    parser.add_argument("--essen-lstm", action="store_true",
                        help="also all of Essen with the LSTM, 10 folds (about an hour)")
    parser.add_argument("--essen-transformer", action="store_true",
                        help="also all of Essen with the Transformer, 10 folds")
    parser.add_argument("--essen-epochs", type=int, default=10,
                        help="most epochs of each fold's network on all of Essen (default 10)")
    parser.add_argument("--tasks", action="store_true",
                        help="only kinder and the chorales in each task (about half an hour)")
    args = parser.parse_args()
    report, failed = [], []
    with tempfile.TemporaryDirectory(prefix="melodygen-bench-") as folder:
        scratch = Path(folder)
        cache = scratch / "cache"
        if args.tasks or args.quick:
            report, failed = tasks(cache, scratch, args.quick)
        if args.tasks:
            print("\n".join(report))
            for line in failed:
                print(f"TARGET MISSED: {line}")
            return 1 if failed else 0

        wall, ppm = evaluate("essen/kinder", "--models", *PPM_MODELS, cache=cache, scratch=scratch)
        report += ["kinder, PPM (10 folds):", *table(ppm), f"  {wall:.1f} s", ""]
        for name, figure in PUBLISHED.items():
            gap = abs(ppm["models"][name]["bits_pitch"] - figure)
            if name in ("ppm-c2i", "ppm-c*i") and gap > 0.05:
                failed.append(f"{name} is {gap:.3f} from the published {figure}")
        if args.quick:
            wall, quick = evaluate("essen/kinder", "--folds", "3", "--epochs", "2", "--models",
                                   "ppm-c*i", "lstm", "lstm+", cache=cache, scratch=scratch)
            report += ["kinder, quick LSTM (3 folds, 2 epochs):", *table(quick), f"  {wall:.1f} s"]
        else:
            wall, default = evaluate("essen/kinder", cache=cache, scratch=scratch)
            report += ["kinder, the default models (10 folds):", *table(default),
                       f"  the whole evaluation: {wall:.0f} s (target <= 600 s)", ""]
            if wall > 600:
                failed.append(f"the kinder evaluation took {wall:.0f} s")
            lstm, cstar = default["models"]["lstm"]["bits_pitch"], \
                default["models"]["ppm-c*i"]["bits_pitch"]
            report.append(f"  lstm {lstm:.3f} against PPM C*I {cstar:.3f}: "
                          f"{'beats it' if lstm < cstar else 'DOES NOT beat it'}")
            wall, pre = evaluate("essen/kinder", "--pretrain", "essen", "--models", "pretrained",
                                 "pretrained+", cache=cache, scratch=scratch)
            facts = pre["pretraining"]
            report += ["", "kinder, pretrained on essen (10 folds):", *table(pre),
                       f"  {wall:.0f} s, of which pretraining {facts['seconds']:.0f} s "
                       f"({facts['tunes']:,} tunes, {facts['left_out']} left out, "
                       f"{facts['epochs']} epochs)", ""]
            best = min(m["bits_pitch"] for m in list(default["models"].values())
                       + list(pre["models"].values()))
            report.append(f"  best melodygen model {best:.3f} bits per note (target <= 2.10)")
            if best > 2.10:
                failed.append(f"the best model reached {best:.3f}")
            wall, essen = evaluate("essen", "--models", "ppm-c*i", cache=cache, scratch=scratch)
            report += ["", "all of Essen, PPM C*I (IDyOM's long-term model), 10 folds:",
                       *table(essen), f"  its 10 folds: {essen['seconds']:.1f} s (target <= 30 s; "
                       f"{wall:.1f} s wall with Python's start and the reading of Essen)"]
            if essen["seconds"] > 30:
                failed.append(f"PPM C*I's 10 folds over Essen took {essen['seconds']:.1f} s")
            wall, essen = evaluate("essen", "--models", *PPM_MODELS, cache=cache, scratch=scratch)
            report += ["", "all of Essen, the four PPM models, 10 folds:", *table(essen),
                       f"  {essen['seconds']:.1f} s ({wall:.1f} s wall)"]
        for family in [name for name, asked in (("lstm", args.essen_lstm),
                                                ("transformer", args.essen_transformer)) if asked]:
            wall, essen = evaluate("essen", "--models", family, f"{family}+", "--epochs",
                                   str(args.essen_epochs), cache=cache, scratch=scratch)
            report += ["", f"all of Essen, the {family} (10 folds, at most {args.essen_epochs} "
                           "epochs each):", *table(essen), f"  {wall:.0f} s"]
    print("\n".join(report))
    for line in failed:
        print(f"TARGET MISSED: {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

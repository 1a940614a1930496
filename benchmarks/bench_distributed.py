"""Notes per second of the corpus model's training: one process, and 1 and 2 workers of
``melodygen train SOURCE --distributed`` on 127.0.0.1 ports; and one process's step time by batch
size, which bounds what splitting a batch between workers can gain.

    python benchmarks/bench_distributed.py                  # essen/kinder, 6 epochs, 3 rounds
    python benchmarks/bench_distributed.py --source essen --epochs 4 --rounds 1

Every run is the real command in fresh processes (each worker its own, TF_CONFIG set), the
default model (128 units, batches of 32 songs; the table says how many epochs ran before early
stopping, if it stopped); the collection is read once into the cache first (MELODYGEN_CACHE,
else a folder of this benchmark's own). Each round runs the three once, in turn; the table gives
the medians. An epoch's seconds come from the saved model's history; the first epoch
(tracing the compiled steps) is left out of the steady rate:

    notes per second = training notes x (epochs - 1) / (seconds at the last epoch - at the first)

which counts the validation pass of every epoch in its time. The table also gives each run's wall
time, start-up (TensorFlow, the cluster) included.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MEDIANS = ("wall", "first_epoch", "epoch", "notes_per_second")

STEP_TIMES = """
import json, sys, time
import numpy as np
from melodygen.learning.backend import configure_tensorflow
configure_tensorflow()
from melodygen.formats.collections import read_collection
from melodygen.learning.collection.config import CollectionModelConfig
from melodygen.learning.collection.data import prepare
from melodygen.learning.collection import training
prepared = prepare(read_collection(sys.argv[1]), 0.05, 0)
songs = [prepared.encode(i) for i in prepared.parts.train]
out = {}
for size in json.loads(sys.argv[2]):
    model = training.new_network(CollectionModelConfig(), prepared.vocabulary, 0)
    trainer = training.Trainer(model, 6e-3, 1.0)
    batched = training.batches(songs, size)
    for rows, mask in batched[:2]:
        trainer.step(rows, mask)  # tracing
    start = time.perf_counter()
    for rows, mask in batched:
        trainer.step(rows, mask)
    seconds = time.perf_counter() - start
    out[size] = {"steps": len(batched), "seconds": seconds,
                 "notes_per_second": sum(map(len, songs)) / seconds}
print(json.dumps(out))
"""


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for one in sockets:
        one.bind(("127.0.0.1", 0))
    ports = [one.getsockname()[1] for one in sockets]
    for one in sockets:
        one.close()
    return ports


def env(**extra: str) -> dict[str, str]:
    base = {key: value for key, value in os.environ.items() if key != "TF_CONFIG"}
    base["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), base.get("PYTHONPATH")]))
    return {**base, **extra}


def train(source: str, epochs: int, workers: int | None, folder: Path) -> dict:
    """One training: workers None is one process without --distributed."""
    model = folder / f"{workers or 'single'}.melodygen"
    command = [sys.executable, "-m", "melodygen", "train", source, "--save", str(model),
               "--epochs", str(epochs), "--quiet"] + (["--distributed"] if workers else [])
    ports = free_ports(workers or 1)
    started = time.perf_counter()
    processes = []
    for index in range(workers or 1):
        extra = {} if not workers else {"TF_CONFIG": json.dumps({
            "cluster": {"worker": [f"127.0.0.1:{port}" for port in ports]},
            "task": {"type": "worker", "index": index}})}
        processes.append(subprocess.Popen(command, env=env(**extra), stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True))
    outputs = [process.communicate(timeout=7200) for process in processes]
    wall = time.perf_counter() - started
    for process, (out, err) in zip(processes, outputs):
        if process.returncode:
            raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{err}")
    import zipfile
    with zipfile.ZipFile(model) as archive:
        meta = json.loads(archive.read("melodygen.json"))
    seconds, notes = meta["history"]["seconds"], meta["training"]["notes"]
    steady = notes * (len(seconds) - 1) / (seconds[-1] - seconds[0])
    return {"workers": workers, "epochs": len(seconds), "notes": notes, "wall": wall,
            "first_epoch": seconds[0], "epoch": (seconds[-1] - seconds[0]) / (len(seconds) - 1),
            "notes_per_second": steady}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", default="essen/kinder")
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch-sizes", type=int, nargs="*", default=[8, 16, 32],
                        help="batch sizes of the step-time run (none: skip it)")
    args = parser.parse_args()
    os.environ.setdefault("MELODYGEN_CACHE", str(Path(tempfile.gettempdir()) / "bench-cache"))
    subprocess.run([sys.executable, "-m", "melodygen", "corpus", args.source], env=env(),
                   check=True, capture_output=True)  # read once: the runs read the cache
    with tempfile.TemporaryDirectory() as folder:
        rounds = [[train(args.source, args.epochs, workers, Path(folder))
                   for workers in (None, 1, 2)] for _ in range(args.rounds)]
    runs = [{key: (statistics.median(r[key] for r in same) if key in MEDIANS else same[0][key])
             for key in same[0]} for same in zip(*rounds)]
    print(f"{args.source}: {runs[0]['notes']:,} training notes an epoch, {os.cpu_count()} "
          f"cores, medians of {args.rounds} round{'s' if args.rounds > 1 else ''}")
    print(f"{'run':<32}{'epochs':>7}{'wall s':>8}{'epoch 1 s':>11}{'epoch s':>9}{'notes/s':>10}")
    for run in runs:
        name = ("one process" if run["workers"] is None else
                f"--distributed, {run['workers']} worker{'s' if run['workers'] > 1 else ''}")
        print(f"{name:<32}{run['epochs']:>7}{run['wall']:>8.1f}{run['first_epoch']:>11.2f}{run['epoch']:>9.2f}"
              f"{run['notes_per_second']:>10,.0f}")
    if args.batch_sizes:
        done = subprocess.run([sys.executable, "-c", STEP_TIMES, args.source,
                               json.dumps(args.batch_sizes)], env=env(), check=True,
                              capture_output=True, text=True)
        print("one process, a training epoch by batch size (no validation):")
        for size, row in json.loads(done.stdout).items():
            print(f"  batch {size:>3}: {row['steps']:>4} steps, {row['seconds']:6.2f} s, "
                  f"{row['seconds'] / row['steps'] * 1000:6.1f} ms a step, "
                  f"{row['notes_per_second']:>8,.0f} notes/s")


if __name__ == "__main__":
    main()

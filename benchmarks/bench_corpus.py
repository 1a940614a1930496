"""Benchmark: reading a collection, cold and cached, against music21's converter.

Every measurement is a fresh process (``python -m melodygen corpus SOURCE``), timed wall to wall,
its peak RSS read with wait4:

1. cold: an empty cache folder, so every file is read (melodygen's ABC reader, in a process per
   core); target for all of Essen: 60 s on 2 cores;
2. warm: the same again, every file's reading taken from the cache; target 3 s;
3. peak memory of both; target 1 GiB;
4. music21's converter on the same files: a sample of tunes of every file (each tune's own text,
   ``music21.converter.parse(text, format="abc")``, in one process), its mean seconds a tune
   extrapolated to all the tunes and divided by the cores: a sample, extrapolated, and the
   table says so.

    python benchmarks/bench_corpus.py             # all of Essen, 3 rounds
    python benchmarks/bench_corpus.py --quick     # CI: all of Essen once, a smaller music21 sample
    python benchmarks/bench_corpus.py --source ryansMammoth
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
TARGETS = {"cold": 60.0, "warm": 3.0, "rss": 1024.0}  # seconds, seconds, MiB (all of Essen)

MUSIC21 = """
import json, sys, time, warnings
warnings.simplefilter("ignore")
from pathlib import Path
from melodygen.formats.abc import split_tunes
import music21
sample = int(sys.argv[1])
seconds, tunes = 0.0, 0
for path in sys.argv[2:]:
    book = split_tunes(Path(path).read_text(encoding="utf-8", errors="replace"), path)
    step = max(1, len(book) // sample)
    for tune in book[::step][:sample]:
        start = time.perf_counter()
        try:
            music21.converter.parse(tune.header + tune.text, format="abc")
        except Exception:
            pass
        seconds += time.perf_counter() - start
        tunes += 1
print(json.dumps({"seconds": seconds, "tunes": tunes}))
"""


def run(command: list[str], env: dict) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MiB, stdout) of ``command`` in a fresh process."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        out.seek(0), err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"benchmark step failed ({' '.join(command)}):\n{stderr[-2000:]}")
    return wall, usage.ru_maxrss / 1024, stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default="essen", help="the collection (default essen)")
    parser.add_argument("--rounds", type=int, default=3, help="cold and warm readings (median)")
    parser.add_argument("--quick", action="store_true", help="CI: one round, a small sample")
    args = parser.parse_args()
    rounds = 1 if args.quick else args.rounds
    sample = 2 if args.quick else 10
    sys.path.insert(0, str(ROOT))
    from melodygen.formats.collections import count_tunes, source_files

    _, files = source_files(args.source)
    tunes = sum(count_tunes(path) for path in files)
    cores = os.cpu_count() or 1
    command = [sys.executable, "-m", "melodygen", "corpus", args.source, "--quiet"]
    cold, warm = [], []
    with tempfile.TemporaryDirectory(prefix="melodygen-bench-") as folder:
        for round_ in range(rounds):
            cache = Path(folder) / f"cache-{round_}"
            env = {**os.environ, "PYTHONPATH": str(ROOT), "MELODYGEN_CACHE": str(cache)}
            cold.append(run(command, env))
            warm.append(run(command, env))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    _, _, stdout = run([sys.executable, "-c", MUSIC21, str(sample), *map(str, files)], env)
    music21 = json.loads(stdout)
    per_tune = music21["seconds"] / music21["tunes"]
    estimate = per_tune * tunes / cores
    cold_s = statistics.median(r[0] for r in cold)
    warm_s = statistics.median(r[0] for r in warm)
    rss = max(r[1] for r in cold + warm)
    print(cold[-1][2].splitlines()[0])
    print(f"\n{args.source}: {tunes:,} tunes in {len(files)} files, {cores} cores, "
          f"median of {rounds} round{'s' * (rounds > 1)}")
    print(f"{'reading':<34}{'wall s':>9}{'peak RSS MiB':>14}")
    print(f"{'cold (empty cache)':<34}{cold_s:>9.1f}{max(r[1] for r in cold):>14.0f}")
    print(f"{'warm (cached)':<34}{warm_s:>9.2f}{max(r[1] for r in warm):>14.0f}")
    print(f"music21's converter: {per_tune:.3f} s a tune, measured on a sample of "
          f"{music21['tunes']} tunes ({sample} a file), extrapolated to {tunes:,} tunes on "
          f"{cores} cores: {estimate:.0f} s")
    print(f"ratio, music21 (extrapolated) / melodygen cold: {estimate / cold_s:.0f}x; "
          f"/ melodygen warm: {estimate / warm_s:.0f}x")
    missed = []
    if args.source == "essen":
        for name, value, limit in (("cold", cold_s, TARGETS["cold"]),
                                   ("warm", warm_s, TARGETS["warm"]),
                                   ("peak RSS", rss, TARGETS["rss"])):
            print(f"target {name}: {value:.1f} <= {limit:g}: {'met' if value <= limit else 'MISSED'}")
            if value > limit:
                missed.append(name)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

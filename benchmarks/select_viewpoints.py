"""Forward stepwise selection of a multiple-viewpoint system, as Pearce (2005, 7.4) made his:
from the empty system, each stage adds the viewpoint that lowers the bits per note of the pitch
most (10 seeded folds, ``bench_viewpoints.systems_figure``), or drops one if that does better,
until nothing helps. Selected on the same folds it is scored on (as Pearce's was), so its figure
is an optimistic one; check it on another collection.

    python benchmarks/select_viewpoints.py                     # the chorales
    python benchmarks/select_viewpoints.py --source essen/kinder
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_viewpoints import systems_figure  # noqa: E402

from melodygen.formats.collections import read_collection  # noqa: E402
from melodygen.learning import ppm  # noqa: E402
from melodygen.learning.splits import k_folds  # noqa: E402

# Pearce's (2005) tables 5.2 and 5.4 and the extended set of 9.5.5, as far as melodygen's data
# carries them, and a few links of the same kinds with the note's place in the bar
POOL = ("cpitch", "cpitch-class", "cpint", "cpint-size", "contour", "cpcint", "cpintfref",
        "cpintfip", "cpintfib", "inscale", "tessitura", "thr-cpint-fib", "thr-cpint-tactus",
        "thrbar", "thrtactus",
        "cpitch*dur", "cpitch*ioi", "cpitch*dur-ratio", "cpint*dur", "cpint*ioi",
        "cpint*dur-ratio", "contour*dur", "contour*ioi", "contour*dur-ratio", "cpintfref*dur",
        "cpintfref*ioi", "cpintfref*dur-ratio", "cpintfref*fib", "cpintfref*cpintfip",
        "cpintfref*cpint", "cpintfib*barlength", "cpintfref*mode", "cpint*inscale",
        "tessitura*cpint", "cpintfref*posinbar", "cpint*posinbar", "cpintfref*tactus",
        "cpintfref*deltast", "cpint*deltast", "cpintfref*cpint*dur", "cpintfref*mode*dur")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default="chorales")
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    collection = read_collection(args.source)
    songs = [ppm.Events.from_tune(tune) for tune in collection.tunes]
    folds = k_folds(collection, args.folds, args.seed)
    pitches = sorted({int(p) for song in songs for p in song.pitch})
    began = time.perf_counter()
    chosen: list[str] = []
    best = float("inf")
    for stage in range(1, len(POOL) + 1):
        tries = [chosen + [name] for name in POOL if name not in chosen]
        tries += [[other for other in chosen if other != name] for name in chosen
                  if len(chosen) > 1]
        scored = [(systems_figure(songs, folds, pitches, ",".join(system), "both+",
                                  args.workers)[0], system) for system in tries]
        figure, system = min(scored)
        if figure >= best:
            break
        best, chosen = figure, system
        print(f"stage {stage}: {figure:.4f}  {', '.join(chosen)}  "
              f"({time.perf_counter() - began:.0f} s)", flush=True)
    print(f"selected: {','.join(chosen)}  {best:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

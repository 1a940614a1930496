"""PPM on unseen songs against Pearce's (2005) figures: every PPM variant of his tables, the same
10 seeded folds, bits per note of the pitch (no TensorFlow).

Reproduces Pearce (2005, PhD thesis, ch. 6) on Dataset 7, the 213 German children's songs
(music21's ``essenFolksong/kinder0.abc``, chromatic pitch, 8,393 notes, 27 pitches), through
``melodygen.evaluation`` (the models of ``melodygen evaluate``): long-term models learnt from the
other folds (C2I, C*I, X*I, C*UI, X*UI), LTM+ (C*I learning each test song as it reads it), STM
(C*I, X*UI: each song alone) and BOTH+ (LTM+ and STM C*I, arithmetic, bias 2: table 6.6).

    python benchmarks/bench_ppm.py                  # kinder
    python benchmarks/bench_ppm.py --source essen   # any collection (no published figures)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from melodygen.evaluation import evaluate  # noqa: E402
from melodygen.formats.collections import read_collection  # noqa: E402

# Pearce (2005), Dataset 7 (kinder): tables 6.2 (C2I), 6.4 (LTM C*, X*), 6.5 (STM), 6.6 (LTM+,
# BOTH+ with bias 2). Name here -> (melodygen's model, his label, bits per note).
VARIANTS = {"C2I": ("ppm-ltm-c2i", 2.613), "C*I": ("ppm-ltm-c*i", 2.428),
            "X*I": ("ppm-ltm-x*i", 2.480), "C*UI": ("ppm-ltm-c*ui", 2.926),
            "X*UI": ("ppm-ltm-x*ui", 2.593), "LTM+": ("ppm-ltm+-c*i", 2.237),
            "STM C*I": ("ppm-stm-c*i", 2.693), "STM X*UI": ("ppm-stm-x*ui", 2.731),
            "BOTH+": ("ppm-both+-c*i", 2.106)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default="essen/kinder", help="the collection (default kinder)")
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    collection = read_collection(args.source)
    start = time.perf_counter()
    result = evaluate(collection, [model for model, _ in VARIANTS.values()], args.folds, args.seed)
    wall = time.perf_counter() - start
    published = args.source == "essen/kinder" and args.folds == 10
    print(f"{args.source}: {result.data.songs} songs, {result.data.note_count} notes, "
          f"{len(result.data.pitches)} pitches; {args.folds} folds, seed {args.seed}; {wall:.1f} s")
    print(f"{'model':10} {'bits/note':>9} {'published':>9} {'seconds':>8}  per fold")
    for name, (model, figure) in VARIANTS.items():
        found = result.models[model]
        paper = f"{figure:.3f}" if published else "-"
        print(f"{name:10} {found.bits_pitch:9.3f} {paper:>9} {found.seconds:8.2f}  "
              + " ".join(f"{value:.3f}" for value in found.fold_bits_pitch))
    return 0


if __name__ == "__main__":
    sys.exit(main())

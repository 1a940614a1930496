"""How long a model of a collection takes to write a tune, by its length: is it linear?

    python benchmarks/bench_generate.py            # 100, 1,000 and 4,000 bars, LSTM and Transformer
    python benchmarks/bench_generate.py --quick    # 100 and 1,000 bars (what CI runs)

A small model of essen/kinder of each family is trained for one epoch (what it generates does
not change the time it takes), then one tune of each length is written in 2/4, ending on the
tonic, in one process after a first short tune (the compiling). Printed: the seconds of each
length, the milliseconds a note and a bar, and the time of each length against the shortest's,
beside the ratio of their bars: equal ratios are linear time. Targets (the faults issue): 1,000
bars in at most 10 s, linear in the length.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="100 and 1,000 bars only")
    args = parser.parse_args()
    lengths = [100, 1000] if args.quick else [100, 1000, 4000]

    import melodygen
    from melodygen.learning.backend import configure_tensorflow
    from melodygen.learning.collection.config import CollectionModelConfig, CollectionTrainConfig

    configure_tensorflow()
    kinder = melodygen.read_collection("essen/kinder")
    rows = []
    for family, layers in (("lstm", 1), ("transformer", 2)):
        model = melodygen.train_model(kinder, network=CollectionModelConfig(family=family,
                                                                            layers=layers),
                                      config=CollectionTrainConfig(max_epochs=1))
        model.generate(key="G", meter="2/4", bars=4, seed=0)  # compiles the step
        for bars in lengths:
            start = time.perf_counter()
            [tune] = model.generate(key="G", meter="2/4", bars=bars, seed=1)
            seconds = time.perf_counter() - start
            rows.append((family, bars, len(tune.notes), seconds))
    print("melodygen generation benchmark: one tune of each length in 2/4, ending on the tonic\n")
    print(f"{'model':<12} {'bars':>6} {'notes':>7} {'seconds':>8} {'ms/note':>8} {'ms/bar':>7} "
          f"{'time ratio':>11} {'bars ratio':>11}")
    for family, bars, notes, seconds in rows:
        first = next(row for row in rows if row[0] == family)
        print(f"{family:<12} {bars:>6,} {notes:>7,} {seconds:>8.2f} {seconds / notes * 1000:>8.2f} "
              f"{seconds / bars * 1000:>7.2f} {seconds / first[3]:>10.1f}x {bars / first[1]:>10.1f}x")
    thousand = {family: seconds for family, bars, _, seconds in rows if bars == 1000}
    print()
    for family, seconds in thousand.items():
        print(f"{family}: 1,000 bars in {seconds:.1f} s (target <= 10 s): "
              f"{'met' if seconds <= 10 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""IDyOM's multiple-viewpoint systems against Pearce's (2005) figures: the pitch of each note, on the
same 10 seeded folds as ``melodygen evaluate`` (``learning.splits.k_folds``), bits per note (the
mean over folds of each fold's mean), no TensorFlow.

Two tasks, each row saying what its model sees:

- *pitch*: the pitch from the pitches before it: PPM C*I (LTM), LTM+, BOTH+ as
  ``melodygen evaluate`` runs them (``evaluation.PPMModel``: BOTH+ is LTM+ C*I with STM C*I,
  arithmetic, bias 2, Pearce 2005 table 6.6);
- *pitch given rhythm and key*: the pitch from everything before it and the note's own duration,
  onset and the key's tonic: the systems of ``learning.ppm.SYSTEMS`` (IDyOM's settings: LTM+ C*I,
  STM X*UI, geometric, bias 2 between viewpoints and 7 between LTM and STM).

Published (Pearce 2005): chorales (Dataset 2) pitch C*I 2.444 (table 6.x as quoted in the issue),
BOTH+ 2.342-2.347; viewpoints: Conklin & Witten's system 2.045 (7.5.1), the selected system
1.953 (table 7.3), the extended one 1.911 (table 9.8). Kinder (Dataset 7): C2I 2.613, C*I 2.428,
LTM+ 2.237, BOTH+ 2.106; melodygen's 2.607/2.421/2.212/2.060.

    python benchmarks/bench_viewpoints.py                           # kinder and chorales
    python benchmarks/bench_viewpoints.py --source essen --systems conklin-witten --no-pitch
    python benchmarks/bench_viewpoints.py --systems "cpint*dur,cpintfref*cpint"
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from melodygen.evaluation import evaluate  # noqa: E402
from melodygen.formats.collections import read_collection  # noqa: E402
from melodygen.learning import ppm  # noqa: E402
from melodygen.learning.splits import k_folds  # noqa: E402

PITCH_MODELS = {"C*I (LTM)": "ppm-ltm-c*i", "LTM+ C*I": "ppm-ltm+-c*i", "BOTH+": "ppm-both+-c*i"}
PUBLISHED = {"chorales": {"C*I (LTM)": 2.444, "BOTH+": 2.347, "conklin-witten": 2.045,
                          "pearce": 1.953, "pearce-extended": 1.911},
             "essen/kinder": {"C*I (LTM)": 2.428, "LTM+ C*I": 2.237, "BOTH+": 2.106}}
_SHARED: dict = {}


def _share(songs, folds, pitches) -> None:
    _SHARED.update(songs=songs, folds=folds, pitches=pitches)


def _fold(job: tuple[str, str, int]) -> float:
    """(system, part, fold number) -> the fold's bits per note of the pitch."""
    system, part, number = job
    songs, folds, pitches = _SHARED["songs"], _SHARED["folds"], _SHARED["pitches"]
    test = folds[number]
    train = [i for other, fold in enumerate(folds) if other != number for i in fold]
    predicted = ppm.system_distributions(ppm.system_named(system), songs, train, test, part,
                                         pitches)
    index = {pitch: i for i, pitch in enumerate(pitches)}
    bits = [ppm.bits(rows, [index[int(p)] for p in songs[i].pitch])
            for rows, i in zip(predicted, test)]
    return float(np.concatenate(bits).mean())


def systems_figure(songs, folds, pitches, system: str, part: str, workers: int
                   ) -> tuple[float, list[float], float]:
    """(bits per note: the mean of the folds', per fold, seconds) of one system."""
    began = time.perf_counter()
    jobs = [(system, part, number) for number in range(len(folds))]
    if workers > 1:
        with ProcessPoolExecutor(workers, initializer=_share,
                                 initargs=(songs, folds, pitches)) as pool:
            per_fold = list(pool.map(_fold, jobs))
    else:
        _share(songs, folds, pitches)
        per_fold = [_fold(job) for job in jobs]
    return float(np.mean(per_fold)), per_fold, time.perf_counter() - began


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", nargs="+", default=["essen/kinder", "chorales"])
    parser.add_argument("--systems", nargs="+", default=list(ppm.SYSTEMS),
                        help="named systems or comma-joined viewpoints (cpint*dur,cpintfref)")
    parser.add_argument("--part", default="both+", choices=ppm.PARTS)
    parser.add_argument("--no-pitch", action="store_true", help="skip the pitch-alone models")
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    print("command: python benchmarks/bench_viewpoints.py " + " ".join(
        sys.argv[1:] if argv is None else argv))
    for source in args.source:
        collection = read_collection(source)
        songs = [ppm.Events.from_tune(tune) for tune in collection.tunes]
        folds = k_folds(collection, args.folds, args.seed)
        pitches = sorted({int(p) for song in songs for p in song.pitch})
        keyed = sum(song.tonic is not None for song in songs)
        print(f"\n{source}: {len(songs)} songs, {sum(map(len, songs))} notes, {len(pitches)} "
              f"pitches, {keyed} with a key; {args.folds} folds, seed {args.seed}")
        published = PUBLISHED.get(source, {}) if args.folds == 10 else {}
        print(f"{'task':27} {'model':18} {'bits/note':>9} {'published':>9} {'seconds':>8}  "
              "per fold")
        if not args.no_pitch:
            began = time.perf_counter()
            result = evaluate(collection, list(PITCH_MODELS.values()), args.folds, args.seed,
                              workers=args.workers)
            took = time.perf_counter() - began
            for place, (label, name) in enumerate(PITCH_MODELS.items()):
                found = result.models[name]
                paper = f"{published[label]:.3f}" if label in published else "-"
                seconds = f"{took:8.1f}" if place == 0 else f"{'(all)':>8}"  # one evaluation
                print(f"{'pitch':27} {label:18} {found.bits_pitch:9.3f} {paper:>9} "
                      f"{seconds}  " + " ".join(f"{x:.3f}" for x in found.fold_bits_pitch))
        for system in args.systems:
            figure, per_fold, took = systems_figure(songs, folds, pitches, system, args.part,
                                                    args.workers)
            paper = f"{published[system]:.3f}" if system in published else "-"
            label = system + ("" if args.part == "both+" else f" ({args.part})")
            print(f"{'pitch given rhythm and key':27} {label:18} {figure:9.3f} {paper:>9} "
                  f"{took:8.1f}  " + " ".join(f"{x:.3f}" for x in per_fold), flush=True)
    print("\nsystems: " + "; ".join(f"{name}: {', '.join(ppm.system_named(name).viewpoints)}"
                                    for name in args.systems))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""PPM on unseen songs: cross-entropy in bits per note, 10-fold cross-validation over songs.

Reproduces Pearce (2005, PhD thesis, ch. 6) on Dataset 7, the 213 German children's songs
(music21's ``essenFolksong/kinder0.abc``, chromatic pitch, 8,393 notes, 27 pitches). Each
model sees the same folds; every note of a test song, the first one too, is predicted from the
notes before it in that song. A fold's value is the mean bits per note over its test songs'
notes; the table gives the mean of the folds' values (as the thesis does) and the mean over all
notes. The alphabet is every pitch of the corpus (IDyOM's ``set-alphabet-from-dataset``).

    python benchmarks/bench_ppm.py                  # kinder0 (read with music21, or the cache)
    python benchmarks/bench_ppm.py --corpus /work/cache/ppm/essen.json --models C2I 'C*I' 'X*I'

No TensorFlow. Models: LTM ``C2I``, ``C*I``, ``X*I``, ``C*UI``, ``X*UI`` (trained on the other
folds, nothing learnt from the test songs); ``LTM+`` (C*I, learning each test song as it reads
it); ``STM`` (C*I, each song alone) and ``STM-X*UI`` (IDyOM's default STM); ``BOTH+`` (LTM+ C*I
with STM C*I, arithmetic combination, bias 2: the thesis's table 6.6) and ``BOTH+idyom``
(LTM+ C*I with STM X*UI, geometric, bias 7: IDyOM 1.7.1's defaults).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from melodygen.learning.ppm import (PPMConfig, bits, combine, folds,  # noqa: E402
                                    long_term_distributions, short_term_distributions)

KINDER_CACHE = Path("/work/cache/ppm/kinder.json")

# Pearce (2005), Dataset 7 (kinder): tables 6.2 (C2I), 6.4 (LTM C*, X*), 6.5 (STM),
# 6.6 (LTM+, BOTH+ with bias 2)
PUBLISHED = {"C2I": 2.613, "C*I": 2.428, "X*I": 2.480, "C*UI": 2.926, "X*UI": 2.593,
             "LTM+": 2.237, "STM": 2.693, "STM-X*UI": 2.731, "BOTH+": 2.106}

LONG_TERM = {"C2I": (2, "C", False), "C*I": (None, "C", False), "X*I": (None, "X", False),
             "C*UI": (None, "C", True), "X*UI": (None, "X", True)}
MODELS = tuple(LONG_TERM) + ("LTM+", "STM", "STM-X*UI", "BOTH+", "BOTH+idyom")


def load_corpus(path: Path | None) -> list[list[int]]:
    """Pitch sequences from a JSON list of lists, or kinder0.abc (the cache, else music21)."""
    if path is None:
        if KINDER_CACHE.exists():
            path = KINDER_CACHE
        else:
            from ppm_corpus import corpus_files, file_songs
            return file_songs(corpus_files(["kinder0"])[0])
    return json.loads(path.read_text())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="JSON list of pitch lists (default kinder0)")
    parser.add_argument("--models", nargs="+", choices=MODELS, default=list(MODELS))
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--alphabet-size", type=int,
                        help="more symbols than the corpus's pitches (never seen), e.g. the "
                             "pitch set of a larger collection")
    args = parser.parse_args(argv)

    pitches = load_corpus(args.corpus)
    alphabet = sorted({p for song in pitches for p in song})
    index = {p: i for i, p in enumerate(alphabet)}
    songs = [[index[p] for p in song] for song in pitches]
    size = len(alphabet)
    if args.alphabet_size is not None:
        if args.alphabet_size < size:
            parser.error(f"--alphabet-size must be at least {size}, the corpus's pitches")
        size = args.alphabet_size
    test_sets = folds(len(songs), args.folds, args.seed)
    print(f"corpus: {args.corpus or 'kinder0'}: {len(songs)} songs, {sum(map(len, songs))} notes, "
          f"{len(alphabet)} pitches, alphabet of {size}; {args.folds} folds, seed {args.seed}")

    cache: dict[str, list[list[np.ndarray]]] = {}   # model -> fold -> per-song distributions
    seconds: dict[str, float] = {}        # wall clock
    cpu_seconds: dict[str, float] = {}    # this process's CPU time (the machine may be shared)

    def run(name: str) -> list[list[np.ndarray]]:
        if name in cache:
            return cache[name]
        start, cpu = time.perf_counter(), time.process_time()
        result = []
        for test in test_sets:
            chosen = set(test.tolist())
            training = [song for i, song in enumerate(songs) if i not in chosen]
            tests = [songs[i] for i in test]
            if name in LONG_TERM:
                order, escape, ux = LONG_TERM[name]
                config = PPMConfig(size, order, escape, True, ux)
                result.append(long_term_distributions(config, training, tests))
            elif name == "LTM+":
                result.append(long_term_distributions(PPMConfig(size), training, tests, learn=True))
            elif name in ("STM", "STM-X*UI"):
                config = PPMConfig(size) if name == "STM" \
                    else PPMConfig(size, None, "X", True, True)
                result.append(short_term_distributions(config, tests))
        seconds[name] = time.perf_counter() - start
        cpu_seconds[name] = time.process_time() - cpu
        cache[name] = result
        return result

    rows = []
    for name in args.models:
        if name in ("BOTH+", "BOTH+idyom"):
            short = "STM" if name == "BOTH+" else "STM-X*UI"
            ltm, stm = run("LTM+"), run(short)
            start, cpu = time.perf_counter(), time.process_time()
            bias, method = (2.0, "arithmetic") if name == "BOTH+" else (7.0, "geometric")
            fold_rows = [[combine([l, s], bias, method) for l, s in zip(lf, sf)]
                         for lf, sf in zip(ltm, stm)]
            seconds[name] = seconds["LTM+"] + seconds[short] + time.perf_counter() - start
            cpu_seconds[name] = (cpu_seconds["LTM+"] + cpu_seconds[short]
                                 + time.process_time() - cpu)
        else:
            fold_rows = run(name)
        per_fold = []
        every = []
        for test, dists in zip(test_sets, fold_rows):
            note_bits = np.concatenate([bits(d, songs[i]) for d, i in zip(dists, test)])
            per_fold.append(float(note_bits.mean()))
            every.append(note_bits)
        rows.append((name, float(np.mean(per_fold)), float(np.concatenate(every).mean()),
                     per_fold, seconds[name], cpu_seconds[name]))

    published = args.corpus is None and args.folds == 10
    print(f"{'model':11} {'bits/note':>9} {'all notes':>9} {'published':>9} {'wall s':>7} "
          f"{'CPU s':>7}  per fold")
    for name, mean, pooled, per_fold, took, cpu in rows:
        paper = f"{PUBLISHED[name]:.3f}" if published and name in PUBLISHED else "-"
        print(f"{name:11} {mean:9.3f} {pooled:9.3f} {paper:>9} {took:7.2f} {cpu:7.2f}  "
              + " ".join(f"{value:.3f}" for value in per_fold))
    return 0


if __name__ == "__main__":
    sys.exit(main())

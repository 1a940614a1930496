"""melodygen's ABC reader against music21: the same notes, and how much faster.

    python benchmarks/bench_abc.py                        # all of Essen (8,462 tunes, not test*.abc)
    python benchmarks/bench_abc.py --quick                # 12 tunes of every file, no cache, < 1 min
    python benchmarks/bench_abc.py --files kinder0 erk5   # some files of the collection
    python benchmarks/bench_abc.py --corpus ryansMammoth  # another tunebook of music21's corpus
    python benchmarks/bench_abc.py --corpus oneills1850

1. Fast reader, cold: a fresh Python process imports melodygen and reads every file of the
   collection (``abc.read_tunebook``: melodygen's reader, music21 for the tunes it does not read,
   the fallbacks); its wall time is the time to beat (limit: 60 s for all of Essen).
2. music21: every tune's own text parsed by music21's ABC converter (``abc.music21_tune``) in 2
   processes at nice 10. Its readings and seconds are cached in ``--cache`` (one file a tunebook,
   named by the tunebook's content, music21's version and the reference code), so a rerun
   compares without parsing again; ``--quick`` reads a fixed sample live and extrapolates
   music21's time to all the tunes of the files, and says so.
3. The comparison, per tune: melodygen reading as music21 does (``read_tune(tune, frozenset())``)
   must equal music21's reading (the notes with pitch, length and so onset, the first meter,
   tempo and pickup, grace notes and chord tones dropped): any difference is a mismatch, listed
   with its tune and first differing note. Then what melodygen's rules change (``abc.RULES``),
   tune counts per rule; "carry-accidentals" is checked against music21 reading the same tune as
   ABC 2.1, where music21 carries accidentals too.
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from melodygen.core.errors import MelodyError  # noqa: E402
from melodygen.formats import abc  # noqa: E402
from melodygen.formats.cache import cache_folder  # noqa: E402
from melodygen.formats.files import write_atomic  # noqa: E402

CACHE = cache_folder() / "abc-music21"  # melodygen's cache folder ($MELODYGEN_CACHE)
QUICK_SAMPLE = 12  # tunes of each file with --quick
MUSIC21 = frozenset()

CONVERTER = """
import json, sys, time
import music21
for path in sys.argv[1:]:
    start = time.perf_counter()
    parsed = music21.converter.parse(path, format="abc", forceSource=True)
    tunes = len(parsed.scores) if isinstance(parsed, music21.stream.Opus) else 1
    print(json.dumps({"seconds": time.perf_counter() - start, "tunes": tunes}), flush=True)
"""
CONVERTER_SAMPLE = {False: (1500, 100), True: (300, 20)}  # --quick: (tunes wanted, at most files)
COLD = """
import json, sys, time
start = time.perf_counter()
from melodygen.formats.abc import read_tunebook
tunes = notes = fallbacks = 0
failed, pitches = [], set()
for path in sys.argv[1:]:
    book = read_tunebook(path)
    tunes += len(book)
    fallbacks += book.fallbacks
    failed += [reason for _, reason in book.failed]
    for melody in book.melodies:
        for note in melody.notes:
            if note.pitch is not None:
                notes += 1
                pitches.add(note.pitch)
print(json.dumps({"seconds": time.perf_counter() - start, "tunes": tunes, "notes": notes,
                  "pitches": len(pitches), "fallbacks": fallbacks, "failed": failed}))
"""


def corpus_folder(name: str) -> Path:
    import importlib.util
    return Path(importlib.util.find_spec("music21").origin).parent / "corpus" / name


def summary(reading: abc.TuneReading) -> list:
    """A reading as JSON: what the two readers must agree on."""
    melody = reading.melody
    return [[[note.pitch, str(note.duration)] for note in melody.notes], list(melody.time_signature),
            str(melody.pickup), melody.tempo, reading.grace_notes, reading.chord_tones]


def outcome(read, tune, *args) -> list | dict:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return summary(read(tune, *args))
    except abc.UnsupportedAbc as error:
        return {"unsupported": str(error)}
    except MelodyError as error:
        return {"error": error.message}


def music21_job(job):
    """(book path, tune index, read as the tune says, read as ABC 2.1) -> (path, index, reading
    or None, seconds, ABC 2.1 reading or None)."""
    path, index, plain, as_21 = job
    tune = abc.split_tunes(Path(path).read_text(encoding="utf-8"), Path(path).name)[index]
    start = time.perf_counter()
    reading = outcome(abc.music21_tune, tune) if plain else None
    seconds = time.perf_counter() - start
    return path, index, reading, seconds, outcome(abc.music21_tune, tune, (2, 1, 0)) if as_21 else None


def cache_file(path: Path, cache: Path) -> Path:
    import music21
    reference = inspect.getsource(abc.reference) + inspect.getsource(abc.reading) + \
        inspect.getsource(summary)
    digest = hashlib.sha256(path.read_bytes() + music21.__version__.encode() + reference.encode())
    return cache / f"{path.stem}-{digest.hexdigest()[:16]}.json"


def first_difference(ours, theirs) -> str:
    if isinstance(ours, dict) or isinstance(theirs, dict):
        return f"melodygen {ours}, music21 {theirs}"
    for index, (a, b) in enumerate(zip(ours[0], theirs[0])):
        if a != b:
            return f"note {index + 1}: melodygen {a}, music21 {b}"
    if len(ours[0]) != len(theirs[0]):
        return f"{len(ours[0])} notes, music21 {len(theirs[0])}"
    fields = ("meter", "pickup", "tempo", "grace notes", "chord tones")
    return ", ".join(f"{name}: melodygen {a}, music21 {b}"
                     for name, a, b in zip(fields, ours[1:], theirs[1:]) if a != b)


def sample(tunes, count: int | None) -> list[int]:
    if count is None or len(tunes) <= count:
        return list(range(len(tunes)))
    return sorted({round(i * (len(tunes) - 1) / (count - 1)) for i in range(count)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="essenFolksong",
                        help="folder of music21's corpus (essenFolksong, ryansMammoth, oneills1850)")
    parser.add_argument("--files", nargs="+", metavar="NAME", help="these files of it (names without .abc)")
    parser.add_argument("--quick", action="store_true",
                        help=f"{QUICK_SAMPLE} tunes of each file against music21, live, no cache")
    parser.add_argument("--jobs", type=int, default=2, help="processes for music21 (default 2)")
    parser.add_argument("--rounds", type=int, help="cold reads by melodygen, the median counts "
                        "(default 3, 1 with --quick)")
    parser.add_argument("--cache", type=Path, default=CACHE, help=f"music21's readings (default {CACHE})")
    args = parser.parse_args()
    args.rounds = args.rounds or (1 if args.quick else 3)

    folder = corpus_folder(args.corpus)
    paths = sorted(path for path in folder.glob("*.abc") if not path.name.startswith("test"))
    if args.files:
        wanted = {name.removesuffix(".abc") for name in args.files}
        paths = [path for path in paths if path.stem in wanted]
        missing = wanted - {path.stem for path in paths}
        if missing:
            sys.exit(f"bench_abc.py: no such file in {folder}: {', '.join(sorted(missing))}")
    if not paths:
        sys.exit(f"bench_abc.py: no ABC files in {folder}")

    # 1. the fast reader, cold: --rounds fresh processes, the median wall time
    walls = []
    for _ in range(args.rounds):
        wall = time.perf_counter()
        child = subprocess.run([sys.executable, "-c", COLD, *map(str, paths)], capture_output=True,
                               text=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
        walls.append(time.perf_counter() - wall)
        if child.returncode:
            sys.exit(child.stderr)
    cold = json.loads(child.stdout)
    cold_wall = statistics.median(walls)
    print(f"{args.corpus}: {len(paths)} files")
    print(f"melodygen, cold (a fresh process, 1 core): {cold['tunes']} tunes read in {cold_wall:.2f} s "
          f"wall (median of {len(walls)}: {', '.join(f'{w:.2f}' for w in walls)} s, Python's start "
          f"and melodygen's import included); {cold['notes']} notes, {cold['pitches']} distinct "
          f"pitches; {cold['fallbacks']} tunes read by music21 (fallback); {len(cold['failed'])} dropped")
    for reason in cold["failed"]:
        print(f"  dropped: {reason}")

    # 2. melodygen's readings (warm), and the tunes music21 must read
    books = {path: abc.split_tunes(path.read_text(encoding="utf-8"), path.name) for path in paths}
    ours, carried, changed = {}, {}, {}
    for path, tunes in books.items():
        for index in sample(tunes, QUICK_SAMPLE if args.quick else None):
            tune = tunes[index]
            ours[path, index] = outcome(abc.read_tune, tune, MUSIC21)
            full = outcome(abc.read_tune, tune)
            if full != ours[path, index]:
                changed[path, index] = [rule for rule in abc.RULES
                                        if outcome(abc.read_tune, tune, abc.ALL_RULES - {rule}) != full]
                only = outcome(abc.read_tune, tune, frozenset({"carry-accidentals"}))
                if only != ours[path, index]:
                    carried[path, index] = only

    theirs, seconds, as_21 = {}, {}, {}
    stores, jobs = {}, []
    for path in books:
        if not args.quick:
            stores[path] = cache_file(path, args.cache)
            if stores[path].exists():
                for entry in json.loads(stores[path].read_text())["tunes"]:
                    key = (path, entry["index"])
                    theirs[key], seconds[key] = entry["reading"], entry["seconds"]
                    if entry.get("abc21") is not None:
                        as_21[key] = entry["abc21"]
        for key in (key for key in ours if key[0] == path):
            plain, also = key not in theirs, key in carried and key not in as_21
            if plain or also:
                jobs.append((str(path), key[1], plain, also))
    fresh = sum(1 for job in jobs if job[2])
    wall = 0.0
    if jobs:
        print(f"music21: parsing {fresh} tunes (and {sum(1 for job in jobs if job[3])} as ABC 2.1) "
              f"in {args.jobs} processes at nice 10 ...", flush=True)
        wall = time.perf_counter()
        with multiprocessing.Pool(args.jobs, initializer=os.nice, initargs=(10,)) as pool:
            for path, index, reading, took, reading_21 in pool.imap_unordered(music21_job, jobs,
                                                                              chunksize=4):
                key = (Path(path), index)
                if reading is not None:
                    theirs[key], seconds[key] = reading, took
                if reading_21 is not None:
                    as_21[key] = reading_21
        wall = time.perf_counter() - wall
        for path in {Path(job[0]) for job in jobs} & set(stores):
            args.cache.mkdir(parents=True, exist_ok=True)
            entries = [{"index": index, "reading": theirs[path, index], "seconds": seconds[path, index],
                        "abc21": as_21.get((path, index))}
                       for index in range(len(books[path])) if (path, index) in theirs]
            write_atomic(stores[path], json.dumps({"file": path.name, "tunes": entries}).encode())

    # 3. the comparison
    mismatches, unsupported, both_failed, rule_mismatches = [], [], [], []
    for key in sorted(ours):
        path, index = key
        tune = books[path][index]
        where = f"{path.name}:X:{tune.number} (line {tune.line})"
        if "unsupported" in ours[key]:
            unsupported.append(f"{where}: {ours[key]['unsupported']}")
        elif ours[key] != theirs[key]:
            mismatches.append(f"{where}: {first_difference(ours[key], theirs[key])}")
        elif "error" in ours[key]:
            both_failed.append(f"{where}: {theirs[key]['error']}")
        if key in carried and carried[key] != as_21.get(key):
            rule_mismatches.append(f"{where}: {first_difference(carried[key], as_21.get(key))}")
    compared = len(ours)
    per_tune = sum(seconds[key] for key in ours) / compared
    total_tunes = sum(len(tunes) for tunes in books.values())
    music21_total = per_tune * total_tunes
    if args.quick:
        measured = f"measured now on a sample of {compared} tunes, extrapolated to all {total_tunes}"
    else:
        earlier = ("in an earlier run" if fresh == 0 else f"{compared - fresh} of them in an earlier run")
        measured = (f"measured on all {compared} tunes, {earlier} (cached in {args.cache})"
                    if fresh < compared else f"measured now on all {compared} tunes")
    print(f"music21: {per_tune * 1000:.1f} ms a tune ({measured}): {music21_total:.0f} s for the "
          f"{total_tunes} tunes in 1 process" + (f"; this run: {wall:.0f} s wall in {args.jobs} processes"
                                                if jobs else ""))
    print(f"speed: melodygen cold {music21_total / cold_wall:.0f}x faster than music21 tune by tune "
          f"(1 process each; {music21_total / cold_wall / args.jobs:.0f}x against music21 in "
          f"{args.jobs} processes)")

    # music21's converter on whole files, as a user would read a tunebook: a sample, extrapolated
    wanted, most = CONVERTER_SAMPLE[args.quick]
    files = min(most, len(paths), max(2, round(wanted * len(paths) / total_tunes)))
    chosen = [paths[round(i * (len(paths) - 1) / max(1, files - 1))] for i in range(files)]
    run = subprocess.run(["nice", "-n", "10", sys.executable, "-c", CONVERTER, *map(str, chosen)],
                         capture_output=True, text=True)
    results = [json.loads(line) for line in run.stdout.splitlines()]
    if run.returncode or len(results) != len(chosen):
        print(f"music21's converter failed: {run.stderr.strip().splitlines()[-1:]}")
    else:
        took, tunes = sum(r["seconds"] for r in results), sum(r["tunes"] for r in results)
        whole = took / tunes * total_tunes
        names = ", ".join(path.stem for path in chosen[:6]) + (", ..." if len(chosen) > 6 else "")
        print(f"music21's converter on whole files (converter.parse, in 1 process): "
              f"{took / tunes * 1000:.1f} ms a tune, measured on {len(chosen)} files ({names}: "
              f"{tunes} tunes) and extrapolated to all {total_tunes}: {whole:.0f} s; melodygen cold "
              f"{whole / cold_wall:.0f}x faster")
    print(f"compared {compared} tunes with music21: {len(mismatches)} mismatches, "
          f"{len(unsupported)} not read by melodygen (music21 reads them: the fallbacks), "
          f"{len(both_failed)} that neither reads")
    for line in mismatches:
        print(f"  mismatch: {line}")
    for line in unsupported:
        print(f"  fallback: {line}")
    for line in both_failed:
        print(f"  neither: {line}")
    print(f"melodygen's rules change {len(changed)} of the {compared} tunes:")
    for rule in abc.RULES:
        tunes = [books[path][index] for (path, index), rules in sorted(changed.items()) if rule in rules]
        examples = ", ".join(f"{tune.source}:X:{tune.number}" for tune in tunes[:3])
        print(f"  {rule}: {len(tunes)} tunes" + (f" (e.g. {examples})" if tunes else ""))
    print(f"  carry-accidentals against music21 reading as ABC 2.1: {len(carried) - len(rule_mismatches)}"
          f" of {len(carried)} tunes the same")
    for line in rule_mismatches:
        print(f"  carry-accidentals mismatch: {line}")


if __name__ == "__main__":
    main()

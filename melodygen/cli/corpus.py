"""``melodygen corpus SOURCE``: read a collection (a folder, a tunebook, ``essen``) and say what is
in it, what was merged and what was dropped."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from .progress import Progress

USAGE = "corpus SOURCE"
HELP = "read a collection of tunes and summarize it"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="melodygen corpus",
        description="Read every tune of a collection and summarize it: tunes, notes, pitches, "
                    "meters, keys, duplicates merged, tunes dropped and why. Readings are "
                    "cached by file content, so the second time is quick.",
        epilog="SOURCE: a folder (read recursively: .abc with every tune, .mid, .midi, "
               ".musicxml, .xml, .mxl, .krn, song .txt), an ABC tunebook, a glob "
               "('tunes/*.abc'), or a collection of music21's corpus: essen (all Essen folk "
               "songs but its test files), essen/kinder, essen/NAME (one Essen file), "
               "ryansMammoth, oneills1850, airdsAirs, miscFolk. Example: melodygen corpus essen "
               "--json essen.json")
    parser.add_argument("source", help="a folder, a file, a glob or a named collection")
    parser.add_argument("--verbose", action="store_true",
                        help="list every dropped tune as file:tune: reason")
    parser.add_argument("--json", type=Path, default=None, metavar="FILE",
                        help="also write the summary as JSON")
    parser.add_argument("--no-cache", action="store_true",
                        help="read every file again, without the cache (and do not keep it)")
    parser.add_argument("--quiet", action="store_true", help="no progress")
    return parser


def run(args: argparse.Namespace, parser: argparse.ArgumentParser, progress: Progress) -> int:
    from ..formats.files import write_atomic

    if args.json is not None and args.json.is_dir():
        from ..core.errors import MelodyError
        raise MelodyError("is a folder; give a file name for the JSON summary", source=str(args.json))
    start = time.perf_counter()
    collection = read(args.source, progress, use_cache=not args.no_cache)
    progress.done()
    seconds = time.perf_counter() - start
    print(format_summary(collection, seconds, verbose=args.verbose))
    if args.json is not None:
        text = json.dumps(summary_json(collection), ensure_ascii=False, indent=2) + "\n"
        write_atomic(args.json, text.encode("utf-8"))
    return 0


def read(source: str, progress: Progress, use_cache: bool = True):
    """The collection ``source``, its reading shown as progress (tunes read, the rate, the time
    left); a source that does not exist is refused before (one line)."""
    from ..formats.collections import read_collection, source_files

    source_files(source)
    progress.stage(f"reading {source}")
    return read_collection(source, use_cache=use_cache,
                           progress=lambda done, total: progress.count(done, total, "tunes"))


def summary_json(collection) -> dict:
    """The summary as JSON: at least tunes, notes, pitches, dropped and duplicates."""
    return {
        "source": collection.name,
        "tunes": len(collection),
        "notes": collection.notes,
        "pitches": len(collection.pitches),
        "dropped": len(collection.dropped),
        "duplicates": collection.duplicates,
        "pitch_range": collection.pitch_range(),
        "meters": dict(collection.meters().most_common()),
        "keys": dict(collection.keys().most_common()),
        "notes_left_out": dict(collection.losses.most_common()),
        "dropped_by_reason": dict(collection.dropped_by_reason().most_common()),
        "dropped_tunes": [{"where": d.where, "reason": d.reason, "detail": d.detail}
                          for d in collection.dropped],
    }


def _top(counter, limit: int = 8) -> str:
    items = counter.most_common()
    shown = ", ".join(f"{name} {count:,}" for name, count in items[:limit])
    rest = sum(count for _, count in items[limit:])
    return shown + (f", {len(items) - limit} others {rest:,}" if rest else "") or "-"


def format_summary(collection, seconds: float, verbose: bool = False) -> str:
    lines = [
        f"{collection.name}: {len(collection):,} tunes, {collection.notes:,} notes, "
        f"{len(collection.pitches)} pitches ({collection.pitch_range()}), read in {seconds:.1f} s",
        f"meters: {_top(collection.meters())}",
        f"keys: {_top(collection.keys())}",
        f"duplicates merged: {collection.duplicates:,} (the same notes as an earlier tune)",
    ]
    if collection.losses:
        lines.append("notes left out of the tunes kept: " + _top(collection.losses))
    dropped = collection.dropped_by_reason()
    lines.append(f"dropped: {len(collection.dropped):,} tunes or files"
                 + (" (--verbose lists them)" if dropped and not verbose else ""))
    lines += [f"  {count:>6,}  {reason}" for reason, count in dropped.most_common()]
    if verbose:
        lines += [f"  {d.where}:{'' if d.detail[:1].isdigit() else ' '}{d.detail}"
                  if d.detail else f"  {d.where}: {d.reason}" for d in collection.dropped]
    return "\n".join(lines)

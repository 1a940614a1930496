"""``melodygen compare GENERATED SOURCE``: how alike two sets of tunes are in style, feature by
feature (``evaluation.style``): a generation run's tunes (its folder's tunes.abc) or any
collection, against any collection, beside real tunes against the same."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from .common import table
from .progress import Progress

USAGE = "compare GENERATED SOURCE"
HELP = "how alike two sets of tunes are in style (generated against real)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="melodygen compare",
        description="How alike the tunes of GENERATED are to those of SOURCE, feature by "
                    "feature (pitch classes, intervals, note lengths, range, notes per bar, "
                    "bar repeats, cadences, form): the overlap (0 to 1) of the distances "
                    "between a GENERATED tune and a SOURCE tune with the distances between two "
                    "SOURCE tunes (Yang & Lerch 2020), beside the same overlap of other real "
                    "tunes. Near the real figure: in the style.",
        epilog="GENERATED: the folder of a `melodygen generate` run (its tunes.abc), or any "
               "collection. SOURCE, --real: a collection as `melodygen corpus` reads it (a "
               "folder, an ABC tunebook, a glob, essen/kinder, ryansMammoth...). Without --real, "
               "SOURCE is split in two halves at random (--seed): one the reference, the other "
               "the real tunes. Example: melodygen compare out/jigs-generated jigs-heldout.abc "
               "--real jigs.abc",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("generated", help="a generation run's folder, or any collection")
    parser.add_argument("source", help="the real tunes to compare with (a collection)")
    parser.add_argument("--real", default=None, metavar="SOURCE",
                        help="other real tunes, compared with SOURCE beside GENERATED "
                             "(default: half of SOURCE, the other half the reference)")
    parser.add_argument("--seed", type=int, default=0,
                        help="the random halves and sets of real tunes (default %(default)s)")
    parser.add_argument("--json", type=Path, default=None, metavar="FILE",
                        help="also write the figures as JSON")
    parser.add_argument("--plot", type=Path, default=None, metavar="FILE",
                        help="also draw the densities behind each overlap (PNG)")
    parser.add_argument("--quiet", action="store_true", help="no progress")
    return parser


def run(args: argparse.Namespace, parser: argparse.ArgumentParser, progress: Progress) -> int:
    from ..core.errors import ConfigError, MelodyError
    from ..evaluation.style import StyleTune, compare_style, halves
    from ..formats.files import write_atomic
    from ..presentation.style_view import style_plot_png, style_rows
    from .corpus import read

    for option in (args.json, args.plot):
        if option is not None and option.is_dir():
            raise MelodyError("is a folder; give a file name", source=str(option))
    generated = _source(args.generated)
    sets = [read(source, progress) for source in (generated, args.source)]
    if args.real is not None:
        sets.append(read(args.real, progress))
    progress.stage("comparing")
    tunes = [[StyleTune.of(tune.melody, tune.marks) for tune in found] for found in sets]
    candidates, reference = tunes[0], tunes[1]
    real = tunes[2] if args.real is not None else None
    if real is None:
        reference, real = halves(reference, args.seed)
    try:
        comparison = compare_style(candidates, reference, real, args.seed)
    except ValueError as error:
        raise ConfigError(str(error)) from None
    progress.done()
    print(f"{args.generated} ({len(candidates)} tunes) against {args.source} "
          f"({len(reference)} tunes{', half of it' if args.real is None else ''}), beside "
          f"{args.real or 'its other half'} ({len(real)} tunes, in sets of "
          f"{min(len(candidates), len(real))})")
    print("\n".join(table(style_rows(comparison), strip=True)))
    if args.json is not None:
        data = {"generated": args.generated, "source": args.source, "real": args.real,
                **comparison.to_json()}
        write_atomic(args.json, (json.dumps(data, indent=2) + "\n").encode("utf-8"))
    if args.plot is not None:
        write_atomic(args.plot, style_plot_png(comparison))
    return 0


def _source(name: str) -> str:
    """A generation run's folder -> its tunebook; any other source as it is."""
    from ..presentation.gallery import TUNEBOOK

    folder = Path(name)
    if folder.is_dir() and (folder / TUNEBOOK).is_file() and (folder / "summary.json").is_file():
        return str(folder / TUNEBOOK)
    return name

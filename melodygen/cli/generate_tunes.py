"""``melodygen generate MODEL`` for a model of a collection: new tunes with a key, a meter, a number
of bars and an ending; their files, a gallery page and a table of how new and how alike they are."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from .common import start_tensorflow, table
from .progress import Progress


def run(args: argparse.Namespace, metadata: dict, progress: Progress) -> int:
    from ..core.errors import ConfigError
    from ..formats.files import prepare_folder
    from ..generation.tunes import TuneConfig, parse_key, parse_meter
    from ..learning.corpus_checkpoint import read_corpus_checkpoint

    checkpoint = read_corpus_checkpoint(args.model, metadata)
    if args.length is not None or not args.include_primer:
        raise ConfigError("--length and --no-primer-in-output are for a model of one song; a "
                          "tune of a collection's model lasts --bars bars")
    primer = _primer(args)
    config = TuneConfig(parse_key(args.key or "G"),
                        parse_meter(args.meter) if args.meter else checkpoint.meter,
                        16 if args.bars is None else args.bars,
                        args.tempo if args.tempo is not None else checkpoint.tempo,
                        args.end != "free", primer,
                        1.0 if args.temperature is None else args.temperature, args.top_k,
                        args.top_p, args.count, args.seed)
    folder = prepare_folder(args.out or Path("out") / f"{args.model.stem}-generated")

    start_tensorflow(progress)
    from ..generation.stats import CopyIndex, tune_stats
    from ..generation.tunes import generate_tunes
    from ..learning.corpus_checkpoint import load_corpus
    from ..presentation.gallery import STATS_HEADER, stats_row, write_tunes

    progress.stage(f"loading {args.model}")
    model = load_corpus(args.model)
    began = time.perf_counter()
    progress.stage(f"generating {config.count} tunes")
    tunes = generate_tunes(model, config, title=f"{checkpoint.source} tune")
    progress.stage(f"comparing them with the {len(checkpoint.reference):,} training tunes")
    copies = CopyIndex(checkpoint.reference)
    names = [melody.source or melody.title for melody in checkpoint.reference]
    stats = [tune_stats(tune.melody, config.key, copies, names, tune.bits,
                        checkpoint.facts.validation_bits) for tune in tunes]
    beats, unit = config.meter
    settings = {"key": str(config.key), "meter": f"{beats}/{unit}", "bars": config.bars,
                "tempo": config.tempo, "end": "tonic" if config.end_on_tonic else "free",
                "count": config.count,
                "choosing": config.describe(), "temperature": config.temperature,
                "top_k": config.top_k, "top_p": config.top_p, "seed": config.seed,
                "primer": len(config.primer)}
    facts = checkpoint.facts
    model_facts = {"file": str(args.model), "source": checkpoint.source, "tunes": facts.tunes,
                   "validation_bits": facts.validation_bits}
    progress.stage("writing the files")
    written, removed = write_tunes(folder, [(tune.melody, stat) for tune, stat in zip(tunes, stats)],
                                   config.key, settings, model_facts, scores=not args.no_scores,
                                   audio=not args.no_audio, progress=progress.step)
    progress.done()
    rows = [STATS_HEADER] + [stats_row(tune.stem, tune.stats) for tune in written]
    print(f"{checkpoint.source} ({args.model}): {config.count} tunes of {config.bars} bars of "
          f"{beats}/{unit} in {config.key}, {config.describe()}, "
          f"{time.perf_counter() - began:.1f} s")
    print()
    print("\n".join(table(rows, strip=True)))
    print()
    suffixes = ", ".join("." + name.rsplit(".", 1)[1] for name in written[0].files.values())
    stems = [tune.stem for tune in written]
    named = stems[0] if len(stems) == 1 else f"{stems[0]} ... {stems[-1]}"
    print(f"files in {folder}/: {named} ({suffixes}), gallery.html, summary.json")
    if removed:
        print(f"removed {len(removed)} files of the run before that this one did not write again")
    return 0


def _primer(args) -> tuple:
    from ..formats.notation import parse_notes
    from ..formats.songs import load_melody

    if args.primer and args.primer_file:
        from ..core.errors import ConfigError
        raise ConfigError("give --primer or --primer-file, not both")
    if args.primer:
        text = args.primer.replace("|", " ")
        return tuple(parse_notes(text, source="--primer"))
    if args.primer_file:
        return load_melody(args.primer_file).notes
    return ()

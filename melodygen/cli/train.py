"""``melodygen train SOURCE``: train a model and save it for ``melodygen generate``; on one song,
one of the lecture's models; on a collection (a folder, a glob, a tunebook of several tunes,
essen, essen/kinder, ...), a collection model with early stopping on a held-out part;
``--resume`` goes on from the last finished epoch of a collection's training that stopped;
``--distributed`` trains on the workers of ``TF_CONFIG`` (or this host's devices), the chief alone
reporting and saving."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..core.errors import ConfigError, MelodyError
from ..learning.modelfile import SUFFIX
from ..learning.song.config import DEFAULT_MODEL, MODELS, TrainConfig
from .common import SONG_HELP, add_reading_options, add_training_options, check_model, \
    check_window, start_tensorflow, train_config, training_stages
from .progress import Progress

USAGE = "train SOURCE --save FILE"
HELP = "train a model on a song or a collection and save it"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="melodygen train",
        description="Train one of the lecture's models on a song, or a collection model on a "
                    "collection, and save it, with everything `melodygen generate` needs, in "
                    "one file: a zip of model.keras and melodygen.json. Any file name works; "
                    ".melodygen is the convention.",
        epilog="Examples: melodygen train nabiya --model stateful2 --save models/nabiya.melodygen; "
               "melodygen train essen --save models/essen.melodygen (a collection: a folder, a "
               "glob, a tunebook of several tunes, essen, essen/kinder, ...; Ctrl-C, then the same "
               "command with --resume goes on from the last finished epoch); on every worker of a "
               "cluster (TF_CONFIG set): melodygen train essen --save /shared/essen.melodygen "
               "--distributed")
    parser.add_argument("song", metavar="SOURCE", help=SONG_HELP.replace(" (see --list)", "")
                        + ", or a collection (see melodygen corpus --help)")
    parser.add_argument("--model", default=None, metavar="MODEL",
                        help=f"a song's model: {', '.join(MODELS)} (default {DEFAULT_MODEL}, the "
                             "lecture's LSTM, which learns the whole song); a collection's: "
                             f"{' or '.join(COLLECTION_FAMILIES)} (default lstm)")
    parser.add_argument("--save", type=Path, default=None, metavar="FILE",
                        help=f"where to save the model (default: models/SOURCE-MODEL{SUFFIX})")
    add_reading_options(parser)
    add_training_options(parser)
    parser.add_argument("--window", type=int, default=TrainConfig.window,
                        help="notes a song's model sees to predict the next one "
                             "(default %(default)s)")
    parser.add_argument("--quiet", action="store_true",
                        help="no progress on stderr (warnings are still shown)")
    collection = parser.add_argument_group("a collection")
    collection.add_argument("--resume", action="store_true",
                            help="go on with the training towards --save that stopped (the same "
                                 "collection and settings)")
    collection.add_argument("--distributed", action="store_true",
                            help="train with tf.distribute: on the cluster that TF_CONFIG "
                                 "describes (every worker runs this same command), else on "
                                 "this host's devices; the same batches and learning rate as "
                                 "without it; only the chief writes; a restarted worker goes "
                                 "on from the last epoch's state in FILE.partial (see "
                                 "docs/distributed.md)")
    collection.add_argument("--units", type=int, default=None,
                            help="the LSTM's units or the Transformer's width (default 128 and 64)")
    collection.add_argument("--layers", type=int, default=None,
                            help="LSTM layers or Transformer blocks (default 1 and 2)")
    collection.add_argument("--validation", type=float, default=0.05,
                            help="share of the tunes held out for early stopping "
                                 "(default %(default)s)")
    return parser


def is_collection(source: str) -> bool:
    """A named collection, a folder, a glob, or an ABC file of more than one tune."""
    from ..formats.collections import count_tunes, named_collections

    path = Path(source)
    if path.is_dir() or (not path.exists() and any(c in source for c in "*?[")):
        return True
    if path.is_file():
        return path.suffix.lower() == ".abc" and count_tunes(path) > 1
    return source == "essen" or source.startswith("essen/") or source in named_collections()


def run(args: argparse.Namespace, parser: argparse.ArgumentParser, progress: Progress) -> int:
    if args.tune is None and is_collection(args.song):
        return train_collection(args, progress)
    for option, value in (("--distributed", args.distributed), ("--resume", args.resume),
                          ("--units", args.units is not None),
                          ("--layers", args.layers is not None)):
        if value:
            raise ConfigError(f"{option} is for the model of a collection; {args.song!r} is one "
                              "song")
    return train_song(args, progress)


def train_song(args: argparse.Namespace, progress: Progress) -> int:
    from ..formats.files import prepare_folder
    from ..formats.songs import load_melody, song_name
    from ..learning.song.experiment import prepare
    from ..learning.song.model import train

    config = train_config(args, window=args.window)
    name = check_model(args.model or DEFAULT_MODEL)
    progress.stage(f"reading {args.song}", delay=1.0)
    melody = load_melody(args.song, args.quantize, args.tune)
    path = args.save or Path("models") / f"{song_name(args.song)}-{name}{SUFFIX}"
    if path.is_dir():
        raise MelodyError(f"is a folder; give a file name, e.g. {path / (name + SUFFIX)}",
                          source=str(path))
    check_window(melody, config.window)
    prepare(melody, config.window, [name])  # a melody too long fails before TensorFlow loads
    prepare_folder(path.parent)  # a folder that cannot be written fails before training

    start_tensorflow(progress, song=True)
    model = train(melody, name, config, progress.epoch, training_stages(progress, [name]))
    progress.stage(f"saving {path}")
    model.save(path)
    progress.done()
    facts = model.training
    print(f"{melody.title}: {name} trained in {facts.epochs} epochs, "
          f"{facts.seconds:.2f} s; one-step {facts.one_step_right}/{facts.samples} right, "
          f"full song {facts.full_song_right}/{facts.samples} right")
    print(f"saved {path} ({path.stat().st_size / 1024:.0f} KiB); "
          f"new melodies: melodygen generate {path}")
    return 0


COLLECTION_FAMILIES = ("lstm", "transformer")


def collection_network(args: argparse.Namespace):
    """The collection model of --model (its family), --units and --layers; a song's preset or
    an unknown name is a ``ConfigError`` naming the families."""
    from ..learning.collection.config import model_config
    from .common import did_you_mean

    family = args.model or "lstm"
    if family not in COLLECTION_FAMILIES:
        raise ConfigError(f"a collection's model is {' or '.join(COLLECTION_FAMILIES)}, got "
                          f"{family!r}{did_you_mean(family, COLLECTION_FAMILIES)}; the "
                          f"{', '.join(MODELS)} models learn one song")
    return model_config(family, units=args.units, layers=args.layers)


def train_collection(args: argparse.Namespace, progress: Progress) -> int:
    import os
    import sys

    from ..formats.files import prepare_folder
    from ..learning.cluster import RESTART_STATUS, WorkerLost, read_tf_config
    from ..formats.abc import abc_key_name
    from ..learning.collection.config import train_config
    from .corpus import read

    network = collection_network(args)
    settings = train_config(network.family, seed=args.seed, validation=args.validation,
                            max_epochs=args.epochs, learning_rate=args.learning_rate)
    path = args.save or Path("models") / f"{args.song.replace('/', '-').strip('-.')}{SUFFIX}"
    cluster = read_tf_config(os.environ.get("TF_CONFIG")) if args.distributed else None
    chief = cluster is None or cluster.is_chief
    if chief:
        prepare_folder(path.parent)  # a folder that cannot be written fails before any work
    else:
        progress = Progress(quiet=True)  # the chief alone reports (warnings still show)

    collection = read(args.song, progress)
    from ..learning.collection.model import prepare_training, train

    prepared = prepare_training(collection, settings)  # too few tunes: before TensorFlow loads
    start_tensorflow(progress)

    strategy, on = None, ""
    if args.distributed:
        from ..learning.collection.distributed import choose_strategy, describe
        progress.stage(f"waiting for the workers of TF_CONFIG ({cluster.workers})" if cluster
                       else "finding this host's devices")
        strategy = choose_strategy(cluster)
        on = f", {describe(strategy)}"
    progress.stage(f"training on {collection.name} ({len(collection):,} tunes, "
                   f"{collection.notes:,} notes{on})")
    try:
        model = train(prepared, network, settings, progress.epoch, save_to=path,
                      resume=args.resume, strategy=strategy)
    except WorkerLost as error:
        progress.done()
        print(error, file=sys.stderr)
        return RESTART_STATUS  # a restart policy starts this worker again
    facts = model.training
    if not chief:
        print(f"{cluster}: trained {facts.epochs} epochs; the chief saves {path}")
        return 0
    progress.stage(f"saving {path}")
    model.save(path)
    progress.done()
    beats, unit = model.meter
    key = abc_key_name(model.key)
    print(f"{collection.name}: trained on {facts.tunes:,} tunes ({facts.notes:,} notes), "
          f"{facts.epochs} epochs in {facts.seconds:.0f} s{on}; on {facts.validation_tunes:,} "
          f"held-out tunes {facts.validation_bits:.3f} bits per note "
          f"({facts.validation_pitch_bits:.3f} for the pitch alone), from epoch {facts.best_epoch}")
    letters, part_bars = model.form.form
    print(f"saved {path} ({path.stat().st_size / 1024 / 1024:.1f} MiB); new tunes in its most "
          f"common key, meter and form: melodygen generate {path} --key {key} --meter "
          f"{beats}/{unit} --form {letters} --part-bars {part_bars}")
    return 0

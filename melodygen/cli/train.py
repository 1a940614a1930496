"""``melodygen train SONG``: train one model on a song and save it for ``melodygen generate``."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..core.errors import ConfigError, MelodyError
from ..learning.checkpoint import DEFAULT_MODEL, SUFFIX
from ..learning.config import MODELS, TrainConfig
from .common import SONG_HELP, add_reading_options, add_training_options, check_model, \
    start_tensorflow, train_config, training_stages
from .progress import Progress

USAGE = "train SONG --save FILE"
HELP = "train one model on a song and save it"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="melodygen train",
        description="Train one of the lecture's models on a song, or the corpus model on a "
                    "collection, and save it, with everything `melodygen generate` needs, in "
                    "one file: a zip of model.keras and melodygen.json. Any file name works; "
                    ".melodygen is the convention.",
        epilog="Examples: melodygen train nabiya --model stateful2 --save models/nabiya.melodygen; "
               "melodygen train essen --save models/essen.melodygen (a collection: a folder, a "
               "glob, a tunebook of several tunes, essen, essen/kinder, ...; Ctrl-C, then the same "
               "command with --resume goes on from the last finished epoch); on every worker of a "
               "cluster (TF_CONFIG set): melodygen train essen --save /shared/essen.melodygen "
               "--distributed")
    parser.add_argument("song", help=SONG_HELP.replace(" (see --list)", "")
                        + ", or a collection (see melodygen corpus --help)")
    parser.add_argument("--model", default=DEFAULT_MODEL, metavar="MODEL",
                        help=f"the model to train: {', '.join(MODELS)} (default %(default)s, the "
                             "lecture's LSTM, which learns the whole song)")
    parser.add_argument("--save", type=Path, default=None, metavar="FILE",
                        help=f"where to save the model (default: models/SONG-MODEL{SUFFIX})")
    add_reading_options(parser)
    add_training_options(parser)
    parser.add_argument("--window", type=int, default=TrainConfig.window,
                        help="notes the model sees to predict the next one (default %(default)s)")
    parser.add_argument("--quiet", action="store_true",
                        help="no progress on stderr (warnings are still shown)")
    collection = parser.add_argument_group("a collection")
    collection.add_argument("--resume", action="store_true",
                            help="go on with the training towards --save that stopped")
    collection.add_argument("--distributed", action="store_true",
                            help="train with tf.distribute: on the cluster that TF_CONFIG "
                                 "describes (every worker runs this same command), else on "
                                 "this host's devices; the same batches and learning rate as "
                                 "without it; only the chief writes; a restarted worker goes "
                                 "on from the last epoch's checkpoint in FILE.distributed/ "
                                 "(see docs/distributed.md)")
    collection.add_argument("--units", type=int, default=None, help="LSTM units (default 128)")
    collection.add_argument("--validation", type=float, default=0.05,
                            help="share of the tunes held out for early stopping "
                                 "(default %(default)s)")
    return parser


def run(args: argparse.Namespace, parser: argparse.ArgumentParser, progress: Progress) -> int:
    from . import train_collection
    if args.tune is None and train_collection.is_collection(args.song):
        return train_collection.run(args, progress)
    if args.distributed:
        raise ConfigError(f"--distributed trains the corpus model of a collection; "
                          f"{args.song!r} is one song")
    from ..formats.files import prepare_folder
    from ..formats.songs import load_melody, song_name
    from ..learning.checkpoint import train_model
    from ..learning.experiment import prepare

    config = train_config(args, window=args.window)
    check_model(args.model)
    progress.stage(f"reading {args.song}", delay=1.0)
    melody = load_melody(args.song, args.quantize, args.tune)
    path = args.save or Path("models") / f"{song_name(args.song)}-{args.model}{SUFFIX}"
    if path.is_dir():
        raise MelodyError(f"is a folder; give a file name, e.g. {path / (args.model + SUFFIX)}",
                          source=str(path))
    prepare(melody, config.window)  # a melody too short or too long fails before TensorFlow loads
    prepare_folder(path.parent)  # a folder that cannot be written fails before training

    start_tensorflow(progress, song=True)
    bound = config.recipe == "fast"
    model = train_model(melody, args.model, config,
                        lambda *values: progress.epoch(args.model, *values, bound=bound),
                        training_stages(progress, [args.model]))
    progress.stage(f"saving {path}")
    model.save(path)
    progress.done()
    facts = model.checkpoint.training
    print(f"{melody.title}: {args.model} trained in {facts.epochs} epochs, "
          f"{facts.seconds:.2f} s; one-step {facts.one_step_right}/{facts.samples} right, "
          f"full song {facts.full_song_right}/{facts.samples} right")
    print(f"saved {path} ({path.stat().st_size / 1024:.0f} KiB); "
          f"new melodies: melodygen generate {path}")
    return 0

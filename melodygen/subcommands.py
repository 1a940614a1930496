"""``melodygen train`` and ``melodygen generate``: parse arguments, call the library, print.

``cli.main`` sends here a command line whose first word is ``train`` or ``generate``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .checkpoint import DEFAULT_MODEL, SUFFIX
from .cli import add_training_options
from .config import MODELS, TrainConfig
from .errors import MelodyError

PRIMER_HELP = """\
primer: the notes the model continues, in the song notation ("g8 e8 e4 f8"; bar lines | are
ignored), any number >= 1, each in the model's vocabulary (an unknown one is refused with the
vocabulary listed). Default: the training song's first WINDOW notes. A primer shorter than the
window is padded in front with copies of its first note (the pad is not written out). A stateful
model starts from a zero state and reads the primer's windows in order, carrying its state, as
the lecture's LSTM read the song; a model without state reads only the primer's last window.

choosing: greedy by default (the most likely note every time: from a stateful2 model and the
default primer this replays the song). --temperature, --top-k or --top-p switch to sampling,
applied in that order: temperature T reshapes the probabilities to p**(1/T) (T < 1 safer, T > 1
wilder, a temperature near 0 is greedy); top-k keeps the K most likely notes (1 is greedy);
top-p keeps the most likely notes whose probabilities add up to at least P. With only --top-k or
--top-p, the temperature is 1. The same --seed gives the same melodies (melody N is the same
whatever --count); without --seed a random one is drawn and printed.

output: OUT/generated-N.mid, .musicxml, .svg (the score) and .wav per melody (N from 1), each
ending on a bar line of the song's time signature (the last note lengthened, or a rest added;
without the primer, a melody starts where the primer ended in its measure), and OUT/summary.json:
the settings, the notes, and per melody its pitch range, pitch-class entropy, share of notes in
the song's scale and the longest phrase copied from the training song."""


def train_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="melodygen train",
        description="Train one of the lecture's models on a song and save it, with everything "
                    "`melodygen generate` needs (vocabulary, encoding, window, the song's notes, "
                    "time signature and tempo), in one file: a zip of model.keras and "
                    "melodygen.json. Any file name works; .melodygen is the convention.",
        epilog="Example: melodygen train nabiya --model stateful2 --save models/nabiya.melodygen")
    parser.add_argument("song", help="a bundled song name or a song file (.txt), MIDI (.mid) or "
                                     "score (.musicxml, .xml, .mxl, .abc)")
    parser.add_argument("--model", choices=list(MODELS), default=DEFAULT_MODEL,
                        help="the model to train (default %(default)s, the lecture's LSTM, which "
                             "learns the whole song)")
    parser.add_argument("--save", type=Path, default=None, metavar="FILE",
                        help=f"where to save the model (default: models/SONG-MODEL{SUFFIX})")
    add_training_options(parser)
    parser.add_argument("--window", type=int, default=TrainConfig.window,
                        help="notes the model sees to predict the next one (default %(default)s)")
    parser.add_argument("--quiet", action="store_true", help="no progress while training")
    return parser


def generate_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="melodygen generate",
        description="New melodies from a model saved by `melodygen train`: MIDI, MusicXML,\n"
                    "an engraved score and audio of each, summary.json with statistics, and a\n"
                    "table on the terminal.",
        epilog=PRIMER_HELP + "\n\nExample: melodygen generate models/nabiya.melodygen "
               "--primer \"g8 e8 e4 f8\" \\\n    --length 64 --temperature 0.9 --top-k 5 "
               "--count 4 --seed 7 --out out/gen/",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", type=Path, help="a model file saved by `melodygen train`")
    parser.add_argument("--primer", default=None, metavar="NOTES",
                        help="notes to continue, e.g. \"g8 e8 e4 f8\" (default: the song's "
                             "opening; see below)")
    parser.add_argument("--length", type=int, default=None, metavar="N",
                        help="notes to generate after the primer (default: as many as the song "
                             "has after its opening)")
    parser.add_argument("--temperature", type=float, default=None, metavar="T",
                        help="sample with this temperature, above 0 (default: greedy)")
    parser.add_argument("--top-k", type=int, default=None, metavar="K",
                        help="sample from the K most likely notes, K >= 1")
    parser.add_argument("--top-p", type=float, default=None, metavar="P",
                        help="sample from the most likely notes holding probability P, 0 < P <= 1")
    parser.add_argument("--count", type=int, default=1, metavar="N",
                        help="melodies to generate (default %(default)s)")
    parser.add_argument("--seed", type=int, default=None,
                        help="random seed of the sampling (default: a new one, printed)")
    parser.add_argument("--no-primer-in-output", dest="include_primer", action="store_false",
                        help="write only the generated notes, without the primer")
    parser.add_argument("--out", type=Path, default=None,
                        help="output folder (default: out/MODEL-generated/, MODEL the file's "
                             "name without its suffix)")
    parser.add_argument("--no-scores", action="store_true", help="no engraved scores (.svg)")
    parser.add_argument("--no-audio", action="store_true", help="no audio (.wav)")
    return parser


PARSERS = {"train": train_parser, "generate": generate_parser}


def run(command: str, args: argparse.Namespace) -> int:
    return {"train": run_train, "generate": run_generate}[command](args)


def run_train(args: argparse.Namespace) -> int:
    from .checkpoint import train_model
    from .files import prepare_folder
    from .songs import load_melody, song_name

    try:
        config = TrainConfig(epochs=args.epochs, seed=args.seed, recipe=args.recipe,
                             learning_rate=args.learning_rate, window=args.window)
    except ValueError as error:
        raise MelodyError(str(error)) from None
    melody = load_melody(args.song)
    path = args.save or Path("models") / f"{song_name(args.song)}-{args.model}{SUFFIX}"
    if path.is_dir():
        raise MelodyError(f"is a folder; give a file name, e.g. {path / (args.model + SUFFIX)}",
                          source=str(path))
    from .pipeline import prepare
    prepare(melody, config.window)  # a melody too short or too long fails before TensorFlow loads
    prepare_folder(path.parent)  # a folder that cannot be written fails before training

    from .cli import _progress_printer
    printer = None if args.quiet else _progress_printer()
    progress = (lambda *values: printer(args.model, *values)) if printer else None
    model = train_model(melody, args.model, config, progress)
    if printer:
        printer.done()
    model.save(path)
    facts, samples = model.checkpoint.training, model.checkpoint.training["samples"]
    print(f"{melody.title}: {args.model} trained in {facts['epochs']} epochs, "
          f"{facts['seconds']:.2f} s; one-step {facts['one_step_right']}/{samples} right, "
          f"full song {facts['full_song_right']}/{samples} right")
    print(f"saved {path} ({path.stat().st_size / 1024:.0f} KiB); "
          f"new melodies: melodygen generate {path}")
    return 0


def run_generate(args: argparse.Namespace) -> int:
    from . import generate
    from .checkpoint import load, read_checkpoint
    from .files import prepare_folder

    # Every check that needs no TensorFlow first: settings, model file, primer, output folder.
    error = generate.sampling_error(args.temperature, args.top_k, args.top_p)
    if error:
        raise MelodyError(error)
    checkpoint = read_checkpoint(args.model)
    config = generate.make_config(checkpoint, args.primer, args.length, args.temperature,
                                  args.top_k, args.top_p, args.count, args.seed,
                                  args.include_primer)
    folder = prepare_folder(args.out or Path("out") / f"{args.model.stem}-generated")

    model = load(args.model)
    notes = generate.continuations(model, config)
    summary = generate.write_generated(folder, model.checkpoint, config, notes, str(args.model),
                                       scores=not args.no_scores, audio=not args.no_audio)
    print(format_generated(summary, folder))
    if config.greedy and config.count > 1:
        print(f"note: greedy generation gives {config.count} identical melodies; sample with "
              "--temperature, --top-k or --top-p for different ones", file=sys.stderr)
    return 0


def format_generated(summary: dict, folder: Path) -> str:
    """The closing table: the song, then each melody's statistics."""
    song, settings, model = summary["song"], summary["settings"], summary["model"]
    header = ("melody", "notes", "range", "pc entropy", f"in {song['key']}", "longest copy")
    rows = [header, _stats_row("song", song["stats"])]
    rows += [_stats_row(Path(entry["midi"]).stem, entry["stats"]) for entry in summary["melodies"]]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    table = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w)
                       in enumerate(zip(row, widths))).rstrip() for row in rows]
    stems = [Path(entry["midi"]).stem for entry in summary["melodies"]]
    named = stems[0] if len(stems) == 1 else f"{stems[0]} ... {stems[-1]}"
    first = summary["melodies"][0]
    suffixes = ", ".join(Path(first[key]).suffix
                         for key in ("midi", "musicxml", "svg", "wav") if key in first)
    primer = "in the output" if settings["include_primer"] else "left out of the output"
    return "\n".join([
        f"{song['title']}, {model['name']} ({model['file']}): {settings['choosing']}",
        f"primer {settings['primer']} ({primer}), then {settings['length']} notes per melody",
        "", *table, "",
        f"files in {folder}/: {named} ({suffixes}), summary.json"])


def _stats_row(name: str, stats: dict) -> tuple[str, ...]:
    copy = stats.get("longest_copy")
    span = "-" if stats["lowest"] is None else \
        f"{stats['lowest']}-{stats['highest']} ({stats['range_semitones']})"
    return (name, str(stats["notes"]), span, f"{stats['pitch_class_entropy_bits']:.2f} bits",
            "-" if stats["in_scale"] is None else f"{stats['in_scale']:.0%}",
            "-" if copy is None else f"{copy['notes']} (song {copy['song_start']}-"
                                     f"{copy['song_start'] + copy['notes'] - 1})")

"""The command line: parse arguments, call the library, print. ``melodygen --help``."""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path

from .config import DEFAULT_MODELS, MODELS, RECIPES, TrainConfig
from .errors import MelodyError
from .midi import MelodyWarning

ALL = "all"
COMMANDS = ("train", "generate")  # a first argument of these runs subcommands.py, not a song


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="melodygen",
        description="Learn a melody with the lecture's MLP and LSTM models, then write what each "
                    "model plays back: MIDI, MusicXML, a loss plot and summary.json.",
        epilog="Example: melodygen nabiya --model all --seed 7. "
               "Also: melodygen train SONG --save FILE (train one model and save it), and "
               "melodygen generate FILE (new melodies from a saved model); see their --help. "
               "A song named train or generate is read as ./train or ./generate.")
    parser.add_argument("song", nargs="?",
                        help="a bundled song name (see --list) or a song file (.txt), "
                             "MIDI (.mid) or score (.musicxml, .xml, .mxl, .abc)")
    parser.add_argument("--list", action="store_true", help="list the bundled songs and exit")
    parser.add_argument("--model", nargs="+", default=list(DEFAULT_MODELS), metavar="MODEL",
                        help=f"models to train: {', '.join(MODELS)} or {ALL} "
                             f"(default: {' '.join(DEFAULT_MODELS)}, the lecture's comparison)")
    add_training_options(parser)
    parser.add_argument("--out", type=Path, default=None,
                        help="output folder (default: out/SONG/)")
    parser.add_argument("--quiet", action="store_true", help="no progress while training")
    parser.add_argument("--no-scores", action="store_true",
                        help="no engraved scores (.svg) and none in the report")
    parser.add_argument("--no-audio", action="store_true", help="no audio (.wav) and no players in the report")
    parser.add_argument("--no-report", action="store_true", help="no report.html")
    return parser


def entry_point() -> None:
    """``melodygen`` and ``python -m melodygen``: run ``main`` and exit with its status.

    After a run that loaded TensorFlow, the process ends at once (output flushed, every file
    already written and synced): TensorFlow's own teardown would add about a second and has
    nothing of ours to save."""
    try:
        status = main()
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        status = 1
    if "tensorflow" in sys.modules:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    sys.exit(status)


def add_training_options(parser: argparse.ArgumentParser) -> None:
    """--epochs, --recipe, --learning-rate, --seed: how to train (``TrainConfig``)."""
    parser.add_argument("--epochs", type=int, default=TrainConfig.epochs,
                        help="fast recipe: most epochs before giving up; lecture recipe: epochs "
                             "(default %(default)s)")
    parser.add_argument("--recipe", choices=RECIPES, default=TrainConfig.recipe,
                        help="fast: compiled full-song steps that stop once the song is learnt; "
                             "lecture: the lecture's schedule, every epoch (default %(default)s)")
    parser.add_argument("--learning-rate", type=float, default=None,
                        help="Adam learning rate (default: fast 0.02, lecture 0.001)")
    parser.add_argument("--seed", type=int, default=TrainConfig.seed,
                        help="random seed: the same seed gives the same notes and files "
                             "(default %(default)s)")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    command = argv[0] if argv and argv[0] in COMMANDS else None  # melodygen train/generate ...
    if command:
        from . import subcommands
        args = subcommands.PARSERS[command]().parse_args(argv[1:])
    else:
        args = _parser().parse_args(argv)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # libraries' own warnings are not the user's business
        warnings.simplefilter("always", MelodyWarning)
        warnings.showwarning = _show_warning
        try:
            if command:
                return subcommands.run(command, args)
            if args.list:
                return _list_songs()
            if not args.song:
                _parser().error("give a song name or file, or --list")
            return _run(args)
        except MelodyError as error:
            print(error, file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print("melodygen: interrupted", file=sys.stderr)
            return 130


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    print(f"warning: {message}", file=sys.stderr)


def _list_songs() -> int:
    from .songs import bundled_songs, load_song

    rows = []
    for name in bundled_songs():
        melody = load_song(name)
        beats, unit = melody.time_signature
        rows.append((name, melody.title, f"{len(melody)} notes", f"{beats}/{unit}", f"{melody.tempo:g} bpm"))
    widths = [max(_width(row[i]) for row in rows) for i in range(5)] if rows else []
    for row in rows:
        print("  ".join(cell + " " * (width - _width(cell)) for cell, width in zip(row, widths)).rstrip())
    return 0


def _width(text: str) -> int:
    """Columns ``text`` takes on a terminal: Hangul and other wide characters take two."""
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _model_names(chosen: list[str]) -> list[str]:
    if ALL in chosen:
        return list(MODELS)
    unknown = [name for name in chosen if name not in MODELS]
    if unknown:
        raise MelodyError(f"unknown model {unknown[0]!r}; known: {', '.join(MODELS)} or {ALL}")
    return list(dict.fromkeys(chosen))


def _run(args: argparse.Namespace) -> int:
    from .files import prepare_folder
    from .songs import load_melody, song_name

    try:
        config = TrainConfig(epochs=args.epochs, seed=args.seed, recipe=args.recipe,
                             learning_rate=args.learning_rate)
    except ValueError as error:
        raise MelodyError(str(error)) from None
    names = _model_names(args.model)
    melody = load_melody(args.song)
    from .pipeline import prepare
    prepare(melody, config.window)  # a melody too short fails here, before TensorFlow loads
    folder = prepare_folder(args.out or Path("out") / song_name(args.song))

    from .outputs import write_outputs
    from .pipeline import run_song

    progress = None if args.quiet else _progress_printer()
    run = run_song(melody, names, config, progress)
    if progress:
        progress.done()
    summary = write_outputs(run, folder, scores=not args.no_scores, audio=not args.no_audio,
                            report=not args.no_report)
    print(format_table(summary, folder))
    return 0


class _progress_printer:
    """Training progress on stderr: one updating line on a terminal, a line per model otherwise."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.shown = ""

    def __call__(self, model: str, epoch: int, epochs: int, loss: float, accuracy: float) -> None:
        line = f"training {model:<10} epoch {epoch:>5}/{epochs}  loss {loss:.4f}  accuracy {accuracy:6.1%}"
        if self.tty:
            print("\r" + line, end="", file=sys.stderr, flush=True)
        elif model != self.shown:
            print(f"training {model} ...", file=sys.stderr, flush=True)
        self.shown = model

    def done(self) -> None:
        if self.tty and self.shown:
            print(file=sys.stderr)


def format_table(summary: dict, folder: Path) -> str:
    """The closing table: per model, one-step accuracy, full song right, first wrong note."""
    song = summary["song"]
    samples, ceiling = summary["samples"], summary["window_ceiling"]
    header = ("model", "one-step right", "full song right", "first wrong", "epochs", "train s")
    rows = [header]
    for name, model in summary["models"].items():
        first = model["first_wrong_full_song"]
        rows.append((name, f"{model['one_step_right']}/{samples} ({model['accuracy']:.0%})",
                     f"{model['full_song_right']}/{samples}",
                     f"note {first}" if first else "none",
                     str(model["epochs"]), f"{model['training_seconds']:.2f}"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    table = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w)
                       in enumerate(zip(row, widths))) for row in rows]
    suffixes = ", ".join(Path(summary["original"][key]).suffix
                         for key in ("midi", "musicxml", "svg", "wav") if key in summary["original"])
    report = [f"report: {folder / summary['report']}"] if "report" in summary else []
    return "\n".join([
        f"{song['title']}: {song['notes']} notes, window {summary['window']}, {samples} predictions "
        f"per model; without state at most {ceiling} can be right",
        "", *table, "",
        f"files in {folder}/: original, MODEL-one-step and MODEL-full-song ({suffixes}), "
        f"{summary['loss_plot']}, summary.json", *report])

"""``melodygen SONG``: the lecture's experiment on one song, every model, every file; and
``melodygen --list``."""

from __future__ import annotations

import argparse
import ctypes
import queue
import textwrap
import threading
from pathlib import Path

from ..core.errors import ConfigError
from ..core.versions import VERSION
from ..learning.song.config import DEFAULT_MODELS, MODELS
from ..presentation.language import LANGUAGES
from .common import SONG_HELP, add_reading_options, add_training_options, check_model, \
    check_window, start_tensorflow, table, text_width, train_config, training_stages
from .progress import Progress

ALL = "all"


def build_parser(commands: dict) -> argparse.ArgumentParser:
    """The main command's parser; ``commands``: the other commands' {name: (usage, help)}."""
    parser = argparse.ArgumentParser(
        prog="melodygen",
        description="Learn a melody with the lecture's MLP and LSTM models, then write what each "
                    "model plays back: MIDI, MusicXML, a loss plot and summary.json.",
        epilog="Example: melodygen nabiya --model all (the six models: the lesson is the "
               "context a model sees, not the kind of network). Also: "
               + "; ".join(f"melodygen {usage} ({what})" for usage, what in commands.values())
               + "; see their --help. "
               f"A song named {_either(list(commands))} is read as "
               f"{_either(['./' + name for name in commands])}.")
    parser.add_argument("song", nargs="?", help=SONG_HELP)
    parser.add_argument("--version", action="version", version=f"melodygen {VERSION}")
    parser.add_argument("--list", action="store_true", help="list the bundled songs and exit")
    parser.add_argument("--model", nargs="+", default=list(DEFAULT_MODELS), metavar="MODEL",
                        help=f"models to train: {', '.join(MODELS)} or {ALL} "
                             f"(default: {' '.join(DEFAULT_MODELS)}, the lecture's comparison)")
    add_reading_options(parser)
    add_training_options(parser)
    parser.add_argument("--out", type=Path, default=None,
                        help="output folder (default: out/SONG/); a rerun removes the files of "
                             "the run before that it does not write again, and no other file")
    parser.add_argument("--quiet", action="store_true",
                        help="no progress on stderr (warnings are still shown)")
    parser.add_argument("--no-scores", action="store_true",
                        help="no engraved scores (.svg) and none in the report")
    parser.add_argument("--no-audio", action="store_true", help="no audio (.wav) and no players in the report")
    parser.add_argument("--no-report", action="store_true", help="no report.html")
    parser.add_argument("--lang", choices=LANGUAGES, default="en",
                        help="the language of report.html and of this summary: en (default) "
                             "or ko (Korean, the lecture's)")
    parser.add_argument("--figures", action="store_true",
                        help="also pictures for slides, SVG and PNG: the loss plot, the note "
                             "grid, the window, the ambiguous contexts, the surprise, every "
                             "score (PNG needs rsvg-convert)")
    parser.add_argument("--per-note", type=Path, default=None, metavar="FILE.csv",
                        help="write every note's surprise under every model as CSV with "
                             "IDyOM's columns (information content and entropy in bits)")
    return parser


def _either(words: list[str]) -> str:
    return ", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else words[0]


def run(args: argparse.Namespace, parser: argparse.ArgumentParser, progress: Progress) -> int:
    if args.list:
        return list_songs()
    if not args.song:
        swallowed = [word for word in args.model if word not in MODELS and word != ALL
                     and _names_a_song(word)]
        if swallowed:
            models = " ".join(word for word in args.model if word not in swallowed)
            raise ConfigError(
                f"--model took {swallowed[0]!r} for a model name, and no song is left: put the "
                f"song first (melodygen {swallowed[0]} --model {models or 'mlp'}) or end the "
                f"models with -- (melodygen --model {models or 'mlp'} -- {swallowed[0]})")
        parser.error("give a song name or file, or --list")
    from ..formats.files import prepare_folder
    from ..formats.songs import load_melody, song_name
    from ..learning.song.experiment import prepare

    config = train_config(args)
    names = model_names(args.model)
    progress.stage(f"reading {args.song}", delay=1.0)
    melody = load_melody(args.song, args.quantize, args.tune)
    check_window(melody, config.window)
    prepare(melody, config.window, names)  # a melody too long fails here, before TensorFlow
    folder = prepare_folder(args.out or Path("out") / song_name(args.song))
    if args.per_note is not None:
        check_output_file(args.per_note, ".csv")

    from ..presentation.run_files import RunWriter

    if args.figures:
        from ..presentation.figures import rasterizer
        rasterizer()  # PNG needs rsvg-convert: said before any training
    start_tensorflow(progress, song=True)
    writer = RunWriter(folder, names, scores=not args.no_scores, audio=not args.no_audio,
                       report=not args.no_report, figures=args.figures, lang=args.lang)
    run = train_while_writing(melody, names, config, writer, progress)
    progress.stage(f"writing the files in {folder}")
    writer.progress = progress.step
    summary = writer.finish(run)
    if args.per_note is not None:
        from ..formats.files import write_atomic
        from ..presentation.surprise import per_note_csv
        write_atomic(args.per_note, per_note_csv(summary.surprise))
    progress.done()
    print(format_table(summary, folder, args.lang))
    if args.per_note is not None:
        from ..presentation.language import say
        print(say("per note line", args.lang, path=args.per_note, rows=len(summary.surprise)))
    return 0


def check_output_file(path: Path, suffix: str) -> Path:
    """A file to write: not a folder, ending in ``suffix``, its folder made (a ``ConfigError``
    otherwise, before any work)."""
    if path.suffix.lower() != suffix:
        raise ConfigError(f"--per-note: {path} must end in {suffix}")
    if path.is_dir():
        raise ConfigError(f"--per-note: {path} is a folder")
    from ..formats.files import prepare_folder
    prepare_folder(path.parent if str(path.parent) else Path("."))
    return path


def train_while_writing(melody, names: list[str], config, writer, progress: Progress):
    """Train the models in a helper thread while this thread makes the files of what is ready:
    the song's at once, each model's while the next one trains (TensorFlow runs a training
    step without holding Python's lock, so the two share the machine's cores). ``writer``
    holds them until ``writer.finish``, which also makes the last model's. Returns the
    ``SongRun``.

    An error of the training is raised here. Ctrl-C reaches this thread, the main one: nothing
    is written yet, and the training is stopped at its next report, before it says anything
    more."""
    from ..learning.song.experiment import SongRun, run_song

    finished: queue.SimpleQueue = queue.SimpleQueue()  # (run, model) a model, then the run or an error
    stop = threading.Event()
    stages = training_stages(progress, names)

    def unless_stopped(report):
        def checked(*args) -> None:
            if stop.is_set():
                raise _Stopped
            report(*args)
        return checked

    def train() -> None:
        try:
            finished.put(run_song(melody, names, config, unless_stopped(progress.epoch),
                                  unless_stopped(stages),
                                  unless_stopped(lambda run, model: finished.put((run, model)))))
        except BaseException as error:  # noqa: BLE001 - raised again in the main thread
            finished.put(error)

    _share_malloc_arenas()
    trainer = threading.Thread(target=train, name="melodygen-training", daemon=True)
    trainer.start()
    try:
        writer.song(melody)
        written = 0
        while True:
            try:
                item = finished.get(timeout=0.1)  # a short wait, so that Ctrl-C is heard at once
            except queue.Empty:
                continue
            if isinstance(item, BaseException):
                raise item
            if isinstance(item, SongRun):
                return item
            if written < len(names) - 1:  # the last one's files come under "writing the files"
                writer.model(*item)
                written += 1
    except BaseException:
        stop.set()
        trainer.join(STOP_SECONDS)
        raise


def _share_malloc_arenas() -> None:
    """Let a new thread allocate from the malloc arenas that exist (glibc's M_ARENA_MAX): an
    arena of its own for the training thread added 7 to 10 MiB to a run's peak memory
    (benchmarks/bench_nabiya.py --baseline). Elsewhere than glibc, nothing."""
    try:
        libc = ctypes.CDLL(None)
        libc.mallopt(M_ARENA_MAX, 1)
    except (OSError, AttributeError):
        pass


M_ARENA_MAX = -8  # glibc's malloc.h


class _Stopped(Exception):
    """The training thread's way out once the main thread has stopped the run."""


STOP_SECONDS = 5.0  # the longest a stopped run waits for its training thread to end


def _names_a_song(word: str) -> bool:
    """Whether ``word`` names a bundled song or a song file (a word --model may swallow)."""
    from ..formats.songs import bundled_songs

    return word in bundled_songs() or Path(word).exists() or "." in word or "/" in word


def list_songs() -> int:
    from ..formats.songs import bundled_songs, load_song

    rows = []
    for name in bundled_songs():
        melody = load_song(name)
        beats, unit = melody.time_signature
        rows.append((name, melody.title, f"{len(melody)} notes", f"{beats}/{unit}", f"{melody.tempo:g} bpm"))
    widths = [max(text_width(row[i]) for row in rows) for i in range(5)] if rows else []
    for row in rows:
        print("  ".join(cell + " " * (width - text_width(cell))
                        for cell, width in zip(row, widths)).rstrip())
    return 0


def model_names(chosen: list[str]) -> list[str]:
    """--model's words -> preset names, ``all`` for every one; an unknown one is refused (with
    the closest name)."""
    for name in chosen:
        check_model(name, (ALL,))
    if ALL in chosen:
        return list(MODELS)
    return list(dict.fromkeys(chosen))


def format_table(summary, folder: Path, lang: str = "en") -> str:
    """The closing table: per model, one-step accuracy, full song right, first wrong note; then
    the verdict and the files; in ``lang`` ("en", "ko")."""
    from ..presentation.language import say, words
    from ..presentation.verdict import verdict

    samples = summary.samples
    rows = [tuple(words("terminal header", lang))]
    for name, model in summary.models.items():
        first = model.first_wrong_full_song
        rows.append((name, f"{model.one_step_right}/{samples} ({model.accuracy_one_step:.0%})",
                     f"{model.full_song_right}/{samples}",
                     say("note n", lang, n=first) if first else say("none", lang),
                     str(model.epochs), f"{round(model.training_seconds, 3):.2f}"))
    suffixes = ", ".join(Path(name).suffix for name in summary.original.files().values())
    report = [say("report line", lang, path=folder / summary.report)] if summary.report else []
    removed = [say("removed", lang, n=len(summary.removed))] if summary.removed else []
    found = verdict(summary, lang)
    width = 100 if lang == "en" else 50  # a Hangul character takes two columns
    said = textwrap.wrap(found.headline, width) + (textwrap.wrap(found.lesson, width)
                                                   if found.lesson else [])
    return "\n".join([
        say("summary line", lang, song=summary.melody.title, notes=len(summary.melody),
            window=summary.window, samples=samples, ceiling=summary.window_ceiling),
        "", *table(rows), "", *said, "",
        say("files line", lang, folder=folder, suffixes=suffixes, plot=summary.loss_plot),
        *removed, *report])

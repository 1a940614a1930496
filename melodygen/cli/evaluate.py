"""``melodygen evaluate SOURCE``: bits per note on songs the models have not seen, by k-fold
cross-validation, in one task; PPM, IDyOM's viewpoint systems and the collection networks on the
same folds; a table that says what each model sees, evaluation.json, report.html and, with
``--per-note``, the surprise of every note as CSV."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from .common import start_tensorflow, table
from .corpus import read
from .progress import Progress

USAGE = "evaluate SOURCE"
HELP = "bits per note on unseen songs: PPM and the collection networks, cross-validated"


def build_parser() -> argparse.ArgumentParser:
    from ..evaluation.models import TASK_MODELS
    from ..learning.collection.events import TASKS

    parser = argparse.ArgumentParser(
        prog="melodygen evaluate",
        description="How well models predict songs they have not seen: the cross-entropy in bits "
                    "per note, by k-fold cross-validation over the songs of a collection, every "
                    "model on the same seeded folds (Pearce 2005; IDyOM). Prints a table, writes "
                    "OUT/evaluation.json and OUT/report.html.",
        epilog="Models: PPM as ppm-PART-EOF, PART ltm (learnt from the training songs), ltm+ "
               "(and each test song as it reads it), stm (each test song alone), both, both+ "
               "(combined); E the escape c or x; O the order bound or * (unbounded, quote it in "
               "a shell); F i interpolated, u update exclusion; short: ppm-c2i, 'ppm-c*i', "
               "ppm-ltm+, ppm-stm, ppm-both+. The collection networks: lstm, transformer "
               "(trained on the training songs), lstm+, transformer+ (also learning each test "
               "song as it reads it), lstm+stm, transformer+stm (the + model combined with PPM's "
               "short-term model as BOTH+ combines: IDyOM's BOTH+ with the network as its "
               "long-term model); with --pretrain: pretrained, pretrained+, pretrained+stm (the "
               "LSTM), pretrained-transformer, pretrained-transformer+, ... (first trained on "
               "that collection, every tune with the same pitches as a tune of SOURCE left "
               "out). IDyOM's multiple-viewpoint systems (--task pitch-rhythm-key): "
               "mvs-SYSTEM (BOTH+) or mvs-SYSTEM-PART, SYSTEM cpitch, conklin-witten, pearce, "
               "pearce-extended or selected (docs/viewpoints.md). "
               "Examples: melodygen evaluate essen/kinder --folds 10 --pretrain essen "
               "--models ppm-c2i 'ppm-c*i' ppm-ltm+ ppm-both+ lstm lstm+ pretrained pretrained+; "
               "melodygen evaluate chorales --task pitch-rhythm-key --per-note notes.csv")
    parser.add_argument("source", help="a collection: a folder, a tunebook, essen/kinder, essen, "
                                       "... (see melodygen corpus --help)")
    parser.add_argument("--folds", type=int, default=10, help="folds (default %(default)s)")
    parser.add_argument("--task", choices=list(TASKS), default="note",
                        help="what every model predicts: " + "; ".join(
                            f"{name}: {task.what}" for name, task in TASKS.items())
                        + " (default %(default)s)")
    parser.add_argument("--models", nargs="+", default=None, metavar="MODEL",
                        help="models to compare (default, by task: " + "; ".join(
                            f"{task}: {' '.join(names)}" for task, names in TASK_MODELS.items())
                        + ")")
    parser.add_argument("--pretrain", default=None, metavar="SOURCE",
                        help="a collection the pretrained models learn first, e.g. essen")
    parser.add_argument("--seed", type=int, default=0,
                        help="folds, weights and batches (default %(default)s)")
    parser.add_argument("--epochs", type=int, default=None,
                        help="most epochs of a network's training (default 100; it stops early)")
    parser.add_argument("--units", type=int, default=None,
                        help="the LSTM's units and the Transformer's width (default 128 and 64)")
    parser.add_argument("--json", type=Path, default=None, metavar="FILE",
                        help="the results as JSON (default: OUT/evaluation.json)")
    parser.add_argument("--out", type=Path, default=None,
                        help="output folder (default: out/evaluate-SOURCE/)")
    parser.add_argument("--per-note", type=Path, default=None, metavar="FILE",
                        help="the surprise of every note of every test song under every model "
                             "as CSV with IDyOM's columns (information content, entropy, "
                             "probability of the pitch; the model, the task, the fold)")
    parser.add_argument("--no-report", action="store_true", help="no report.html")
    parser.add_argument("--no-cache", action="store_true", help="read the collection afresh")
    parser.add_argument("--quiet", action="store_true", help="no progress")
    return parser


def run(args: argparse.Namespace, parser: argparse.ArgumentParser, progress: Progress) -> int:
    from ..core.errors import MelodyError
    from ..evaluation.cross_validation import FOLD_VALIDATION, NetworkSettings, evaluate, \
        models_named
    from ..formats.files import prepare_folder, write_atomic
    from ..learning.collection.config import FAMILY_DEFAULTS, model_config, train_config

    names = models_named(args.models, args.pretrain is not None, args.task)
    # each family's defaults, with what was given for every family
    networks = tuple(model_config(family, units=args.units) for family in FAMILY_DEFAULTS)
    train = {family: train_config(family, seed=args.seed, validation=FOLD_VALIDATION,
                                  max_epochs=args.epochs) for family in FAMILY_DEFAULTS}
    # every output checked before the work: a folder that cannot be written fails now
    if args.json is not None and args.json.is_dir():
        raise MelodyError("is a folder; give a file name for the JSON results", source=str(args.json))
    folder = prepare_folder(args.out or Path("out") / f"evaluate-{args.source.replace('/', '-')}")
    json_file = args.json or folder / "evaluation.json"
    prepare_folder(json_file.parent)
    if args.per_note is not None:
        if args.per_note.is_dir():
            raise MelodyError("is a folder; give a file name for the per-note CSV",
                              source=str(args.per_note))
        prepare_folder(args.per_note.parent)

    collection = read(args.source, progress, use_cache=not args.no_cache)
    pretrain = read(args.pretrain, progress, use_cache=not args.no_cache) if args.pretrain else None
    if any(not name.startswith("ppm") for name in names):
        start_tensorflow(progress)
    shown = _Shown(progress)
    result = evaluate(collection, names, args.folds, args.seed, task=args.task, pretrain=pretrain,
                      settings=NetworkSettings(networks, train), progress=shown,
                      epoch_progress=shown.epoch)
    progress.done()
    print(format_table(result))  # the results first: a file that fails after hours loses none
    write_atomic(json_file,
                 (json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n").encode())
    written = [json_file]
    if args.per_note is not None:
        from ..evaluation.per_note import evaluation_rows, per_note_csv
        write_atomic(args.per_note, per_note_csv(evaluation_rows(result)))
        written.append(args.per_note)
    if not args.no_report:
        from ..presentation.evaluation_report import write_evaluation_report
        written.append(write_evaluation_report(result, folder))
    print("files: " + ", ".join(map(str, written)))
    return 0


class _Shown:
    """The evaluation's progress as stages: the fold and model, and during a network's training
    its epoch and validation bits, with the time left of the whole evaluation."""

    def __init__(self, progress: Progress) -> None:
        self.progress, self.start, self.share, self.what = progress, time.perf_counter(), 0.0, ""

    def __call__(self, what: str, share: float) -> None:
        self.what, self.share = what, share
        self.progress.stage(f"evaluating: {what}")
        if 0.02 < share < 1:
            elapsed = time.perf_counter() - self.start
            self.progress.report(f"{share:.0%} done", left=elapsed / share * (1 - share),
                                 bound=False)

    def epoch(self, report) -> None:
        """An ``EpochReport`` of a network's training."""
        self.progress.report(f"epoch {report.epoch} (at most {report.epochs}), validation "
                             f"{report.validation:.3f} bits per note",
                             left=report.seconds / report.epoch * (report.epochs - report.epoch))


def format_table(result) -> str:
    from ..presentation.evaluation_report import verdict

    data, published, task = result.data, result.published(), result.task
    length = task.predicts_length
    rows = [("model", "bits/pitch", "published") + (("bits/note",) if length else ())
            + ("pitch right", "seconds")]
    for model in result.models.values():
        label, value = published.get(model.name, ("", None))
        rows.append((model.name, f"{model.bits_pitch:.3f}",
                     "" if value is None else f"{value:.3f} {label}")
                    + ((f"{model.bits_note:.3f}",) if length else ())
                    + (f"{model.accuracy_pitch:.1%}", f"{model.seconds:.1f}"))
    sees: dict[tuple, list[str]] = {}  # what a model sees -> the models that see it
    for model in result.models.values():
        sees.setdefault(tuple(model.inputs), []).append(model.name)
    return "\n".join([
        f"{result.source}: {data.songs:,} songs, {data.note_count:,} notes, {len(data.pitches)} "
        f"pitches; {len(result.folds)} folds (seed {result.seed}), {result.seconds:.0f} s",
        f"task {task.name}: {task.what}", "", *table(rows, strip=True), "",
        "what each model sees:",
        *(f"  {', '.join(names)}: {', '.join(inputs)}" for inputs, names in sees.items()),
        "", verdict(result)])

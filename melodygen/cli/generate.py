"""``melodygen generate MODEL``: new melodies from a saved model, their files and statistics."""

from __future__ import annotations

import argparse
import sys
from fractions import Fraction
from pathlib import Path

from ..core.errors import ConfigError
from ..core.note import beat
from ..formats.notation import note_label
from .common import start_tensorflow, table
from .progress import Progress

USAGE = "generate FILE"
HELP = "new melodies from a saved model"

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

length: a model of one song writes --length notes after the primer (default: as many as its song
has after its opening), then ends the melody on a bar line of the song's time signature (the
last note lengthened, or a rest added; without the primer, a melody starts where the primer
ended in its bar). With --bars (a model of a collection: 16 by default) a melody is that many
whole bars: no note crosses a bar line, and with --end tonic (a collection's default) it ends on
the key's tonic held to the end of the last bar.

form (a model of a collection): a tune is parts of --part-bars bars, each ending on a long note
on a stable degree (the last part on the tonic); a part starts with a pickup as the collection's
tunes do; a part whose letter came before is that part again; each tune repeats its bars as a
tune of the collection does (--no-motifs: as the model writes them). --bars alone keeps the
collection's form when its parts divide the bars, else writes one part.

output: per melody OUT/generated-N (a model of one song) or OUT/tune-N (of a collection): .mid
and .wav (repeats played out), .musicxml, .svg (the score) and .abc (with their repeat signs and
parts); OUT/tunes.abc (every tune in one tunebook); OUT/gallery.html (every score, a player, the
statistics and the style measure on one page, style.png) and OUT/summary.json: the model, the
settings, the notes, the form, and per melody its range, pitch-class entropy, share of notes in
the key, the longest run of new notes copied from a melody the model learnt (in any key), whole
bars, the ending and the model's bits per note; and how alike the tunes' style is to the
collection's (melodygen compare)."""


def build_parser() -> argparse.ArgumentParser:
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
                        help="notes to generate after the primer (a model of one song's default: "
                             "as many as the song has after its opening)")
    parser.add_argument("--bars", type=int, default=None,
                        help="whole bars per melody instead (a collection model's default 16)")
    parser.add_argument("--tempo", type=float, default=None,
                        help="quarter notes per minute (default: the song's, or the "
                             "collection's median)")
    parser.add_argument("--end", choices=("tonic", "free"), default=None,
                        help="tonic: the last note is the key's tonic, held to the end of the "
                             "last bar (default for a model of a collection); free: any note "
                             "(default for a model of one song)")
    parser.add_argument("--primer-file", type=Path, default=None, metavar="FILE",
                        help="start every melody with the notes of this file (MIDI, MusicXML, "
                             "ABC, a song .txt)")
    parser.add_argument("--temperature", type=float, default=None, metavar="T",
                        help="sample with this temperature, above 0 (default: greedy for a "
                             "model of one song, 1 for a model of a collection)")
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
    parser.add_argument("--quiet", action="store_true",
                        help="no progress on stderr (warnings are still shown)")
    tunes = parser.add_argument_group(
        "a model of a collection (melodygen train SOURCE): new tunes in its style")
    tunes.add_argument("--key", default=None,
                       help="the key: G, D minor, F#m, Bb, Dmix (default: the collection's most "
                            "common)")
    tunes.add_argument("--meter", default=None,
                       help="the time signature, e.g. 3/4 (default: the collection's most common)")
    tunes.add_argument("--form", default=None, metavar="LETTERS",
                       help="the parts as played: AABB, AB, AABA, ABAC, ... (two equal letters "
                            "in a row: one part between repeat signs); collection: each tune a "
                            "form drawn from the collection's; none: no parts (default: the "
                            "collection's most common form, from its repeat signs and parts)")
    tunes.add_argument("--part-bars", type=int, default=None, metavar="N",
                       help="bars of each part (default: the collection's, e.g. 8)")
    tunes.add_argument("--no-motifs", dest="motifs", action="store_false", default=None,
                       help="bars repeat only as the model writes them (default: each tune "
                            "repeats its bars as a tune of the collection does)")
    return parser


def run(args: argparse.Namespace, parser: argparse.ArgumentParser, progress: Progress) -> int:
    from ..formats.files import check_regular, prepare_folder
    from ..generation.config import make_config
    from ..generation.sampling import sampling_error
    from ..learning.kinds import read

    # Every check that needs no TensorFlow first: settings, model file, primer, output folder.
    error = sampling_error(args.temperature, args.top_k, args.top_p)
    if error:  # whatever the model file
        raise ConfigError(error)
    check_regular(args.model)  # a named pipe would wait for a writer
    model = read(args.model)
    primer = args.primer
    if args.primer_file is not None:
        if primer is not None:
            raise ConfigError("give --primer or --primer-file, not both")
        from ..formats.songs import load_melody
        primer = load_melody(args.primer_file).notes
    config = make_config(model, primer=primer, length=args.length, bars=args.bars, key=args.key,
                         meter=args.meter, tempo=args.tempo,
                         end_on_tonic=None if args.end is None else args.end == "tonic",
                         temperature=args.temperature, top_k=args.top_k, top_p=args.top_p,
                         count=args.count, seed=args.seed, include_primer=args.include_primer,
                         form=args.form, part_bars=args.part_bars, motifs=args.motifs)
    folder = prepare_folder(args.out or Path("out") / f"{args.model.stem}-generated")

    start_tensorflow(progress)
    from ..generation.api import load
    from ..generation.loop import generate
    from ..presentation.gallery import melodies_stats, write_generated

    progress.stage(f"loading {args.model}")
    model = load(args.model)
    what = "melody" if config.count == 1 else "melodies"
    progress.stage(f"generating {config.count} {what}")
    made = generate(model, config, lambda number, count, share: progress.report(
        f"{number}/{count}, {share:.0%}" if count > 1 else f"{share:.0%}"))
    progress.stage(f"comparing them with the {len(model.reference):,} melodies the model learnt")
    stats = melodies_stats(model, config, made)
    progress.stage(f"writing the files in {folder}")
    summary = write_generated(folder, model, config, made, stats, str(args.model),
                              scores=not args.no_scores, audio=not args.no_audio,
                              progress=progress.step)
    progress.done()
    print(format_generated(summary, folder))
    if config.greedy and config.count > 1:
        print(f"note: greedy generation gives {config.count} identical melodies; sample with "
              "--temperature, --top-k or --top-p for different ones", file=sys.stderr)
    return 0


BEATS = {Fraction(3, 2): "dotted quarter", Fraction(1): "quarter", Fraction(2): "half",
         Fraction(1, 2): "eighth", Fraction(3): "dotted half", Fraction(4): "whole"}


def tempo_words(tempo: float, meter: tuple[int, int]) -> str:
    """'a dotted quarter of 110' in 6/8 at 165 quarter notes a minute, 'a quarter of 120'."""
    unit = beat(meter)
    return f"a {BEATS.get(unit, 'quarter')} of {tempo / float(unit if unit in BEATS else 1):g}"


def format_generated(summary, folder: Path) -> str:
    """What was made: the model and the settings, each melody's statistics, the files."""
    from ..presentation.gallery import GALLERY, stats_rows
    from ..presentation.style_view import style_rows

    config = summary.config
    beats, unit = config.time_signature
    size = f"{config.bars} bars" if config.bars else f"{config.length} notes"
    melodies = "melody" if config.count == 1 else "melodies"
    model = summary.model
    form = "" if config.form is None else ", forms drawn from the collection's" \
        if config.part_bars is None else f", form {config.form} (parts of {config.part_bars} bars)"
    tempo = "" if model.form is None else \
        f", {tempo_words(config.tempo, config.time_signature)}"  # a collection's: its dance's
    lines = [f"{model.learnt_from}, {model.name} ({summary.model_file}): {config.count} "
             f"{melodies} of {size} of {beats}/{unit} in {config.key}{form}{tempo}, "
             f"{config.describe()}"]
    if config.primer:
        kept = "in the output" if config.include_primer else "left out of the output"
        tokens = " ".join(note_label(note, config.key) for note in config.primer)
        after = f", then {config.length} notes per melody" if config.length else ""
        lines.append(f"primer {tokens} ({kept}){after}")
    stems = [melody.stem for melody in summary.melodies]
    named = stems[0] if len(stems) == 1 else f"{stems[0]} ... {stems[-1]}"
    suffixes = ", ".join(Path(name).suffix for name in summary.melodies[0].files.files().values())
    lines += ["", *table(stats_rows(summary), strip=True)]
    if summary.style is not None:
        style = summary.style
        lines += ["", f"style: overlap with {style.reference} tunes the model learnt (1: as "
                      f"alike as two of them), beside {style.real} other real tunes'",
                  *table(style_rows(style), strip=True)]
    extra = "".join(f", {name}" for name in (summary.tunebook, summary.style_plot) if name)
    lines += ["", f"files in {folder}/: {named} ({suffixes}){extra}, {GALLERY}, summary.json"]
    if summary.removed:
        lines.append(f"removed {len(summary.removed)} files of the run before that this one did "
                     "not write again")
    return "\n".join(lines)

"""The files of a generation run, for a model of either kind: every new melody's MIDI,
MusicXML, ABC, engraved score (SVG) and WAV; ``summary.json`` (the model, the settings, every
melody's notes and statistics) and ``gallery.html``: every melody's score, a player and its
statistics on one page, which opens offline from the folder (scores inlined, the players play
the WAVs beside it, no script).
"""

from __future__ import annotations

import html
from pathlib import Path
from urllib.parse import quote

from ..core.note import pitch_name
from ..core.versions import versions
from ..formats.abc import abc_text
from ..generation.config import GenerateConfig
from ..generation.loop import Generated
from ..generation.stats import CopyIndex, MelodyStats, melody_stats
from ..learning.interface import MelodyModel
from ..learning.modelfile import SONG
from .folder import RunFolder
from .run_files import write_melody, write_summary
from .summary import GeneratedMelody, GenerationSummary

GALLERY = "gallery.html"
STEMS = {"song": "generated", "collection": "tune"}  # a kind of model -> its melodies' file names

STYLE = """
body { font-family: "DejaVu Sans", "NanumGothic", sans-serif; color: #1a1a1a; max-width: 1100px;
       margin: 1.5em auto; padding: 0 1em; line-height: 1.45; }
h1 { font-size: 1.6em; } h2 { margin-top: 1.6em; border-bottom: 2px solid #ccc; }
.facts, .files { color: #555; }
.wide { overflow-x: auto; }
table { border-collapse: collapse; margin: 0.8em 0; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: right; white-space: nowrap; }
th { background: #f2f2f2; } td.name, th.name { text-align: left; }
.score { background: #fff; border: 1px solid #ddd; padding: 0.5em; margin: 0.4em 0; }
.score svg { display: block; width: 100%; height: auto; }
audio { width: 100%; max-width: 520px; display: block; margin: 0.3em 0 1em; }
"""


def file_stems(kind: str, count: int) -> list[str]:
    """generated-1 ... generated-N (a model of one song) or tune-1 ... tune-N (of a
    collection), numbers zero-padded to one width (generated-01 for N >= 10)."""
    width = len(str(count))
    return [f"{STEMS[kind]}-{number:0{width}d}" for number in range(1, count + 1)]


def melodies_stats(model: MelodyModel, config: GenerateConfig,
                   made: list[Generated]) -> list[MelodyStats]:
    """Each new melody's statistics against the melodies ``model`` learnt."""
    copies = CopyIndex(model.reference)
    names = model.reference_names()
    return [melody_stats(generated.melody, config.key, copies, names, generated.notes,
                         generated.bits, model.reference_bits) for generated in made]


def write_generated(folder: str | Path, model: MelodyModel, config: GenerateConfig,
                    made: list[Generated], stats: list[MelodyStats], model_file: str = "", *,
                    scores: bool = True, audio: bool = True, progress=None) -> GenerationSummary:
    """Every melody's files, summary.json and gallery.html into ``folder`` (which must exist);
    files of an earlier run there that this one does not write again are removed at the end
    (``summary.removed``). ``progress`` (step, of steps, name) hears of each melody before it is
    written."""
    run = RunFolder(folder)
    subtitle = f"{model.name}, {config.describe()}"
    melodies = []
    stems = file_stems(model.kind, len(made))
    for number, (stem, generated, stat) in enumerate(zip(stems, made, stats), start=1):
        if progress:
            progress(number, len(stems), stem)
        files = write_melody(run, stem, generated.melody, scores=scores, audio=audio,
                             subtitle=subtitle, key=config.key)
        abc = abc_text(generated.melody, config.key, number=number).encode("utf-8")
        files.abc = run.write(f"{stem}.abc", abc).name
        melodies.append(GeneratedMelody(generated.melody, generated.notes, stat, files))
    reference = None
    if model.kind == SONG:  # the song a song model learnt: its own statistics, nothing copied
        reference = melody_stats(model.reference[0], config.key)
    summary = GenerationSummary(model_file, model, config, reference, melodies, versions())
    write_summary(summary, run)
    run.write(GALLERY, gallery_html(summary, run.path).encode("utf-8"))
    summary.removed = run.finish()
    return summary


STATS_HEADER = ("melody", "notes", "bars", "ends on tonic", "in key", "range", "longest copy",
                "bits/note")


def stats_row(name: str, stats: MelodyStats) -> tuple[str, ...]:
    """One row of the statistics table (the terminal's and the gallery's)."""
    copy = stats.copy
    bits = "-" if stats.bits is None else f"{stats.bits:.2f}"
    if stats.bits is not None and stats.reference_bits is not None:
        bits += f" / {stats.reference_bits:.2f}"
    return (name, str(stats.notes), str(stats.bars) + (" full" if stats.full_bars else ""),
            "yes" if stats.ends_on_tonic else "no",
            "-" if stats.in_key is None else f"{stats.in_key:.0%}",
            "-" if stats.lowest is None else
            f"{pitch_name(stats.lowest)}-{pitch_name(stats.highest)} ({stats.range})",
            "-" if copy is None else
            f"{copy.length} ({stats.copied_from} {copy.tune_start}-"
            f"{copy.tune_start + copy.length - 1})", bits)


def stats_rows(summary: GenerationSummary) -> list[tuple[str, ...]]:
    """The header, the reference melody's row (a song model's song) and every melody's."""
    rows = [STATS_HEADER]
    if summary.reference is not None:
        rows.append(stats_row("song", summary.reference))
    return rows + [stats_row(melody.stem, melody.stats) for melody in summary.melodies]


def gallery_html(summary: GenerationSummary, folder: Path) -> str:
    header, *body = stats_rows(summary)
    named = (0, 6)  # the columns of names, left-aligned
    rows = "".join("<tr>" + "".join(f'<td{" class=name" if i in named else ""}>{_text(cell)}</td>'
                                    for i, cell in enumerate(row)) + "</tr>" for row in body)
    head = "".join(f'<th{" class=name" if i in named else ""}>{_text(h)}</th>'
                   for i, h in enumerate(header))
    title = summary.model.defaults.title
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{_text(title)}: new melodies</title>", f"<style>{STYLE}</style>",
             "</head>", "<body>", f"<h1>New melodies of {_text(summary.model.describe())}</h1>",
             f'<p class="facts">{_text(_facts(summary))}</p>',
             f'<div class="wide"><table><tr>{head}</tr>{rows}</table></div>']
    for melody in summary.melodies:
        parts.append(f'<h2 id="{_text(melody.stem)}">{_text(melody.melody.title)}</h2>')
        files = melody.files.files()
        if files.get("svg") and (folder / files["svg"]).exists():
            text = (folder / files["svg"]).read_text(encoding="utf-8")
            text = text[text.index("<svg"):] if text.lstrip().startswith("<?xml") else text
            parts.append(f'<div class="score" role="img" aria-label="{_text(melody.melody.title)}">'
                         f"{text}</div>")
        if files.get("wav"):
            parts.append(f'<audio controls preload="metadata" src="{_link(files["wav"])}">'
                         "</audio>")
        links = ", ".join(f'<a href="{_link(name)}">{_text(name)}</a>' for name in files.values())
        parts.append(f'<p class="files">Files: {links}</p>')
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def _facts(summary: GenerationSummary) -> str:
    config, model = summary.config, summary.model
    beats, unit = config.time_signature
    size = f"{config.bars} bars" if config.bars else f"{config.length} notes"
    learnt = (f"the model learnt {len(model.reference):,} tunes ({model.reference_bits:.2f} "
              "bits per note on tunes it had not seen)" if model.reference_bits is not None
              else f"the model learnt {model.reference[0].title}")
    return (f"{config.count} melodies of {size} of {beats}/{unit} in {config.key}, "
            f"{config.describe()}; {learnt}. Longest copy: the longest run of new notes "
            "(lengths and intervals, in any key) that a melody it learnt also has. Bits per "
            "note: how surprising the model finds the melody (against its bits per note on "
            "real tunes it had not seen, when known).")


def _text(value) -> str:
    return html.escape(str(value), quote=True)


def _link(name: str) -> str:
    return _text(quote(name))

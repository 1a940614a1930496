"""report.html: the lecture's whole comparison on one page, opened from the output folder.

The page is built from the run's summary (``summary.RunSummary``) and the files of the run.
The engraved scores (SVG) and the loss plot are inlined, so the page shows them even when copied
alone; the audio players play the WAV files beside it (relative links, no server: the page works
from ``file://``). No script, no web font, nothing fetched from the network. Every text from the
run (the song's title above all) is escaped.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import Mapping
from urllib.parse import quote

from ..formats.files import write_atomic
from .summary import MelodyFiles, ModelSummary, RunSummary

REPORT = "report.html"
KINDS = {"one-step": ("One step", "The song's first {window} notes, then for each real window of "
                                  "{window} notes of the song the next note the model predicts"),
         "full-song": ("Full song", "The song's first {window} notes, then every next note predicted "
                                    "from the model's own previous {window} notes")}

STYLE = """
body { font-family: "DejaVu Sans", "NanumGothic", "Noto Sans CJK KR", sans-serif; color: #1a1a1a;
       max-width: 1100px; margin: 1.5em auto; padding: 0 1em; line-height: 1.45; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; }
h2 { border-bottom: 2px solid #ccc; padding-bottom: 0.2em; margin-top: 2em; }
h3 { margin-bottom: 0.3em; }
.facts { color: #555; margin-top: 0; }
.wrong { color: #e00000; font-weight: bold; }
.score { background: #fff; border: 1px solid #ddd; padding: 0.5em; margin: 0.4em 0; }
.score svg { display: block; width: 100%; height: auto; }
audio { width: 100%; max-width: 520px; display: block; margin: 0.3em 0 1em; }
table { border-collapse: collapse; margin: 0.8em 0; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: right; }
th { background: #f2f2f2; }
td.name, th.name { text-align: left; }
.notes { overflow-x: auto; }
.notes td, .notes th { font-family: "DejaVu Sans Mono", monospace; padding: 0.15em 0.3em; white-space: nowrap; }
.notes td.wrong { background: #fde8e8; }
img.plot { max-width: 100%; }
.files { color: #555; font-size: 0.9em; }
"""


def report_html(summary: RunSummary, files: Mapping[str, bytes]) -> str:
    """The page: ``summary`` of a run, with ``files`` (file name -> contents) of the scores (SVG)
    and the loss plot to inline. A score or plot missing from ``files`` is left out; a
    prediction without a WAV gets no player."""
    song = summary.melody.title
    models = summary.models
    title = f"{song}: {' vs '.join(models)}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_text(title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{_text(song)}: what each model learnt</h1>",
        f'<p class="facts">{_text(_facts(summary))}</p>',
        '<section id="song">',
        "<h2>The song</h2>",
        _media(summary.original, files, f"{song}, the original"),
        "</section>",
        '<section id="comparison">',
        "<h2>The models side by side</h2>",
        _comparison_table(summary),
        _notes_table(summary),
        _plot(files.get(summary.loss_plot or ""), "training loss and accuracy per epoch, every model",
              "training"),
        "</section>",
    ]
    for model in models.values():
        parts.append(_model_section(model, summary, files))
    parts += [f'<p class="files">{_text(_footer(summary))}</p>', "</body>", "</html>", ""]
    return "\n".join(parts)


def _text(value) -> str:
    return html.escape(str(value), quote=True)


def _facts(summary: RunSummary) -> str:
    melody, config = summary.melody, summary.config
    return (f"{len(melody)} notes, {summary.time_signature}, {melody.tempo:g} quarter notes a "
            f"minute; a window of {summary.window} notes gives {summary.samples} predictions "
            f"per model, and without state at most {summary.window_ceiling} can be right. "
            f"Seed {config.seed}, recipe {config.recipe}.")


def _footer(summary: RunSummary) -> str:
    versions = ", ".join(f"{name} {version}" for name, version in summary.versions.items())
    return f"Made by melodygen. Every number on this page is in summary.json. {versions}"


def _link(name: str) -> str:
    return _text(quote(name))


def _media(outputs: MelodyFiles | None, files: Mapping[str, bytes], label: str) -> str:
    """The engraved score (inline SVG), an audio player, and links to the files."""
    out = []
    written = outputs.files() if outputs else {}
    svg = files.get(written.get("svg", ""))
    if svg is not None:
        out.append(f'<div class="score" role="img" aria-label="{_text(label)}">{_inline_svg(svg)}</div>')
    if written.get("wav"):
        out.append(f'<audio controls preload="metadata" src="{_link(written["wav"])}"></audio>')
    links = [f'<a href="{_link(name)}">{_text(name)}</a>' for name in written.values()]
    out.append(f'<p class="files">Files: {", ".join(links)}</p>')
    return "\n".join(out)


def _inline_svg(svg: bytes) -> str:
    """An SVG document as an element inside the page (no XML declaration)."""
    text = svg.decode("utf-8")
    return text[text.index("<svg"):] if text.lstrip().startswith("<?xml") else text


def _plot(png: bytes | None, alt: str, anchor: str) -> str:
    if not png:
        return ""
    data = base64.b64encode(png).decode("ascii")
    return f'<p id="{anchor}"><img class="plot" alt="{_text(alt)}" src="data:image/png;base64,{data}"></p>'


def _comparison_table(summary: RunSummary) -> str:
    samples = summary.samples
    header = ("model", "what", "one-step right", "accuracy", "full song right", "first wrong note",
              "epochs", "target reached at epoch", "training s", "final loss")
    named = ' class="name"'
    rows = ["<table>", "<tr>" + "".join(f"<th{named if i < 2 else ''}>{_text(h)}</th>"
                                        for i, h in enumerate(header)) + "</tr>"]
    for name, model in summary.models.items():
        first = model.first_wrong_full_song
        cells = (f"{model.one_step_right}/{samples}", f"{model.accuracy_one_step:.0%}",
                 f"{model.full_song_right}/{samples}", f"note {first}" if first else "none",
                 model.epochs, model.reached_epoch or "never", f"{round(model.training_seconds, 3):.2f}",
                 f"{model.final_loss:.4f}")
        rows.append(f'<tr><td class="name"><a href="#model-{_text(name)}">{_text(name)}</a></td>'
                    f'<td class="name">{_text(model.spec.description)}</td>'
                    + "".join(f"<td>{_text(cell)}</td>" for cell in cells) + "</tr>")
    rows.append("</table>")
    return "\n".join(rows)


def _tokens(outputs: MelodyFiles | None) -> list[str]:
    return ((outputs.tokens if outputs else None) or "").split()


def _notes_table(summary: RunSummary) -> str:
    """Every note of the song and of every prediction, one row each, wrong notes in red."""
    song_tokens = _tokens(summary.original)
    lines = [("the song", song_tokens, set())]
    for name, model in summary.models.items():
        for kind, (label, _) in KINDS.items():
            lines.append((f"{name} {label.lower()}", _tokens(model.outputs.get(kind)),
                          set(model.wrong(kind))))
    if not song_tokens or any(not tokens for _, tokens, _ in lines):
        return ""  # a note without a token (see notation.format_token): no table
    width = max(len(tokens) for _, tokens, _ in lines)
    out = ['<div class="notes"><table>',
           '<tr><th class="name">note</th>' + "".join(f"<th>{i}</th>" for i in range(1, width + 1)) + "</tr>"]
    for label, tokens, wrong in lines:
        cells = "".join(f'<td class="wrong">{_text(t)}</td>' if i in wrong else f"<td>{_text(t)}</td>"
                        for i, t in enumerate(tokens, start=1))
        out.append(f'<tr><th class="name">{_text(label)}</th>{cells}</tr>')
    out.append("</table></div>")
    return "\n".join(out)


def _model_section(model: ModelSummary, summary: RunSummary, files: Mapping[str, bytes]) -> str:
    name, samples, song = model.name, summary.samples, summary.melody.title
    out = [f'<section id="model-{_text(name)}">', f"<h2>{_text(name)}</h2>",
           f"<p>{_text(model.spec.description)}. One-step accuracy <b>{model.accuracy_one_step:.0%}</b> "
           f"({model.one_step_right} of {samples} next notes right); replaying the song on its "
           f"own it gets {model.full_song_right} of {samples} right. Trained {model.epochs} "
           f"epochs in {round(model.training_seconds, 3):.2f} s, final loss {model.final_loss:.4f}.</p>"]
    if summary.loss_plot:
        reached = (f"first reached its target ({model.target_right} of {samples} right) at epoch "
                   f"{model.reached_epoch}" if model.reached_epoch else "never reached its target")
        out.append(f'<p>Its loss curve is the line <b>{_text(name)}</b> in the '
                   f'<a href="#training">training plot</a>; it {_text(reached)}.</p>')
    for kind, (label, explanation) in KINDS.items():
        wrong = model.wrong(kind)
        verdict = (f'<span class="wrong">{len(wrong)} wrong</span> (in red: note '
                   f'{", ".join(map(str, wrong))})' if wrong else "none wrong")
        explanation = explanation.format(window=summary.window)
        out += [f"<h3>{label}</h3>",
                f"<p>{_text(explanation)}: {samples - len(wrong)} of {samples} right, {verdict}.</p>",
                _media(model.outputs.get(kind), files,
                       f"{song}, {name}, {label.lower()} prediction")]
    out.append("</section>")
    return "\n".join(out)


def write_report(summary: RunSummary, folder: str | Path) -> Path:
    """Build report.html from ``summary`` and the scores and plot in ``folder``, and write it."""
    folder = Path(folder)
    names = [summary.loss_plot, summary.original.svg if summary.original else None]
    for model in summary.models.values():
        names += [outputs.svg for outputs in model.outputs.values()]
    files = {name: (folder / name).read_bytes() for name in names if name and (folder / name).exists()}
    return write_atomic(folder / REPORT, report_html(summary, files).encode("utf-8"))

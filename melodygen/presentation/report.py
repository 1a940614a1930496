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
from ..formats.notation import note_label, tokens_text
from .folder import RunFolder
from .summary import MelodyFiles, ModelSummary, RunSummary
from .verdict import and_join, verdict

REPORT = "report.html"
KINDS = {"one-step": ("One step", "The song's first {window} notes, then for each real window of "
                                  "{window} notes of the song the next note the model predicts, "
                                  "written where the note it predicts is in the song"),
         "full-song": ("Full song", "The song's first {window} notes, then every next note predicted "
                                    "from the model's own previous {window} notes")}

STYLE = """
body { font-family: "DejaVu Sans", "NanumGothic", "Noto Sans CJK KR", sans-serif; color: #1a1a1a;
       max-width: 1100px; margin: 1.5em auto; padding: 0 1em; line-height: 1.45;
       overflow-wrap: anywhere; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; }
h2 { border-bottom: 2px solid #ccc; padding-bottom: 0.2em; margin-top: 2em; }
h3 { margin-bottom: 0.3em; }
.facts { color: #555; margin-top: 0; }
.verdict { border-left: 5px solid #2a6f2a; background: #f3f8f3; padding: 0.6em 1em; margin: 1em 0; }
.verdict .headline { font-size: 1.15em; font-weight: bold; margin: 0.2em 0 0.5em; }
.verdict .lesson { font-weight: bold; }
.verdict .warning { color: #8a4b00; }
.wrong { color: #e00000; font-weight: bold; }
.score { background: #fff; border: 1px solid #ddd; padding: 0.5em; margin: 0.4em 0; }
.score svg { display: block; width: 100%; height: auto; }
.score .phone { display: none; }
audio { width: 100%; max-width: 520px; display: block; margin: 0.3em 0 1em; }
.wide { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; margin: 0.8em 0; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: right; overflow-wrap: normal; }
th { background: #f2f2f2; }
td.name, th.name { text-align: left; }
.notes td, .notes th { font-family: "DejaVu Sans Mono", monospace; padding: 0.15em 0.3em; white-space: nowrap; }
.notes td.wrong { background: #fde8e8; outline: 2px solid #e00000; outline-offset: -2px; }
.contexts td { font-family: "DejaVu Sans Mono", monospace; text-align: left; }
img.plot { max-width: 100%; height: auto; }
.files { color: #555; font-size: 0.9em; }
@media (max-width: 600px) {
  body { margin: 0.8em auto; padding: 0 0.6em; }
  h1 { font-size: 1.35em; }
  th, td { padding: 0.2em 0.35em; }
  .score { padding: 0.2em; }
  .score .laptop { display: none; }
  .score .phone { display: block; }
}
"""


def report_html(summary: RunSummary, files: Mapping[str, bytes],
                phone: Mapping[str, bytes] | None = None) -> str:
    """The page: ``summary`` of a run, with ``files`` (file name -> contents) of the scores (SVG)
    and the loss plot to inline, and ``phone`` (SVG file name -> the same score engraved for a
    phone's width) shown instead on a narrow screen. A score or plot missing from ``files`` is
    left out; a prediction without a WAV gets no player."""
    song = summary.melody.title
    models = summary.models
    phone = phone or {}
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
        _verdict(summary),
        '<section id="song">',
        "<h2>The song</h2>",
        _media(summary.original, files, phone, f"{song}, the original"),
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
        parts.append(_model_section(model, summary, files, phone))
    parts += [f'<p class="files">{_text(_footer(summary))}</p>', "</body>", "</html>", ""]
    return "\n".join(parts)


def _verdict(summary: RunSummary) -> str:
    """What the comparison shows, and the song's ambiguous contexts."""
    found = verdict(summary)
    out = ['<section id="verdict" class="verdict">',
           f'<p class="headline">{_text(found.headline)}</p>']
    if found.lesson:
        out.append(f'<p class="lesson">{_text(found.lesson)}</p>')
    out += [f"<p>{_text(sentence)}</p>" for sentence in found.details]
    out += [f'<p class="warning">Warning: {_text(warning)}.</p>' for warning in found.cap_warnings]
    if summary.ambiguous:
        out.append(_contexts_table(summary))
    out.append("</section>")
    return "\n".join(out)


def _contexts_table(summary: RunSummary) -> str:
    """The song's ambiguous contexts: the notes, what follows them where, the best a model
    without state can do there."""
    key, window = summary.key, summary.window
    firsts: dict[int, list[str]] = {}  # where models without state derail -> their names
    for name, model in summary.models.items():
        if not model.spec.stateful and model.first_wrong_full_song:
            firsts.setdefault(model.first_wrong_full_song, []).append(name)
    rows = ['<div class="wide"><table class="contexts">',
            f'<tr><th class="name">{window} notes</th><th class="name">followed by</th>'
            '<th>right at best without state</th></tr>']
    for context in summary.ambiguous:
        follow = "; ".join(f"{note_label(note, key)} at {_positions(positions)}"
                           for note, positions in context.followers)
        derails = [f"{and_join(names)} derail{'s' if len(names) == 1 else ''} at note {position}"
                   for position, names in firsts.items() if position in context.positions]
        note = f" ({', '.join(derails)})" if derails else ""
        rows.append(f'<tr><td>{_text(tokens_text(context.context, key) or "")}</td>'
                    f"<td>{_text(follow + note)}</td>"
                    f"<td>{context.best} of {len(context.positions)}</td></tr>")
    rows.append("</table></div>")
    return "\n".join(rows)


def _positions(positions) -> str:
    positions = list(positions)
    return ("note " if len(positions) == 1 else "notes ") + ", ".join(map(str, positions))


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


def _media(outputs: MelodyFiles | None, files: Mapping[str, bytes], phone: Mapping[str, bytes],
           label: str) -> str:
    """The engraved score (inline SVG: the laptop layout, and the phone layout where there is
    one), an audio player, and links to the files."""
    out = []
    written = outputs.files() if outputs else {}
    svg = files.get(written.get("svg", ""))
    if svg is not None:
        narrow = phone.get(written["svg"])
        inner = (f'<div class="laptop">{_inline_svg(svg)}</div><div class="phone">{_inline_svg(narrow)}</div>'
                 if narrow is not None else _inline_svg(svg))
        out.append(f'<div class="score" role="img" aria-label="{_text(label)}">{inner}</div>')
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
    rows = ['<div class="wide"><table>',
            "<tr>" + "".join(f"<th{named if i < 2 else ''}>{_text(h)}</th>"
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
    rows.append("</table></div>")
    return "\n".join(rows)


def _notes_table(summary: RunSummary) -> str:
    """Every note of the song and of every prediction, one row each, as the model predicted them
    (spelt in the song's key); wrong notes boxed in red."""
    key = summary.key
    song_tokens = (tokens_text(summary.melody.notes, key) or "").split()
    lines = [("the song", song_tokens, set())]
    for name, model in summary.models.items():
        for kind, (label, _) in KINDS.items():
            lines.append((f"{name} {label.lower()}",
                          (tokens_text(model.predictions.get(kind, ()), key) or "").split(),
                          set(model.wrong(kind))))
    if not song_tokens or any(not tokens for _, tokens, _ in lines):
        return ""  # a note without a token (see notation.format_token): no table
    width = max(len(tokens) for _, tokens, _ in lines)
    out = ['<div class="notes wide"><table>',
           '<tr><th class="name">note</th>' + "".join(f"<th>{i}</th>" for i in range(1, width + 1)) + "</tr>"]
    for label, tokens, wrong in lines:
        cells = "".join(f'<td class="wrong">{_text(t)}</td>' if i in wrong else f"<td>{_text(t)}</td>"
                        for i, t in enumerate(tokens, start=1))
        out.append(f'<tr><th class="name">{_text(label)}</th>{cells}</tr>')
    out.append("</table></div>")
    return "\n".join(out)


def _model_section(model: ModelSummary, summary: RunSummary, files: Mapping[str, bytes],
                   phone: Mapping[str, bytes]) -> str:
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
        said = (f'<span class="wrong">{len(wrong)} wrong</span> (in red and numbered in the '
                f'score: {_positions(wrong)})' if wrong else "none wrong")
        explanation = explanation.format(window=summary.window)
        out += [f"<h3>{label}</h3>",
                f"<p>{_text(explanation)}: {samples - len(wrong)} of {samples} right, {said}.</p>",
                _media(model.outputs.get(kind), files, phone,
                       f"{song}, {name}, {label.lower()} prediction")]
    out.append("</section>")
    return "\n".join(out)


def write_report(summary: RunSummary, folder: RunFolder | str | Path,
                 phone: Mapping[str, bytes] | None = None) -> Path:
    """Build report.html from ``summary`` and the scores and plot in ``folder`` (with ``phone``
    the scores engraved for a phone, by SVG file name), and write it (through the ``RunFolder``
    of a run)."""
    out = folder if isinstance(folder, RunFolder) else None
    folder = out.path if out else Path(folder)
    names = [summary.loss_plot, summary.original.svg if summary.original else None]
    for model in summary.models.values():
        names += [outputs.svg for outputs in model.outputs.values()]
    files = {name: (folder / name).read_bytes() for name in names if name and (folder / name).exists()}
    page = report_html(summary, files, phone).encode("utf-8")
    return out.write(REPORT, page) if out else write_atomic(folder / REPORT, page)

"""report.html: the lecture's whole comparison on one page, opened from the output folder.

The page is built from the run's summary (``summary.RunSummary``) and the files of the run.
The engraved scores (SVG) and the loss plot are inlined, so the page shows them even when copied
alone; the audio players play the WAV files beside it (relative links, no server: the page works
from ``file://``). In English or in Korean (``lang``, see ``language``). No script, no web
font, nothing fetched from the network. Every text from the run (the song's title above all)
is escaped.
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
from .language import and_join, say, words
from .lesson import context_letter, looking_section, surprise_section
from .summary import PREDICTIONS, MelodyFiles, ModelSummary, RunSummary
from .verdict import verdict

REPORT = "report.html"
BLOG = "https://tykimos.github.io/Keras/2017/04/09/RNN_Layer_Talk/"  # the lecture's source

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
.window svg { display: block; max-width: 640px; width: 100%; height: auto; margin: 0.5em 0; }
.legend span.swatch { display: inline-block; width: 0.9em; height: 0.9em; margin: 0 0.25em 0 0.8em;
       vertical-align: -0.1em; border: 1px solid #999; }
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
                phone: Mapping[str, bytes] | None = None, lang: str = "en") -> str:
    """The page: ``summary`` of a run, with ``files`` (file name -> contents) of the scores (SVG)
    and the loss plot to inline, and ``phone`` (SVG file name -> the same score engraved for a
    phone's width) shown instead on a narrow screen; in ``lang`` ("en", "ko"). A score or plot
    missing from ``files`` is left out; a prediction without a WAV gets no player."""
    song = summary.melody.title
    models = summary.models
    phone = phone or {}
    title = f"{song}: {' vs '.join(models)}"
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_text(title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{_text(say('title', lang, song=song))}</h1>",
        f'<p class="facts">{_text(_facts(summary, lang))} '
        f'<a href="{BLOG}">{_text(say("lecture", lang))}</a>.</p>',
        verdict_section(summary, lang),
        looking_section(summary, lang, scores=_engraved(summary)),
        '<section id="song">',
        f"<h2>{_text(say('the song', lang))}</h2>",
        _media(summary.original, files, phone, say("the original", lang, song=song), lang),
        "</section>",
        '<section id="comparison">',
        f"<h2>{_text(say('side by side', lang))}</h2>",
        comparison_table(summary, lang),
        notes_table(summary, lang),
        plot_image(files.get(summary.loss_plot or ""), say("training plot", lang), "training"),
        "</section>",
        surprise_section(summary, lang, scores=_engraved(summary)),
    ]
    for model in models.values():
        parts.append(_model_section(model, summary, files, phone, lang))
    parts += [f'<p class="files">{_text(_footer(summary, lang))}</p>', "</body>", "</html>", ""]
    return "\n".join(parts)


def _engraved(summary: RunSummary) -> bool:
    """Whether the run has its scores (``--no-scores`` engraves none, here neither)."""
    return summary.original is not None and summary.original.svg is not None


def verdict_section(summary: RunSummary, lang: str = "en") -> str:
    """What the comparison shows, and the song's ambiguous contexts."""
    found = verdict(summary, lang)
    out = ['<section id="verdict" class="verdict">',
           f'<p class="headline">{_text(found.headline)}</p>']
    if found.lesson:
        out.append(f'<p class="lesson">{_text(found.lesson)}</p>')
    out += [f"<p>{_text(sentence)}</p>" for sentence in found.details]
    out += [f'<p class="warning">{_text(say("warning", lang, text=warning))}</p>'
            for warning in found.cap_warnings]
    if summary.ambiguous:
        out.append(_contexts_table(summary, lang))
    out.append("</section>")
    return "\n".join(out)


def _contexts_table(summary: RunSummary, lang: str = "en") -> str:
    """The song's ambiguous contexts: their letter on the score, the notes, what follows them
    where, the best a model without state can do there."""
    key, window = summary.key, summary.window
    firsts: dict[int, list[str]] = {}  # where models without state derail -> their names
    for name, model in summary.models.items():
        if not model.spec.stateful and model.first_wrong_full_song:
            firsts.setdefault(model.first_wrong_full_song, []).append(name)
    head = words("contexts header", lang, window=window)
    rows = ['<div class="wide"><table class="contexts">',
            "<tr>" + "".join(f'<th class="name">{_text(h)}</th>' for h in head[:3])
            + f"<th>{_text(head[3])}</th></tr>"]
    for number, context in enumerate(summary.ambiguous):
        follow = "; ".join(say("at", lang, note=note_label(note, key),
                               where=_positions(positions, lang))
                           for note, positions in context.followers)
        derails = [say("derails at", lang, names=and_join(names, lang),
                       s="s" if len(names) == 1 else "", n=position)
                   for position, names in firsts.items() if position in context.positions]
        note = f" ({', '.join(derails)})" if derails else ""
        rows.append(f"<tr><td>{context_letter(number)}</td>"
                    f'<td>{_text(tokens_text(context.context, key) or "")}</td>'
                    f"<td>{_text(follow + note)}</td>"
                    f"<td>{_text(say('of', lang, a=context.best, b=len(context.positions)))}"
                    "</td></tr>")
    rows.append("</table></div>")
    return "\n".join(rows)


def _positions(positions, lang: str = "en") -> str:
    positions = list(positions)
    return say("note n" if len(positions) == 1 else "notes n", lang,
               n=", ".join(map(str, positions)))


def _text(value) -> str:
    return html.escape(str(value), quote=True)


def _facts(summary: RunSummary, lang: str = "en") -> str:
    melody, config = summary.melody, summary.config
    return say("facts", lang, notes=len(melody), meter=summary.time_signature,
               tempo=f"{melody.tempo:g}", window=summary.window, samples=summary.samples,
               ceiling=summary.window_ceiling, seed=config.seed, recipe=config.recipe)


def _footer(summary: RunSummary, lang: str = "en") -> str:
    versions = ", ".join(f"{name} {version}" for name, version in summary.versions.items())
    return say("footer", lang, versions=versions)


def _link(name: str) -> str:
    return _text(quote(name))


def _media(outputs: MelodyFiles | None, files: Mapping[str, bytes], phone: Mapping[str, bytes],
           label: str, lang: str = "en") -> str:
    """The engraved score (inline SVG: the laptop layout, and the phone layout where there is
    one), an audio player, and links to the files."""
    out = []
    written = outputs.files() if outputs else {}
    svg = files.get(written.get("svg", ""))
    if svg is not None:
        narrow = phone.get(written["svg"])
        inner = (f'<div class="laptop">{inline_svg(svg)}</div>'
                 f'<div class="phone">{inline_svg(narrow)}</div>'
                 if narrow is not None else inline_svg(svg))
        out.append(f'<div class="score" role="img" aria-label="{_text(label)}">{inner}</div>')
    if written.get("wav"):
        out.append(f'<audio controls preload="metadata" src="{_link(written["wav"])}"></audio>')
    links = [f'<a href="{_link(name)}">{_text(name)}</a>' for name in written.values()]
    out.append(f'<p class="files">{say("files", lang)}: {", ".join(links)}</p>')
    return "\n".join(out)


def inline_svg(svg: bytes) -> str:
    """An SVG document as an element inside the page (no XML declaration)."""
    text = svg.decode("utf-8")
    return text[text.index("<svg"):] if text.lstrip().startswith("<?xml") else text


def plot_image(png: bytes | None, alt: str, anchor: str) -> str:
    if not png:
        return ""
    data = base64.b64encode(png).decode("ascii")
    return f'<p id="{anchor}"><img class="plot" alt="{_text(alt)}" src="data:image/png;base64,{data}"></p>'


def comparison_table(summary: RunSummary, lang: str = "en") -> str:
    samples = summary.samples
    header = words("header", lang)
    named = ' class="name"'
    rows = ['<div class="wide"><table>',
            "<tr>" + "".join(f"<th{named if i < 2 else ''}>{_text(h)}</th>"
                             for i, h in enumerate(header)) + "</tr>"]
    for name, model in summary.models.items():
        first = model.first_wrong_full_song
        cells = (f"{model.one_step_right}/{samples}", f"{model.accuracy_one_step:.0%}",
                 f"{model.full_song_right}/{samples}",
                 say("note n", lang, n=first) if first else say("none", lang),
                 model.epochs, model.reached_epoch or say("never", lang),
                 f"{round(model.training_seconds, 3):.2f}",
                 f"{model.final_loss:.4f}")
        rows.append(f'<tr><td class="name"><a href="#model-{_text(name)}">{_text(name)}</a></td>'
                    f'<td class="name">{_text(model.spec.description)}</td>'
                    + "".join(f"<td>{_text(cell)}</td>" for cell in cells) + "</tr>")
    rows.append("</table></div>")
    return "\n".join(rows)


def grid_rows(summary: RunSummary, lang: str = "en") -> list[tuple[str, list[str], set[int]]]:
    """The note grid's rows: (label, the tokens, the wrong 1-based positions), the song first,
    then every model's predictions; none when a note has no token (``notation.format_token``)."""
    key = summary.key
    song_tokens = (tokens_text(summary.melody.notes, key) or "").split()
    lines = [(say("the song", lang).lower() if lang == "en" else say("the song", lang),
              song_tokens, set())]
    for name, model in summary.models.items():
        for kind in PREDICTIONS:
            lines.append((say("grid row", lang, name=name, kind=say(kind, lang).lower()),
                          (tokens_text(model.predictions.get(kind, ()), key) or "").split(),
                          set(model.wrong(kind))))
    if not song_tokens or any(not tokens for _, tokens, _ in lines):
        return []
    return lines


def notes_table(summary: RunSummary, lang: str = "en") -> str:
    """Every note of the song and of every prediction, one row each, as the model predicted them
    (spelt in the song's key); wrong notes boxed in red."""
    lines = grid_rows(summary, lang)
    if not lines:
        return ""  # a note without a token (see notation.format_token): no table
    width = max(len(tokens) for _, tokens, _ in lines)
    out = ['<div class="notes wide"><table>',
           f'<tr><th class="name">{say("note", lang)}</th>'
           + "".join(f"<th>{i}</th>" for i in range(1, width + 1)) + "</tr>"]
    for label, tokens, wrong in lines:
        cells = "".join(f'<td class="wrong">{_text(t)}</td>' if i in wrong else f"<td>{_text(t)}</td>"
                        for i, t in enumerate(tokens, start=1))
        out.append(f'<tr><th class="name">{_text(label)}</th>{cells}</tr>')
    out.append("</table></div>")
    return "\n".join(out)


def _model_section(model: ModelSummary, summary: RunSummary, files: Mapping[str, bytes],
                   phone: Mapping[str, bytes], lang: str = "en") -> str:
    name, samples, song = model.name, summary.samples, summary.melody.title
    said = say("model says", lang, description=model.spec.description,
               accuracy=f"{model.accuracy_one_step:.0%}", right=model.one_step_right,
               samples=samples, full=model.full_song_right, epochs=model.epochs,
               seconds=f"{round(model.training_seconds, 3):.2f}", loss=f"{model.final_loss:.4f}")
    out = [f'<section id="model-{_text(name)}">', f"<h2>{_text(name)}</h2>",
           f"<p>{_text(said)}</p>"]
    if summary.loss_plot:
        reached = (say("reached", lang, target=model.target_right, samples=samples,
                       epoch=model.reached_epoch) if model.reached_epoch
                   else say("not reached", lang))
        line = say("loss line", lang, name=name, reached=reached)
        out.append(f'<p><a href="#training">{_text(line)}</a></p>')
    for kind in PREDICTIONS:
        label = say(kind, lang)
        wrong = model.wrong(kind)
        marked = (f'<span class="wrong">{_text(say("n wrong", lang, n=len(wrong)))}</span> '
                  f'({_text(say("marked", lang, where=_positions(wrong, lang)))})' if wrong
                  else _text(say("none wrong", lang)))
        explanation = _text(say(f"{kind} says", lang, window=summary.window))
        out += [f"<h3>{label}</h3>",
                "<p>" + say("right wrong", lang, said=explanation, right=samples - len(wrong),
                            samples=samples, wrong=marked) + "</p>",
                _media(model.outputs.get(kind), files, phone,
                       f"{song}, {name}, {label.lower()}", lang)]
    out.append("</section>")
    return "\n".join(out)


def write_report(summary: RunSummary, folder: RunFolder | str | Path,
                 phone: Mapping[str, bytes] | None = None, lang: str = "en") -> Path:
    """Build report.html from ``summary`` and the scores and plot in ``folder`` (with ``phone``
    the scores engraved for a phone, by SVG file name), and write it (through the ``RunFolder``
    of a run)."""
    out = folder if isinstance(folder, RunFolder) else None
    folder = out.path if out else Path(folder)
    names = [summary.loss_plot, summary.original.svg if summary.original else None]
    for model in summary.models.values():
        names += [outputs.svg for outputs in model.outputs.values()]
    files = {name: (folder / name).read_bytes() for name in names if name and (folder / name).exists()}
    page = report_html(summary, files, phone, lang).encode("utf-8")
    return out.write(REPORT, page) if out else write_atomic(folder / REPORT, page)

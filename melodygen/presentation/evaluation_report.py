"""The evaluation's report: one page (report.html) with every model against the published figures,
bits per note per fold, the networks' learning curves, and per song where the network wins or
loses against PPM (a scatter), plus the pictures as PNG files beside it.

The page is built from an ``evaluation.Evaluation`` only; the pictures are drawn with matplotlib
and inlined, so the page works alone, offline, without a script. Every text is escaped.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

from ..evaluation.cross_validation import Evaluation, ModelResult
from ..evaluation.models import network_name
from ..formats.files import write_atomic

REPORT = "report.html"
CURVES = "learning-curves.png"
SCATTER = "songs.png"

STYLE = """
body { font-family: "DejaVu Sans", "NanumGothic", sans-serif; color: #1a1a1a; max-width: 1100px;
       margin: 1.5em auto; padding: 0 1em; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { border-bottom: 2px solid #ccc; padding-bottom: 0.2em; margin-top: 1.8em; }
.facts, .note { color: #555; }
.verdict { font-size: 1.1em; background: #f4f7fb; border-left: 4px solid #3569b5; padding: 0.6em 0.9em; }
.wide { overflow-x: auto; }
table { border-collapse: collapse; margin: 0.8em 0; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: right; white-space: nowrap; }
th { background: #f2f2f2; }
td.name, th.name { text-align: left; }
tr.best td { font-weight: bold; }
img { max-width: 100%; height: auto; }
"""


def best_model(evaluation: Evaluation, kind: str | None = None) -> ModelResult | None:
    """The model with the fewest bits per pitch; ``kind`` "ppm" (PPM and its viewpoint systems)
    or "network" (a network alone, not one combined with PPM's STM) to choose among those."""
    models = [m for m in evaluation.models.values() if kind is None or _kind(m.name) == kind]
    return min(models, key=lambda m: m.bits_pitch) if models else None


def _kind(name: str) -> str:
    """"ppm", "network" or "hybrid" (a network with PPM's short-term model)."""
    network = network_name(name)
    return "ppm" if network is None else "hybrid" if network[2] == "+stm" else "network"


def verdict(evaluation: Evaluation) -> str:
    """The page's first sentence: the best model, how the best network stands against the best
    PPM model and what each of them sees that the other does not, and against the best figure
    Pearce (2005) published for the collection and the task."""
    best = best_model(evaluation)
    words = [f"Best: {best.name} ({best.description}), {best.bits_pitch:.3f} bits per note of "
             f"the pitch on songs it had not seen"]
    best_ppm, best_net = best_model(evaluation, "ppm"), best_model(evaluation, "network")
    if best_ppm and best_net:
        gap = best_ppm.bits_pitch - best_net.bits_pitch
        words.append(f"the best network ({best_net.name}) is {abs(gap):.3f} bits "
                     f"{'below' if gap > 0 else 'above'} the best PPM model ({best_ppm.name})"
                     + _unequal(best_net, best_ppm))
    published = evaluation.published()
    if published:  # the best figure published for this collection and task
        label, value = min(published.values(), key=lambda figure: figure[1])
        words.append(f"the best published figure for this task, IDyOM's {label} in Pearce "
                     f"(2005), is {value:.3f}: {abs(value - best.bits_pitch):.3f} bits "
                     f"{'less' if best.bits_pitch < value else 'more'} here")
    return "; ".join(words) + "."


def _unequal(one: ModelResult, other: ModelResult) -> str:
    """", which also sees ..." when one model sees what the other does not: no like-for-like
    comparison."""
    more = [what for what in one.inputs if what not in other.inputs]
    less = [what for what in other.inputs if what not in one.inputs]
    if not more and not less:
        return ", seeing the same"
    parts = ([f"{one.name} also sees {', '.join(more)}"] if more else []) + \
        ([f"{other.name} also sees {', '.join(less)}"] if less else [])
    return f" (not like for like: {'; '.join(parts)})"


def learning_curves_png(evaluation: Evaluation) -> bytes | None:
    """Validation (solid) and training (dashed) bits per note per epoch, each fold a line, one
    panel per network; None without networks."""
    networks = [m for m in evaluation.models.values() if m.histories]
    seen, panels = set(), []
    for model in networks:  # a model and its + form share their training: one panel
        key = id(model.histories[0])
        if key not in seen:
            seen.add(key)
            panels.append(model)
    if not panels:
        return None
    figure = _figure((8, 3.2 * len(panels)))
    for axes, model in zip(figure.subplots(len(panels), 1, squeeze=False)[:, 0], panels):
        for fold, history in enumerate(model.histories, start=1):
            epochs = range(1, len(history.validation_bits) + 1)
            line, = axes.plot(epochs, history.validation_bits, linewidth=1.1, label=f"fold {fold}")
            axes.plot(epochs, history.train_bits, linewidth=0.8, linestyle="--",
                      color=line.get_color())
            axes.plot([history.best_epoch], [history.validation_bits[history.best_epoch - 1]],
                      "o", color=line.get_color(), markersize=4)
        axes.set_title(f"{model.description}: validation (solid) and training (dashed), "
                       "bits per note; o = weights kept", fontsize=9)
        axes.set_xlabel("epoch")
        axes.set_ylabel("bits per note (pitch and length)")
        axes.grid(True, alpha=0.3)
        axes.legend(fontsize=7, ncol=5)
    return _png(figure)


def scatter_png(evaluation: Evaluation) -> tuple[bytes, int, int, str, str] | None:
    """Per song, the best PPM model's bits per pitch against the best network's: (PNG, songs
    the network predicts better, songs in all, PPM name, network name); None without both."""
    best_ppm, best_net = best_model(evaluation, "ppm"), best_model(evaluation, "network")
    if not (best_ppm and best_net):
        return None
    ppm_bits, net_bits = best_ppm.song_bits(), best_net.song_bits()
    names = sorted(ppm_bits)
    x = [ppm_bits[name] for name in names]
    y = [net_bits[name] for name in names]
    wins = sum(1 for a, b in zip(x, y) if b < a)
    figure = _figure((6, 6))
    axes = figure.subplots()
    axes.scatter(x, y, s=9, alpha=0.6)
    top = max(max(x), max(y)) * 1.05
    axes.plot([0, top], [0, top], color="#888", linewidth=0.8)
    axes.set_xlim(0, top)
    axes.set_ylim(0, top)
    axes.set_xlabel(f"{best_ppm.name}: bits per note of the pitch")
    axes.set_ylabel(f"{best_net.name}: bits per note of the pitch")
    axes.set_title(f"each dot a song: below the line the network wins ({wins} of {len(names)})",
                   fontsize=9)
    axes.grid(True, alpha=0.3)
    return _png(figure), wins, len(names), best_ppm.name, best_net.name


def models_table(evaluation: Evaluation) -> str:
    """Every model's bits per note against the published figures, the best in bold."""
    published = evaluation.published()
    best = best_model(evaluation)
    rows = []
    for model in evaluation.models.values():
        label, value = published.get(model.name, ("", None))
        cells = [f'<td class="name">{_text(model.name)}</td>',
                 f'<td class="name">{_text(model.description)}; sees '
                 f'{_text(", ".join(model.inputs))}</td>',
                 f"<td>{model.bits_pitch:.3f}</td>",
                 f"<td>{'' if value is None else f'{value:.3f} ({_text(label)})'}</td>",
                 f"<td>{'' if model.bits_note is None else f'{model.bits_note:.3f}'}</td>",
                 f"<td>{model.accuracy_pitch:.1%}</td>",
                 f"<td>{model.seconds:.1f}</td>"]
        rows.append(f'<tr{" class=best" if model is best else ""}>{"".join(cells)}</tr>')
    return "\n".join([
        '<div class="wide"><table>',
        '<tr><th class="name">model</th><th class="name">what</th><th>bits per note: pitch</th>'
        "<th>published (Pearce 2005)</th><th>bits per note: pitch and length</th>"
        "<th>pitch right</th><th>seconds</th></tr>", *rows, "</table></div>"])


def report_html(evaluation: Evaluation, curves: bytes | None, scatter) -> str:
    data = evaluation.data
    folds = "".join(f"<th>{i}</th>" for i in range(1, len(evaluation.folds) + 1))
    fold_rows = "".join(
        f'<tr><td class="name">{_text(m.name)}</td>'
        + "".join(f"<td>{bits:.3f}</td>" for bits in m.fold_bits_pitch) + "</tr>"
        for m in evaluation.models.values())
    parts = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_text(evaluation.source)}: bits per note on unseen songs</title>",
        f"<style>{STYLE}</style>", "</head>", "<body>",
        f"<h1>{_text(evaluation.source)}: how well each model predicts songs it has not seen</h1>",
        f'<p class="verdict">{_text(verdict(evaluation))}</p>',
        f'<p class="facts">The task: {_text(evaluation.task.what)} '
        f"({_text(evaluation.task.name)}).</p>",
        f'<p class="facts">{data.songs:,} songs, {data.note_count:,} notes, {len(data.pitches)} '
        f"pitches; {len(evaluation.folds)}-fold cross-validation over songs (seed "
        f"{evaluation.seed}), the same folds for every model; every note of a test song, the "
        "first one too, predicted from the notes before it. Bits per note: the mean over the "
        "folds of each fold's mean over its notes. "
        f"{_text(_tonics(evaluation))}{_text(_pretraining(evaluation))}</p>",
        "<h2>The models</h2>", models_table(evaluation),
        "<h2>Bits per note of the pitch, fold by fold</h2>",
        f'<div class="wide"><table><tr><th class="name">model</th>{folds}</tr>{fold_rows}'
        "</table></div>",
    ]
    if scatter:
        png, wins, songs, ppm_name, net_name = scatter
        parts += ["<h2>Song by song: the network against PPM</h2>",
                  f"<p>{_text(net_name)} predicts {wins} of {songs} songs better than "
                  f"{_text(ppm_name)}.</p>", _image(png, f"{net_name} against {ppm_name}")]
    if curves:
        parts += ["<h2>The networks' learning curves</h2>",
                  _image(curves, "validation and training bits per note per epoch")]
    parts += ['<p class="note">Made by melodygen. Every number on this page is in '
              "evaluation.json.</p>", "</body>", "</html>", ""]
    return "\n".join(parts)


def write_evaluation_report(evaluation: Evaluation, folder: str | Path) -> Path:
    """report.html and its pictures into ``folder`` (which must exist); the page's path."""
    folder = Path(folder)
    curves, scatter = learning_curves_png(evaluation), scatter_png(evaluation)
    if curves:
        write_atomic(folder / CURVES, curves)
    if scatter:
        write_atomic(folder / SCATTER, scatter[0])
    return write_atomic(folder / REPORT, report_html(evaluation, curves, scatter).encode("utf-8"))


def _tonics(evaluation: Evaluation) -> str:
    data = evaluation.data
    if data.keyed == data.songs:
        return "The networks read pitches relative to each song's tonic, from its file's key. "
    return (f"The networks read pitches relative to each song's tonic: {data.keyed} songs give "
            f"their key, for the other {data.songs - data.keyed} it was found from all their "
            "notes (a hint of the whole song that PPM does not get). ")


def _pretraining(evaluation: Evaluation) -> str:
    facts = evaluation.pretrain_facts
    if not facts:
        return ""
    return (f"The pretrained networks first learnt {facts['tunes']:,} tunes of {facts['source']} "
            f"({facts['left_out']:,} left out: the same pitches, in any transposition, as a "
            f"tune of {evaluation.source}), {facts['epochs']} epochs in {facts['seconds']:.0f} s.")


def _figure(size):
    from matplotlib.figure import Figure  # a Figure of its own: pyplot's backend stays the caller's
    return Figure(figsize=size, dpi=100, layout="constrained")


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _image(png: bytes, alt: str) -> str:
    return (f'<p><img alt="{_text(alt)}" '
            f'src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}"></p>')


def _text(value) -> str:
    return html.escape(str(value), quote=True)

"""The lecture's experiment in a notebook: a song's run (``SongRun``), one model of it and an
ambiguous context, as HTML and as one line of text (``display`` chooses these).

A run shows what report.html shows, built in memory: the verdict, the table, the note grid, the
loss plot, where each model is surprised, and each model's two predictions as engraved scores
with players (audio inline, nothing written).
"""

from __future__ import annotations

import html as escaping

from ..core.keys import melody_key
from ..formats.musicxml import musicxml_bytes
from ..formats.notation import note_label
from ..learning.song.encoding import Ambiguity
from ..learning.song.experiment import ModelRun, SongRun
from .views import audio_tag, melody_facts, score_tag
from .plot import loss_plot_png
from .language import say
from .lesson import looking_section, surprise_section
from .report import comparison_table, notes_table, plot_image, verdict_section
from .run_files import build_summary, prediction
from .summary import PREDICTIONS


def _text(value) -> str:
    return escaping.escape(str(value), quote=True)


def run_text(run: SongRun) -> str:
    samples = len(run.dataset)
    said = "; ".join(f"{model.spec.name} {run.right(model.one_step)}/{samples} one step, "
                     f"{run.right(model.full_song)}/{samples} full song" for model in run.models)
    return f"SongRun({run.melody.title}: {said or 'no models'})"


def model_run_text(model: ModelRun) -> str:
    return (f"ModelRun({model.spec.name}, {model.training.epochs} epochs, "
            f"{len(model.one_step)} predictions)")


def _positions(found: Ambiguity, samples) -> str:
    window = len(found.context)
    places = [window + sample + 1 for sample in samples]
    return ("note " if len(places) == 1 else "notes ") + ", ".join(map(str, places))


def _names(found: Ambiguity, indices) -> str:
    if found.vocabulary is None:
        return " ".join(str(index) for index in indices)
    notes = found.vocabulary.notes
    return " ".join(note_label(notes[index]) for index in indices)


def ambiguity_text(found: Ambiguity) -> str:
    """"Ambiguity(f8 d8 d4 c8 -> d8 at notes 8, 21; e8 at note 48)": the context, then each
    next note and its 1-based places in the song (vocabulary indices when it is not known)."""
    follow = "; ".join(f"{_names(found, (note,))} at {_positions(found, samples)}"
                       for note, samples in found.followers)
    return f"Ambiguity({_names(found, found.context)} -> {follow})"


def ambiguity_html(found: Ambiguity) -> str:
    rows = "".join(f'<tr><td class="name">{_text(_names(found, (note,)))}</td>'
                   f'<td class="name">{_text(_positions(found, samples))}</td></tr>'
                   for note, samples in found.followers)
    return (f"<p><b>{_text(_names(found, found.context))}</b>: {len(found.context)} notes that "
            f"come {sum(len(s) for _, s in found.followers)} times with another next note; a "
            f"model that sees only them gets {found.best} right at best.</p>"
            f'<table><tr><th class="name">next note</th><th class="name">where</th></tr>'
            f"{rows}</table>")


def model_run_html(model: ModelRun) -> str:
    spec, training = model.spec, model.training
    reached = (f"reached its target at epoch {training.reached_epoch}" if training.reached_epoch
               else "never reached its target")
    return (f"<h4>{_text(spec.name)}</h4><p>{_text(spec.description)}; trained "
            f"{training.epochs} epochs in {training.seconds:.2f} s, {reached}; "
            f"{len(model.one_step)} one-step and full-song predictions.</p>")


def summary_html(summary) -> str:
    """What ``write_outputs`` returns: the verdict, the table and where the report is."""
    written = f'<p class="facts">report: {_text(summary.report)}</p>' if summary.report else ""
    return (f"<h3>{_text(summary.melody.title)}</h3>" + verdict_section(summary)
            + comparison_table(summary) + written)


def run_html(run: SongRun) -> str:
    """The whole comparison of ``run``, as report.html shows it, in memory."""
    summary = build_summary(run)
    song, key = run.melody, melody_key(run.melody)
    histories = {m.spec.name: (m.training.history.loss, m.training.history.accuracy)
                 for m in run.models}
    parts = [f"<h3>{_text(song.title)}: what each model learnt</h3>",
             f'<p class="facts">{_text(melody_facts(song))}; a window of {summary.window} notes '
             f"gives {summary.samples} predictions per model, and without state at most "
             f"{summary.window_ceiling} can be right.</p>",
             verdict_section(summary), looking_section(summary, heading="h4"),
             comparison_table(summary), notes_table(summary),
             plot_image(loss_plot_png(song.title, histories),
                        "training loss and accuracy per epoch", "mg-training"),
             surprise_section(summary, heading="h4"),
             "<h4>The song</h4>", score_tag(musicxml_bytes(song, {}, key), song.title),
             audio_tag(song)]
    for name, model in summary.models.items():
        parts.append(f"<h4>{_text(name)}: {_text(model.spec.description)}</h4>")
        for kind in PREDICTIONS:
            melody, marks, subtitle = prediction(song, model, kind, key)
            label = say(kind)
            parts += [f"<p><b>{label}</b>: {model.samples - len(model.wrong(kind))} of "
                      f"{model.samples} right</p>",
                      score_tag(musicxml_bytes(melody, marks, key), melody.title, subtitle),
                      audio_tag(melody)]
    return "\n".join(parts)

"""What a run's comparison shows, in words: the verdict at the top of report.html and under the
table on the terminal.

It is read from the typed summary alone (``summary.RunSummary``): which models replay the song,
where the others derail, and whether the notes before a derailment are one of the song's
ambiguous contexts (``summary.AmbiguousContext``: a window of notes that recurs with another next
note, which no model without state can tell apart).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..formats.notation import note_label, tokens_text
from ..learning.experiment import short_of_target
from .summary import AmbiguousContext, ModelSummary, RunSummary


@dataclass(frozen=True)
class Verdict:
    headline: str          # one sentence: what the comparison shows
    details: list[str]     # the reasons, a sentence or two each
    cap_warnings: list[str]  # models that stopped at the epoch cap before their target


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _notes(positions) -> str:
    positions = list(positions)
    return ("note " if len(positions) == 1 else "notes ") + _and([str(p) for p in positions])


def context_before(summary: RunSummary, position: int) -> AmbiguousContext | None:
    """The ambiguous context that ends just before song position ``position``, if it is one."""
    return next((context for context in summary.ambiguous if position in context.positions), None)


def _outcomes(models: list[ModelSummary], summary: RunSummary) -> str:
    """What some models do replaying the song: "mlp derails at note 8, where ...; lstm at ..."."""
    carry = [model.name for model in models if model.first_wrong_full_song is None]
    derail = [model for model in models if model.first_wrong_full_song is not None]
    parts = []
    if carry:
        parts.append(f"{_and(carry)} {'carries' if len(carry) == 1 else 'carry'} the whole song")
    at: dict[int, list[str]] = {}  # first wrong note -> the models that derail there
    for model in derail:
        at.setdefault(model.first_wrong_full_song, []).append(model.name)
    for number, (first, names) in enumerate(at.items()):
        verb = ("derails " if len(names) == 1 else "derail ") if number == 0 else ""
        cause = ""
        if not models[0].spec.stateful and context_before(summary, first) is not None:
            cause = (f", where the {summary.window} notes before it recur in the song with "
                     "another next note")
        parts.append(f"{_and(names)} {verb}at note {first}{cause}")
    return ", ".join(parts)


def _why(model: ModelSummary, summary: RunSummary) -> str:
    """Why a model derails where it does."""
    first, key, window = model.first_wrong_full_song, summary.key, summary.window
    context = context_before(summary, first)
    if context is not None and not model.spec.stateful:
        here = next(note for note, positions in context.followers if first in positions)
        others = [(note, positions) for note, positions in context.followers if first not in positions]
        elsewhere = "; ".join(f"{note_label(note, key)} at {_notes(positions)}"
                              for note, positions in others)
        played = model.predictions.get("full-song", ())
        plays = (f"; here it plays {note_label(played[first - 1], key)}"
                 if len(played) >= first else "")
        return (f"{model.name} derails at note {first}: the {window} notes before it, "
                f"{tokens_text(context.context, key)}, come {len(context.positions)} times in the "
                f"song, followed by {note_label(here, key)} here and by {elsewhere}. A model that "
                f"sees only those {window} notes cannot tell the places apart{plays}, and from "
                f"there it feeds on its own notes.")
    if model.spec.stateful:
        return (f"{model.name} derails at note {first} even with state: it had not learnt the "
                f"song when training stopped ({model.one_step_right} of {model.samples} next "
                f"notes right in one step, {model.epochs} epochs).")
    return (f"{model.name} derails at note {first}, a note it does not predict right even from "
            f"the real song: it has not learnt the song ({model.one_step_right} of "
            f"{model.samples} next notes right in one step).")


def verdict(summary: RunSummary) -> Verdict:
    """The verdict of a run: a headline and the sentences behind it."""
    models = list(summary.models.values())
    groups = [(words, [model for model in models if model.spec.stateful == stateful])
              for words, stateful in (("Without state", False), ("with state", True))]
    groups = [(words, group) for words, group in groups if group]
    headline = "; ".join(f"{words}, {_outcomes(group, summary)}" for words, group in groups) + "."
    headline = headline[0].upper() + headline[1:]
    details = []
    for model in models:
        if model.first_wrong_full_song is not None:
            details.append(_why(model, summary))
    stateless = [model for model in models if not model.spec.stateful]
    carriers = [model for model in models
                if model.spec.stateful and model.first_wrong_full_song is None]
    window, samples, ceiling = summary.window, summary.samples, summary.window_ceiling
    if summary.ambiguous:
        got = ", ".join(f"{model.name} {'gets ' if number == 0 else ''}{model.one_step_right}"
                        for number, model in enumerate(stateless))
        details.append(
            f"In one step, from the real song, the {len(summary.ambiguous)} contexts of {window} "
            f"notes in the table below cap every model without state at {ceiling} of {samples}"
            + (f" ({got})." if stateless else "."))
    else:
        details.append(f"No {window} notes of this song come twice with another next note: a "
                       f"model without state can learn all {samples} next notes.")
    for model in carriers:
        details.append(
            f"{model.name} carries its state from window to window across the song, so the same "
            f"{window} notes at two places of the song are not the same for it: "
            f"{model.one_step_right} of {samples} in one step, and the whole song replayed from "
            f"its first {window} notes.")
    lstms = [model for model in stateless if model.spec.layer == "lstm"]
    failing_lstm = [model for model in lstms if model.first_wrong_full_song is not None]
    if failing_lstm and carriers:
        lstm = failing_lstm[0]
        details.append(
            f"The stateless LSTM ({lstm.name}) derails too, at note {lstm.first_wrong_full_song}: "
            f"what carries the song is the state, not the LSTM.")
    elif carriers and not lstms and any(m.first_wrong_full_song for m in stateless):
        details.append("Run it with --model all to see that an LSTM without state derails as "
                       "well: the lesson is state, not the LSTM.")
    warnings = [short_of_target(model.name, summary.config.recipe, model.epochs,
                                model.one_step_right, model.samples, model.target_right)
                for model in models if model.reached_epoch is None]
    return Verdict(headline, details, warnings)

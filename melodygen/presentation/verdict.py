"""What a run's comparison shows, in words: the verdict at the top of report.html and under the
table on the terminal.

It is read from the typed summary alone (``summary.RunSummary``): which models replay the song,
where the others derail, and whether the notes before a derailment are one of the song's
ambiguous contexts (``summary.AmbiguousContext``: a window of notes that recurs with another next
note, which no model that sees only that window can tell apart). A model remembers the song by
its state (a stateful LSTM) or by attention to every note before (a Transformer); the others,
the Transformer limited to a few notes among them, see a window.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..formats.notation import note_label, tokens_text
from ..learning.song.experiment import short_of_target, stopped_short
from .summary import AmbiguousContext, ModelSummary, RunSummary


@dataclass(frozen=True)
class Verdict:
    headline: str          # one sentence: what the comparison shows
    details: list[str]     # the reasons, a sentence or two each
    cap_warnings: list[str]  # models that stopped at the epoch cap before their target
    lesson: str | None = None  # the stateless LSTM derails too: state, not the LSTM (or a hint
                               # to run all the models)

# how a model can know where in the song it is -> the words of its group in the headline
MEMORIES = {"none": "Without state", "state": "with state",
            "attention": "with attention to every note before"}


def memory(model: ModelSummary) -> str:
    """"state", "attention" or "none" (a model that sees a window only)."""
    if model.spec.stateful:
        return "state"
    return "attention" if model.spec.remembers else "none"


def and_join(words: list[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _notes(positions) -> str:
    positions = list(positions)
    return ("note " if len(positions) == 1 else "notes ") + and_join([str(p) for p in positions])


def context_before(summary: RunSummary, position: int) -> AmbiguousContext | None:
    """The ambiguous context that ends just before song position ``position``, if it is one."""
    return next((context for context in summary.ambiguous if position in context.positions), None)


def _outcomes(models: list[ModelSummary], summary: RunSummary) -> str:
    """What some models do replaying the song: "mlp derails at note 8, where ...; lstm at ..."."""
    carry = [model.name for model in models if model.first_wrong_full_song is None]
    derail = [model for model in models if model.first_wrong_full_song is not None]
    parts = []
    if carry:
        parts.append(f"{and_join(carry)} {'carries' if len(carry) == 1 else 'carry'} the whole song")
    at: dict[int, list[str]] = {}  # first wrong note -> the models that derail there
    for model in derail:
        at.setdefault(model.first_wrong_full_song, []).append(model.name)
    for number, (first, names) in enumerate(at.items()):
        verb = ("derails " if len(names) == 1 else "derail ") if number == 0 else ""
        cause = ""
        if not models[0].spec.remembers and context_before(summary, first) is not None:
            cause = (f", where the {summary.window} notes before it recur in the song with "
                     "another next note")
        parts.append(f"{and_join(names)} {verb}at note {first}{cause}")
    return ", ".join(parts)


def _grouped(models: list[ModelSummary], key) -> list[list[ModelSummary]]:
    """Models grouped by ``key(model)``, in order of first appearance: one sentence a group."""
    groups: dict = {}
    for model in models:
        groups.setdefault(key(model), []).append(model)
    return list(groups.values())


def _why(group: list[ModelSummary], summary: RunSummary) -> str:
    """Why the models of ``group`` derail where they do (they derail alike)."""
    model, names, many = group[0], and_join([m.name for m in group]), len(group) > 1
    first, key, window = model.first_wrong_full_song, summary.key, summary.window
    they, s = ("they", "") if many else ("it", "s")
    context = context_before(summary, first)
    if context is not None and not model.spec.remembers:
        here = next(note for note, positions in context.followers if first in positions)
        others = [(note, positions) for note, positions in context.followers if first not in positions]
        elsewhere = "; ".join(f"{note_label(note, key)} at {_notes(positions)}"
                              for note, positions in others)
        played = model.predictions.get("full-song", ())
        plays = (f"; here {they} play{s} {note_label(played[first - 1], key)}"
                 if len(played) >= first else "")
        return (f"{names} derail{s} at note {first}: the {window} notes before it, "
                f"{tokens_text(context.context, key)}, come {len(context.positions)} times in the "
                f"song, followed by {note_label(here, key)} here and by {elsewhere}. A model that "
                f"sees only those {window} notes cannot tell the places apart{plays}, and from "
                f"there {they} feed{s} on {'their' if many else 'its'} own notes.")
    if model.spec.remembers:
        return (f"{names} derail{s} at note {first} even with {memory(model)}: {they} had not learnt the "
                f"song when training stopped ({model.one_step_right} of {model.samples} next "
                f"notes right in one step, {model.epochs} epochs).")
    return (f"{names} derail{s} at note {first}, a note {they} do{'' if many else 'es'} not "
            f"predict right even from the real song: {they} ha{'ve' if many else 's'} not learnt "
            f"the song ({model.one_step_right} of {model.samples} next notes right in one step).")


def _played(model: ModelSummary) -> object:
    """The note a model plays where it derails (what its sentence tells)."""
    notes, first = model.predictions.get("full-song", ()), model.first_wrong_full_song
    return notes[first - 1] if first and len(notes) >= first else None


def verdict(summary: RunSummary) -> Verdict:
    """The verdict of a run: a headline and the sentences behind it."""
    models = list(summary.models.values())
    groups = [(words, [model for model in models if memory(model) == kind])
              for kind, words in MEMORIES.items()]
    groups = [(words, group) for words, group in groups if group]
    headline = "; ".join(f"{words}, {_outcomes(group, summary)}" for words, group in groups) + "."
    headline = headline[0].upper() + headline[1:]
    derailed = [model for model in models if model.first_wrong_full_song is not None]
    details = [_why(group, summary) for group in _grouped(derailed, lambda m: (
        memory(m), m.first_wrong_full_song, _played(m),
        None if context_before(summary, m.first_wrong_full_song) and not m.spec.remembers
        else (m.one_step_right, m.epochs)))]
    stateless = [model for model in models if not model.spec.remembers]
    carriers = [model for model in models
                if model.spec.remembers and model.first_wrong_full_song is None]
    window, samples, ceiling = summary.window, summary.samples, summary.window_ceiling
    if summary.ambiguous:
        got = ", ".join(f"{model.name} {'gets ' if number == 0 else ''}{model.one_step_right}"
                        for number, model in enumerate(stateless))
        capped = "every model without state" if all(memory(m) != "attention" for m in models) \
            else f"every model that sees no more than {window} notes"
        details.append(
            f"In one step, from the real song, the {len(summary.ambiguous)} contexts of {window} "
            f"notes in the table below cap {capped} at {ceiling} of {samples}"
            + (f" ({got})." if stateless else "."))
    else:
        details.append(f"No {window} notes of this song come twice with another next note: a "
                       f"model without state can learn all {samples} next notes.")
    for group in _grouped(carriers, lambda m: (memory(m), m.one_step_right)):
        many = len(group) > 1
        how = (f"carr{'y' if many else 'ies'} {'their' if many else 'its'} state from window to "
               "window across the song" if memory(group[0]) == "state" else
               f"look{'' if many else 's'} back at every note before, by attention")
        details.append(
            f"{and_join([m.name for m in group])} {how}, so the same {window} notes at two "
            f"places of the song are not the same for {'them' if many else 'it'}: "
            f"{group[0].one_step_right} of {samples} in one step, and the whole song replayed "
            f"from its first {window} notes.")
    warnings = [short_of_target(model.name, summary.config.recipe, model.epochs,
                                model.one_step_right, model.samples, model.target_right)
                for model in models
                if stopped_short(model.reached_epoch, model.one_step_right, model.target_right)]
    return Verdict(headline, details, warnings, _lesson(stateless, carriers))


def _lesson(window_models: list[ModelSummary], carriers: list[ModelSummary]) -> str | None:
    """What the run teaches beyond its headline: a stateless LSTM, or a Transformer limited to
    a few notes, derails where the window models do while the models that remember the song do
    not: what carries the song is the context a model sees, not its kind of network."""
    lstms = [model for model in window_models if model.spec.family == "lstm"]
    failing_lstm = [model for model in lstms if model.first_wrong_full_song is not None]
    short = [model for model in window_models
             if model.spec.family == "transformer" and model.first_wrong_full_song is not None]
    attending = [model for model in carriers if model.spec.family == "transformer"]
    limited = (f"the Transformer limited to the last {short[0].spec.context} notes "
               f"({short[0].name})") if short else ""
    if failing_lstm and carriers:
        lstm = failing_lstm[0]
        if short and attending:
            return (f"The stateless LSTM ({lstm.name}) derails too, at note "
                    f"{lstm.first_wrong_full_song}, and so does {limited}: what carries the song "
                    "is the context a model sees (its state, or attention to every note before), "
                    "not the kind of network.")
        return (f"The stateless LSTM ({lstm.name}) derails too, at note "
                f"{lstm.first_wrong_full_song}: what carries the song is the state, not the LSTM.")
    if short and attending:
        return (f"{limited[0].upper()}{limited[1:]} derails at note "
                f"{short[0].first_wrong_full_song} as a model of a window does, while "
                f"{attending[0].name}, attending to every note before, does not: what carries "
                "the song is the context a model sees, not attention itself.")
    if carriers and not lstms and any(m.first_wrong_full_song for m in window_models):
        return ("Run it with --model all to see that an LSTM without state derails as well: "
                "the lesson is state, not the LSTM.")
    return None


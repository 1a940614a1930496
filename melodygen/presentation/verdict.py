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
from .language import and_join, say, words
from .summary import AmbiguousContext, ModelSummary, RunSummary


@dataclass(frozen=True)
class Verdict:
    headline: str          # one sentence: what the comparison shows
    details: list[str]     # the reasons, a sentence or two each
    cap_warnings: list[str]  # models that stopped at the epoch cap before their target
    lesson: str | None = None  # the stateless LSTM derails too: state, not the LSTM (or a hint
                               # to run all the models)

KINDS = ("none", "state", "attention")  # how a model can know where in the song it is


def memory(model: ModelSummary) -> str:
    """"state", "attention" or "none" (a model that sees a window only)."""
    if model.spec.stateful:
        return "state"
    return "attention" if model.spec.remembers else "none"


def _notes(positions, lang: str = "en") -> str:
    positions = list(positions)
    joined = and_join([str(p) for p in positions], lang)
    return say("note n" if len(positions) == 1 else "notes n", lang, n=joined)


def context_before(summary: RunSummary, position: int) -> AmbiguousContext | None:
    """The ambiguous context that ends just before song position ``position``, if it is one."""
    return next((context for context in summary.ambiguous if position in context.positions), None)


def _outcomes(models: list[ModelSummary], summary: RunSummary, lang: str) -> str:
    """What some models do replaying the song: "mlp derails at note 8, where ...; lstm at ..."."""
    carry = [model.name for model in models if model.first_wrong_full_song is None]
    derail = [model for model in models if model.first_wrong_full_song is not None]
    parts = []
    if carry:
        parts.append(say("carries", lang, names=and_join(carry, lang),
                         ies="ies" if len(carry) == 1 else "y"))
    at: dict[int, list[str]] = {}  # first wrong note -> the models that derail there
    for model in derail:
        at.setdefault(model.first_wrong_full_song, []).append(model.name)
    for number, (first, names) in enumerate(at.items()):
        cause = ""
        if not models[0].spec.remembers and context_before(summary, first) is not None:
            cause = say("cause", lang, window=summary.window)
        parts.append(say("derail first" if number == 0 else "derail next", lang,
                         names=and_join(names, lang), s="s" if len(names) == 1 else "",
                         n=first, cause=cause))
    return ", ".join(parts)


def _grouped(models: list[ModelSummary], key) -> list[list[ModelSummary]]:
    """Models grouped by ``key(model)``, in order of first appearance: one sentence a group."""
    groups: dict = {}
    for model in models:
        groups.setdefault(key(model), []).append(model)
    return list(groups.values())


def _why(group: list[ModelSummary], summary: RunSummary, lang: str) -> str:
    """Why the models of ``group`` derail where they do (they derail alike)."""
    model, many = group[0], len(group) > 1
    first, key, window = model.first_wrong_full_song, summary.key, summary.window
    plural = {"names": and_join([m.name for m in group], lang), "n": first,
              "they": "they" if many else "it", "s": "" if many else "s",
              "their": "their" if many else "its", "es": "" if many else "es",
              "ve": "ve" if many else "s", "right": model.one_step_right,
              "samples": model.samples, "epochs": model.epochs, "window": window}
    context = context_before(summary, first)
    if context is not None and not model.spec.remembers:
        here = next(note for note, positions in context.followers if first in positions)
        elsewhere = "; ".join(say("at", lang, note=note_label(note, key),
                                  where=_notes(positions, lang))
                              for note, positions in context.followers if first not in positions)
        played = model.predictions.get("full-song", ())
        plays = (say("plays", lang, note=note_label(played[first - 1], key), **plural)
                 if len(played) >= first else "")
        return say("why context", lang, context=tokens_text(context.context, key),
                   count=len(context.positions), here=note_label(here, key),
                   elsewhere=elsewhere, plays=plays, **plural)
    if model.spec.remembers:
        return say("why remembers", lang, memory=words("memory", lang)[KINDS.index(memory(model))],
                   **plural)
    return say("why unlearnt", lang, **plural)


def _played(model: ModelSummary) -> object:
    """The note a model plays where it derails (what its sentence tells)."""
    notes, first = model.predictions.get("full-song", ()), model.first_wrong_full_song
    return notes[first - 1] if first and len(notes) >= first else None


def cap_warning(model: ModelSummary, recipe: str, lang: str = "en") -> str:
    """What to say of a model whose epochs ended before its predictions reached the target."""
    if lang == "en":
        return short_of_target(model.name, recipe, model.epochs, model.one_step_right,
                               model.samples, model.target_right)
    ended = say("ended fast" if recipe == "fast" else "ended lecture", lang, epochs=model.epochs)
    return say("short of target", lang, name=model.name, ended=ended, right=model.one_step_right,
               samples=model.samples, target=model.target_right)


def verdict(summary: RunSummary, lang: str = "en") -> Verdict:
    """The verdict of a run: a headline and the sentences behind it, in ``lang``."""
    models = list(summary.models.values())
    groups = [(phrase, [model for model in models if memory(model) == kind])
              for kind, phrase in zip(KINDS, words("groups", lang))]
    groups = [(phrase, group) for phrase, group in groups if group]
    headline = "; ".join(f"{phrase}, {_outcomes(group, summary, lang)}"
                         for phrase, group in groups) + "."
    headline = headline[0].upper() + headline[1:]
    derailed = [model for model in models if model.first_wrong_full_song is not None]
    details = [_why(group, summary, lang) for group in _grouped(derailed, lambda m: (
        memory(m), m.first_wrong_full_song, _played(m),
        None if context_before(summary, m.first_wrong_full_song) and not m.spec.remembers
        else (m.one_step_right, m.epochs)))]
    stateless = [model for model in models if not model.spec.remembers]
    carriers = [model for model in models
                if model.spec.remembers and model.first_wrong_full_song is None]
    window, samples, ceiling = summary.window, summary.samples, summary.window_ceiling
    if summary.ambiguous:
        got = ", ".join(f"{model.name} {'gets ' if number == 0 and lang == 'en' else ''}"
                        f"{model.one_step_right}" for number, model in enumerate(stateless))
        capped = (say("capped all", lang) if all(memory(m) != "attention" for m in models)
                  else say("capped window", lang, window=window))
        details.append(say("ceiling", lang, count=len(summary.ambiguous), window=window,
                           capped=capped, ceiling=ceiling, samples=samples,
                           got=f" ({got})." if stateless else "."))
    else:
        details.append(say("no context", lang, window=window, samples=samples))
    for group in _grouped(carriers, lambda m: (memory(m), m.one_step_right)):
        many = len(group) > 1
        details.append(say("carry state" if memory(group[0]) == "state" else "carry attention",
                           lang, names=and_join([m.name for m in group], lang),
                           ies="y" if many else "ies", s="" if many else "s",
                           their="their" if many else "its", them="them" if many else "it",
                           window=window, right=group[0].one_step_right, samples=samples))
    warnings = [cap_warning(model, summary.config.recipe, lang) for model in models
                if stopped_short(model.reached_epoch, model.one_step_right, model.target_right)]
    return Verdict(headline, details, warnings, _lesson(stateless, carriers, lang))


def _lesson(window_models: list[ModelSummary], carriers: list[ModelSummary],
            lang: str) -> str | None:
    """What the run teaches beyond its headline: a stateless LSTM, or a Transformer limited to
    a few notes, derails where the window models do while the models that remember the song do
    not: what carries the song is the context a model sees, not its kind of network."""
    lstms = [model for model in window_models if model.spec.family == "lstm"]
    failing_lstm = [model for model in lstms if model.first_wrong_full_song is not None]
    short = [model for model in window_models
             if model.spec.family == "transformer" and model.first_wrong_full_song is not None]
    attending = [model for model in carriers if model.spec.family == "transformer"]
    if failing_lstm and carriers:
        lstm = failing_lstm[0]
        if short and attending:
            return say("lesson both", lang, lstm=lstm.name, n=lstm.first_wrong_full_song,
                       k=short[0].spec.context, short=short[0].name)
        return say("lesson lstm", lang, lstm=lstm.name, n=lstm.first_wrong_full_song)
    if short and attending:
        return say("lesson attention", lang, k=short[0].spec.context, short=short[0].name,
                   n=short[0].first_wrong_full_song, attending=attending[0].name)
    if carriers and not lstms and any(m.first_wrong_full_song for m in window_models):
        return say("lesson hint", lang)
    return None

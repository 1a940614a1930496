"""The models an evaluation compares, each behind one interface: for a fold (training and test
tunes of an ``EvaluationData``), the probabilities it gives every test song's notes.

PPM (``learning.ppm``, IDyOM's models), named in Pearce's notation: ``ppm-PART-EOF`` where PART is
``ltm`` (learnt from the training songs), ``ltm+`` (and from each test song as it reads it),
``stm`` (each test song alone, as it reads it), ``both`` / ``both+`` (``ltm`` / ``ltm+`` with
``stm``, combined by entropy, arithmetic, bias 2 as in Pearce 2005, table 6.6); E the escape
(``c`` or ``x``, also ``a``, ``b``, ``d``), O the order bound (a number, or ``*`` for
unbounded: PPM*), F the flags: ``i`` interpolated, ``u`` update exclusion. Short names:
``ppm-c2i`` (``ppm-ltm-c2i``), ``ppm-c*i`` (``ppm-ltm-c*i``), ``ppm-ltm+``, ``ppm-stm``,
``ppm-both+`` (all C*I). The pitch is predicted over the pitch alphabet; the length by a second
model of the same kind over the length alphabet, as IDyOM predicts each viewpoint by a model of
its own; the note's probability is the pitch's times the length's.

The collection networks (``learning.collection``), one name per family (``lstm``,
``transformer``): the network is trained on the training songs (a tenth of them held out for
early stopping) and predicts each test song; ``lstm+`` (``transformer+``) is the same trained
network kept learning on each test song as it reads it (dynamic evaluation: the network's LTM+).
``pretrained`` and ``pretrained+`` (the LSTM; ``pretrained-transformer``,
``pretrained-transformer+``) first learn another collection (``--pretrain``), every tune that
has the same pitches as a tune of the evaluated collection (in any transposition) left out,
then the training songs. ``lstm+stm`` (``transformer+stm``, ``pretrained+stm``, ...) is the +
model's pitch distribution combined with PPM's short-term model (STM C*I, each test song alone)
as BOTH+ combines LTM+ and STM (entropy-weighted, arithmetic, bias 2): IDyOM's BOTH+ with the
network as its long-term model; the STM reads the pitches before, which every task gives. A
network's pitch distribution over the tonic-relative pitches is read at the alphabet's pitches
and renormalized over them; the note's probability is the pitch's times the length's given the
pitch, renormalized over the collection's lengths.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Callable, Sequence

import numpy as np

from ..core.errors import ConfigError
from ..learning import ppm
from ..learning.networks import TITLES
from ..learning.collection.events import TASKS, EventVocabulary, Task, encode_song, relative_pitch
from .data import EvaluationData

# (pitch distributions over the alphabet (notes, A), probabilities of the true notes (notes,))
SongPrediction = tuple[np.ndarray, np.ndarray]
FoldProgress = Callable[[str], None]  # what the model is doing now, in a few words

PPM_ALIASES = {"ppm-c2i": "ppm-ltm-c2i", "ppm-c*i": "ppm-ltm-c*i", "ppm-ltm+": "ppm-ltm+-c*i",
               "ppm-stm": "ppm-stm-c*i", "ppm-both+": "ppm-both+-c*i"}
_PPM_NAME = re.compile(r"ppm-(ltm\+?|stm|both\+?)-([abcdx])(\d+|\*)(i|u|iu|ui)?")
NETWORKS = ("lstm", "transformer")  # the collection networks' families
PRETRAINED_ALIASES = {"pretrained": "pretrained-lstm", "pretrained+": "pretrained-lstm+",
                      "pretrained+stm": "pretrained-lstm+stm"}
DEFAULT_MODELS = ("ppm-c2i", "ppm-c*i", "ppm-ltm+", "ppm-both+", "lstm", "lstm+", "lstm+stm",
                  "transformer", "transformer+", "transformer+stm")
# the models compared when none are named, per task: in the task of the pitch given rhythm and
# key, PPM of the pitch alone beside IDyOM's viewpoint systems, which read what the networks read
TASK_MODELS = {"note": DEFAULT_MODELS, "pitch": DEFAULT_MODELS,
               "pitch-rhythm-key": ("ppm-both+", "mvs-conklin-witten", "mvs-selected", "lstm",
                                    "lstm+", "lstm+stm", "transformer", "transformer+",
                                    "transformer+stm")}


FORMS = ("", "+", "+stm")  # as trained; learning each test song; that, with PPM's STM


def network_name(name: str) -> tuple[str, bool, str] | None:
    """A network model's name -> (family, pretrained, form: one of ``FORMS``), else None:
    "lstm" -> ("lstm", False, ""), "transformer+" -> ("transformer", False, "+"),
    "pretrained" -> ("lstm", True, ""), "pretrained-transformer+stm" -> (..., True, "+stm")."""
    name = PRETRAINED_ALIASES.get(name, name)
    pretrained = name.startswith("pretrained-")
    base = name[len("pretrained-"):] if pretrained else name
    form = next(form for form in FORMS[::-1] if base.endswith(form))
    family = base[:len(base) - len(form)]
    return (family, pretrained, form) if family in NETWORKS else None


COMBINATION = ("arithmetic", 2.0)  # Pearce (2005), table 6.6


def model_named(name: str, task: Task):
    """The PPM or viewpoint model named ``name`` in ``task``; a network's name gives None (its
    evaluator is built from the settings, ``cross_validation``). An unknown name, or a model
    that cannot do the task, is a ``ConfigError``."""
    if network_name(name) is not None:
        return None
    if name.startswith("mvs-"):
        model = MVSModel.named(name)
        if task.predicts_length:
            raise ConfigError(f"model {name!r} predicts the pitch only: evaluate it with --task "
                              "pitch-rhythm-key (or pitch, for a system of the pitch alone)")
        if task.name == "pitch" and model.inputs(name) != ["the pitches before"]:
            raise ConfigError(f"model {name!r} reads more than the pitches before: evaluate it "
                              "with --task pitch-rhythm-key")
        return replace(model, task=task)
    return replace(PPMModel.named(name), task=task)


@dataclass(frozen=True)
class PPMModel:
    """One PPM model of an evaluation (see the module for its name): the pitch from the pitches
    before it, and in a task of the whole note the length from the lengths before it."""

    name: str
    part: str       # "ltm", "ltm+", "stm", "both" or "both+"
    escape: str
    order: int | None
    interpolated: bool
    update_exclusion: bool
    task: Task = TASKS["note"]

    @classmethod
    def named(cls, name: str) -> "PPMModel":
        found = _PPM_NAME.fullmatch(PPM_ALIASES.get(name, name))
        if not found:
            raise ConfigError(f"unknown PPM model {name!r}: write ppm-PART-EOF (PART ltm, ltm+, "
                              "stm, both or both+; E the escape c or x; O the order bound or *; "
                              "F i for interpolated, u for update exclusion), e.g. ppm-ltm-c*i, "
                              f"or one of {', '.join(PPM_ALIASES)}; a viewpoint system: "
                              "mvs-SYSTEM")
        part, escape, order, flags = found.groups()
        return cls(name, part, escape.upper(), None if order == "*" else int(order),
                   "i" in (flags or ""), "u" in (flags or ""))

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name,)

    def inputs(self, name: str) -> list[str]:
        """What it sees, in words."""
        return ["the pitches before"] + (["the lengths before"] if self.task.predicts_length
                                         else [])

    def describe(self, name: str) -> str:
        return self.description

    @property
    def description(self) -> str:
        label = (f"{self.escape}{'*' if self.order is None else self.order}"
                 f"{'U' if self.update_exclusion else ''}{'I' if self.interpolated else ''}")
        what = {"ltm": "long-term", "ltm+": "long-term, learning each test song",
                "stm": "short-term (each song alone)",
                "both": "long-term and short-term combined",
                "both+": "long-term learning each test song, and short-term, combined"}[self.part]
        return f"PPM {label}, {what}"

    def fold(self, data: EvaluationData, train: Sequence[int], test: Sequence[int],
             progress: FoldProgress | None = None, epoch_progress=None,
             memo: dict | None = None) -> dict[str, list[SongPrediction]]:
        """The fold's predictions; ``memo``, shared by the PPM models of one fold, keeps each
        long-term and short-term model's distributions, so that BOTH+ does not compute again
        the LTM+ and STM it combines."""
        if progress:
            progress(self.name)
        memo = {} if memo is None else memo
        pitch = self._distributions("pitch", data.pitch_sequences, len(data.pitches), train, test,
                                    memo)
        length = self._distributions("length", data.duration_sequences, len(data.durations),
                                     train, test, memo) if self.task.predicts_length else None
        out = []
        for place, (index, pitch_rows) in enumerate(zip(test, pitch)):
            steps = np.arange(len(pitch_rows))
            true = pitch_rows[steps, data.pitch_sequences[index]]
            if length is not None:
                true = true * length[place][steps, data.duration_sequences[index]]
            out.append((pitch_rows, true))
        return {self.name: out}

    def _distributions(self, what: str, sequences, alphabet: int, train, test,
                       memo: dict) -> list[np.ndarray]:
        config = ppm.PPMConfig(alphabet, self.order, self.escape, self.interpolated,
                               self.update_exclusion)
        training = [sequences[i] for i in train]
        tests = [sequences[i] for i in test]
        long_term = short_term = None
        if self.part != "stm":
            learn = self.part.endswith("+")
            key = (what, config, "ltm+" if learn else "ltm")
            if key not in memo:
                memo[key] = ppm.long_term_distributions(config, training, tests, learn=learn)
            long_term = memo[key]
        if self.part in ("stm", "both", "both+"):
            key = (what, config, "stm")
            if key not in memo:
                memo[key] = ppm.short_term_distributions(config, tests)
            short_term = memo[key]
        if long_term is None:
            return short_term
        if short_term is None:
            return long_term
        method, bias = COMBINATION
        return [ppm.combine([lt, st], bias=bias, method=method)
                for lt, st in zip(long_term, short_term)]


_MVS_NAME = re.compile(r"mvs-([a-z0-9,*\-]+?)(?:-(ltm\+?|stm|both\+?))?")
# what a viewpoint reads of the notes, in words: its pitch part reads the pitches before
VIEWPOINT_READS = {  # (a linked viewpoint's context holds its parts for the notes before too)
    "dur": ("the note's own length", "the lengths before"),
    "dur-ratio": ("the note's own length", "the lengths before"),
    "deltast": ("the rest before the note", "the rests before"),
    "bioi": ("the note's onset", "the lengths before", "the rests before"),
    "ioi": ("the note's onset", "the lengths before", "the rests before"),
    **dict.fromkeys(("posinbar", "fib", "tactus", "thrtactus", "thrbar", "thr-cpint-fib",
                     "thr-cpint-tactus", "cpintfib"),
                    ("the note's onset in the bar", "the bar positions before")),
    "barlength": ("the meter",), "pulses": ("the meter",),
    **dict.fromkeys(("cpintfref", "inscale", "referent", "mode"), ("the key",)),
}


@dataclass(frozen=True)
class MVSModel:
    """An IDyOM multiple-viewpoint system of an evaluation (``learning.ppm.system``): the pitch
    of each note from its viewpoints of the notes before and of the note's own length, onset and
    key. Named ``mvs-SYSTEM`` (BOTH+, IDyOM's LTM+ and STM combined) or ``mvs-SYSTEM-PART``
    (PART ltm, ltm+, stm, both, both+); SYSTEM a named system (``learning.ppm.SYSTEMS``:
    conklin-witten, pearce, selected, ...)."""

    name: str
    system: str
    part: str = "both+"
    task: Task = TASKS["pitch-rhythm-key"]

    @classmethod
    def named(cls, name: str) -> "MVSModel":
        found = _MVS_NAME.fullmatch(name)
        if not found or found.group(1) not in ppm.SYSTEMS:
            raise ConfigError(f"unknown viewpoint system {name!r}: write mvs-SYSTEM or "
                              f"mvs-SYSTEM-PART, SYSTEM one of {', '.join(ppm.SYSTEMS)}, PART "
                              "ltm, ltm+, stm, both or both+")
        return cls(name, found.group(1), found.group(2) or "both+")

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name,)

    def describe(self, name: str) -> str:
        config = ppm.system_named(self.system)
        return f"IDyOM viewpoints ({', '.join(config.viewpoints)}), {self.part.upper()}"

    def inputs(self, name: str) -> list[str]:
        """What it sees, in words: what its viewpoints read of the notes."""
        parts = [part for viewpoint in ppm.system_named(self.system).viewpoints
                 for part in viewpoint.split("*")]
        return list(dict.fromkeys(["the pitches before"] +
                                  [words for part in parts
                                   for words in VIEWPOINT_READS.get(part, ())]))

    def fold(self, data: EvaluationData, train: Sequence[int], test: Sequence[int],
             progress: FoldProgress | None = None, epoch_progress=None,
             memo: dict | None = None) -> dict[str, list[SongPrediction]]:
        if progress:
            progress(self.name)
        rows = ppm.system_distributions(self.system, data.events, train, test, self.part,
                                        pitches=data.pitches)
        out = []
        for index, pitch_rows in zip(test, rows):
            steps = np.arange(len(pitch_rows))
            out.append((pitch_rows, pitch_rows[steps, data.pitch_sequences[index]]))
        return {self.name: out}


# the SGD learning rate of a family's dynamic evaluation (its + model), measured on 3 folds of
# kinder (docs/attention.md): the Transformer's best is ten times smaller than the LSTM's
DYNAMIC_RATES = {"lstm": 0.03, "transformer": 0.003}


@dataclass
class NetworkModel:
    """A collection network of an evaluation: its model as trained, learning each test song,
    and that with PPM's short-term model (``lstm``, ``lstm+``, ``lstm+stm``) from one training
    per fold (``pretrained``, ``pretrained+`` when it starts from pretrained weights)."""

    names_by_form: dict[str, str]          # form (``FORMS``) -> the name of the model asked for
    model_config: object                   # learning.CollectionModelConfig
    train_config: object                   # learning.CollectionTrainConfig
    vocabulary: EventVocabulary
    pretrained: list | None = None         # weights to start from
    dynamic_rate: float = 0.03             # SGD learning rate of dynamic evaluation (DYNAMIC_RATES)
    segment: int = 4                       # notes predicted between two dynamic steps
    histories: list = field(default_factory=list)  # per fold: the CorpusHistory

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.names_by_form[form] for form in FORMS if form in self.names_by_form)

    @property
    def task(self) -> Task:
        return TASKS[self.model_config.task]

    def describe(self, name: str) -> str:
        form = next(form for form, named in self.names_by_form.items() if named == name)
        what = f"collection {TITLES[self.model_config.family]}" + \
            (", pretrained" if self.pretrained is not None else "")
        return what + {"": "", "+": ", learning each test song as it reads it",
                       "+stm": ", learning each test song as it reads it, and PPM's short-term "
                               "model (STM C*I), combined as BOTH+"}[form]

    def inputs(self, name: str) -> list[str]:
        """What it sees, in words (its task's inputs)."""
        return self.task.words()

    def fold(self, data: EvaluationData, train: Sequence[int], test: Sequence[int],
             progress: FoldProgress | None = None,
             epoch_progress=None) -> dict[str, list[SongPrediction]]:
        from ..learning.collection import predict, training
        from ..learning.splits import split

        # a task without the key reads pitches relative to C, not to the tune's tonic
        tonics = data.tonics if self.task.knows_key else (0,) * len(data.tonics)
        rows = {i: encode_song(data.collection.tunes[i].melody, tonics[i], self.vocabulary)
                for i in list(train) + list(test)}
        train = list(train)
        parts = split([data.collection.tunes[i].melody for i in train],
                      self.train_config.validation, seed=self.train_config.seed)
        model = training.new_network(self.model_config, self.vocabulary, self.train_config.seed)
        if self.pretrained is not None:
            model.set_weights(self.pretrained)
        if progress:
            progress(f"{' and '.join(self.names)}: training")
        history = training.fit(model, [rows[train[i]] for i in parts.train],
                                        [rows[train[i]] for i in parts.validation],
                                        self.train_config, epoch_progress)
        self.histories.append(history)
        tests = [rows[i] for i in test]
        named, out = self.names_by_form, {}
        if "" in named:
            out[named[""]] = self._read(data, test, predict.distributions(model, tests))
        if "+" in named or "+stm" in named:
            if progress:
                progress(f"{named.get('+') or named['+stm']}: learning each test song as it "
                         "reads it")
            dynamic = self._read(data, test, predict.dynamic_distributions(
                model, tests, self.dynamic_rate, self.segment))
            if "+" in named:
                out[named["+"]] = dynamic
            if "+stm" in named:
                out[named["+stm"]] = with_short_term(data, test, dynamic)
        return out

    def _read(self, data: EvaluationData, test: Sequence[int], predicted) -> list[SongPrediction]:
        """Relative pitch and length probabilities -> the alphabet's pitches, the true notes
        (their pitches, and in a task of the whole note their lengths)."""
        durations = np.array([self.vocabulary.duration_index(d) for d in data.durations])
        out = []
        for index, (pitch_rows, duration_rows) in zip(test, predicted):
            tonic = data.tonics[index] if self.task.knows_key else 0
            classes = [relative_pitch(pitch, tonic) for pitch in data.pitches]
            pitch_probs = pitch_rows[:, classes].astype(np.float64)
            pitch_probs /= pitch_probs.sum(axis=1, keepdims=True)
            pitches, lengths = data.pitch_sequences[index], data.duration_sequences[index]
            steps = np.arange(len(pitches))
            true = pitch_probs[steps, pitches]
            if duration_rows is not None:
                length_probs = duration_rows[:, durations].astype(np.float64)
                length_probs /= length_probs.sum(axis=1, keepdims=True)
                true = true * length_probs[steps, lengths]
            out.append((pitch_probs, true))
        return out


def with_short_term(data: EvaluationData, test: Sequence[int],
                    predictions: list[SongPrediction]) -> list[SongPrediction]:
    """A model's predictions of the test songs combined with PPM's short-term model of each
    song (STM C*I) as BOTH+ combines its long-term and short-term models (``COMBINATION``);
    the true note's probability is the combined pitch's times the model's length given it."""
    config = ppm.PPMConfig(len(data.pitches), None, "C", True, False)
    short_term = ppm.short_term_distributions(config, [data.pitch_sequences[i] for i in test])
    method, bias = COMBINATION
    out = []
    for index, (pitch_probs, true), stm in zip(test, predictions, short_term):
        steps, pitches = np.arange(len(pitch_probs)), data.pitch_sequences[index]
        length_given_pitch = true / pitch_probs[steps, pitches]
        both = ppm.combine([pitch_probs, stm], bias=bias, method=method)
        out.append((both, both[steps, pitches] * length_given_pitch))
    return out

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
then the training songs. Its pitch distribution over the tonic-relative pitches is read at the
alphabet's pitches and renormalized over them; the note's probability is the pitch's times the
length's given the pitch, renormalized over the collection's lengths.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from ..core.errors import ConfigError
from ..learning import ppm
from ..learning.collection.events import EventVocabulary, encode_song, relative_pitch
from .data import EvaluationData

# (pitch distributions over the alphabet (notes, A), probabilities of the true notes (notes,))
SongPrediction = tuple[np.ndarray, np.ndarray]
FoldProgress = Callable[[str], None]  # what the model is doing now, in a few words

PPM_ALIASES = {"ppm-c2i": "ppm-ltm-c2i", "ppm-c*i": "ppm-ltm-c*i", "ppm-ltm+": "ppm-ltm+-c*i",
               "ppm-stm": "ppm-stm-c*i", "ppm-both+": "ppm-both+-c*i"}
_PPM_NAME = re.compile(r"ppm-(ltm\+?|stm|both\+?)-([abcdx])(\d+|\*)(i|u|iu|ui)?")
NETWORKS = ("lstm", "transformer")  # the collection networks' families
PRETRAINED_ALIASES = {"pretrained": "pretrained-lstm", "pretrained+": "pretrained-lstm+"}
DEFAULT_MODELS = ("ppm-c2i", "ppm-c*i", "ppm-ltm+", "ppm-both+", "lstm", "lstm+", "transformer",
                  "transformer+")


def network_name(name: str) -> tuple[str, bool, bool] | None:
    """A network model's name -> (family, pretrained, learning each test song), else None:
    "lstm" -> ("lstm", False, False), "transformer+" -> ("transformer", False, True),
    "pretrained" -> ("lstm", True, False), "pretrained-transformer+" -> (..., True, True)."""
    name = PRETRAINED_ALIASES.get(name, name)
    pretrained = name.startswith("pretrained-")
    base = name[len("pretrained-"):] if pretrained else name
    dynamic = base.endswith("+")
    family = base.rstrip("+")
    return (family, pretrained, dynamic) if family in NETWORKS else None
COMBINATION = ("arithmetic", 2.0)  # Pearce (2005), table 6.6


@dataclass(frozen=True)
class PPMModel:
    """One PPM model of an evaluation (see the module for its name)."""

    name: str
    part: str       # "ltm", "ltm+", "stm", "both" or "both+"
    escape: str
    order: int | None
    interpolated: bool
    update_exclusion: bool

    @classmethod
    def named(cls, name: str) -> "PPMModel":
        found = _PPM_NAME.fullmatch(PPM_ALIASES.get(name, name))
        if not found:
            raise ConfigError(f"unknown PPM model {name!r}: write ppm-PART-EOF (PART ltm, ltm+, "
                              "stm, both or both+; E the escape c or x; O the order bound or *; "
                              "F i for interpolated, u for update exclusion), e.g. ppm-ltm-c*i, "
                              f"or one of {', '.join(PPM_ALIASES)}")
        part, escape, order, flags = found.groups()
        return cls(name, part, escape.upper(), None if order == "*" else int(order),
                   "i" in (flags or ""), "u" in (flags or ""))

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name,)

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
                                     train, test, memo)
        out = []
        for index, pitch_rows, length_rows in zip(test, pitch, length):
            steps = np.arange(len(pitch_rows))
            true = (pitch_rows[steps, data.pitch_sequences[index]]
                    * length_rows[steps, data.duration_sequences[index]])
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


@dataclass
class NetworkModel:
    """A collection network of an evaluation: its model as trained and/or learning each test
    song (``lstm``, ``lstm+``) from one training per fold (``pretrained``, ``pretrained+`` when
    it starts from pretrained weights)."""

    plain: str | None                      # the name of the model as trained, if asked for
    dynamic: str | None                    # the name of it learning each test song, if asked for
    model_config: object                   # learning.CollectionModelConfig
    train_config: object                   # learning.CollectionTrainConfig
    vocabulary: EventVocabulary
    pretrained: list | None = None         # weights to start from
    dynamic_rate: float = 0.03             # SGD learning rate of dynamic evaluation
    segment: int = 4                       # notes predicted between two dynamic steps
    histories: list = field(default_factory=list)  # per fold: the CorpusHistory

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name in (self.plain, self.dynamic) if name)

    def describe(self, name: str) -> str:
        what = f"collection {self.model_config.family.upper()}" + \
            (", pretrained" if self.pretrained is not None else "")
        return what + (", learning each test song as it reads it" if name == self.dynamic else "")

    def fold(self, data: EvaluationData, train: Sequence[int], test: Sequence[int],
             progress: FoldProgress | None = None,
             epoch_progress=None) -> dict[str, list[SongPrediction]]:
        from ..learning.collection import predict, training
        from ..learning.splits import split

        rows = {i: encode_song(data.collection.tunes[i].melody, data.tonics[i], self.vocabulary)
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
        out = {}
        if self.plain:
            out[self.plain] = self._read(data, test, predict.distributions(model, tests))
        if self.dynamic:
            if progress:
                progress(f"{self.dynamic}: learning each test song as it reads it")
            out[self.dynamic] = self._read(data, test, predict.dynamic_distributions(
                model, tests, self.dynamic_rate, self.segment))
        return out

    def _read(self, data: EvaluationData, test: Sequence[int], predicted) -> list[SongPrediction]:
        """Relative pitch and length probabilities -> the alphabet's pitches, the true notes."""
        durations = np.array([self.vocabulary.duration_index(d) for d in data.durations])
        out = []
        for index, (pitch_rows, duration_rows) in zip(test, predicted):
            classes = [relative_pitch(pitch, data.tonics[index]) for pitch in data.pitches]
            pitch_probs = pitch_rows[:, classes].astype(np.float64)
            pitch_probs /= pitch_probs.sum(axis=1, keepdims=True)
            length_probs = duration_rows[:, durations].astype(np.float64)
            length_probs /= length_probs.sum(axis=1, keepdims=True)
            pitches, lengths = data.pitch_sequences[index], data.duration_sequences[index]
            steps = np.arange(len(pitches))
            out.append((pitch_probs, pitch_probs[steps, pitches] * length_probs[steps, lengths]))
        return out

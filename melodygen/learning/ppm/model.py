"""One PPM model: its settings, its counts, and how they blend into a distribution.

A model predicts the next symbol (an int in ``0..alphabet_size-1``, e.g. a chromatic pitch's
index in the corpus's sorted pitch set) from the symbols before it in the same sequence (song).
Everything here follows IDyOM 1.7.1 (``ppm-star/ppm-star.lisp``) and Pearce (2005, PhD thesis,
ch. 6); the function each rule comes from is named with it.

Counts (``increment-counts``, ``model-sentinel-event``)
    ``c(s|x)`` is how often symbol ``s`` followed context ``x`` (the ``len(x)`` symbols just before
    it, in one sequence) in what the model has learnt. Contexts never cross a sequence boundary:
    IDyOM ends each learnt sequence with a sentinel ``$`` (here ``END``), a continuation that
    counts for no symbol but makes every suffix of the sequence "continued", which matters for
    PPM*'s choice of context below. ``c1(s|x)``, the update-excluded count (Moffat 1990),
    grows only in the longest context where ``s`` had been seen before and in the longer ones
    where it is new (1 on creation). IDyOM keeps it per suffix-tree edge, with Bunton's (1996)
    virtual nodes; this per-context definition gives IDyOM's update-exclusion test vectors
    exactly, but that the two agree on every input is not proven.
Context chosen (``select-state``)
    The longest matching context ``x_L`` is the longest suffix of the history with any
    continuation. With an order bound ``k``: ``x_min(L,k)``. Unbounded (PPM*, Cleary & Teahan
    1997): if ``x_L`` is deterministic (one distinct continuation, ``$`` included) the shortest
    deterministic context ``x_l`` (``l >= 1``), otherwise ``x_L``. The empty context is never
    deterministic. When a context shorter than ``x_L`` is chosen, its own level uses full counts
    even with update exclusion (Bunton 1996; thesis 6.2.3.6).
Escape (``weight``, ``type-count``, ``state-count``, ``initialize``)
    At a context with present symbols ``S`` (``c > 0``), excluded set ``E`` (symbols present in the
    context one order up, when exclusion is on) and ``n = sum_{s in S - E} (c(s) + k)``:
    ``w = n / (n + t/d)`` (``w = n/(n+1)`` for A), ``0`` when the denominator is 0, where
    A: ``k=0``, ``t`` unused; B: ``k=-1, d=1``; C: ``k=0, d=1``; D: ``k=-1/2, d=2``; all but X:
    ``t = |S|``; X (AX): ``t = 1 + |{s: c(s) = 1}|``, ``k=0, d=1``. Note IDyOM's ``t`` counts every
    present symbol, excluded or not.
Blending (``compute-mixture``, ``next-probability``, ``order-minus1-distribution``)
    From the chosen order down to 0, carrying an escape product ``e`` (1 at the start, times
    ``1-w`` after each order). Interpolated (IDyOM's ``mixtures``, thesis eq. 6.8):
    ``p(s) += e * w * (c(s)+k) / n`` for every present ``s`` (excluded ones too; skipped when
    ``n = 0``). Backoff (PPM's blending): a symbol already given a probability at a higher
    order keeps it; a present, new one gets ``e * w * (c(s)+k) / n``. Order -1 (uniform):
    ``p(s) += e / (A + 1 - |S_0|)`` with exclusion (``|S_0|`` distinct symbols of order 0),
    ``e / A`` without; backoff gives it only to symbols not present at order 0 (and to any
    still at 0). Then the distribution is normalised to sum to 1 (``normalise-distribution``;
    IDyOM skips that when the sum is already in (0.999, 1); here it always normalises).
Restricted alphabet (``set-alphabet``, ``transition-counts``)
    IDyOM sets a model's alphabet before each prediction; a viewpoint's model predicts over the
    elements the next note can have (``mvs/multiple-viewpoint-system.lisp``
    ``set-model-alphabets``). Counts of symbols outside it are not read at any order (type and
    state counts, exclusion, order -1's ``|S_0|``), order -1 is uniform over it, and symbols
    outside it get no probability: ``blend(..., allowed=)``. The choice of context (above)
    still sees every continuation.
First note
    Predicted from the empty context (order 0 blended with order -1), as IDyOM starts every
    sequence at the root (``model-sequence``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Iterable, Sequence

import numpy as np

from ...core.errors import ConfigError, MelodyError

ESCAPES = ("A", "B", "C", "D", "X")
_NAME = re.compile(r"([ABCDX])(\*|\d+)(U?)(I?)")  # the thesis's names: C*I, X*UI, C2I
# escape method -> (k: added to each present count, d: divides the type count)  (``initialize``)
_ESCAPE_K_D = {"A": (0.0, 1.0), "B": (-1.0, 1.0), "C": (0.0, 1.0), "D": (-0.5, 2.0),
               "X": (0.0, 1.0)}


@dataclass(frozen=True)
class PPMConfig:
    """One PPM model's settings, validated on creation (a bad value is a ``ConfigError``).

    The thesis's names: ``C*I`` is ``PPMConfig(A, None, "C", True, False)``, ``X*UI`` is
    ``PPMConfig(A, None, "X", True, True)``, ``C2I`` is ``PPMConfig(A, 2, "C", True, False)``."""

    alphabet_size: int            # symbols are 0..alphabet_size-1
    order: int | None = None      # order bound (longest context, in symbols); None: PPM*, unbounded
    escape: str = "C"             # escape method: "A", "B", "C", "D" or "X" (AX)
    interpolated: bool = True     # interpolated smoothing (IDyOM's mixtures), or PPM's backoff
    update_exclusion: bool = False  # update-excluded counts (Moffat 1990)
    exclusion: bool = True        # exclusion while blending (IDyOM's default; off: experiments)

    def __post_init__(self) -> None:
        if isinstance(self.alphabet_size, bool) or not isinstance(self.alphabet_size, int) \
                or self.alphabet_size < 1:
            raise ConfigError(f"alphabet size must be a positive int, got {self.alphabet_size!r}")
        if self.order is not None and (isinstance(self.order, bool)
                                       or not isinstance(self.order, int) or self.order < 0):
            raise ConfigError(f"order bound must be None or an int >= 0, got {self.order!r}")
        if self.escape not in ESCAPES:
            raise ConfigError(f"escape must be one of {', '.join(ESCAPES)}, got {self.escape!r}")

    @property
    def name(self) -> str:
        """The thesis's short name: escape, order bound (``*`` unbounded), ``U``, ``I``: ``C*I``."""
        order = "*" if self.order is None else str(self.order)
        return (f"{self.escape}{order}{'U' if self.update_exclusion else ''}"
                f"{'I' if self.interpolated else ''}")

    @classmethod
    def named(cls, name: str, alphabet_size: int) -> "PPMConfig":
        """The inverse of ``name``: ``PPMConfig.named("X*UI", 12)`` (a bad name is a
        ``ConfigError``)."""
        found = _NAME.fullmatch(name)
        if not found:
            raise ConfigError(f"not a PPM model name: {name!r} (escape A-D or X, order bound or "
                              "*, U for update exclusion, I for interpolated: C*I, X*UI, C2I)")
        escape, order, update_exclusion, interpolated = found.groups()
        return cls(alphabet_size, None if order == "*" else int(order), escape,
                   bool(interpolated), bool(update_exclusion))


def check_sequence(sequence: Iterable[int], alphabet_size: int,
                   what: str = "sequence") -> list[int]:
    """``sequence`` as a list of ints, each in ``0..alphabet_size-1`` (else a ``MelodyError``
    naming the position and the value)."""
    symbols = [int(s) for s in sequence]
    for position, symbol in enumerate(symbols):
        if not 0 <= symbol < alphabet_size:
            raise MelodyError(f"{what}: symbol {symbol} at position {position} is outside "
                              f"the alphabet 0..{alphabet_size - 1}")
    return symbols


def blend(config: PPMConfig, levels: Sequence[np.ndarray], root_types: int,
          allowed: np.ndarray | None = None) -> np.ndarray:
    """The distribution IDyOM's ``compute-mixture`` makes from the counts of the chosen context
    and its suffixes: ``levels`` from the chosen order down to order 0, each (alphabet_size,)
    counts of the symbols after that context (0 = not present); ``root_types`` is the number of
    distinct symbols at order 0 (for the order -1 model). (alphabet_size,) floats summing to 1.
    ``allowed`` (alphabet_size,) bool: the alphabet is these symbols alone (see the module);
    the others get 0."""
    if allowed is not None:
        kept = [counts[allowed] for counts in levels]
        probabilities = blend(replace(config, alphabet_size=int(allowed.sum())), kept,
                              int(np.count_nonzero(kept[-1] > 0)))
        out = np.zeros(config.alphabet_size)
        out[allowed] = probabilities
        return out
    size = config.alphabet_size
    k, d = _ESCAPE_K_D[config.escape]
    probabilities = np.zeros(size)
    escape = 1.0
    excluded = np.zeros(size, dtype=bool)          # present one order up (IDyOM's ``excluded``)
    for counts in levels:
        present = counts > 0
        if config.escape == "X":
            types = 1.0 + np.count_nonzero(counts == 1)
        else:
            types = float(np.count_nonzero(present))
        counted = present & ~excluded if config.exclusion else present
        total = float(np.sum(counts[counted] + k))
        if config.escape == "A":
            denominator = total + 1.0
        else:
            denominator = total + types / d
        weight = total / denominator if denominator != 0 else 0.0
        if total != 0:
            estimate = np.where(present, weight * (counts + k) / total, 0.0)
            if config.interpolated:
                probabilities += escape * estimate
            else:
                new = present & ~excluded
                probabilities[new] = escape * estimate[new]
        excluded = present
        escape *= 1.0 - weight
    uniform = 1.0 / (size + 1 - root_types) if config.exclusion else 1.0 / size
    if config.interpolated:
        probabilities += escape * uniform
    else:
        keep = excluded & (probabilities > 0)
        probabilities[~keep] += escape * uniform
    return probabilities / probabilities.sum()


class PPM:
    """A PPM model: its frozen ``config`` and the counts it has learnt.

    The counts live in a trie of contexts read backwards (a context's child is the context with
    one more symbol before it), each node holding the full and the update-excluded counts of the
    symbols that followed it (``END`` for the end of a learnt sequence). Learning a sequence of
    ``n`` symbols costs ``O(n**2)``: this class is for short-term models, songs learnt as they
    are read, and checking the fast indexes below.
    """

    def __init__(self, alphabet_size: int, order: int | None = None, escape: str = "C",
                 interpolated: bool = True, update_exclusion: bool = False,
                 exclusion: bool = True) -> None:
        self.config = PPMConfig(alphabet_size, order, escape, interpolated, update_exclusion,
                                exclusion)
        self.end = alphabet_size                       # the sentinel's index in the count tables
        self._child: dict[int, int] = {}               # node * (A + 1) + symbol -> node
        self._full: list[dict[int, int]] = [{}]        # node -> {symbol or END: count}
        self._excluded: list[dict[int, int]] = [{}]    # node -> {symbol: update-excluded count}

    @classmethod
    def from_config(cls, config: PPMConfig) -> "PPM":
        return cls(config.alphabet_size, config.order, config.escape, config.interpolated,
                   config.update_exclusion, config.exclusion)

    # -- counts ---------------------------------------------------------------------------

    def _node(self, node: int, symbol: int, create: bool) -> int | None:
        key = node * (self.end + 1) + symbol
        child = self._child.get(key)
        if child is None and create:
            child = len(self._full)
            self._child[key] = child
            self._full.append({})
            self._excluded.append({})
        return child

    def _contexts(self, history: Sequence[int], create: bool) -> list[int]:
        """Nodes of the suffixes of ``history`` that the model knows, shortest (root) first
        (with ``create``, all ``len(history) + 1`` of them)."""
        nodes = [0]
        node = 0
        for symbol in reversed(history):
            node = self._node(node, symbol, create)
            if node is None or not (create or self._full[node]):
                break
            nodes.append(node)
        return nodes

    def learn_next(self, context: Sequence[int], symbol: int) -> None:
        """Learn that ``symbol`` followed ``context`` (the symbols before it in its sequence,
        oldest first): its count grows after every suffix of ``context``."""
        size = self.config.alphabet_size
        self._count(check_sequence(context, size, "context"),
                    check_sequence([symbol], size, "symbol")[0])

    def learn_end(self, sequence: Sequence[int]) -> None:
        """Learn that ``sequence`` ended (IDyOM's sentinel): every suffix of it is followed by
        ``END``, which no prediction counts but PPM*'s choice of context does."""
        self._count_end(check_sequence(sequence, self.config.alphabet_size))

    def _count(self, history: Sequence[int], symbol: int) -> None:
        nodes = self._contexts(history, create=True)
        seen_at = -1                                   # longest order where symbol was seen
        for order, node in enumerate(nodes):
            if self._full[node].get(symbol, 0) > 0:
                seen_at = order
        for order, node in enumerate(nodes):
            full = self._full[node]
            full[symbol] = full.get(symbol, 0) + 1
            if order >= seen_at:
                excluded = self._excluded[node]
                excluded[symbol] = excluded.get(symbol, 0) + 1

    def _count_end(self, sequence: Sequence[int]) -> None:
        for node in self._contexts(sequence, create=True):
            full = self._full[node]
            full[self.end] = full.get(self.end, 0) + 1

    def learn(self, sequence: Iterable[int]) -> None:
        """Learn one whole sequence (a song) and its end."""
        symbols = check_sequence(sequence, self.config.alphabet_size)
        for position, symbol in enumerate(symbols):
            self._count(symbols[:position], symbol)
        self._count_end(symbols)

    # -- prediction -----------------------------------------------------------------------

    def _counts(self, node: int, excluded: bool) -> np.ndarray:
        table = self._excluded[node] if excluded else self._full[node]
        counts = np.zeros(self.config.alphabet_size)
        for symbol, count in table.items():
            if symbol != self.end:
                counts[symbol] = count
        return counts

    def selected_order(self, context: Sequence[int]) -> tuple[int, bool]:
        """The order of the context IDyOM chooses after ``context``, and whether it chose one
        shorter than the longest match (``select-state``)."""
        nodes = self._contexts(list(context), create=False)
        return self._select(nodes)

    def _select(self, nodes: list[int]) -> tuple[int, bool]:
        longest = len(nodes) - 1
        bound = self.config.order
        if bound is not None:
            return (longest, False) if longest <= bound else (bound, True)
        if longest >= 1 and len(self._full[nodes[longest]]) == 1:
            shortest = next(order for order in range(1, longest + 1)
                            if len(self._full[nodes[order]]) == 1)
            return shortest, shortest != longest
        return longest, False

    def next_note(self, context: Sequence[int], allowed: np.ndarray | None = None) -> np.ndarray:
        """Probabilities of the symbol after ``context`` (the symbols before it in its song,
        oldest first): (alphabet_size,) floats, each > 0, summing to 1; with ``allowed``
        ((alphabet_size,) bool), over those symbols alone (``blend``)."""
        nodes = self._contexts(check_sequence(context, self.config.alphabet_size, "context"),
                               create=False)
        order, selected = self._select(nodes)
        ux = self.config.update_exclusion
        levels = [self._counts(nodes[order], ux and not selected)]
        levels += [self._counts(nodes[lower], ux) for lower in range(order - 1, -1, -1)]
        root_types = sum(1 for symbol in self._full[0] if symbol != self.end)
        return blend(self.config, levels, root_types, allowed)

    distribution = next_note

    def sequence_distributions(self, sequence: Iterable[int], learn: bool = False) -> np.ndarray:
        """Each symbol of ``sequence`` predicted from the ones before it (the first from the
        empty context): (len(sequence), alphabet_size). With ``learn`` the model learns each
        symbol right after predicting it, and the sequence's end after the last (LTM+; a short-
        term model is a fresh ``PPM`` per song, see ``short_term_distributions``)."""
        symbols = check_sequence(sequence, self.config.alphabet_size)
        rows = np.empty((len(symbols), self.config.alphabet_size))
        for position, symbol in enumerate(symbols):
            rows[position] = self.next_note(symbols[:position])
            if learn:
                self._count(symbols[:position], symbol)
        if learn:
            self._count_end(symbols)
        return rows

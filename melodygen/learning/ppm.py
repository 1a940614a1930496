"""IDyOM's variable-order Markov models (PPM and PPM*): a pure numpy/Python baseline.

A model predicts the next symbol (an int in ``0..alphabet_size-1``, e.g. a chromatic pitch's
index in the corpus's sorted pitch set) from the symbols before it in the same sequence (song).
Everything here follows IDyOM 1.7.1 (github mtpearce/idyom; ``ppm-star/ppm-star.lisp``,
``mvs/multiple-viewpoint-system.lisp``, ``mvs/prediction-sets.lisp``, ``mvs/params.lisp``)
and Pearce (2005, PhD thesis, ch. 6); the file and function it comes from is named with each rule.

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
Long-term and short-term models (``multiple-viewpoint-system.lisp`` ``model-event``;
``params.lisp``)
    LTM: learnt from the training songs; predicts a test song without learning it. LTM+:
    also learns each test song as it reads it (each note right after predicting it; the
    sequence's ``$`` at its end), keeping what it learnt for the next test songs. STM: a model
    that starts empty for every song and learns it as it reads it (no ``$``). IDyOM's
    defaults: LTM ``C*I`` (escape C, unbounded, interpolated, no update exclusion), STM ``X*UI``
    (escape X, unbounded, update exclusion, interpolated), both with exclusion.
Combination (``prediction-sets.lisp`` ``combine-distributions``, ``*-combination``; thesis eq. 6.9)
    Each distribution ``p_m`` gets weight ``w_m = H_rel(p_m) ** -b``, ``H_rel = H(p_m)/log2(A)``
    (1 when ``A = 1``); arithmetic: ``sum_m w_m p_m / sum_m w_m``; geometric:
    ``prod_m p_m ** (w_m / sum w)``, normalised. IDyOM's default is geometric with ``b = 7``
    (``*ltm-stm-combination*``, ``*ltm-stm-bias*``); Pearce (2005, table 6.6) used arithmetic.
Alphabet
    IDyOM takes the alphabet from the whole data set, training and test songs alike
    (``viewpoints/extensions.lisp`` ``set-alphabet-from-dataset``), so the order -1 model knows
    every pitch of the corpus; so do the callers here (``alphabet_size``).
First note
    Predicted from the empty context (order 0 blended with order -1), as IDyOM starts every
    sequence at the root (``model-sequence``).

Cross-entropy is the mean of ``-log2 p(note)`` over the notes (``bits``, ``mean_bits``).

Three implementations of the same counts. ``PPM``, a trie of contexts that learns one symbol at
a time (``O(n**2)`` per song of ``n`` notes): the plain one, for single songs and checks.
``CountIndex``: the counts of many songs built at once with numpy (contexts get integer ids
order by order; ``np.unique`` counts), pruned to the contexts a prediction can reach: the LTM
of a cross-validation fold. ``ReadingIndex``: the same with each occurrence's time, so that a
prediction counts only what was learnt before it: LTM+ and the STM of many songs at once.
Their predictions equal ``PPM``'s to the last bit (tests/learning/test_ppm.py).
``PPM`` reproduces IDyOM 1.7.1's own test vectors (``testing/ppm-tests.lisp``, 53 cases) to
single-float precision; the one case where a difference shows (2.5e-4 bits, a backoff model on a
long piece) comes from IDyOM leaving a distribution that sums to (0.999, 1) unnormalised.

Where this differs from IDyOM, on purpose: distributions are always normalised (above);
doubles, not single floats; and an LTM that predicts a test song without learning it does not
mark that song's suffixes as ended, which IDyOM does as a side effect (``model-sequence`` calls
``model-sentinel-event`` on the LTM whenever the data set is "constructed"); on kinder that
changes C*I by 1e-4 bits per note.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from ..core.errors import ConfigError, MelodyError

ESCAPES = ("A", "B", "C", "D", "X")
# escape method -> (k: added to each present count, d: divides the type count)  (``initialize``)
_ESCAPE_K_D = {"A": (0.0, 1.0), "B": (-1.0, 1.0), "C": (0.0, 1.0), "D": (-0.5, 2.0),
               "X": (0.0, 1.0)}
COMBINATIONS = ("geometric", "arithmetic")


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


def blend(config: PPMConfig, levels: Sequence[np.ndarray], root_types: int) -> np.ndarray:
    """The distribution IDyOM's ``compute-mixture`` makes from the counts of the chosen context
    and its suffixes: ``levels`` from the chosen order down to order 0, each (alphabet_size,)
    counts of the symbols after that context (0 = not present); ``root_types`` is the number of
    distinct symbols at order 0 (for the order -1 model). (alphabet_size,) floats summing to 1."""
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

    def next_note(self, context: Sequence[int]) -> np.ndarray:
        """Probabilities of the symbol after ``context`` (the symbols before it in its song,
        oldest first): (alphabet_size,) floats, each > 0, summing to 1."""
        nodes = self._contexts(check_sequence(context, self.config.alphabet_size, "context"),
                               create=False)
        order, selected = self._select(nodes)
        ux = self.config.update_exclusion
        levels = [self._counts(nodes[order], ux and not selected)]
        levels += [self._counts(nodes[lower], ux) for lower in range(order - 1, -1, -1)]
        root_types = sum(1 for symbol in self._full[0] if symbol != self.end)
        return blend(self.config, levels, root_types)

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


# -- many songs at once: the long-term model of a cross-validation fold ---------------------

class CountIndex:
    """The counts a ``PPM`` would hold after learning ``songs`` in order, built at once with
    numpy, for contexts IDyOM can reach only.

    Order by order, every context of order ``l`` gets an integer id (its rank among the order's
    distinct contexts), made from the id of its suffix of order ``l - 1`` and the symbol before
    it; counts are ``np.unique`` over (context id, next symbol) pairs. A context is extended
    one symbol further only where a prediction could go on to it: below the order bound, or,
    unbounded, where the context is not deterministic (PPM* stops at the first deterministic
    one). So every training note appears at a few orders, not at all ``pos + 1`` of them.
    """

    def __init__(self, config: PPMConfig, songs: Sequence[Sequence[int]]) -> None:
        self.config = config
        size = config.alphabet_size
        self.end = size
        arrays = [np.asarray(check_sequence(s, size, f"song {i}"), dtype=np.int64)
                  for i, s in enumerate(songs)]
        lengths = np.array([len(a) for a in arrays], dtype=np.int64)
        # targets: every note and every song's end, in learning order
        # the notes, and one more so that a song with no notes indexes something
        self._text = np.concatenate(arrays + [np.zeros(1, np.int64)])
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]) if len(arrays) else lengths
        position = np.concatenate([np.arange(n + 1) for n in lengths]) if len(arrays) \
            else np.zeros(0, np.int64)
        start = np.repeat(starts, lengths + 1)
        symbol = np.concatenate([np.append(a, self.end) for a in arrays]) if len(arrays) \
            else np.zeros(0, np.int64)
        self._keys: list[np.ndarray] = []       # order l >= 1: sorted parent_id * A + symbol before
        self._pair_context: list[np.ndarray] = []   # order l: pairs' context ids, sorted
        self._pair_symbol: list[np.ndarray] = []
        self._pair_full: list[np.ndarray] = []
        self._pair_excluded: list[np.ndarray] = []
        self._types: list[np.ndarray] = []      # order l: distinct continuations ($ too) per id
        bound = config.order
        active = np.arange(len(symbol))
        context = np.zeros(len(symbol), dtype=np.int64)  # ids of the active targets' contexts
        order = 0
        while True:
            sym = symbol[active]
            pair = context * (size + 1) + sym
            unique_pairs, inverse = np.unique(pair, return_inverse=True)
            contexts = unique_pairs // (size + 1)
            self._pair_context.append(contexts)
            self._pair_symbol.append(unique_pairs % (size + 1))
            self._pair_full.append(np.bincount(inverse, minlength=len(unique_pairs)))
            types = np.bincount(contexts, minlength=self._ids(order))
            self._types.append(types)
            # the next order's contexts, and whether (that context, symbol) was seen before
            deeper = position[active] > order
            before = self._text[np.where(deeper, start[active] + position[active] - order - 1, 0)]
            key = context * size + before
            next_repeat = np.zeros(len(active), dtype=bool)
            if deeper.any():
                next_repeat[deeper] = self._repeats(key[deeper], sym[deeper])
            # update-excluded count: occurrences where no longer context had seen the symbol
            self._pair_excluded.append(np.bincount(inverse, weights=~next_repeat,
                                                   minlength=len(unique_pairs)).astype(np.int64))
            if not deeper.any():
                break
            # every next-order context is kept, if only to tell that the longest match is longer
            keys, ids = np.unique(key[deeper], return_inverse=True)
            self._keys.append(keys)
            if bound is not None and order == bound:
                break
            # counts go on only past a branching context (PPM* stops at a deterministic one)
            expand = types[context[deeper]] > 1 if bound is None and order > 0 else \
                np.ones(int(deeper.sum()), dtype=bool)
            if not expand.any():
                break
            active, context = active[deeper][expand], ids.ravel()[expand].astype(np.int64)
            order += 1
        self.root_types = int(np.count_nonzero(self._pair_symbol[0] < size))

    def _ids(self, order: int) -> int:
        """How many contexts of ``order`` have ids."""
        return 1 if order == 0 else len(self._keys[order - 1])

    def _repeats(self, key: np.ndarray, symbol: np.ndarray) -> np.ndarray:
        """For each (key, symbol) in learning order: whether the same pair came earlier."""
        _, first, inverse = np.unique(key * (self.end + 1) + symbol, return_index=True,
                                      return_inverse=True)
        return first[inverse.ravel()] != np.arange(len(key))

    def _rows(self, order: int, ids: np.ndarray, excluded: bool) -> np.ndarray:
        """Dense counts (len(ids), A) of the symbols after contexts ``ids`` of ``order``."""
        size = self.config.alphabet_size
        contexts = self._pair_context[order]
        lo = np.searchsorted(contexts, ids, side="left")
        hi = np.searchsorted(contexts, ids, side="right")
        rows = np.zeros((len(ids), size + 1))
        widths = hi - lo
        which = np.repeat(np.arange(len(ids)), widths)
        pairs = np.arange(len(which)) - np.repeat(np.cumsum(widths) - widths, widths) \
            + np.repeat(lo, widths)
        table = self._pair_excluded[order] if excluded else self._pair_full[order]
        rows[which, self._pair_symbol[order][pairs]] = table[pairs]
        return rows[:, :size]

    def distributions(self, songs: Sequence[Sequence[int]]) -> list[np.ndarray]:
        """Each note of each of ``songs`` predicted from the notes before it, nothing learnt:
        one (len(song), A) array per song (what ``PPM.sequence_distributions`` gives)."""
        config = self.config
        size = config.alphabet_size
        arrays = [np.asarray(check_sequence(s, size, f"test song {i}"), dtype=np.int64)
                  for i, s in enumerate(songs)]
        lengths = np.array([len(a) for a in arrays], dtype=np.int64)
        total = int(lengths.sum())
        text = np.concatenate(arrays) if total else np.zeros(0, np.int64)
        position = np.concatenate([np.arange(n) for n in lengths]) if total else text
        # walk up the orders: ids[l][u] is target u's context of order l (-1: not matched)
        ids = [np.zeros(total, dtype=np.int64)]          # ids[l][u]: u's context of order l
        longest = np.zeros(total, dtype=np.int64)         # L: the longest match
        shortest = np.zeros(total, dtype=np.int64)        # PPM*: first deterministic order, or 0
        walking = np.full(total, len(self._types) > 0)    # whose order-l context is matched
        bound = config.order
        order = 0
        while walking.any() and order < len(self._keys):
            walking &= position > order
            current = np.full(total, -1, dtype=np.int64)
            if walking.any():
                keys = self._keys[order]
                who = np.flatnonzero(walking)
                key = ids[order][who] * size + text[who - order - 1]
                at = np.minimum(np.searchsorted(keys, key), len(keys) - 1)
                found = keys[at] == key
                who, at = who[found], at[found]
                longest[who] = order + 1
                walking[:] = False
                if bound is None:
                    counted = shortest[who] == 0          # reached through branching contexts
                    if counted.any():
                        current[who[counted]] = at[counted]
                        single = self._types[order + 1][at[counted]] == 1
                        shortest[who[counted][single]] = order + 1
                        walking[who[counted]] = True      # one more step tells whether L > l
                else:
                    counted = np.full(len(who), order + 1 <= bound)
                    current[who[counted]] = at[counted]
                    walking[who[counted]] = True
            ids.append(current)
            order += 1
        if bound is not None:
            chosen = np.minimum(longest, bound)
            selected = longest > bound
        else:
            chosen = np.where(shortest > 0, shortest, longest)
            selected = (shortest > 0) & (shortest != longest)
        rows = _blend_many(config, lambda order, rows, excluded:
                           self._rows(order, ids[order][rows], excluded),
                           chosen, selected, self.root_types)
        return np.split(rows, np.cumsum(lengths)[:-1]) if len(arrays) else []


def _first_of_runs(values: np.ndarray, times: np.ndarray, stride: int
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Sort by ``values``, then ``times`` (distinct, below ``stride``): the permutation, and
    where each run of equal values starts in it (its first, i.e. earliest, element)."""
    by = np.argsort(values * stride + times)
    ordered = values[by]
    starts = np.concatenate([[0], np.flatnonzero(ordered[1:] != ordered[:-1]) + 1]) \
        if len(ordered) else np.zeros(0, np.int64)
    return by, starts.astype(np.int64)


class ReadingIndex:
    """Every note of ``songs`` predicted as a ``PPM`` that learns them one after another,
    each note right after predicting it, predicts it: from everything learnt before that note.

    With ``ends``, each song's end is learnt after its last note (LTM+: the training songs,
    then the test songs as they are read); with ``separate``, each song has its own empty
    context and nothing is shared between songs (the short-term model, reset for every song,
    no ends). Built like ``CountIndex``, but every occurrence keeps its time (its place in the
    learning order), so a prediction counts only what came before it. Contexts are pruned by
    what is deterministic at the end, which was deterministic (or unseen) before.
    """

    def __init__(self, config: PPMConfig, songs: Sequence[Sequence[int]], ends: bool = True,
                 separate: bool = False) -> None:
        self.config = config
        size = config.alphabet_size
        self.end = size
        arrays = [np.asarray(check_sequence(s, size, f"song {i}"), dtype=np.int64)
                  for i, s in enumerate(songs)]
        lengths = np.array([len(a) for a in arrays], dtype=np.int64)
        extra = 1 if ends else 0
        self._text = np.concatenate(arrays + [np.zeros(1, np.int64)])
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        count = lengths + extra                          # targets per song
        self._song_first = np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64)
        self._lengths = lengths
        self.position = np.concatenate([np.arange(n) for n in count] + [np.zeros(0, np.int64)])
        start = np.repeat(starts, count)
        symbol = np.concatenate([np.append(a, self.end) if ends else a for a in arrays]
                                + [np.zeros(0, np.int64)])
        targets = len(symbol)
        self._stride = targets + 1                       # pair * stride + time: sortable key
        root = np.repeat(np.arange(len(arrays)), count) if separate else np.zeros(targets, np.int64)
        roots = len(arrays) if separate else 1
        # per order: the active targets (sorted: times) and their context ids; pair tables
        self._active: list[np.ndarray] = []
        self._context: list[np.ndarray] = []
        self._pair_context: list[np.ndarray] = []
        self._pair_symbol: list[np.ndarray] = []
        self._pair_start: list[np.ndarray] = []      # first occurrence of each pair in _times
        self._pair_first: list[np.ndarray] = []      # time the pair was first seen
        self._times: list[np.ndarray] = []           # pair * stride + time, sorted
        self._new: list[np.ndarray] = []             # cumulative update-excluded increments
        # per order l: the targets with a context of order l + 1, its id and when first seen
        self._deeper: list[np.ndarray] = []
        self._deeper_id: list[np.ndarray] = []
        self._first_seen: list[np.ndarray] = []
        self._types_final: list[np.ndarray] = []
        bound = config.order
        active = np.arange(targets)
        context = root
        order = 0
        while True:
            sym = symbol[active]
            pair = context * (size + 1) + sym
            by_pair, pair_start = _first_of_runs(pair, active, self._stride)  # pair, then time
            unique_pairs = pair[by_pair][pair_start]
            pair_index = np.repeat(np.arange(len(pair_start)),
                                   np.diff(np.append(pair_start, len(pair))))
            contexts = unique_pairs // (size + 1)
            self._active.append(active)
            self._context.append(context)
            self._pair_context.append(contexts)
            self._pair_symbol.append(unique_pairs % (size + 1))
            self._pair_start.append(pair_start)
            self._pair_first.append(active[by_pair][pair_start])
            self._times.append(pair_index * self._stride + active[by_pair])
            ids = roots if order == 0 else len(self._first_seen[order - 1])
            types = np.bincount(contexts, minlength=ids)
            self._types_final.append(types)
            deeper = self.position[active] > order
            before = self._text[np.where(deeper,
                                         start[active] + self.position[active] - order - 1, 0)]
            key = context * size + before
            repeat = np.zeros(len(active), dtype=bool)
            if deeper.any():
                pairs_next = key[deeper] * (size + 1) + sym[deeper]
                order_next, starts_next = _first_of_runs(pairs_next, active[deeper], self._stride)
                later = np.ones(len(pairs_next), dtype=bool)
                later[order_next[starts_next]] = False
                repeat[deeper] = later
            self._new.append(np.concatenate([[0], np.cumsum(~repeat[by_pair])]))
            if not deeper.any():
                break
            order_key, starts_key = _first_of_runs(key[deeper], active[deeper], self._stride)
            next_id = np.empty(len(order_key), dtype=np.int64)
            next_id[order_key] = np.repeat(np.arange(len(starts_key)),
                                           np.diff(np.append(starts_key, len(order_key))))
            self._deeper.append(active[deeper])
            self._deeper_id.append(next_id)
            self._first_seen.append(active[deeper][order_key[starts_key]])
            if bound is not None and order == bound:
                break
            expand = types[context[deeper]] > 1 if bound is None and order > 0 else \
                np.ones(len(next_id), dtype=bool)
            if not expand.any():
                break
            active, context = active[deeper][expand], next_id[expand]
            order += 1

    def _rows(self, order: int, ids: np.ndarray, times: np.ndarray, excluded: bool) -> np.ndarray:
        """Counts (len(ids), A) after contexts ``ids`` of ``order``: what came before ``times``."""
        size = self.config.alphabet_size
        contexts = self._pair_context[order]
        lo = np.searchsorted(contexts, ids, side="left")
        widths = np.searchsorted(contexts, ids, side="right") - lo
        which = np.repeat(np.arange(len(ids)), widths)
        pairs = np.arange(len(which)) - np.repeat(np.cumsum(widths) - widths, widths) \
            + np.repeat(lo, widths)
        start = self._pair_start[order][pairs]
        upto = np.searchsorted(self._times[order], pairs * self._stride + times[which])
        if excluded:
            counted = self._new[order][upto] - self._new[order][start]
        else:
            counted = upto - start
        rows = np.zeros((len(ids), size + 1))
        rows[which, self._pair_symbol[order][pairs]] = counted
        return rows[:, :size]

    def _types(self, order: int, ids: np.ndarray, times: np.ndarray, symbols_only: bool = False
               ) -> np.ndarray:
        """Distinct continuations (``$`` too, unless ``symbols_only``) seen before ``times``."""
        contexts = self._pair_context[order]
        lo = np.searchsorted(contexts, ids, side="left")
        widths = np.searchsorted(contexts, ids, side="right") - lo
        which = np.repeat(np.arange(len(ids)), widths)
        pairs = np.arange(len(which)) - np.repeat(np.cumsum(widths) - widths, widths) \
            + np.repeat(lo, widths)
        seen = self._pair_first[order][pairs] < times[which]
        if symbols_only:
            seen &= self._pair_symbol[order][pairs] < self.end
        return np.bincount(which, weights=seen, minlength=len(ids)).astype(np.int64)

    def distributions(self, first: int = 0) -> list[np.ndarray]:
        """The predictions of the notes of songs ``first``, ``first + 1``, ...: one
        (len(song), A) array per song."""
        config = self.config
        lengths = self._lengths[first:]
        who = np.concatenate([self._song_first[first + i] + np.arange(n)
                              for i, n in enumerate(lengths)] + [np.zeros(0, np.int64)])
        total = len(who)
        position = self.position[who]
        ids = [self._context[0][who]]                    # order 0: every target is active
        longest = np.zeros(total, dtype=np.int64)
        shortest = np.zeros(total, dtype=np.int64)
        walking = np.ones(total, dtype=bool)
        bound = config.order
        order = 0
        while walking.any() and order < len(self._deeper):
            walking &= position > order
            current = np.full(total, -1, dtype=np.int64)
            rows = np.flatnonzero(walking)
            if len(rows):
                at = np.searchsorted(self._deeper[order], who[rows])
                next_id = self._deeper_id[order][at]
                seen = self._first_seen[order][next_id] < who[rows]
                rows, next_id = rows[seen], next_id[seen]
                longest[rows] = order + 1
                walking[:] = False
                if bound is None:
                    counted = shortest[rows] == 0
                    if counted.any():
                        rows, next_id = rows[counted], next_id[counted]
                        current[rows] = next_id
                        single = self._types(order + 1, next_id, who[rows]) == 1
                        shortest[rows[single]] = order + 1
                        walking[rows] = True
                elif order + 1 <= bound:
                    current[rows] = next_id
                    walking[rows] = True
            ids.append(current)
            order += 1
        if bound is not None:
            chosen = np.minimum(longest, bound)
            selected = longest > bound
        else:
            chosen = np.where(shortest > 0, shortest, longest)
            selected = (shortest > 0) & (shortest != longest)
        root_types = self._types(0, ids[0], who, symbols_only=True)
        probabilities = _blend_many(config, lambda order, rows, excluded:
                                    self._rows(order, ids[order][rows], who[rows], excluded),
                                    chosen, selected, root_types)
        return np.split(probabilities, np.cumsum(lengths)[:-1]) if len(lengths) else []


def _blend_many(config: PPMConfig, counts_at, chosen: np.ndarray, selected: np.ndarray,
                root_types) -> np.ndarray:
    """``blend`` for many predictions at once, order by order from the highest chosen one:
    ``counts_at(order, rows, excluded)`` gives the (len(rows), A) counts of those predictions'
    contexts of ``order`` (``excluded``: update-excluded counts); ``chosen`` and ``selected``
    (len,) say which order each starts from and whether it was chosen below the longest match;
    ``root_types`` (len,) or a number: distinct symbols at order 0. (len, A)."""
    size = config.alphabet_size
    k, d = _ESCAPE_K_D[config.escape]
    total = len(chosen)
    probabilities = np.zeros((total, size))
    escape = np.ones(total)
    excluded = np.zeros((total, size), dtype=bool)
    ux = config.update_exclusion
    top = int(chosen.max()) if total else -1
    for order in range(top, -1, -1):
        part = np.flatnonzero(chosen >= order)
        first = chosen[part] == order
        counts = np.zeros((len(part), size))
        full_rows = first & selected[part] if ux else np.ones(len(part), bool)
        for use_excluded, rows_mask in ((False, full_rows), (True, ~full_rows)):
            if rows_mask.any():
                counts[rows_mask] = counts_at(order, part[rows_mask], use_excluded)
        present = counts > 0
        if config.escape == "X":
            types = 1.0 + np.count_nonzero(counts == 1, axis=1)
        else:
            types = np.count_nonzero(present, axis=1).astype(float)
        was = excluded[part]
        counted = present & ~was if config.exclusion else present
        mass = np.where(counted, counts + k, 0.0).sum(axis=1)
        denominator = mass + 1.0 if config.escape == "A" else mass + types / d
        with np.errstate(divide="ignore", invalid="ignore"):
            weight = np.where(denominator != 0, mass / denominator, 0.0)
            estimate = np.where(present & (mass != 0)[:, None],
                                weight[:, None] * (counts + k) / mass[:, None], 0.0)
        if config.interpolated:
            probabilities[part] += escape[part, None] * estimate
        else:
            new = present & ~was & (mass != 0)[:, None]
            block = probabilities[part]
            block[new] = (escape[part, None] * estimate)[new]
            probabilities[part] = block
        excluded[part] = present
        escape[part] *= 1.0 - weight
    uniform = 1.0 / (size + 1 - np.asarray(root_types, dtype=float)) if config.exclusion \
        else np.full(total, 1.0 / size)
    uniform = np.broadcast_to(uniform, (total,))[:, None]
    if config.interpolated:
        probabilities += escape[:, None] * uniform
    else:
        keep = excluded & (probabilities > 0)
        probabilities += np.where(keep, 0.0, escape[:, None] * uniform)
    return probabilities / probabilities.sum(axis=1, keepdims=True)


# -- long-term and short-term models over songs ------------------------------------------------

def long_term_distributions(config: PPMConfig, training: Sequence[Sequence[int]],
                            tests: Sequence[Sequence[int]],
                            learn: bool = False) -> list[np.ndarray]:
    """IDyOM's long-term model: learnt from ``training`` (in order), then each of ``tests``
    predicted note by note, one (len(song), A) array per test song. Without ``learn`` (LTM)
    nothing is learnt from the tests (``CountIndex``); with it (LTM+) each test song is learnt
    as it is read, its end too, and kept for the next ones (``ReadingIndex``)."""
    if not learn:
        return CountIndex(config, training).distributions(tests)
    return ReadingIndex(config, list(training) + list(tests)).distributions(len(training))


def short_term_distributions(config: PPMConfig, songs: Sequence[Sequence[int]]) -> list[np.ndarray]:
    """IDyOM's short-term model: for each song, a model that starts empty and learns the song
    as it reads it (no end: the STM is reset before the next song). One (len(song), A) array
    per song, as a fresh ``PPM`` per song with ``sequence_distributions(learn=True)`` gives
    but for the end."""
    return ReadingIndex(config, songs, ends=False, separate=True).distributions()


# -- combination and metric ---------------------------------------------------------------

def entropy(distributions: np.ndarray) -> np.ndarray:
    """Shannon entropy in bits of each distribution along the last axis: (...,)."""
    p = np.asarray(distributions, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, -p * np.log2(p), 0.0)
    return terms.sum(axis=-1)


def combine(distributions: Sequence[np.ndarray], bias: float = 7.0,
            method: str = "geometric") -> np.ndarray:
    """IDyOM's entropy-weighted combination of models' distributions over one alphabet
    (``combine-distributions``): each of ``distributions`` is (n, A) or (A,); returns the same
    shape. Weights ``(H / log2 A) ** -bias`` per row; ``method`` "geometric" (IDyOM's default,
    with its default bias 7) or "arithmetic" (Pearce 2005, ch. 6, best with bias 2)."""
    if method not in COMBINATIONS:
        raise ConfigError(f"combination must be one of {', '.join(COMBINATIONS)}, got {method!r}")
    if not distributions:
        raise ConfigError("combine needs at least one distribution")
    stack = np.stack([np.asarray(d, dtype=float) for d in distributions])   # (models, ..., A)
    size = stack.shape[-1]
    maximum = np.log2(size) if size > 1 else 0.0
    relative = entropy(stack) / maximum if maximum > 0 else np.ones(stack.shape[:-1])
    with np.errstate(divide="ignore"):
        weights = np.power(relative, -float(bias))                            # (models, ...)
    # a certain model (entropy 0) has an infinite weight: it alone decides
    infinite = np.isinf(weights)
    if infinite.any():
        weights = np.where(infinite.any(axis=0, keepdims=True), infinite.astype(float), weights)
    shares = weights / weights.sum(axis=0, keepdims=True)                    # (models, ...)
    if method == "arithmetic":
        combined = np.sum(shares[..., None] * stack, axis=0)
    else:
        with np.errstate(divide="ignore"):
            combined = np.exp(np.sum(shares[..., None] * np.log(stack), axis=0))
    return combined / combined.sum(axis=-1, keepdims=True)


def bits(distributions: np.ndarray, sequence: Sequence[int]) -> np.ndarray:
    """``-log2 p(symbol)`` of each symbol of ``sequence`` under its row of ``distributions``
    (len(sequence), A): (len(sequence),) bits."""
    rows = np.asarray(distributions, dtype=float)
    symbols = np.asarray(sequence, dtype=int)
    if rows.shape[0] != symbols.shape[0]:
        raise ConfigError(f"{rows.shape[0]} distributions for {symbols.shape[0]} symbols")
    return -np.log2(rows[np.arange(len(symbols)), symbols])


def mean_bits(distributions: np.ndarray, sequence: Sequence[int]) -> float:
    """Cross-entropy in bits per symbol: the mean of ``bits``."""
    return float(np.mean(bits(distributions, sequence)))

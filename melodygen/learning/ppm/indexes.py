"""Many songs' PPM models at once, in numpy: the long-term model of a cross-validation fold
(``CountIndex``), and models that learn as they read (``ReadingIndex``: LTM+, the STM).

Long-term and short-term models (``multiple-viewpoint-system.lisp`` ``model-event``;
``params.lisp``)
    LTM: learnt from the training songs; predicts a test song without learning it. LTM+:
    also learns each test song as it reads it (each note right after predicting it; the
    sequence's ``$`` at its end), keeping what it learnt for the next test songs. STM: a model
    that starts empty for every song and learns it as it reads it (no ``$``). IDyOM's
    defaults: LTM ``C*I`` (escape C, unbounded, interpolated, no update exclusion), STM ``X*UI``
    (escape X, unbounded, update exclusion, interpolated), both with exclusion.

Their predictions equal those of ``model.PPM`` (a trie that learns one symbol at a time) to the
last bit (tests/learning/ppm/test_ppm.py). Each can also predict over a restricted alphabet per
note, given as candidate symbols (``slots``): what a viewpoint's model does (``system.py``).

Where this differs from IDyOM, on purpose: an LTM that predicts a test song without learning it
does not mark that song's suffixes as ended, which IDyOM does as a side effect (``model-sequence``
calls ``model-sentinel-event`` on the LTM whenever the data set is "constructed"); on kinder
that changes C*I by 1e-4 bits per note.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ...core.errors import ConfigError
from .model import _ESCAPE_K_D, PPMConfig, check_sequence


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
        arrays, lengths = _checked(songs, size, "song")
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
        self._pair_key: list[np.ndarray] = []   # order l: context id * (A + 1) + symbol, sorted
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
            self._pair_key.append(unique_pairs)
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
        which, pairs = _pairs_of(self._pair_context[order], ids)
        rows = np.zeros((len(ids), size + 1))
        table = self._pair_excluded[order] if excluded else self._pair_full[order]
        rows[which, self._pair_symbol[order][pairs]] = table[pairs]
        return rows[:, :size]

    def _slot_rows(self, order: int, ids: np.ndarray, slots: np.ndarray, excluded: bool
                   ) -> np.ndarray:
        """Counts (len(ids), K) of the symbols ``slots`` (len(ids), K; -1: none) after contexts
        ``ids`` of ``order``."""
        at, found = _find_pairs(self._pair_key[order], ids, slots, self.config.alphabet_size)
        table = self._pair_excluded[order] if excluded else self._pair_full[order]
        return np.where(found, table[at], 0).astype(float)

    def distributions(self, songs: Sequence[Sequence[int]],
                      slots: Sequence[np.ndarray] | None = None) -> list[np.ndarray]:
        """Each note of each of ``songs`` predicted from the notes before it, nothing learnt:
        one (len(song), A) array per song (what ``PPM.sequence_distributions`` gives). With
        ``slots`` (per song (len(song), K) ints, -1 for none), each prediction is over the
        symbols of its row alone, as IDyOM's ``set-alphabet`` makes it: (len(song), K) arrays,
        see ``_blend_many``."""
        config = self.config
        size = config.alphabet_size
        arrays, lengths = _checked(songs, size, "test song")
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
        rows = _predict(config, longest, shortest, lengths, slots,
                        lambda order, rows, excluded:
                        self._rows(order, ids[order][rows], excluded),
                        lambda order, rows, table, excluded:
                        self._slot_rows(order, ids[order][rows], table, excluded))
        return np.split(rows, np.cumsum(lengths)[:-1]) if len(arrays) else []


def _pairs_of(contexts: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (context, symbol) pair of the contexts ``ids`` in an order's pair table, whose
    ``contexts`` are sorted: (which of ``ids`` each belongs to, its place in the table)."""
    lo = np.searchsorted(contexts, ids, side="left")
    widths = np.searchsorted(contexts, ids, side="right") - lo
    which = np.repeat(np.arange(len(ids)), widths)
    pairs = np.arange(len(which)) - np.repeat(np.cumsum(widths) - widths, widths) \
        + np.repeat(lo, widths)
    return which, pairs


def _checked(songs: Sequence[Sequence[int]], size: int, what: str
             ) -> tuple[list[np.ndarray], np.ndarray]:
    """The songs as int64 arrays, each symbol checked (``check_sequence``), and their lengths."""
    arrays = [np.asarray(check_sequence(song, size, f"{what} {i}"), dtype=np.int64)
              for i, song in enumerate(songs)]
    return arrays, np.array([len(a) for a in arrays], dtype=np.int64)


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
        arrays, lengths = _checked(songs, size, "song")
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
        self._pair_key: list[np.ndarray] = []        # context id * (A + 1) + symbol, sorted
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
            self._pair_key.append(unique_pairs)
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
        which, pairs = _pairs_of(self._pair_context[order], ids)
        start = self._pair_start[order][pairs]
        upto = np.searchsorted(self._times[order], pairs * self._stride + times[which])
        if excluded:
            counted = self._new[order][upto] - self._new[order][start]
        else:
            counted = upto - start
        rows = np.zeros((len(ids), size + 1))
        rows[which, self._pair_symbol[order][pairs]] = counted
        return rows[:, :size]

    def _types(self, order: int, ids: np.ndarray, times: np.ndarray) -> np.ndarray:
        """Distinct continuations (``$`` too) seen before ``times``."""
        which, pairs = _pairs_of(self._pair_context[order], ids)
        seen = self._pair_first[order][pairs] < times[which]
        return np.bincount(which, weights=seen, minlength=len(ids)).astype(np.int64)

    def _slot_rows(self, order: int, ids: np.ndarray, slots: np.ndarray, times: np.ndarray,
                   excluded: bool) -> np.ndarray:
        """Counts (len(ids), K) of the symbols ``slots`` (-1: none) after contexts ``ids`` of
        ``order``: what came before ``times``."""
        at, found = _find_pairs(self._pair_key[order], ids, slots, self.config.alphabet_size)
        pairs = at[found]
        start = self._pair_start[order][pairs]
        upto = np.searchsorted(self._times[order], pairs * self._stride
                               + np.broadcast_to(times[:, None], at.shape)[found])
        counts = np.zeros(at.shape)
        counts[found] = self._new[order][upto] - self._new[order][start] if excluded \
            else upto - start
        return counts

    def distributions(self, first: int = 0, slots: Sequence[np.ndarray] | None = None
                      ) -> list[np.ndarray]:
        """The predictions of the notes of songs ``first``, ``first + 1``, ...: one
        (len(song), A) array per song; with ``slots``, over each row's symbols alone, as
        ``CountIndex.distributions``."""
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
        probabilities = _predict(config, longest, shortest, lengths, slots,
                                 lambda order, rows, excluded:
                                 self._rows(order, ids[order][rows], who[rows], excluded),
                                 lambda order, rows, table, excluded: self._slot_rows(
                                     order, ids[order][rows], table, who[rows], excluded))
        return np.split(probabilities, np.cumsum(lengths)[:-1]) if len(lengths) else []


def _predict(config: PPMConfig, longest: np.ndarray, shortest: np.ndarray, lengths: np.ndarray,
             slots, counts_at, slot_counts_at) -> np.ndarray:
    """The predictions of an index's targets, from the order of each one's longest match and
    (PPM*) its shortest deterministic one (0: none): IDyOM's ``select-state``, then
    ``_blend_many``, over the whole alphabet (``counts_at(order, rows, excluded)``) or over each
    row's ``slots`` (``slot_counts_at(order, rows, slots of the rows, excluded)``)."""
    bound = config.order
    if bound is not None:
        chosen = np.minimum(longest, bound)
        selected = longest > bound
    else:
        chosen = np.where(shortest > 0, shortest, longest)
        selected = (shortest > 0) & (shortest != longest)
    if slots is None:
        return _blend_many(config, counts_at, chosen, selected)
    table = _slot_table(slots, lengths)
    return _blend_many(config, lambda order, rows, excluded:
                       slot_counts_at(order, rows, table[rows], excluded), chosen, selected,
                       _shares(table))


def _blend_many(config: PPMConfig, counts_at, chosen: np.ndarray, selected: np.ndarray,
                shares: np.ndarray | None = None) -> np.ndarray:
    """``blend`` for many predictions at once, order by order from the highest chosen one:
    ``counts_at(order, rows, excluded)`` gives the (len(rows), K) counts of those predictions'
    contexts of ``order`` (``excluded``: update-excluded counts); ``chosen`` and ``selected``
    (len,) say which order each starts from and whether it was chosen below the longest match.

    Without ``shares``, the K columns are the alphabet's symbols: (len, A) distributions. With
    ``shares`` (len, K), each row predicts over its own alphabet, its columns' symbols (IDyOM's
    ``set-alphabet``): a column's share is 1 / the number of columns holding its symbol, 0 for a
    column that holds none. Then type and state counts count each symbol once, order -1 is
    uniform over the row's symbols (``sum(shares)``), and a column gets its symbol's probability
    times its share: the symbol's probability divided equally among the columns that hold it,
    as IDyOM's ``derived->basic`` divides a viewpoint element's among the pitches it maps to.
    Each row sums to 1."""
    k, d = _ESCAPE_K_D[config.escape]
    total = len(chosen)
    width = config.alphabet_size if shares is None else shares.shape[1]
    weights = np.ones((total, width)) if shares is None else shares
    probabilities = np.zeros((total, width))
    escape = np.ones(total)
    excluded = np.zeros((total, width), dtype=bool)
    ux = config.update_exclusion
    top = int(chosen.max()) if total else -1
    for order in range(top, -1, -1):
        part = np.flatnonzero(chosen >= order)
        first = chosen[part] == order
        counts = np.zeros((len(part), width))
        full_rows = first & selected[part] if ux else np.ones(len(part), bool)
        for use_excluded, rows_mask in ((False, full_rows), (True, ~full_rows)):
            if rows_mask.any():
                counts[rows_mask] = counts_at(order, part[rows_mask], use_excluded)
        share = weights[part]
        present = counts > 0
        if config.escape == "X":
            types = 1.0 + ((counts == 1) * share).sum(axis=1)
        else:
            types = (present * share).sum(axis=1)
        was = excluded[part]
        counted = present & ~was if config.exclusion else present
        mass = (np.where(counted, counts + k, 0.0) * share).sum(axis=1)
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
    # after order 0, ``excluded`` holds the symbols seen at order 0, the root's types
    size = weights.sum(axis=1)
    if config.exclusion:
        uniform = 1.0 / (size + 1 - (excluded * weights).sum(axis=1))
    else:
        uniform = 1.0 / size
    allowed = (weights > 0)
    if config.interpolated:
        probabilities += np.where(allowed, escape[:, None] * uniform[:, None], 0.0)
    else:
        keep = excluded & (probabilities > 0)
        probabilities += np.where(keep | ~allowed, 0.0, escape[:, None] * uniform[:, None])
    if shares is not None:
        probabilities *= shares
    return probabilities / probabilities.sum(axis=1, keepdims=True)


def _find_pairs(keys: np.ndarray, ids: np.ndarray, slots: np.ndarray, size: int
                ) -> tuple[np.ndarray, np.ndarray]:
    """Where each (context ``ids[r]``, symbol ``slots[r, j]``) is in the sorted pair ``keys``
    (context * (size + 1) + symbol): (positions (len(ids), K), found (len(ids), K) bool; a
    slot of -1 is never found)."""
    wanted = ids[:, None] * (size + 1) + slots
    at = np.minimum(np.searchsorted(keys, wanted), max(len(keys) - 1, 0))
    found = (slots >= 0) & (keys[at] == wanted) if len(keys) else np.zeros(slots.shape, bool)
    return at, found


def _slot_table(slots: Sequence[np.ndarray], lengths: np.ndarray) -> np.ndarray:
    """The songs' slot rows, one under the other: (sum(lengths), K) ints."""
    arrays = [np.asarray(rows, dtype=np.int64) for rows in slots]
    for i, (rows, length) in enumerate(zip(arrays, lengths)):
        if rows.ndim != 2 or len(rows) != length:
            raise ConfigError(f"song {i}: slots must be ({length}, K), got {rows.shape}")
    width = max((rows.shape[1] for rows in arrays), default=0)
    if any(rows.shape[1] != width for rows in arrays):
        raise ConfigError("every song's slots must have the same width K")
    return np.concatenate(arrays) if arrays else np.zeros((0, width), np.int64)


def _shares(table: np.ndarray) -> np.ndarray:
    """(n, K): 1 / how many columns of its row hold a column's symbol; 0 for -1 (none)."""
    same = (table[:, :, None] == table[:, None, :]).sum(axis=2)
    return np.where(table >= 0, 1.0 / np.maximum(same, 1), 0.0)


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

"""Entropy-weighted combination of distributions, and the metric (bits per note).

Combination (``prediction-sets.lisp`` ``combine-distributions``, ``*-combination``; thesis eq. 6.9)
    Each distribution ``p_m`` gets weight ``w_m = H_rel(p_m) ** -b``, ``H_rel = H(p_m)/log2(A)``
    (1 when ``A = 1``); arithmetic: ``sum_m w_m p_m / sum_m w_m``; geometric:
    ``prod_m p_m ** (w_m / sum w)``, normalised. IDyOM's default is geometric with ``b = 7``
    (``*ltm-stm-combination*``, ``*ltm-stm-bias*``); Pearce (2005, table 6.6) used arithmetic.

Cross-entropy is the mean of ``-log2 p(note)`` over the notes (``bits``, ``mean_bits``).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ...core.errors import ConfigError

COMBINATIONS = ("geometric", "arithmetic")


def entropy(distributions: np.ndarray) -> np.ndarray:
    """Shannon entropy in bits of each distribution along the last axis: (...,)."""
    p = np.asarray(distributions, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, -p * np.log2(p), 0.0)
    return terms.sum(axis=-1)


def combine(distributions: Sequence[np.ndarray], bias: float = 7.0,
            method: str = "geometric", present: np.ndarray | None = None) -> np.ndarray:
    """IDyOM's entropy-weighted combination of models' distributions over one alphabet
    (``combine-distributions``): each of ``distributions`` is (n, A) or (A,); returns the same
    shape. Weights ``(H / log2 A) ** -bias`` per row; ``method`` "geometric" (IDyOM's default,
    with its default bias 7) or "arithmetic" (Pearce 2005, ch. 6, best with bias 2).
    ``present`` (models, n) bool: which models predict each row (IDyOM leaves out a viewpoint
    that is undefined there); a row no model predicts is uniform."""
    if method not in COMBINATIONS:
        raise ConfigError(f"combination must be one of {', '.join(COMBINATIONS)}, got {method!r}")
    if not distributions:
        raise ConfigError("combine needs at least one distribution")
    stack = np.stack([np.asarray(d, dtype=float) for d in distributions])   # (models, ..., A)
    size = stack.shape[-1]
    if present is not None:
        present = np.broadcast_to(np.asarray(present, dtype=bool), stack.shape[:-1])
        stack = np.where(present[..., None], stack, 1.0 / size)
    maximum = np.log2(size) if size > 1 else 0.0
    relative = entropy(stack) / maximum if maximum > 0 else np.ones(stack.shape[:-1])
    with np.errstate(divide="ignore"):
        weights = np.power(relative, -float(bias))                            # (models, ...)
    if present is not None:
        weights = np.where(present, weights, 0.0)
    # a certain model (entropy 0) has an infinite weight: it alone decides
    infinite = np.isinf(weights)
    if infinite.any():
        weights = np.where(infinite.any(axis=0, keepdims=True), infinite.astype(float), weights)
    total = weights.sum(axis=0, keepdims=True)
    shares = weights / np.where(total > 0, total, 1.0)                       # (models, ...)
    if method == "arithmetic":
        combined = np.sum(shares[..., None] * stack, axis=0)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            logs = np.where(shares[..., None] > 0, shares[..., None] * np.log(stack), 0.0)
        combined = np.exp(np.sum(logs, axis=0))
    combined = np.where((total[0] > 0)[..., None], combined, 1.0)
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

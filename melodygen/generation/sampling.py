"""Choosing the next note from a model's probabilities: temperature, top-k, top-p (pure numpy).

Sampling reshapes the probabilities in this order:

1. temperature T: p ** (1 / T), renormalized (T < 1 sharpens, T > 1 flattens, T -> 0 is greedy);
2. top-k: only the k most likely notes kept (k = 1 is greedy);
3. top-p: only the most likely notes whose probabilities add up to at least p kept (nucleus).
"""

from __future__ import annotations

import math

import numpy as np


def sampling_error(temperature: float | None, top_k: int | None, top_p: float | None) -> str | None:
    """Why these sampling settings are unusable, or None when they are fine (None = not used)."""
    if temperature is not None and not (math.isfinite(temperature) and temperature > 0):
        return f"temperature must be a number above 0, got {temperature}"
    if top_k is not None and (isinstance(top_k, bool) or not isinstance(top_k, (int, np.integer))
                              or top_k < 1):
        return f"top-k must be a whole number, at least 1, got {top_k}"
    if top_p is not None and not 0 < top_p <= 1:
        return f"top-p must be in (0, 1], got {top_p}"
    return None


def distribution(probs: np.ndarray, temperature: float = 1.0, top_k: int | None = None,
                 top_p: float | None = None) -> np.ndarray:
    """(classes,) probabilities -> (classes,) float64 probabilities after temperature, top-k and
    top-p, summing to 1. Ties at a cut keep the lower index (as ``np.argmax`` does)."""
    error = sampling_error(temperature, top_k, top_p)
    if error:
        raise ValueError(error)
    probs = np.asarray(probs, dtype=np.float64)
    with np.errstate(divide="ignore"):
        logits = np.log(probs) / temperature      # log 0 = -inf stays impossible
    weights = np.exp(logits - logits.max())
    order = np.argsort(-weights, kind="stable")  # most likely first, lower index first on ties
    keep = len(weights) if top_k is None else min(top_k, len(weights))
    if top_p is not None:
        cumulative = np.cumsum(weights[order]) / weights.sum()
        keep = min(keep, int(np.searchsorted(cumulative, top_p)) + 1)
    out = np.zeros_like(weights)
    out[order[:keep]] = weights[order[:keep]]
    return out / out.sum()


def sample(probs: np.ndarray, temperature: float = 1.0, top_k: int | None = None,
           top_p: float | None = None, rng: np.random.Generator | None = None) -> int:
    """Draw one vocabulary index from ``probs`` reshaped by temperature, top-k and top-p."""
    rng = rng if rng is not None else np.random.default_rng()
    cumulative = np.cumsum(distribution(probs, temperature, top_k, top_p))
    # The first index whose cumulative probability exceeds a uniform draw in [0, total).
    return int(np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right"))

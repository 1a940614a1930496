"""A measure of style: how alike two sets of tunes are, feature by feature, as Yang & Lerch
(2020, "On the evaluation of generative models in music", MGEval) measure it, with features of
the kind Sturm et al. (2016) looked at in folk tunes (pitches, intervals, lengths, bar repeats,
cadences, form).

Each tune gives one value per feature (``features``):

    pitch classes   histogram of its notes' pitch classes above the tonic (12 bins)
    intervals       histogram of the intervals between its notes, -12..+12 semitones (25 bins;
                    larger leaps counted at the ends)
    note lengths    histogram of its notes' lengths (bins: every length of the sets compared)
    range           highest minus lowest pitch, semitones
    notes per bar   notes (not rests) per bar as written
    bar repeats     the share of its bars equal to an earlier bar, and of those with only its
                    rhythm (``core.form.bar_repeats``)
    cadences        histogram of the degrees its parts end on (12 bins, above the tonic)
    form            its form as written (``core.form.Form.name``: 'AABB/8')

Between two tunes a feature's distance is the Euclidean distance of their values (0 or 1 for
the form: the same or not). For a reference set R and a candidate set C the distances within R
(every pair) and between C and R (every pair) are two samples; each is smoothed into a density
(a Gaussian kernel, Scott's bandwidth) and their overlapping area (OA, 0..1: the integral of
the smaller density) is the feature's overlap: 1 when C's tunes are as far from R's as R's
are from each other. Beside it the same overlap of real tunes against R (``real``: other real
tunes, the mean over random sets of as many tunes as C) says what real tunes score: a
generated set is in the style where its overlap comes near the real one.

Pure numpy; tunes are ``StyleTune``: a melody as written, its tonic and its form.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..core import display
from ..core.form import Form, bar_repeats, bars, part_endings, tune_form
from ..core.keys import Key, melody_key
from ..core.note import Melody

FEATURES = ("pitch classes", "intervals", "note lengths", "range", "notes per bar",
            "bar repeats", "cadences", "form")
GRID = 512          # points the densities are compared at
REAL_DRAWS = 10     # random sets of real tunes the real overlap is the mean of


@dataclass(frozen=True)
class StyleTune:
    """A tune as the features read it: as written (repeats not played out), its key's tonic
    (pitch class) and its form."""

    melody: Melody
    tonic: int
    form: Form

    @classmethod
    def of(cls, melody: Melody, marks: Sequence = (), key: Key | None = None) -> "StyleTune":
        """A melody with its structure marks (``core.collection.Tune.marks``) in ``key`` (default:
        its own, else the key found in its notes)."""
        key = key or melody_key(melody)
        return cls(melody, key.tonic if key is not None else 0, tune_form(melody, marks))


def features(tune: StyleTune) -> dict[str, object]:
    """The value of every feature of ``tune`` (see the module): arrays of histograms and shares,
    floats, and for the note lengths a Counter and the form a string."""
    melody = tune.melody
    pitches = [note.pitch for note in melody.notes if note.pitch is not None]
    classes = np.bincount([(p - tune.tonic) % 12 for p in pitches], minlength=12).astype(float)
    steps = np.clip(np.diff(pitches), -12, 12) + 12 if len(pitches) > 1 else np.array([], int)
    intervals = np.bincount(steps.astype(int), minlength=25).astype(float)
    written = bars(melody)
    repeats = bar_repeats(melody)
    cadences = np.bincount([(note.pitch - tune.tonic) % 12
                            for note in part_endings(melody, tune.form)], minlength=12)
    return {"pitch classes": _share(classes), "intervals": _share(intervals),
            "note lengths": Counter(note.duration for note in melody.notes if note.pitch is not None),
            "range": float(max(pitches) - min(pitches)) if pitches else 0.0,
            "notes per bar": len(pitches) / max(len(written), 1),
            "bar repeats": np.array([repeats.exact_share, repeats.rhythm_share]),
            "cadences": _share(cadences.astype(float)),
            "form": tune.form.name(melody.measure_length)}


def _share(counts: np.ndarray) -> np.ndarray:
    total = counts.sum()
    return counts / total if total else counts


@dataclass(frozen=True)
class Density:
    """A sample of distances smoothed into a density on a grid."""

    distances: np.ndarray  # the sample
    bandwidth: float


@dataclass(frozen=True)
class FeatureOverlap:
    """One feature's overlaps (see the module), and the densities behind them (for plots)."""

    feature: str
    overlap: float        # OA of the candidates against the reference
    real: float           # OA of real tunes against the reference (mean of REAL_DRAWS sets)
    grid: np.ndarray      # (GRID,) distances the densities are evaluated at
    within: np.ndarray    # (GRID,) density of the distances within the reference
    between: np.ndarray   # (GRID,) density of the distances between candidates and reference
    real_between: np.ndarray  # (GRID,) the same for all the real tunes

    @property
    def ratio(self) -> float:
        """The candidates' overlap as a share of the real tunes' (1: as real tunes)."""
        return self.overlap / self.real if self.real else math.nan


@dataclass(frozen=True)
class StyleComparison:
    """How alike a candidate set is to a reference set, feature by feature, beside real tunes."""

    overlaps: tuple[FeatureOverlap, ...]
    candidates: int       # tunes compared
    reference: int
    real: int

    def __getitem__(self, feature: str) -> FeatureOverlap:
        return next(overlap for overlap in self.overlaps if overlap.feature == feature)

    def _repr_html_(self) -> str:
        return display.html(self)

    def to_json(self) -> dict:
        return {"method": "overlapping area of the densities of distances within the reference "
                          "and between the sets (Yang & Lerch 2020)",
                "tunes": {"candidates": self.candidates, "reference": self.reference,
                          "real": self.real},
                "features": {o.feature: {"overlap": round(o.overlap, 4),
                                         "real": round(o.real, 4),
                                         "ratio": round(o.ratio, 4)} for o in self.overlaps}}


def compare_style(candidates: Sequence[StyleTune], reference: Sequence[StyleTune],
                  real: Sequence[StyleTune], seed: int = 0) -> StyleComparison:
    """The overlaps of ``candidates`` against ``reference``, beside those of ``real`` tunes
    (other real tunes: sets of as many as the candidates, drawn with ``seed``). Each set needs
    at least two tunes."""
    for name, tunes in (("candidates", candidates), ("reference", reference), ("real", real)):
        if len(tunes) < 2:
            raise ValueError(f"comparing styles needs at least 2 tunes in each set; the {name} "
                             f"have {len(tunes)}")
    values = [[features(tune) for tune in tunes] for tunes in (candidates, reference, real)]
    lengths = sorted({length for found in values for tune in found
                      for length in tune["note lengths"]})
    for found in values:
        for tune in found:
            tune["note lengths"] = _share(np.array([tune["note lengths"][length]
                                                    for length in lengths], dtype=float))
    rng = np.random.default_rng(seed)
    size = min(len(candidates), len(real))
    draws = [rng.choice(len(real), size, replace=False) for _ in range(REAL_DRAWS)]
    overlaps = []
    for feature in FEATURES:
        cand, ref, other = ([tune[feature] for tune in found] for found in values)
        within = _distances(ref, ref, pairs=True)
        between = _distances(cand, ref)
        real_all = _distances(other, ref)
        real_sets = [_distances([other[i] for i in draw], ref) for draw in draws]
        grid = _grid([within, between, real_all])
        densities = [_density(sample, grid) for sample in (within, between, real_all)]
        real_oa = float(np.mean([_overlap(densities[0], _density(sample, grid), grid)
                                 for sample in real_sets]))
        overlaps.append(FeatureOverlap(feature, _overlap(densities[0], densities[1], grid),
                                       real_oa, grid, *densities))
    return StyleComparison(tuple(overlaps), len(candidates), len(reference), len(real))


def _distances(first: list, second: list, pairs: bool = False) -> np.ndarray:
    """Every distance between a value of ``first`` and one of ``second`` (``pairs``: the same
    list, each pair once)."""
    if isinstance(first[0], str):
        a = np.array(first)[:, None]
        b = np.array(second)[None, :]
        matrix = (a != b).astype(float)
    else:
        a = np.array([np.atleast_1d(value) for value in first], dtype=float)
        b = np.array([np.atleast_1d(value) for value in second], dtype=float)
        matrix = np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=-1))
    if pairs:
        return matrix[np.triu_indices(len(first), k=1)]
    return matrix.ravel()


def _bandwidth(sample: np.ndarray) -> float:
    """Scott's rule, with a floor for a sample of one value (all distances alike)."""
    spread = float(np.std(sample)) if len(sample) > 1 else 0.0
    scale = max(float(np.abs(sample).max()) if len(sample) else 0.0, 1.0)
    return max(spread * len(sample) ** (-1 / 5), 1e-3 * scale)


def _grid(samples: list[np.ndarray]) -> np.ndarray:
    width = max(_bandwidth(sample) for sample in samples)
    low = min(float(sample.min()) for sample in samples) - 4 * width
    high = max(float(sample.max()) for sample in samples) + 4 * width
    return np.linspace(low, high, GRID)


def _density(sample: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """A Gaussian kernel density of ``sample`` on ``grid`` (integrating to 1 on it)."""
    h = _bandwidth(sample)
    out = np.zeros_like(grid)
    for chunk in np.array_split(sample, max(1, len(sample) // 4096)):
        out += np.exp(-0.5 * ((grid[:, None] - chunk[None, :]) / h) ** 2).sum(axis=1)
    area = np.trapezoid(out, grid)
    return out / area if area else out


def _overlap(first: np.ndarray, second: np.ndarray, grid: np.ndarray) -> float:
    return float(np.clip(np.trapezoid(np.minimum(first, second), grid), 0.0, 1.0))


def halves(tunes: Sequence, seed: int = 0) -> tuple[list, list]:
    """``tunes`` split in two halves at random (``seed``): a reference and other real tunes."""
    order = np.random.default_rng(seed).permutation(len(tunes))
    middle = len(tunes) // 2
    return [tunes[i] for i in sorted(order[:middle])], [tunes[i] for i in sorted(order[middle:])]


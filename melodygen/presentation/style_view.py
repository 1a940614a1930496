"""A style comparison (``evaluation.style``) to look at: a small table and a plot of the densities
behind each feature's overlap (PNG, matplotlib), and the sets a generation run compares."""

from __future__ import annotations

import io
from typing import Sequence

from ..core.note import Melody
from ..evaluation.style import FEATURES, StyleComparison, StyleTune, compare_style, halves

STYLE_PLOT = "style.png"
REFERENCE_TUNES = 200  # the most tunes of a model's collection a comparison reads (each half)
HEADER = ("feature", "generated", "real", "generated / real")


def style_rows(comparison: StyleComparison) -> list[tuple[str, ...]]:
    """The table: per feature the generated tunes' overlap, real tunes' and the ratio."""
    return [HEADER] + [(o.feature, f"{o.overlap:.2f}", f"{o.real:.2f}", f"{o.ratio:.2f}")
                       for o in comparison.overlaps]


def run_style(candidates: Sequence[StyleTune], melodies: Sequence[Melody],
              marks: Sequence = (), meter: tuple[int, int] | None = None,
              seed: int = 0) -> StyleComparison | None:
    """Generated tunes against the tunes a model learnt (``melodies`` with their ``marks``):
    those of ``meter`` when 20 or more are, else all; at most ``REFERENCE_TUNES`` in each half,
    one half the reference, the other the real tunes beside the generated ones. None when
    either set has fewer than 2 tunes."""
    marks = list(marks) or [()] * len(melodies)
    pairs = list(zip(melodies, marks))
    same = [pair for pair in pairs if pair[0].time_signature == meter]
    pairs = same if len(same) >= 20 else pairs
    reference, real = halves(pairs, seed)
    reference, real = reference[:REFERENCE_TUNES], real[:REFERENCE_TUNES]
    if len(candidates) < 2 or len(reference) < 2 or len(real) < 2:
        return None
    return compare_style(candidates, [StyleTune.of(*pair) for pair in reference],
                         [StyleTune.of(*pair) for pair in real], seed)


def style_html(comparison: StyleComparison) -> str:
    """A comparison in a notebook: its table, and its plot inline (a data URI)."""
    import base64
    import html

    header, *body = style_rows(comparison)
    cells = "".join(f"<th>{html.escape(cell)}</th>" for cell in header)
    rows = "".join("<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>"
                   for row in body)
    plot = base64.b64encode(style_plot_png(comparison)).decode("ascii")
    return (f"<h4>Style: {comparison.candidates} tunes against {comparison.reference}, beside "
            f"{comparison.real} real ones</h4><table><tr>{cells}</tr>{rows}</table>"
            f'<img src="data:image/png;base64,{plot}" style="max-width:100%" '
            'alt="the densities of the distances behind each overlap">')


def style_plot_png(comparison: StyleComparison, title: str = "") -> bytes:
    """One small panel a feature: the density of distances within the reference (grey), between
    the generated tunes and the reference (blue) and between real tunes and the reference
    (dashed); the overlaps in each panel's title."""
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"font.family": ["DejaVu Sans"], "font.size": 8}):
        figure = Figure(figsize=(6, 7.5), dpi=100, layout="constrained")
        axes = figure.subplots(4, 2)  # two panels a row: readable on a phone
        for axis, feature in zip(axes.ravel(), FEATURES):
            found = comparison[feature]
            axis.fill_between(found.grid, found.within, color="#bbbbbb", label="within real")
            axis.plot(found.grid, found.between, color="#1f5fbf", label="generated - real")
            axis.plot(found.grid, found.real_between, color="#333333", linestyle="--",
                      label="real - real")
            axis.set_title(f"{feature}\n{found.overlap:.2f} (real {found.real:.2f})")
            axis.set_yticks([])
            axis.tick_params(labelsize=7)
        axes[0][0].legend(fontsize=6, loc="upper right")
        if title:
            figure.suptitle(title)
        figure.supxlabel("distance between two tunes", fontsize=8)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", metadata={"Software": None})
        return buffer.getvalue()

"""Loss and accuracy curves of the models of one run, as a PNG (matplotlib)."""

from __future__ import annotations

import io

# Fonts tried in order for each character: Latin first, then fonts with Hangul and other CJK
# characters where the system has them (Debian: fonts-nanum, fonts-noto-cjk).
FONTS = ("DejaVu Sans", "NanumGothic", "Noto Sans CJK KR", "Noto Sans CJK JP", "Droid Sans Fallback")


def loss_plot_png(title: str, histories: dict[str, tuple[list[float], list[float]]]) -> bytes:
    """{model name: (loss per epoch, accuracy per epoch)} -> PNG bytes: loss (log scale) above,
    accuracy below, one line per model."""
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib.figure import Figure

    installed = {font.name for font in font_manager.fontManager.ttflist}
    families = [name for name in FONTS if name in installed] or ["sans-serif"]

    with matplotlib.rc_context({"font.family": families}):
        return _draw(title, histories, Figure)


def _draw(title, histories, Figure) -> bytes:
    figure = Figure(figsize=(8, 6), dpi=100, layout="constrained")
    loss_axes, accuracy_axes = figure.subplots(2, 1, sharex=True)
    for name, (loss, accuracy) in histories.items():
        epochs = range(1, len(loss) + 1)
        loss_axes.plot(epochs, loss, label=name, linewidth=1.2)
        accuracy_axes.plot(epochs, [100 * a for a in accuracy], label=name, linewidth=1.2)
    loss_axes.set_yscale("log")
    loss_axes.set_ylabel("training loss (cross-entropy)")
    loss_axes.set_title(f"{title}: training of each model")
    loss_axes.legend(loc="upper right")
    loss_axes.grid(True, which="both", alpha=0.3)
    accuracy_axes.set_ylabel("one-step accuracy (%)")
    accuracy_axes.set_xlabel("epoch")
    accuracy_axes.set_ylim(0, 102)
    accuracy_axes.grid(True, alpha=0.3)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()

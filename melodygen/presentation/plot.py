"""Loss and accuracy curves of the models of one run, as a PNG (matplotlib)."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from ..core.errors import MelodyWarning

# Fonts tried in order for each character: Latin first, then fonts with Hangul and other CJK
# characters where the system has them (Debian: fonts-nanum, fonts-noto-cjk).
FONTS = ("DejaVu Sans", "NanumGothic", "Noto Sans CJK KR", "Noto Sans CJK JP", "Droid Sans Fallback")


# Slide-sized, 16:9: 1280 x 720 pixels at DPI, 12.8 x 7.2 inches.
SLIDE = (12.8, 7.2)
DPI = 100


def loss_plot_png(title: str, histories: dict[str, tuple[list[float], list[float]]]) -> bytes:
    """{model name: (loss per epoch, accuracy per epoch)} -> PNG bytes (16:9, 1280 x 720): loss
    (log scale) above, accuracy below, one line per model."""
    return loss_plot(title, histories, "png")


def loss_plot(title: str, histories: dict[str, tuple[list[float], list[float]]],
              form: str = "png") -> bytes:
    """The loss plot as ``form`` "png" or "svg" (its text drawn as paths: no font needed)."""
    return draw(title, lambda figure: _draw(title, histories, figure), form)


def draw(title: str, fill, form: str = "png", size=SLIDE) -> bytes:
    """A Figure of its own (so pyplot's backend stays the caller's) of ``size`` inches, filled
    by ``fill(figure)``, with fonts for ``title``, as PNG or SVG bytes."""
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"font.family": plot_fonts(title), "svg.fonttype": "path",
                                "svg.hashsalt": "melodygen"}):
        figure = Figure(figsize=size, dpi=DPI)
        fill(figure)
        buffer = io.BytesIO()
        metadata = {"Software": None} if form == "png" else {"Date": None, "Creator": None}
        figure.savefig(buffer, format=form, metadata=metadata)
        return buffer.getvalue()


def plot_fonts(text: str) -> list[str]:
    """The font families to draw ``text`` with: those of FONTS that matplotlib knows, and when
    they lack a character of ``text`` (Hangul, where matplotlib's font list was cached before
    the font was installed), a font file of the system that has them all, added to matplotlib's
    font list. Without one, a warning: those characters show as boxes."""
    from matplotlib import font_manager

    manager = font_manager.fontManager
    known = {font.name: font.fname for font in manager.ttflist}
    families = [name for name in FONTS if name in known]
    missing = _missing(text, [known[name] for name in families])
    if missing:
        found = _font_file_with(missing, font_manager)
        if found is None:
            warnings.warn(MelodyWarning(
                f"no font has {''.join(sorted(missing))!r}: the plot's title shows boxes for them "
                "(Debian: apt-get install fonts-nanum)"), stacklevel=3)
        else:
            manager.addfont(str(found))
            families.append(font_manager.FontProperties(fname=str(found)).get_name())
    return families or ["sans-serif"]


def _missing(text: str, paths: list[str]) -> set[str]:
    """The characters of ``text`` (white space aside) that none of the font files has."""
    from matplotlib import font_manager

    chars = {char for char in text if not char.isspace()}
    for path in paths:
        if not chars:
            break
        charmap = font_manager.get_font(path).get_charmap()
        chars = {char for char in chars if ord(char) not in charmap}
    return chars


def _font_file_with(chars: set[str], font_manager) -> Path | None:
    """A font file of the system (whatever matplotlib's cache holds) that has every one of
    ``chars``: the families of FONTS first, in their order, then any other."""
    def rank(path: str) -> tuple[int, str]:
        stem = Path(path).stem.replace(" ", "").lower()
        hits = [i for i, name in enumerate(FONTS) if name.replace(" ", "").lower() in stem]
        return (hits[0] if hits else len(FONTS), path)

    for path in sorted(font_manager.findSystemFonts(), key=rank):
        try:
            if not _missing("".join(chars), [path]):
                return Path(path)
        except (OSError, RuntimeError):  # a font file FreeType cannot read
            continue
    return None


def _draw(title, histories, figure) -> None:
    # margins fixed for this figure's labels (inches: the y labels need 0.75 of the 12.8):
    # matplotlib's constrained layout measures every label first and took 0.2 s of the 0.4 s
    # a plot costs
    figure.subplots_adjust(left=0.075, right=0.985, top=0.93, bottom=0.085, hspace=0.08)
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

"""Pictures for slides (``--figures``): what is written, 16:9 plots with nothing clipped, the note
grid, the window; and every SVG melodygen writes drawn the same by librsvg (rsvg-convert, as
Inkscape's and GNOME's previews draw) and by Chromium, with no glyph missing."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from external import need_program
from test_display import with_probabilities
from test_report import CHROMIUM, chromium, made_up_run

from melodygen.core.errors import ConfigError
from melodygen.formats.musicxml import musicxml_bytes
from melodygen.formats.songs import load_song
from melodygen.presentation import figures, plot
from melodygen.presentation import run_files as outputs
from melodygen.presentation.engrave import VEROVIO_OPTIONS

WIDTH = 1000  # pixels: both renderers draw every SVG this wide
TILE = 10     # pixels: the side of the squares whose ink is compared
INK = 0.12    # the most a square's share of ink may differ between the two renderings
MEAN = 0.03   # the most the whole pictures may differ, on average (0..1 of full black): the
              # edges of shapes and letters, antialiased each renderer its own way


@pytest.fixture(scope="module")
def pictures(tmp_path_factory):
    folder = tmp_path_factory.mktemp("figures")
    need_program("rsvg-convert")  # Debian: librsvg2-bin (.ci/run installs it)
    summary = outputs.write_outputs(with_probabilities(made_up_run()), folder, figures=True)
    return folder, summary


def test_figures_are_svg_and_png(pictures):
    folder, _ = pictures
    from PIL import Image

    stems = ["loss", "notes", "window", "contexts", "surprise", "mlp-surprise", "stateful2-surprise"]
    for stem in stems:
        assert (folder / f"{stem}.svg").is_file() and (folder / f"{stem}.png").is_file(), stem
    for stem in ("original", "mlp-one-step", "mlp-full-song", "stateful2-one-step",
                 "stateful2-full-song"):
        assert Image.open(folder / f"{stem}.png").size[0] == 1920  # a score, slide-wide
    for stem in ("loss", "surprise"):
        assert Image.open(folder / f"{stem}.png").size == (1280, 720)  # 16:9
    listed = (folder / ".melodygen-files").read_text()
    assert all(f"{stem}.svg\n" in listed for stem in stems)  # a rerun clears them as its own


def test_no_label_of_the_loss_plot_is_clipped():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    histories = {"mlp": ([2.5, 0.9, 0.31], [0.1, 0.8, 0.92]),
                 "stateful2": ([2.5, 0.5, 0.0004], [0.2, 0.9, 1.0])}
    figure = Figure(figsize=plot.SLIDE, dpi=plot.DPI)
    plot._draw("Twinkle, Twinkle", histories, figure)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    assert (figure.bbox.width, figure.bbox.height) == (1280, 720)
    drawn = figure.get_tightbbox(canvas.get_renderer())  # inches: everything drawn, labels too
    assert drawn.x0 >= 0 and drawn.y0 >= 0 and drawn.x1 <= 12.8 and drawn.y1 <= 7.2, drawn
    assert [axes.yaxis.label.get_text() for axes in figure.axes] == [
        "training loss (cross-entropy)", "one-step accuracy (%)"]


def test_the_note_grid_wraps_and_boxes_the_wrong_notes():
    tokens = [f"{letter}8" for letter in "cdefgab"] * 8  # 56 notes
    svg = figures.note_grid_svg([("song", tokens, set()), ("guess", tokens, {3, 30, 56})],
                                columns=27).decode()
    assert svg.count('stroke="#e00000"') == 3
    numbers = re.findall(r'text-anchor="middle" fill="#555" font-size="12"[^>]*>(\d+)</text>', svg)
    assert numbers == [str(n) for n in range(1, 57)]  # three blocks: 1-27, 28-54, 55-56
    assert re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).groups() == (str(160 + 27 * 34 + 4),
                                                                       str(3 * (26 * 3 + 13)))


def test_the_window_picture_names_the_notes():
    svg = figures.window_svg(["g8", "e8", "e4", "f8", "d8"], 4,
                             {"sees": "sees", "predicts": "predicts", "note": "note"}).decode()
    assert re.findall(r'font-size="22"[^>]*>(\w+)</text>', svg) == ["g8", "e8", "e4", "f8", "d8"]
    assert svg.count('stroke="#3569b5"') == 5 and svg.count('stroke="#2a6f2a"') == 2


def test_figures_without_rsvg_convert_is_one_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(figures.shutil, "which", lambda name: None)
    with pytest.raises(ConfigError, match="^--figures needs rsvg-convert .*librsvg2-bin"):
        outputs.write_outputs(made_up_run(), tmp_path / "never", figures=True)
    assert not (tmp_path / "never").exists()


# --- the same picture in librsvg and in Chromium ---------------------------------------------


def _grey(png: Path, box=None) -> np.ndarray:
    from PIL import Image

    image = Image.open(png).convert("RGBA")
    white = Image.new("RGBA", image.size, "white")
    image = Image.alpha_composite(white, image).convert("L")
    if box:
        image = image.crop(box)
    return 1.0 - np.asarray(image, dtype=np.float64) / 255.0  # ink: 0 white, 1 black


def differences(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """(mean difference of ink, largest difference of ink in a TILE x TILE square)."""
    height, width = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
    a, b = a[:height, :width], b[:height, :width]
    rows, columns = height // TILE, width // TILE
    tiles = lambda image: image[:rows * TILE, :columns * TILE].reshape(  # noqa: E731
        rows, TILE, columns, TILE).mean(axis=(1, 3))
    return float(np.abs(a - b).mean()), float(np.abs(tiles(a) - tiles(b)).max())


def render_both(svgs: dict[str, bytes], tmp_path: Path) -> dict[str, tuple[float, float]]:
    """Each SVG drawn WIDTH pixels wide by rsvg-convert and, on one page, by Chromium: name ->
    ``differences``."""
    rsvg = need_program("rsvg-convert")
    import subprocess

    places, top, blocks = {}, 0, []
    for name, svg in svgs.items():
        path = tmp_path / f"{name}.svg"
        path.write_bytes(svg)
        png = tmp_path / f"{name}.rsvg.png"
        subprocess.run([rsvg, "--width", str(WIDTH), "--keep-aspect-ratio", "--background-color",
                        "white", "-o", str(png), str(path)], check=True, timeout=120)
        height = _grey(png).shape[0]
        places[name] = (png, top, height)
        blocks.append(f'<img src="{path.name}" style="display:block;width:{WIDTH}px;'
                      f'height:{height}px">')
        top += height
    page = tmp_path / "all.html"
    page.write_text('<!DOCTYPE html><html><body style="margin:0;background:#fff">'
                    + "".join(blocks) + "</body></html>")
    shot = tmp_path / "chromium.png"
    chromium(tmp_path, f"--window-size={WIDTH},{top}", "--hide-scrollbars",
             f"--screenshot={shot}", page.as_uri())
    return {name: differences(_grey(png), _grey(shot, (0, start, WIDTH, start + height)))
            for name, (png, start, height) in places.items()}


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs it)")
def test_every_svg_looks_the_same_in_librsvg_and_in_chromium(pictures, tmp_path):
    folder, _ = pictures
    svgs = {path.stem: path.read_bytes() for path in sorted(folder.glob("*.svg"))}
    assert len(svgs) == 5 + 7  # the scores, and the pictures for slides
    assert [name for name, svg in svgs.items() if b"Leipzig" in svg or b"@font-face" in svg] == []
    # verovio's own SVG, its tempo mark in a web font: librsvg leaves the note out
    import verovio
    toolkit = verovio.toolkit()
    toolkit.setOptions({key: value for key, value in VEROVIO_OPTIONS.items()
                        if key != "smuflTextFont"})
    toolkit.loadData(musicxml_bytes(load_song("nabiya")).decode())
    svgs["verovio-web-font"] = toolkit.renderToSVG(1).encode()
    found = render_both(svgs, tmp_path)
    broken = found.pop("verovio-web-font")
    assert broken[1] > INK  # the missing note is seen: the comparison can fail
    assert {name: value for name, value in found.items()
            if value[0] > MEAN or value[1] > INK} == {}, found

"""Pictures drawn as SVG by hand, for the report and for slides: the note grid of a run (every
note of the song and of every prediction, wrong ones boxed in red), the picture of the window
(the notes a model sees and the note it predicts); and SVG -> PNG.

The SVG uses no web font: its text asks for "DejaVu Sans Mono" / "DejaVu Sans" (and a Hangul
font for a Korean title), which browsers and librsvg find alike through the system's fonts;
every SVG melodygen writes is checked to render the same in Chromium and librsvg (tests).
PNG comes from librsvg's ``rsvg-convert`` (Debian: librsvg2-bin), the renderer of Inkscape's
and GNOME's previews; verovio and browsers write no PNG of their own.
"""

from __future__ import annotations

import html
import shutil
import subprocess
from typing import Sequence

from ..core.errors import ConfigError

RSVG = "rsvg-convert"
CELL, ROW, LABEL = 34, 26, 160   # pixels: a note's column, a row, the row labels
MONO = "DejaVu Sans Mono, monospace"
SANS = "DejaVu Sans, NanumGothic, sans-serif"
WRONG = "#e00000"


def _text(value) -> str:
    return html.escape(str(value), quote=True)


def note_grid_svg(rows: Sequence[tuple[str, Sequence[str], set[int]]], columns: int = 27) -> bytes:
    """Rows of (label, tokens, wrong 1-based positions) -> an SVG grid of ``columns`` notes a
    block (나비야's 54 notes: two blocks, 16:9 on a slide), numbered above, wrong notes in red
    boxes."""
    width = max((len(tokens) for _, tokens, _ in rows), default=0)
    blocks = [(start, min(start + columns, width))
              for start in range(0, width, columns)] or [(0, 0)]
    block_height = ROW * (len(rows) + 1) + ROW // 2
    out = []
    for number, (first, last) in enumerate(blocks):
        top = number * block_height
        for column in range(first, last):
            x = LABEL + (column - first) * CELL + CELL / 2
            out.append(f'<text x="{x:g}" y="{top + ROW - 8}" text-anchor="middle" '
                       f'fill="#555" font-size="12" font-family="{SANS}">{column + 1}</text>')
        for line, (label, tokens, wrong) in enumerate(rows, start=1):
            y = top + line * ROW
            shade = "#f2f2f2" if line % 2 else "#ffffff"
            out.append(f'<rect x="0" y="{y}" width="{LABEL + (last - first) * CELL}" '
                       f'height="{ROW}" fill="{shade}"/>')
            out.append(f'<text x="6" y="{y + ROW - 8}" font-size="14" font-family="{SANS}">'
                       f"{_text(label)}</text>")
            for column in range(first, min(last, len(tokens))):
                x = LABEL + (column - first) * CELL
                bad = column + 1 in wrong
                if bad:
                    out.append(f'<rect x="{x + 1}" y="{y + 1}" width="{CELL - 2}" '
                               f'height="{ROW - 2}" fill="#fde8e8" stroke="{WRONG}" '
                               'stroke-width="2"/>')
                style = f' fill="{WRONG}" font-weight="bold"' if bad else ""
                out.append(f'<text x="{x + CELL / 2:g}" y="{y + ROW - 8}" text-anchor="middle" '
                           f'font-size="14" font-family="{MONO}"{style}>'
                           f"{_text(tokens[column])}</text>")
    total_width = LABEL + min(columns, width) * CELL + 4
    total_height = block_height * len(blocks)
    return _svg(total_width, total_height, out)


def window_svg(tokens: Sequence[str], window: int, labels: dict[str, str]) -> bytes:
    """The picture of the window: ``window`` notes of the song in a bracket ("what the model
    sees"), an arrow, and the next note ("what it predicts"); ``labels`` gives the words
    ("sees", "predicts", "note")."""
    box, gap = 62, 10
    out = []
    for place, token in enumerate(tokens[:window + 1]):
        x = 20 + place * (box + gap) + (40 if place == window else 0)
        colour, fill = ("#2a6f2a", "#f3f8f3") if place == window else ("#3569b5", "#eef3fb")
        out.append(f'<rect x="{x}" y="40" width="{box}" height="50" rx="6" fill="{fill}" '
                   f'stroke="{colour}" stroke-width="2"/>')
        out.append(f'<text x="{x + box / 2:g}" y="73" text-anchor="middle" font-size="22" '
                   f'font-family="{MONO}">{_text(token)}</text>')
        out.append(f'<text x="{x + box / 2:g}" y="110" text-anchor="middle" font-size="13" '
                   f'fill="#555" font-family="{SANS}">{_text(labels["note"])} {place + 1}</text>')
    right = 20 + window * (box + gap) - gap
    out.append(f'<path d="M20 30 V24 H{right} V30" fill="none" stroke="#3569b5" stroke-width="2"/>')
    out.append(f'<text x="{(20 + right) / 2:g}" y="17" text-anchor="middle" font-size="15" '
               f'fill="#3569b5" font-family="{SANS}">{_text(labels["sees"])}</text>')
    start, end = right + 6, right + 44
    out.append(f'<path d="M{start} 65 H{end - 6}" stroke="#2a6f2a" stroke-width="3"/>'
               f'<path d="M{end - 10} 58 L{end} 65 L{end - 10} 72 Z" fill="#2a6f2a"/>')
    next_x = 20 + window * (box + gap) + 40 + box / 2
    out.append(f'<text x="{next_x:g}" y="17" text-anchor="middle" font-size="15" fill="#2a6f2a" '
               f'font-family="{SANS}">{_text(labels["predicts"])}</text>')
    label_width = 0.62 * 15 * max(len(labels["predicts"]), 1) / 2  # half the label, roughly
    return _svg(int(next_x + max(box / 2, label_width) + 20), 124, out)


def _svg(width: float, height: float, body: list[str]) -> bytes:
    return ('<svg xmlns="http://www.w3.org/2000/svg" version="1.1" '
            f'viewBox="0 0 {width:g} {height:g}" width="{width:g}" height="{height:g}">\n'
            f'<rect width="100%" height="100%" fill="#ffffff"/>\n'
            + "\n".join(body) + "\n</svg>\n").encode("utf-8")


def rasterizer() -> str:
    """The path of ``rsvg-convert``, or a ``ConfigError`` that says how to get it."""
    path = shutil.which(RSVG)
    if path is None:
        raise ConfigError("--figures needs rsvg-convert to write PNG (Debian and Ubuntu: "
                          "apt-get install librsvg2-bin; macOS: brew install librsvg)")
    return path


def svg_to_png(svg: bytes, width: int = 1920) -> bytes:
    """An SVG drawn by librsvg as a PNG ``width`` pixels wide, on white."""
    done = subprocess.run([rasterizer(), "--width", str(width), "--keep-aspect-ratio",
                           "--background-color", "white", "--format", "png"],
                          input=svg, capture_output=True, timeout=120, check=False)
    if done.returncode != 0:
        raise ValueError(f"rsvg-convert failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout

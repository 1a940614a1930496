"""The files of new tunes from a model of a collection, and their gallery page.

Per tune: MIDI, MusicXML, ABC, the engraved score (SVG) and a WAV; then ``summary.json`` (the
settings and every tune's statistics) and ``gallery.html``: every tune's score, a player and
its statistics on one page, which opens offline from the folder (scores inlined, the players
play the WAVs beside it, no script).
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from ..core.keys import Key
from ..core.note import Melody, notes_json
from ..core.versions import versions
from ..formats.abc import abc_text
from ..formats.notation import tokens_text
from ..generation.stats import TuneStats
from .folder import RunFolder
from .run_files import write_melody

GALLERY = "gallery.html"
SUMMARY = "summary.json"

STYLE = """
body { font-family: "DejaVu Sans", "NanumGothic", sans-serif; color: #1a1a1a; max-width: 1100px;
       margin: 1.5em auto; padding: 0 1em; line-height: 1.45; }
h1 { font-size: 1.6em; } h2 { margin-top: 1.6em; border-bottom: 2px solid #ccc; }
.facts, .files { color: #555; }
.wide { overflow-x: auto; }
table { border-collapse: collapse; margin: 0.8em 0; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: right; white-space: nowrap; }
th { background: #f2f2f2; } td.name, th.name { text-align: left; }
.score { background: #fff; border: 1px solid #ddd; padding: 0.5em; margin: 0.4em 0; }
.score svg { display: block; width: 100%; height: auto; }
audio { width: 100%; max-width: 520px; display: block; margin: 0.3em 0 1em; }
"""


@dataclass
class TuneFiles:
    """One tune as written: its melody, its files and its statistics."""

    melody: Melody
    stem: str
    files: dict[str, str]   # "midi", "musicxml", "abc", "svg", "wav" -> file name
    stats: TuneStats

    def to_json(self) -> dict:
        return {"title": self.melody.title, **self.files,
                "tokens": tokens_text(self.melody.notes, self.stats.key),
                "notes": notes_json(self.melody.notes), "stats": self.stats.to_json()}


def write_tunes(folder: str | Path, tunes: list[tuple[Melody, TuneStats]], key: Key,
                settings: dict, model: dict, *, scores: bool = True, audio: bool = True,
                progress=None) -> tuple[list[TuneFiles], list[str]]:
    """Every tune's files, summary.json and gallery.html into ``folder`` (which must exist);
    files of an earlier run there that this one does not write again are removed. Returns the
    tunes written and the names removed. ``progress`` (step, of steps, name) hears of each
    tune before it is written."""
    run = RunFolder(folder)
    width = len(str(len(tunes)))
    written = []
    for number, (melody, stats) in enumerate(tunes, start=1):
        stem = f"tune-{number:0{width}d}"
        if progress:
            progress(number, len(tunes), stem)
        files = write_melody(run, stem, melody, scores=scores, audio=audio,
                             subtitle=_subtitle(stats), key=key)
        abc = run.write(f"{stem}.abc", abc_text(melody, key, number=number).encode("utf-8")).name
        written.append(TuneFiles(melody, stem, {**files.files(), "abc": abc}, stats))
    summary = {"model": model, "settings": settings,
               "tunes": [tune.to_json() for tune in written], "versions": versions()}
    run.write(SUMMARY, (json.dumps(summary, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    run.write(GALLERY, gallery_html(written, settings, model, run.path).encode("utf-8"))
    return written, run.finish()


def _subtitle(stats: TuneStats) -> str:
    copied = f"longest copy {stats.copy.length} notes" if stats.copy else "nothing copied"
    return (f"{stats.key}, {stats.bars} bars; {stats.in_key:.0%} of the notes in the key; "
            f"{copied}; {stats.bits:.2f} bits per note")


def stats_row(name: str, stats: TuneStats) -> tuple[str, ...]:
    """One row of the statistics table (the terminal's and the gallery's)."""
    from ..core.note import pitch_name

    copy = stats.copy
    return (name, str(stats.bars) + (" full" if stats.full_bars else " not full"),
            "yes" if stats.ends_on_tonic else "no",
            "-" if stats.in_key is None else f"{stats.in_key:.0%}",
            "-" if stats.lowest is None else
            f"{pitch_name(stats.lowest)}-{pitch_name(stats.highest)} ({stats.range})",
            "-" if copy is None else f"{copy.length} ({stats.copied_from})",
            f"{stats.bits:.2f} / {stats.average_bits:.2f}")


STATS_HEADER = ("tune", "bars", "ends on tonic", "in key", "range", "longest copy",
                "bits/note (collection)")


def gallery_html(tunes: list[TuneFiles], settings: dict, model: dict, folder: Path) -> str:
    rows = "".join("<tr>" + "".join(f'<td{" class=name" if i in (0, 5) else ""}>{_text(cell)}</td>'
                                    for i, cell in enumerate(stats_row(tune.stem, tune.stats)))
                   + "</tr>" for tune in tunes)
    header = "".join(f'<th{" class=name" if i in (0, 5) else ""}>{_text(h)}</th>'
                     for i, h in enumerate(STATS_HEADER))
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{_text(model['source'])}: new tunes</title>", f"<style>{STYLE}</style>",
             "</head>", "<body>", f"<h1>New tunes in the style of {_text(model['source'])}</h1>",
             f'<p class="facts">{_text(_facts(settings, model))}</p>',
             f'<div class="wide"><table><tr>{header}</tr>{rows}</table></div>']
    for tune in tunes:
        parts.append(f'<h2 id="{_text(tune.stem)}">{_text(tune.melody.title)}</h2>')
        svg = tune.files.get("svg")
        if svg and (folder / svg).exists():
            text = (folder / svg).read_text(encoding="utf-8")
            text = text[text.index("<svg"):] if text.lstrip().startswith("<?xml") else text
            parts.append(f'<div class="score" role="img" aria-label="{_text(tune.melody.title)}">'
                         f"{text}</div>")
        if tune.files.get("wav"):
            parts.append(f'<audio controls preload="metadata" src="{_link(tune.files["wav"])}">'
                         "</audio>")
        links = ", ".join(f'<a href="{_link(name)}">{_text(name)}</a>'
                          for name in tune.files.values())
        parts.append(f'<p class="files">Files: {links}</p>')
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def _facts(settings: dict, model: dict) -> str:
    return (f"{settings['count']} tunes of {settings['bars']} bars of {settings['meter']} in "
            f"{settings['key']}, {settings['choosing']}; the model learnt {model['tunes']:,} "
            f"tunes ({model['validation_bits']:.2f} bits per note on tunes it had not seen). "
            "Longest copy: the longest run of notes (lengths and intervals, in any key) that a "
            "training tune also has. Bits per note: how surprising the model finds the tune, "
            "against its bits per note on real tunes of the collection it had not seen.")


def _text(value) -> str:
    return html.escape(str(value), quote=True)


def _link(name: str) -> str:
    return _text(quote(name))

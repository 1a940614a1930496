"""Surprise, note by note: how unexpected each note of a melody is to a model, as IDyOM reports
it (information content, entropy, probability per note), written as CSV and drawn on the score.

A model's *information content* of a note is -log2 of the probability it gave that note, one
step from the real melody (bits: 0 = certain, 1 = a coin toss); its *entropy* is how uncertain
it was before the note, whatever came (bits). ``NoteSurprise`` is one row and ``per_note_csv``
writes rows with IDyOM's columns (both ``evaluation.per_note``'s, which makes an evaluation's
rows); ``song_surprise`` makes the rows of a song's run (every model that kept its one-step
probabilities; task "note": a song's model predicts pitch and length together);
``surprise_score_svg`` engraves a melody with each note coloured by its surprise (``BANDS``) and
the most surprising numbered; ``draw_surprise`` draws the surprise along the melody.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Sequence

import numpy as np

from ..core.keys import Key, melody_key
from ..core.note import Melody
from ..evaluation.per_note import COLUMNS, NoteSurprise, per_note_csv
from ..formats.musicxml import musicxml_bytes
from .engrave import score_svg

# The colours of a note's surprise on a score: (least bits of the band, colour, legend).
BANDS = ((0.0, "#1a1a1a", "under 0.5 bits"), (0.5, "#2f6fd0", "0.5 to 1 bit"),
         (1.0, "#8e44ad", "1 to 2 bits"), (2.0, "#e67e00", "2 to 4 bits"),
         (4.0, "#e00000", "4 bits or more"))
UNPREDICTED = "#9a9a9a"  # the notes no model predicts (the first window of the song)
TOP = 5                  # the most surprising notes numbered on a score


def entropy_bits(probs: np.ndarray) -> np.ndarray:
    """(n, classes) probabilities -> (n,) entropy in bits."""
    probs = np.asarray(probs, dtype=np.float64)
    logs = np.log2(np.where(probs > 0, probs, 1.0))
    return -(probs * logs).sum(axis=-1)


def onsets(melody: Melody) -> list[Fraction]:
    """Each note's start, in quarter notes from the first note."""
    out, now = [], Fraction(0)
    for note in melody.notes:
        out.append(now)
        now += note.duration
    return out


def song_surprise(run, dataset: str | None = None) -> list[NoteSurprise]:
    """Every note that a model of ``run`` (a ``SongRun``) predicts, under every model that kept
    its one-step probabilities, model by model in the run's order."""
    melody, window = run.melody, run.config.window
    starts = onsets(melody)
    name = dataset or (Path(melody.source).stem if melody.source else melody.title)
    rows = []
    for model in run.models:
        if model.one_step_probs is None:
            continue
        targets = run.dataset.targets
        bits = model.surprise(targets)
        entropy = entropy_bits(model.one_step_probs)
        for sample in range(len(targets)):
            position = window + sample + 1
            note = melody.notes[position - 1]
            rows.append(NoteSurprise(name, melody.title, position, starts[position - 1],
                                     note.pitch, note.duration, float(2.0 ** -bits[sample]),
                                     float(bits[sample]), float(entropy[sample]),
                                     model.spec.name))
    return rows


def by_model(rows: Sequence[NoteSurprise]) -> dict[str, dict[int, float]]:
    """{model: {note index: bits}}, in the rows' order."""
    out: dict[str, dict[int, float]] = {}
    for row in rows:
        out.setdefault(row.model, {})[row.note] = row.information_content
    return out


def band(bits: float) -> str:
    """The colour of a note of ``bits`` surprise (``BANDS``)."""
    return next(colour for low, colour, _ in reversed(BANDS) if bits >= low)


def top_surprises(bits: dict[int, float], count: int = TOP) -> list[int]:
    """The note indices of the ``count`` most surprising notes (at least 0.5 bits), most
    surprising first (ties: the earlier note)."""
    ranked = sorted(bits, key=lambda note: (-bits[note], note))
    return [note for note in ranked[:count] if bits[note] >= BANDS[1][0]]


def coloured_musicxml(musicxml: bytes, melody: Melody, colours: dict[int, str]) -> bytes:
    """MusicXML of ``melody`` with the notes at 1-based ``colours`` keys drawn in their colour
    (``<note color>``, every tied part and every part of a split rest; a lyric of the note too).
    A written note belongs to the melody note during which it starts."""
    import xml.etree.ElementTree as ET

    root = ET.fromstring(musicxml)
    starts, ends = onsets(melody), []
    ends = [start + note.duration for start, note in zip(starts, melody.notes)]
    owner, now, divisions = 0, Fraction(0), 1
    for measure in root.iter("measure"):
        for child in measure:
            if child.tag == "attributes" and child.findtext("divisions"):
                divisions = int(child.findtext("divisions"))
            if child.tag != "note" or child.find("grace") is not None:
                continue
            while owner < len(ends) and ends[owner] <= now:
                owner += 1
            colour = colours.get(owner + 1) if owner < len(ends) else None
            if colour:
                child.set("color", colour)
                for lyric in child.iter("lyric"):
                    lyric.set("color", colour)
            now += Fraction(int(child.findtext("duration")), divisions)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def surprise_score_svg(melody: Melody, bits: dict[int, float], subtitle: str = "",
                       key: Key | None = None) -> bytes:
    """``melody`` engraved with each note coloured by ``bits`` ({note index: bits}; notes not
    in it grey) and the ``TOP`` most surprising numbered 1, 2, ... under them."""
    key = key or melody_key(melody)
    marks = {note: str(rank) for rank, note in enumerate(top_surprises(bits), start=1)}
    colours = {note: band(bits[note]) if note in bits else UNPREDICTED
               for note in range(1, len(melody) + 1)}
    xml = coloured_musicxml(musicxml_bytes(melody, marks, key), melody, colours)
    return score_svg(xml, subtitle=subtitle)


def draw_surprise(figure, title: str, bits: dict[str, dict[int, float]],
                  marked: Sequence[int] = ()) -> None:
    """Fill a matplotlib ``figure`` with the surprise along the melody, a line a model
    ({model: {note index: bits}}); the ``marked`` note indices (the notes after an ambiguous
    context) shaded."""
    figure.set_layout_engine("constrained")
    axes = figure.add_subplot()
    for number, place in enumerate(sorted(set(marked))):
        axes.axvspan(place - 0.5, place + 0.5, color="#f2c14e", alpha=0.35, linewidth=0,
                     label="after an ambiguous context" if number == 0 else None)
    for name, notes in bits.items():
        axes.plot(list(notes), list(notes.values()), marker="o", markersize=3.5, linewidth=1.2,
                  label=name)
    axes.set_xlabel("note of the song")
    axes.set_ylabel("surprise (bits): -log2 p(the real next note)")
    axes.set_title(f"{title}: how surprised each model is by each note, one step from the "
                   "real song")
    axes.set_ylim(bottom=0)
    axes.grid(True, alpha=0.3)
    axes.legend(loc="upper right")


__all__ = ["BANDS", "COLUMNS", "NoteSurprise", "band", "by_model", "coloured_musicxml",
           "draw_surprise", "entropy_bits", "onsets", "per_note_csv", "song_surprise",
           "surprise_score_svg", "top_surprises"]

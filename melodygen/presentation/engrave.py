"""Engraved scores: MusicXML -> SVG with verovio, chosen notes in red; and SVG -> notes again.

``score_svg`` engraves the MusicXML that melodygen writes (``musicxml.musicxml_bytes``) with a
title and a subtitle, every note at a given 1-based melody position drawn in ``WRONG_COLOR``
(each tied part of it, and each part of a rest split by a bar line). verovio honours the
MusicXML ``color`` attribute of ``<note>`` and writes it as the ``fill`` of the note's SVG group.

``read_svg`` reads an engraved score back as notes: pitch and written length of every note and
rest, tied notes joined, adjacent rests joined, the rest that completes the last measure dropped.
It reads the ``data-*`` attributes that ``score_svg`` asks verovio to write on each note, rest,
accidental and tie, so a test can check that the notes on the page are the notes predicted.

Same MusicXML in, same SVG bytes out: element ids are seeded by a checksum of the input.
"""

from __future__ import annotations

import bisect
import itertools
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from fractions import Fraction

from ..core.note import Melody, Note
from ..formats.notation import LETTER_SEMITONES, duration_to_length

WRONG_COLOR = "#E00000"  # fill of a wrong note (and of its stem, flag and accidental)
VEROVIO_OPTIONS = {
    "xmlIdChecksum": True,     # ids from a checksum of the input, not random: same bytes each run
    "svgViewBox": True,        # a viewBox and no fixed size: the score scales to its container
    "adjustPageHeight": True,  # the page ends below the last system
    "pageWidth": 2100,         # MEI units; with scale 40 the viewBox is 840 wide: 8 bars of 2/4 a line
    "pageHeight": 60000,       # the largest verovio takes; a longer song continues on more pages
    "scale": 40,
    "footer": "none",
    # data-* attributes that read_svg needs to read the notes back from the SVG alone
    "svgAdditionalAttribute": ["note@pname", "note@oct", "note@dur", "note@dots",
                               "rest@dur", "rest@dots", "accid@accid", "accid@accid.ges",
                               "tie@startid", "tie@endid"],
}
NOTE_TYPES = {1: "whole", 2: "half", 4: "quarter", 8: "eighth", 16: "16th", 32: "32nd"}  # MusicXML <type>
_SVG = "{http://www.w3.org/2000/svg}"
_ALTER = {"s": 1, "f": -1, "ss": 2, "x": 2, "ff": -2, "n": 0}  # MEI accidental -> semitones


@dataclass(frozen=True)
class EngravedNote:
    """One note or rest as engraved: the note, and whether it is drawn in WRONG_COLOR."""

    note: Note
    marked: bool


def score_svg(musicxml: bytes, melody: Melody, marked=(), title: str | None = None,
              subtitle: str = "") -> bytes:
    """MusicXML of ``melody`` -> SVG document (UTF-8), the notes at the 1-based positions
    ``marked`` in WRONG_COLOR, ``title`` (default: the melody's) and ``subtitle`` above."""
    prepared = prepare_musicxml(musicxml, melody, marked, title or melody.title, subtitle)
    return engrave(prepared).encode()


def prepare_musicxml(musicxml: bytes, melody: Melody, marked, title: str, subtitle: str) -> bytes:
    """The score as it will be engraved: chosen notes colored, title and subtitle as credits,
    no part name in front of the staff, a rest that fills a measure written as a plain rest."""
    root = ET.fromstring(musicxml)
    part = root.find("part")
    if part is None:
        raise ValueError("MusicXML has no <part>")
    marked = set(marked)
    starts = list(itertools.accumulate((note.duration for note in melody.notes), initial=Fraction(0)))
    for element, onset, length in _events(part):
        position = bisect.bisect_right(starts, onset)  # 1-based; len(starts) past the last note
        if position in marked and position < len(starts):
            element.set("color", WRONG_COLOR)
        if element.find("rest") is not None and element.find("type") is None:
            _write_out_measure_rest(element, length)
    for name in root.iter("part-name"):
        name.text = ""
    for scorepart in root.iter("score-part"):
        for abbreviation in scorepart.findall("part-abbreviation"):
            scorepart.remove(abbreviation)
    _set_heading(root, title, subtitle)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _events(part: ET.Element):
    """(<note> element, onset, length) for every note and rest of a MusicXML part; onset and
    length in quarter notes."""
    divisions, now, previous = 1, Fraction(0), Fraction(0)
    for measure in part.iter("measure"):
        for child in measure:
            if child.tag == "attributes" and child.findtext("divisions"):
                divisions = int(child.findtext("divisions"))
            elif child.tag in ("backup", "forward"):
                shift = Fraction(int(child.findtext("duration")), divisions)
                now += shift if child.tag == "forward" else -shift
            elif child.tag == "note" and child.find("grace") is None:
                length = Fraction(int(child.findtext("duration")), divisions)
                if child.find("chord") is not None:
                    yield child, previous, length
                    continue
                yield child, now, length
                previous = now
                now += length


def _write_out_measure_rest(element: ET.Element, length: Fraction) -> None:
    """A measure rest (a <rest> without a <type>) -> a rest of ``length`` quarter notes with its
    type and dots: verovio draws a measure rest without the color of its <note>."""
    value = duration_to_length(length)
    if value is None:
        return  # no single rest lasts a measure of, say, 5/4: it stays a measure rest, uncolored
    note_value, dots = value
    element.find("rest").attrib.pop("measure", None)
    place = list(element).index(element.find("duration")) + 1
    written = [ET.Element("type")] + [ET.Element("dot") for _ in range(dots)]
    written[0].text = NOTE_TYPES[note_value]
    for offset, child in enumerate(written):
        element.insert(place + offset, child)


def _set_heading(root: ET.Element, title: str, subtitle: str) -> None:
    """Title (bold) and subtitle as MusicXML credits, which verovio prints centred on top."""
    for tag in ("work-title", "movement-title"):
        for element in root.iter(tag):
            element.text = title
    for credit in root.findall("credit"):
        root.remove(credit)
    lines = [("title", title, {"font-weight": "bold"})] + ([("subtitle", subtitle, {})] if subtitle else [])
    place = list(root).index(root.find("part-list"))
    for offset, (kind, text, style) in enumerate(lines):
        credit = ET.Element("credit", page="1")
        ET.SubElement(credit, "credit-type").text = kind
        words = ET.SubElement(credit, "credit-words", justify="center", valign="top", **style)
        words.text = text
        root.insert(place + offset, credit)


def engrave(musicxml: bytes) -> str:
    """MusicXML -> one SVG document of the whole score (pages stacked if there are several)."""
    import verovio

    toolkit = verovio.toolkit()
    toolkit.setOptions(VEROVIO_OPTIONS)
    if not toolkit.loadData(musicxml.decode("utf-8")):
        raise ValueError("verovio could not read the MusicXML")
    pages = [toolkit.renderToSVG(page) for page in range(1, toolkit.getPageCount() + 1)]
    return pages[0] if len(pages) == 1 else _stack(pages)


def _stack(pages: list[str]) -> str:
    """Several page SVGs -> one SVG with the pages one below the other."""
    boxes = [[float(x) for x in re.search(r'viewBox="([^"]+)"', page)[1].split()] for page in pages]
    width = max(box[2] for box in boxes)
    inner, top = [], 0.0
    for page, (_, _, page_width, height) in zip(pages, boxes):
        inner.append(page.replace("<svg ", f'<svg y="{top:g}" width="{page_width:g}" height="{height:g}" ', 1))
        top += height
    return (f'<svg viewBox="0 0 {width:g} {top:g}" version="1.1" xmlns="http://www.w3.org/2000/svg" '
            f'xmlns:xlink="http://www.w3.org/1999/xlink">\n' + "".join(inner) + "</svg>\n")


def read_svg(svg: bytes | str, color: str = WRONG_COLOR) -> list[EngravedNote]:
    """An SVG written by ``score_svg`` -> its notes and rests in order, as heard: tied notes and
    adjacent rests joined, trailing rests dropped; ``marked`` when drawn in ``color``."""
    root = ET.fromstring(svg)
    events: dict[str, list] = {}  # id -> [pitch or None, quarter notes, marked], in order
    ties: list[tuple[str, str]] = []
    for group in root.iter(_SVG + "g"):
        kind = group.get("class", "").split()
        if "note" in kind or "rest" in kind:
            events[group.get("id")] = [_pitch(group) if "note" in kind else None,
                                       _length(group), group.get("fill", "").upper() == color.upper()]
        elif "tie" in kind:
            ties.append((group.get("data-startid", "").lstrip("#"), group.get("data-endid", "").lstrip("#")))
    joined_into: dict[str, str] = {}  # id of a tied-on note -> id of the first note of its chain
    for start, end in ties:
        start = joined_into.get(start, start)
        if start in events and end in events:
            events[start][1] += events[end][1]
            events[start][2] = events[start][2] or events[end][2]
            del events[end]
            joined_into[end] = start
    joined: list[list] = []
    for pitch, length, marked in events.values():
        if joined and pitch is None and joined[-1][0] is None:
            joined[-1][1] += length
            joined[-1][2] = joined[-1][2] or marked
        else:
            joined.append([pitch, length, marked])
    while joined and joined[-1][0] is None:
        joined.pop()
    return [EngravedNote(Note(pitch, length), marked) for pitch, length, marked in joined]


def _pitch(group: ET.Element) -> int:
    """MIDI pitch of an SVG note group from its data-pname, data-oct and accidental."""
    alter = 0
    for accid in group.iter(_SVG + "g"):
        if "accid" in accid.get("class", "").split():
            alter = _ALTER.get(accid.get("data-accid") or accid.get("data-accid.ges") or "n", 0)
    return 12 * (int(group.get("data-oct")) + 1) + LETTER_SEMITONES[group.get("data-pname")] + alter


def _length(group: ET.Element) -> Fraction:
    """Written length in quarter notes from data-dur (4 = quarter) and data-dots."""
    dots = int(group.get("data-dots", "0"))
    return Fraction(4, int(group.get("data-dur"))) * (2 - Fraction(1, 2 ** dots))

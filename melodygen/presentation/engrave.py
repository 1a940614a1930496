"""Engraved scores: MusicXML -> SVG with verovio; and SVG -> notes and their marks again.

``score_svg`` engraves the MusicXML that melodygen writes (``musicxml.musicxml_bytes``) with a
title and a subtitle. The marks of wrong notes are in that MusicXML already: each marked note in
``WRONG_COLOR`` (each tied part of it, and each part of a rest split by a bar line), numbered
by a lyric under it (a direction above a rest). verovio honours the MusicXML ``color`` of a
``<note>`` and writes it as the ``fill`` of the note's SVG group, the lyric inside that group.

``read_svg`` reads an engraved score back as notes: pitch and written length of every note and
rest, tied notes joined, adjacent rests joined, the rest that completes the last measure dropped,
and each one's colour and label. It reads the ``data-*`` attributes that ``score_svg`` asks
verovio to write on each note, rest, accidental and tie, so a test can check that the notes on
the page are the notes predicted and that every wrong one carries both marks.

Same MusicXML in, same SVG bytes out: element ids are seeded by a checksum of the input.
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

from ..core.note import Note
from ..formats.musicxml import MARK_COLOR
from ..formats.notation import LETTER_SEMITONES, duration_to_length

WRONG_COLOR = MARK_COLOR  # fill of a wrong note (and of its stem, flag and accidental)
VEROVIO_OPTIONS = {
    "xmlIdChecksum": True,     # ids from a checksum of the input, not random: same bytes each run
    "svgViewBox": True,        # a viewBox and no fixed size: the score scales to its container
    "adjustPageHeight": True,  # the page ends below the last system
    "pageWidth": 2100,         # MEI units; with scale 40 the viewBox is 840 wide: 8 bars of 2/4 a line
    "pageHeight": 60000,       # the largest verovio takes; a longer song continues on more pages
    "scale": 40,
    "footer": "none",
    "smuflTextFont": "none",   # no web font: music symbols in text become paths (glyphs_as_paths)
    # data-* attributes that read_svg needs to read the notes back from the SVG alone
    "svgAdditionalAttribute": ["note@pname", "note@oct", "note@dur", "note@dots",
                               "rest@dur", "rest@dots", "accid@accid", "accid@accid.ges",
                               "tie@startid", "tie@endid"],
}
# The page width of a score for a phone: a viewBox 360 wide (4 bars of 2/4 a line), notes about
# as large on a screen 390 px wide as the usual score's on a laptop.
PHONE_PAGE_WIDTH = 900
TITLE_UNITS, SUBTITLE_UNITS = 26, 20  # page width (MEI units) a character of the title, subtitle takes
NOTE_TYPES = {1: "whole", 2: "half", 4: "quarter", 8: "eighth", 16: "16th", 32: "32nd"}  # MusicXML <type>
_SVG = "{http://www.w3.org/2000/svg}"
_ALTER = {"s": 1, "f": -1, "ss": 2, "x": 2, "ff": -2, "n": 0}  # MEI accidental -> semitones


@dataclass(frozen=True)
class EngravedNote:
    """One note or rest as engraved: the note, whether it is drawn in WRONG_COLOR, and the
    label written with it (a wrong note's number), or None."""

    note: Note
    marked: bool
    label: str | None = None


def score_svg(musicxml: bytes, title: str | None = None, subtitle: str = "",
              page_width: int | None = None, encoded_breaks: bool = False) -> bytes:
    """MusicXML -> SVG document (UTF-8) with ``title`` (default: the score's) and ``subtitle``
    above; notes marked in the MusicXML (``musicxml_bytes(melody, marks)``) keep their marks.
    ``page_width`` in MEI units (default ``VEROVIO_OPTIONS``'s; ``PHONE_PAGE_WIDTH`` for a phone):
    another width gives other element ids, so both layouts of a score can share a page.
    ``encoded_breaks``: a new system exactly where the MusicXML asks for one (``<print
    new-system>``: a tune's parts), none elsewhere."""
    prepared = prepare_musicxml(musicxml, title, subtitle, page_width)
    if page_width is not None and page_width != VEROVIO_OPTIONS["pageWidth"]:
        declaration, rest = prepared.split(b"\n", 1)  # ids are a checksum of the input
        prepared = declaration + f"\n<!-- page width {page_width} -->\n".encode() + rest
    return engrave(prepared, page_width, encoded_breaks).encode()


def prepare_musicxml(musicxml: bytes, title: str | None, subtitle: str,
                     page_width: int | None = None) -> bytes:
    """The score as it will be engraved: title and subtitle as credits, no part name in front
    of the staff, a rest that fills a measure written as a plain rest (verovio draws a measure
    rest without its colour)."""
    root = ET.fromstring(musicxml)
    part = root.find("part")
    if part is None:
        raise ValueError("MusicXML has no <part>")
    title = title if title is not None else root.findtext("work/work-title", "")
    for element, length in _events(part):
        if element.find("rest") is not None and element.find("type") is None:
            _write_out_measure_rest(element, length)
    for name in root.iter("part-name"):
        name.text = ""
    for scorepart in root.iter("score-part"):
        for abbreviation in scorepart.findall("part-abbreviation"):
            scorepart.remove(abbreviation)
    _set_heading(root, title, subtitle, page_width or VEROVIO_OPTIONS["pageWidth"])
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _events(part: ET.Element):
    """(<note> element, length in quarter notes) for every note and rest of a MusicXML part."""
    divisions = 1
    for measure in part.iter("measure"):
        for child in measure:
            if child.tag == "attributes" and child.findtext("divisions"):
                divisions = int(child.findtext("divisions"))
            elif child.tag == "note" and child.find("grace") is None:
                yield child, Fraction(int(child.findtext("duration")), divisions)


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


def _wrap(text: str, columns: int) -> list[str]:
    """Lines of at most ``columns`` (a wide character, as in Hangul, takes two), broken at
    spaces and at the line breaks of ``text``."""
    lines = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            if line and _columns(line + " " + word) > columns:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
    return lines


def _columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _set_heading(root: ET.Element, title: str, subtitle: str, page_width: int) -> None:
    """Title (bold) and subtitle as MusicXML credits, which verovio prints centred on top, each
    wrapped to lines that fit the page (``subtitle`` may hold line breaks of its own)."""
    for tag in ("work-title", "movement-title"):
        for element in root.iter(tag):
            element.text = title
    for credit in root.findall("credit"):
        root.remove(credit)
    lines = [("title", line, {"font-weight": "bold"})
             for line in _wrap(title, page_width // TITLE_UNITS)]
    lines += [("subtitle", line, {}) for line in _wrap(subtitle, page_width // SUBTITLE_UNITS)
              if subtitle]
    place = list(root).index(root.find("part-list"))
    for offset, (kind, text, style) in enumerate(lines):
        credit = ET.Element("credit", page="1")
        ET.SubElement(credit, "credit-type").text = kind
        words = ET.SubElement(credit, "credit-words", justify="center", valign="top", **style)
        words.text = text
        root.insert(place + offset, credit)


def engrave(musicxml: bytes, page_width: int | None = None, encoded_breaks: bool = False) -> str:
    """MusicXML -> one SVG document of the whole score (pages stacked if there are several);
    ``encoded_breaks``: systems only where the MusicXML starts them."""
    import verovio

    toolkit = verovio.toolkit()
    options = dict(VEROVIO_OPTIONS)
    if page_width is not None:
        options["pageWidth"] = page_width
    if encoded_breaks:
        options["breaks"] = "encoded"
        # systems where the score asks for them may be squeezed: verovio's warnings about it
        # would only be noise on the terminal (its log level is put back afterwards)
        verovio.enableLog(verovio.LOG_ERROR)
    try:
        toolkit.setOptions(options)
        if not toolkit.loadData(musicxml.decode("utf-8")):
            raise ValueError("verovio could not read the MusicXML")
        pages = [glyphs_as_paths(toolkit.renderToSVG(page), toolkit.getResourcePath())
                 .replace('font-family="Times, serif"', f'font-family="{TEXT_FONTS}"')
                 for page in range(1, toolkit.getPageCount() + 1)]
    finally:
        if encoded_breaks:
            verovio.enableLog(verovio.LOG_WARNING)
    return pages[0] if len(pages) == 1 else _stack(pages)


MUSIC_FONT = "Leipzig"  # verovio's music font (its default)
# The fonts of a score's words (verovio asks for "Times, serif"), with fonts for Hangul named,
# so that librsvg and browsers take the same font for a Korean title rather than each its own
# fallback (Debian: fonts-nanum; NanumMyeongjo is a serif with a bold face)
TEXT_FONTS = "Times, 'DejaVu Serif', NanumMyeongjo, 'Noto Serif CJK KR', serif"
_TEXT = re.compile(r"(<text\b[^>]*?(?<!/)>)((?:(?!<text\b).)*?</text>)", re.S)  # not <text/>
_GLYPHS = re.compile(rf'<tspan font-family="{MUSIC_FONT}" font-size="([0-9.]+)px">([^<]*)</tspan>')


def glyphs_as_paths(svg: str, resources: str) -> str:
    """verovio's SVG with the music symbols of its texts (the note of a tempo mark, "♩ = 100")
    drawn as paths from the music font's outlines: the SVG then needs no web font, and librsvg,
    Inkscape and browsers draw it alike. A text that starts with symbols gets them as a path at
    its start and the rest of it moved right by their advance; symbols elsewhere in a text
    (melodygen writes none) stay as they are (tests/presentation/test_figures.py checks that
    no SVG melodygen writes asks for the music font)."""
    def replace(found: re.Match) -> str:
        start, body = found.groups()
        glyphs = _GLYPHS.findall(body)
        if not glyphs:
            return found.group(0)
        first = re.sub(r"<[^>]+>|\s", "", body.split("<tspan font-family", 1)[0])
        place = re.search(r'\bx="(-?[0-9.]+)" y="(-?[0-9.]+)"', start)
        if first or place is None or "text-anchor" in start or len(glyphs) > 1:
            return found.group(0)
        (size, chars), (x, y) = glyphs[0], place.groups()
        scale, advance, paths = float(size) / 1000, 0.0, []
        for char in chars:
            outline, width = _glyph(resources, f"{ord(char):04X}")
            paths.append(f'<g transform="translate({float(x) + advance:g} {y}) scale({scale:g})">'
                         f"{outline}</g>")
            advance += width * scale
        start = start.replace(f'x="{x}"', f'x="{float(x) + advance:g}" xml:space="preserve"', 1)
        # the words after the symbols keep their spaces ("= 100"), and the indentation between
        # the text's parts goes, so that every renderer spaces them alike
        body = re.sub(r">\s+<", "><", _GLYPHS.sub("", body, count=1)).lstrip()
        return "".join(paths) + start + body

    return _TEXT.sub(replace, svg)


@lru_cache(maxsize=64)
def _glyph(resources: str, code: str) -> tuple[str, float]:
    """The outline (an SVG path, in font units of 1000 an em) of music font glyph ``code`` and
    its advance width, from verovio's resources."""
    folder = Path(resources)
    glyph = (folder / MUSIC_FONT / f"{code}.xml").read_text().strip()
    outline = re.sub(r"^<g[^>]*>|</g>$", "", glyph)
    table = (folder / f"{MUSIC_FONT}.xml").read_text()
    metrics = re.search(rf'<g c="{code}"[^>]*h-a-x="([0-9.]+)"', table)
    return outline, float(metrics[1]) if metrics else 0.0


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
    adjacent rests joined, trailing rests dropped; ``marked`` when drawn in ``color``; ``label``
    the text of the lyric under a note, or of the direction drawn above a rest (same x, same
    measure)."""
    root = ET.fromstring(svg)
    events: dict[str, list] = {}  # id -> [pitch or None, quarter notes, marked, label], in order
    ties: list[tuple[str, str]] = []
    for measure in root.iter(_SVG + "g"):
        if "measure" not in measure.get("class", "").split():
            continue
        rests_at: dict[str, str] = {}  # x of a rest in this measure -> its id
        labels_at: dict[str, str] = {}  # x of a direction's text in this measure -> the text
        for group in measure.iter(_SVG + "g"):
            kind = group.get("class", "").split()
            if "note" in kind or "rest" in kind:
                verses = ["".join(verse.itertext()).strip() for verse in group.iter(_SVG + "g")
                          if "verse" in verse.get("class", "").split()]
                label = "\n".join(verses) or None
                events[group.get("id")] = [_pitch(group) if "note" in kind else None, _length(group),
                                           group.get("fill", "").upper() == color.upper(), label]
                if "rest" in kind and group.find(_SVG + "use") is not None:
                    rests_at[_x(group.find(_SVG + "use").get("transform", ""))] = group.get("id")
            elif "dir" in kind and group.find(_SVG + "text") is not None:
                labels_at[group.find(_SVG + "text").get("x")] = "".join(group.itertext()).strip()
            elif "tie" in kind:
                ties.append((group.get("data-startid", "").lstrip("#"),
                             group.get("data-endid", "").lstrip("#")))
        for x, label in labels_at.items():
            if x in rests_at:
                events[rests_at[x]][3] = label
    joined_into: dict[str, str] = {}  # id of a tied-on note -> id of the first note of its chain
    for start, end in ties:
        start = joined_into.get(start, start)
        if start in events and end in events:
            first, other = events[start], events.pop(end)
            first[1] += other[1]
            first[2] = first[2] or other[2]
            first[3] = first[3] or other[3]
            joined_into[end] = start
    joined: list[list] = []
    for pitch, length, marked, label in events.values():
        if joined and pitch is None and joined[-1][0] is None:
            joined[-1][1] += length
            joined[-1][2] = joined[-1][2] or marked
            joined[-1][3] = joined[-1][3] or label
        else:
            joined.append([pitch, length, marked, label])
    while joined and joined[-1][0] is None:
        joined.pop()
    return [EngravedNote(Note(pitch, length), marked, label) for pitch, length, marked, label in joined]


def _x(transform: str) -> str:
    """The x of ``translate(x, y) ...``."""
    found = re.match(r"translate\((-?[0-9.]+)", transform)
    return found[1] if found else ""


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

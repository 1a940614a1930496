"""The parts of report.html that teach, also shown in a notebook: "what you are looking at" (the
window as a picture, what the MLP and the LSTM see, what state is, what attention sees, and the
song's ambiguous contexts marked on its score) and "surprise, note by note" (each model's
surprise on the song's score, coloured, the most surprising numbered, and along the melody).

Pictures are inline SVG (scores engraved by verovio, the window drawn by ``figures``) and a PNG
plot; every sentence comes from ``language`` in the page's language.
"""

from __future__ import annotations

import base64
import html

from ..formats.musicxml import musicxml_bytes
from ..formats.notation import note_label, tokens_text
from .engrave import score_svg
from .figures import window_svg
from .language import say, words
from .plot import draw
from .summary import RunSummary
from .surprise import BANDS, UNPREDICTED, coloured_musicxml, draw_surprise, surprise_score_svg, \
    top_surprises

# the colours of the ambiguous contexts on the song's score, in the contexts' order
CONTEXT_COLOURS = ("#e00000", "#2f6fd0", "#1e8a3a", "#b35a00", "#8e44ad", "#00838f")


def _text(value) -> str:
    return html.escape(str(value), quote=True)


def _inline(svg: bytes) -> str:
    text = svg.decode("utf-8")
    return text[text.index("<svg"):]


def context_letter(number: int) -> str:
    """The letter of the ``number``-th (0-based) ambiguous context on the score: A, B, ..."""
    return chr(ord("A") + number) if number < 26 else str(number + 1)


def contexts_score_svg(summary: RunSummary) -> bytes | None:
    """The song engraved with the note after each ambiguous context in the context's colour,
    labelled with its place in the song and the context's letter (A, B, ... as the contexts
    table says); None when the song has none."""
    if not summary.ambiguous:
        return None
    marks, colours = {}, {}
    for number, context in enumerate(summary.ambiguous):
        for position in context.positions:
            marks[position] = f"{position}\n{context_letter(number)}"
            colours[position] = CONTEXT_COLOURS[number % len(CONTEXT_COLOURS)]
    song = summary.melody
    xml = coloured_musicxml(musicxml_bytes(song, marks, summary.key), song, colours)
    return score_svg(xml, subtitle=", ".join(
        f"{context_letter(number)}: {tokens_text(context.context, summary.key)}"
        for number, context in enumerate(summary.ambiguous)))


def first_window(summary: RunSummary) -> list[str]:
    """The tokens of the song's first window and the note after it."""
    notes = summary.melody.notes[:summary.window + 1]
    return [note_label(note, summary.key) for note in notes]


def window_picture(summary: RunSummary, lang: str = "en") -> bytes:
    """The picture of the window: the song's first ``window`` notes and the next one."""
    return window_svg(first_window(summary), summary.window,
                      {"sees": say("sees", lang, window=summary.window),
                       "predicts": say("predicts", lang), "note": say("note", lang)})


def looking_section(summary: RunSummary, lang: str = "en", heading: str = "h2",
                    scores: bool = True) -> str:
    """"What you are looking at": the window, the models' inputs, state, attention, and (with
    ``scores``) the ambiguous contexts on the song's score."""
    window = summary.window
    values = {"window": window, "notes": len(summary.melody), "samples": summary.samples,
              "tokens": " ".join(first_window(summary)[:window])}
    out = ['<section id="looking">',
           f"<{heading}>{_text(say('looking', lang))}</{heading}>",
           f"<p>{_text(say('window', lang, **values))}</p>",
           f'<div class="window" role="img" aria-label="{_text(say("sees", lang, window=window))}">'
           f"{_inline(window_picture(summary, lang))}</div>"]
    out += [f"<p>{_text(say(key, lang, **values))}</p>"
            for key in ("mlp sees", "lstm sees", "state", "attention")]
    contexts = contexts_score_svg(summary) if scores else None
    if contexts is not None:
        said = _text(say("contexts score", lang, window=window))
        out += [f"<p>{_text(say('ambiguous', lang, **values))}</p>",
                f'<div class="score" role="img" aria-label="{said}">{_inline(contexts)}</div>',
                f'<p class="facts">{said}</p>']
    out.append("</section>")
    return "\n".join(out)


def legend(lang: str = "en") -> str:
    """The colours of surprise, in words."""
    labels = words("legend", lang)
    colours = [colour for _, colour, _ in BANDS] + [UNPREDICTED]
    return '<p class="legend">' + "".join(
        f'<span class="swatch" style="background:{colour}"></span>{_text(label)}'
        for colour, label in zip(colours, labels)) + "</p>"


def surprise_plot(summary: RunSummary, form: str = "png") -> bytes:
    """The surprise of every model along the song (16:9), the notes after ambiguous contexts
    shaded; PNG or SVG."""
    marked = [position for context in summary.ambiguous for position in context.positions]
    title = summary.melody.title
    return draw(title, lambda figure: draw_surprise(figure, title, summary.surprise_bits(), marked),
                form)


def model_surprise_score(summary: RunSummary, name: str) -> bytes:
    """The song engraved in the colours of model ``name``'s surprise."""
    bits = summary.surprise_bits()[name]
    mean = sum(bits.values()) / len(bits)
    return surprise_score_svg(summary.melody, bits, subtitle=f"{name}: surprise, "
                              f"{mean:.2f} bits per note on average", key=summary.key)


def surprise_section(summary: RunSummary, lang: str = "en", heading: str = "h2",
                     scores: bool = True) -> str:
    """Each model's surprise at each note: (with ``scores``) the coloured scores, the top
    surprises, the plot; empty when no model kept its probabilities."""
    bits_of = summary.surprise_bits()
    if not bits_of:
        return ""
    png = base64.b64encode(surprise_plot(summary)).decode("ascii")
    out = ['<section id="surprise">', f"<{heading}>{_text(say('surprise', lang))}</{heading}>",
           f"<p>{_text(say('surprise says', lang, top=len(BANDS), window=summary.window))}</p>",
           legend(lang)]
    notes = summary.melody.notes
    for name, bits in bits_of.items():
        top = ", ".join(say("top item", lang, rank=rank, note=note, bits=f"{bits[note]:.2f}",
                            token=note_label(notes[note - 1], summary.key))
                        for rank, note in enumerate(top_surprises(bits), start=1))
        mean = sum(bits.values()) / len(bits)
        out.append(f"<p><b>{_text(name)}</b>: "
                   f"{_text(say('surprise of', lang, bits=f'{mean:.2f}', top=top or '-'))}</p>")
        if scores:
            out.append(f'<div class="score" role="img" aria-label="{_text(name)}">'
                       f"{_inline(model_surprise_score(summary, name))}</div>")
    out += [f'<p><img class="plot" alt="{_text(say("surprise plot", lang))}" '
            f'src="data:image/png;base64,{png}"></p>', "</section>"]
    return "\n".join(out)

"""The files of a generation run, for a model of either kind: every new melody's MIDI,
MusicXML, ABC, engraved score (SVG) and WAV; ``tunes.abc``, every tune in one tunebook;
``summary.json`` (the model, the settings, every melody's notes, form and statistics, and the
style measure) and ``gallery.html``: every melody's score, a player and its statistics on one
page, which opens offline from the folder (scores inlined, the players play the WAVs beside
it, no script), readable on a phone.

A tune with form is written as a musician reads it: its parts once each with their repeat signs
and letters (MusicXML, ABC, the score: a system a part), and played as it sounds, its repeats
played out (MIDI, WAV). A run of a collection's model compares the new tunes' style with the
tunes the model learnt (``style_view.run_style``): a table and ``style.png``.
"""

from __future__ import annotations

import html
from pathlib import Path
from urllib.parse import quote

from ..core.note import pitch_name
from ..core.versions import versions
from ..evaluation.style import StyleTune
from ..formats.abc import abc_text, abc_tunebook, tunebook_from_text
from ..formats.midi import midi_bytes
from ..formats.musicxml import musicxml_bytes
from ..generation.config import GenerateConfig
from ..generation.loop import Generated
from ..generation.stats import CopyIndex, MelodyStats, melody_stats
from ..learning.interface import MelodyModel
from ..learning.modelfile import SONG
from .audio import wav_bytes
from .engrave import PHONE_PAGE_WIDTH, score_svg
from .folder import RunFolder
from .report import STYLE as REPORT_STYLE
from .run_files import write_melody, write_summary
from .style_view import STYLE_PLOT, run_style, style_plot_png, style_rows
from .summary import GeneratedMelody, GenerationSummary, MelodyFiles

GALLERY = "gallery.html"
TUNEBOOK = "tunes.abc"
FORM_PAGE_WIDTH = 2800  # a part's 8 bars on one system of a laptop's score (MEI units)
SYSTEM_BARS = 8         # a laptop's score: a system a part, a new one every 8 bars of a longer part
PHONE_SYSTEM_BARS = 4   # a phone's score: a new system every 4 bars of a part
STEMS = {"song": "generated", "collection": "tune"}  # a kind of model -> its melodies' file names

# the report's page style (a score's laptop and phone layouts, tables that scroll in their box),
# and the gallery's own: statistics on one line, the style plot no wider than a phone's page
STYLE = REPORT_STYLE + """
th, td { white-space: nowrap; }
.files { color: #555; }
img.plot { width: 100%; max-width: 600px; height: auto; }
"""


def file_stems(kind: str, count: int) -> list[str]:
    """generated-1 ... generated-N (a model of one song) or tune-1 ... tune-N (of a
    collection), numbers zero-padded to one width (generated-01 for N >= 10)."""
    width = len(str(count))
    return [f"{STEMS[kind]}-{number:0{width}d}" for number in range(1, count + 1)]


def melodies_stats(model: MelodyModel, config: GenerateConfig,
                   made: list[Generated]) -> list[MelodyStats]:
    """Each new melody's statistics against the melodies ``model`` learnt."""
    copies = CopyIndex(model.reference)
    names = [melody.title if melody.title and not melody.title.startswith("X:")
             else melody.source or melody.title for melody in model.reference]  # by its title
    return [melody_stats(generated.melody, config.key, copies, names, generated.notes,
                         generated.bits, model.reference_bits) for generated in made]


def write_generated(folder: str | Path, model: MelodyModel, config: GenerateConfig,
                    made: list[Generated], stats: list[MelodyStats], model_file: str = "", *,
                    scores: bool = True, audio: bool = True, progress=None) -> GenerationSummary:
    """Every melody's files, tunes.abc, summary.json and gallery.html into ``folder`` (which
    must exist), and for a model of a collection the style measure and style.png; files of an
    earlier run there that this one does not write again are removed at the end
    (``summary.removed``). ``progress`` (step, of steps, name) hears of each melody before it is
    written."""
    run = RunFolder(folder)
    subtitle = f"{model.name}, {config.describe()}"
    rhythm = model.form.rhythm if model.form is not None else None
    melodies, texts, phone = [], [], {}
    stems = file_stems(model.kind, len(made))
    for number, (stem, generated, stat) in enumerate(zip(stems, made, stats), start=1):
        if progress:
            progress(number, len(stems), stem)
        if generated.form is None:
            files = write_melody(run, stem, generated.melody, scores=scores, audio=audio,
                                 subtitle=subtitle, key=config.key)
        else:
            files = _write_tune(run, stem, generated, config, subtitle, scores, audio, phone)
        text = abc_text(generated.melody, config.key, number=number, form=generated.form,
                        rhythm=rhythm)
        texts.append(text)
        files.abc = run.write(f"{stem}.abc", text.encode("utf-8")).name
        melodies.append(GeneratedMelody(generated.melody, generated.notes, stat, files,
                                        generated.form, generated.template))
    reference, style, tunebook, plot = None, None, None, None
    if model.kind == SONG:  # the song a song model learnt: its own statistics, nothing copied
        reference = melody_stats(model.reference[0], config.key)
    else:
        book = abc_tunebook(texts)
        tunebook = run.write(TUNEBOOK, book.encode("utf-8")).name
        tunes = [StyleTune.of(reading.melody, reading.marks, config.key)
                 for reading in tunebook_from_text(book, TUNEBOOK).readings]
        style = run_style(tunes, model.reference, model.reference_marks, config.time_signature)
        if style is not None:
            plot = run.write(STYLE_PLOT, style_plot_png(style)).name
    summary = GenerationSummary(model_file, model, config, reference, melodies, versions(),
                                style=style, tunebook=tunebook, style_plot=plot)
    write_summary(summary, run)
    run.write(GALLERY, gallery_html(summary, run.path, phone).encode("utf-8"))
    summary.removed = run.finish()
    return summary


def _write_tune(run: RunFolder, stem: str, generated: Generated, config: GenerateConfig,
                subtitle: str, scores: bool, audio: bool, phone: dict) -> MelodyFiles:
    """A tune with form: its MusicXML and score in parts (a system a part, and every
    ``SYSTEM_BARS`` bars of a longer one; for a phone, a system every ``PHONE_SYSTEM_BARS``
    bars, kept in ``phone`` by the SVG's name), its MIDI and WAV played out."""
    melody, form = generated.melody, generated.form
    musicxml = musicxml_bytes(melody, {}, config.key, form, bars_a_system=SYSTEM_BARS)
    run.write(f"{stem}.mid", midi_bytes(generated.played))
    run.write(f"{stem}.musicxml", musicxml)
    svg = wav = None
    if scores:
        svg = run.write(f"{stem}.svg", score_svg(musicxml, subtitle=subtitle,
                                                  page_width=FORM_PAGE_WIDTH,
                                                  encoded_breaks=True)).name
        narrow = musicxml_bytes(melody, {}, config.key, form, bars_a_system=PHONE_SYSTEM_BARS)
        phone[svg] = score_svg(narrow, subtitle=subtitle, page_width=PHONE_PAGE_WIDTH,
                               encoded_breaks=True)
    if audio:
        wav = run.write(f"{stem}.wav", wav_bytes(generated.played)).name
    return MelodyFiles(f"{stem}.mid", f"{stem}.musicxml", svg, wav, melody.notes, config.key)


STATS_HEADER = ("melody", "notes", "bars", "ends on tonic", "in key", "range", "longest copy",
                "bits/note")


def stats_row(name: str, stats: MelodyStats) -> tuple[str, ...]:
    """One row of the statistics table (the terminal's and the gallery's)."""
    copy = stats.copy
    bits = "-" if stats.bits is None else f"{stats.bits:.2f}"
    if stats.bits is not None and stats.reference_bits is not None:
        bits += f" / {stats.reference_bits:.2f}"
    return (name, str(stats.notes), str(stats.bars) + (" full" if stats.full_bars else ""),
            "yes" if stats.ends_on_tonic else "no",
            "-" if stats.in_key is None else f"{stats.in_key:.0%}",
            "-" if stats.lowest is None else
            f"{pitch_name(stats.lowest)}-{pitch_name(stats.highest)} ({stats.range})",
            "-" if copy is None else
            f"{copy.length} ({stats.copied_from} {copy.tune_start}-"
            f"{copy.tune_start + copy.length - 1})", bits)


def stats_rows(summary: GenerationSummary) -> list[tuple[str, ...]]:
    """The header, the reference melody's row (a song model's song) and every melody's."""
    rows = [STATS_HEADER]
    if summary.reference is not None:
        rows.append(stats_row("song", summary.reference))
    return rows + [stats_row(melody.stem, melody.stats) for melody in summary.melodies]


def gallery_html(summary: GenerationSummary, folder: Path,
                 phone: dict[str, bytes] | None = None) -> str:
    """The page (see the module); ``phone``: scores engraved for a phone, by SVG file name."""
    phone = phone or {}
    header, *body = stats_rows(summary)
    named = (0, 6)  # the columns of names, left-aligned
    rows = "".join("<tr>" + "".join(f'<td{" class=name" if i in named else ""}>{_text(cell)}</td>'
                                    for i, cell in enumerate(row)) + "</tr>" for row in body)
    head = "".join(f'<th{" class=name" if i in named else ""}>{_text(h)}</th>'
                   for i, h in enumerate(header))
    title = summary.model.defaults.title
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{_text(title)}: new melodies</title>", f"<style>{STYLE}</style>",
             "</head>", "<body>", f"<h1>New melodies of {_text(summary.model.describe())}</h1>",
             f'<p class="facts">{_text(_facts(summary))}</p>',
             f'<div class="wide"><table><tr>{head}</tr>{rows}</table></div>']
    if summary.tunebook:
        parts.append(f'<p class="files">All the tunes in one tunebook: <a href='
                     f'"{_link(summary.tunebook)}">{_text(summary.tunebook)}</a></p>')
    if summary.style is not None:
        parts += _style_section(summary)
    for melody in summary.melodies:
        title = melody.melody.title
        if melody.form is not None:
            title += f" ({melody.form.letters})"
        parts.append(f'<h2 id="{_text(melody.stem)}">{_text(title)}</h2>')
        files = melody.files.files()
        if files.get("svg") and (folder / files["svg"]).exists():
            text = _inline_svg((folder / files["svg"]).read_text(encoding="utf-8"))
            narrow = phone.get(files["svg"])
            if narrow is not None:
                text = (f'<div class="laptop">{text}</div>'
                        f'<div class="phone">{_inline_svg(narrow.decode("utf-8"))}</div>')
            parts.append(f'<div class="score" role="img" aria-label="{_text(melody.melody.title)}">'
                         f"{text}</div>")
        if files.get("wav"):
            parts.append(f'<audio controls preload="metadata" src="{_link(files["wav"])}">'
                         "</audio>")
        links = ", ".join(f'<a href="{_link(name)}">{_text(name)}</a>' for name in files.values())
        parts.append(f'<p class="files">Files: {links}</p>')
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def _inline_svg(text: str) -> str:
    return text[text.index("<svg"):] if text.lstrip().startswith("<?xml") else text


def _style_section(summary: GenerationSummary) -> list[str]:
    """The style measure: what it is, its table and its plot."""
    style = summary.style
    header, *body = style_rows(style)
    head = "".join(f'<th{" class=name" if i == 0 else ""}>{_text(h)}</th>'
                   for i, h in enumerate(header))
    rows = "".join("<tr>" + "".join(f'<td{" class=name" if i == 0 else ""}>{_text(cell)}</td>'
                                    for i, cell in enumerate(row)) + "</tr>" for row in body)
    out = ["<h2 id=\"style\">Style</h2>",
           f'<p class="facts">How alike the {style.candidates} new tunes are to {style.reference} '
           f"tunes the model learnt, feature by feature: the overlap (0 to 1) of the distances "
           f"between a new tune and a real one with the distances between two real tunes "
           f"(Yang &amp; Lerch 2020); beside it the same overlap of {style.real} other real "
           f"tunes. Near the real figure: in the style.</p>",
           f'<div class="wide"><table><tr>{head}</tr>{rows}</table></div>']
    if summary.style_plot:
        out.append(f'<img class="plot" src="{_link(summary.style_plot)}" alt="the densities of '
                   'the distances behind each overlap">')
    return out


def _facts(summary: GenerationSummary) -> str:
    config, model = summary.config, summary.model
    beats, unit = config.time_signature
    size = f"{config.bars} bars" if config.bars else f"{config.length} notes"
    learnt = (f"the model learnt {len(model.reference):,} tunes ({model.reference_bits:.2f} "
              "bits per note on tunes it had not seen)" if model.reference_bits is not None
              else f"the model learnt {model.reference[0].title}")
    form = ""
    if config.form is not None:
        pickups = sum(1 for melody in summary.melodies if melody.melody.pickup)
        asked = f"the form {config.form} (parts of {config.part_bars} bars, " \
            if config.part_bars else "forms drawn from the collection's ("
        form = (f" in {asked}{pickups} of {config.count} with a pickup; repeats played in the "
                "MIDI and audio)")
    return (f"{config.count} melodies of {size} of {beats}/{unit} in {config.key}{form}, "
            f"{config.describe()}; {learnt}. Longest copy: the longest run of new notes "
            "(lengths and intervals, in any key) that a melody it learnt also has. Bits per "
            "note: how surprising the model finds the melody (against its bits per note on "
            "real tunes it had not seen, when known).")


def _text(value) -> str:
    return html.escape(str(value), quote=True)


def _link(name: str) -> str:
    return _text(quote(name))

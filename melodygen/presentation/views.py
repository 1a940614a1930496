"""The views of melodygen's objects in a notebook, as self-contained HTML: a melody (its score,
a player, its notes in the lecture's notation), melodies (a small gallery), a tune, a
collection, a trained model and an evaluation. ``display`` chooses the view of an object; a
song's run has its views in ``song_views``.

Scores are inline SVG (verovio, no web font), audio is a WAV in a ``data:`` URI
(``DISPLAY_RATE``: no file is written), plots are PNGs in ``data:`` URIs, and there is no
script. The style is scoped to ``.melodygen``, so it does not restyle the notebook.
"""

from __future__ import annotations

import base64
import html as escaping

from ..core.collection import Collection, Tune
from ..core.keys import melody_key
from ..core.note import Melodies, Melody, pitch_name
from ..formats.musicxml import musicxml_bytes
from ..formats.notation import format_song, tokens_text
from .audio import wav_bytes
from .engrave import score_svg
# Audio of a notebook's players: half the files' rate (a melody's partials stay under 5 kHz),
# so that a run's five players weigh about 2 MB in the notebook, not 4.
DISPLAY_RATE = 11025
STYLE = """<style>
.melodygen { font-family: "DejaVu Sans", "NanumGothic", sans-serif; line-height: 1.4; }
.melodygen .mg-score { background: #fff; border: 1px solid #ddd; padding: 0.3em; margin: 0.3em 0;
  max-width: 900px; }
.melodygen .mg-score svg, .melodygen .score svg { display: block; width: 100%; height: auto; }
.melodygen .score { background: #fff; border: 1px solid #ddd; padding: 0.3em; max-width: 900px; }
.melodygen audio { width: 100%; max-width: 480px; display: block; margin: 0.2em 0 0.6em; }
.melodygen table { border-collapse: collapse; margin: 0.5em 0; }
.melodygen th, .melodygen td { border: 1px solid #ccc; padding: 0.2em 0.5em; text-align: right; }
.melodygen th { background: #f2f2f2; }
.melodygen td.name, .melodygen th.name { text-align: left; }
.melodygen .notes td, .melodygen .notes th { font-family: monospace; padding: 0.1em 0.25em; }
.melodygen .notes td.wrong { background: #fde8e8; outline: 2px solid #e00000;
  outline-offset: -2px; }
.melodygen .wrong { color: #e00000; font-weight: bold; }
.melodygen .contexts td { text-align: left; font-family: monospace; }
.melodygen .wide { overflow-x: auto; max-width: 100%; }
.melodygen pre { white-space: pre-wrap; margin: 0.3em 0; }
.melodygen .verdict { border-left: 5px solid #2a6f2a; background: #f3f8f3; padding: 0.4em 0.8em; }
.melodygen .facts { color: #555; margin: 0.2em 0; }
.melodygen img { max-width: 100%; height: auto; }
.melodygen .window svg { display: block; max-width: 640px; width: 100%; height: auto; }
.melodygen .legend span.swatch { display: inline-block; width: 0.9em; height: 0.9em;
  margin: 0 0.25em 0 0.8em; vertical-align: -0.1em; border: 1px solid #999; }
</style>"""


def box(inner: str) -> str:
    return f'{STYLE}<div class="melodygen">{inner}</div>'


def text(value) -> str:
    return escaping.escape(str(value), quote=True)


# --- melodies ---------------------------------------------------------------------------------


def audio_tag(melody: Melody) -> str:
    """An audio player of ``melody``, its WAV inline (``DISPLAY_RATE``)."""
    data = base64.b64encode(wav_bytes(melody, DISPLAY_RATE)).decode("ascii")
    return f'<audio controls preload="none" src="data:audio/wav;base64,{data}"></audio>'


def score_tag(musicxml: bytes, label: str, subtitle: str = "") -> str:
    """The engraved score of ``musicxml`` as inline SVG."""
    svg = score_svg(musicxml, subtitle=subtitle).decode("utf-8")
    svg = svg[svg.index("<svg"):]
    return f'<div class="mg-score" role="img" aria-label="{text(label)}">{svg}</div>'


def lecture_notation(melody: Melody) -> str:
    """The notes as the lecture writes them (``g8 e8 e4 | f8 ...``, bars by ``|``), spelt in the
    melody's key; pitch names where a note has no token."""
    key = melody_key(melody)
    try:
        lines = format_song(melody).splitlines()
        return "\n".join(line for line in lines if line and ":" not in line)
    except (ValueError, KeyError):
        return tokens_text(melody.notes, key) or " ".join(
            "rest" if note.is_rest else f"{pitch_name(note.pitch)}/{note.duration}"
            for note in melody.notes)


def melody_facts(melody: Melody) -> str:
    beats, unit = melody.time_signature
    key = melody_key(melody)
    return (f"{len(melody)} notes, {beats}/{unit}, {melody.tempo:g} quarter notes a minute"
            + (f", {key}" if key else ""))


def melody_html(melody: Melody, heading: str = "h4", marks=None, subtitle: str = "") -> str:
    """A melody: its title and facts, engraved score, player and notes."""
    key = melody_key(melody)
    return "\n".join([
        f"<{heading}>{text(melody.title)}</{heading}>",
        f'<p class="facts">{text(melody_facts(melody))}</p>',
        score_tag(musicxml_bytes(melody, marks or {}, key), melody.title, subtitle),
        audio_tag(melody),
        f"<pre>{text(lecture_notation(melody))}</pre>"])


def melodies_html(melodies: Melodies) -> str:
    """A small gallery: every melody's score, player and notes."""
    head = f"<p><b>{len(melodies)} melod{'y' if len(melodies) == 1 else 'ies'}</b></p>"
    return head + "".join(melody_html(melody) for melody in melodies)


def tune_html(tune: Tune) -> str:
    where = ", ".join(filter(None, [tune.name, tune.meter and f"M: {tune.meter}",
                                    tune.key and f"K: {tune.key}", tune.region]))
    return f'<p class="facts">{text(where)}</p>' + melody_html(tune.melody)


COLLECTION_ROWS = 10  # tunes listed in a collection's display


def collection_html(collection: Collection) -> str:
    """A collection: its size, meters, keys, what was dropped, and its first tunes."""
    def common(counter) -> str:
        return ", ".join(f"{name} ({count:,})" for name, count in counter.most_common(5)) or "-"

    facts = [("tunes", f"{len(collection):,}"), ("notes", f"{collection.notes:,}"),
             ("range", collection.pitch_range()), ("meters", common(collection.meters())),
             ("keys", common(collection.keys())),
             ("merged duplicates", f"{collection.duplicates:,}"),
             ("dropped", f"{len(collection.dropped):,}"
              + (f": {common(collection.dropped_by_reason())}" if collection.dropped else ""))]
    rows = "".join(f'<tr><th class="name">{text(k)}</th><td class="name">{text(v)}</td></tr>'
                   for k, v in facts)
    tunes = "".join(
        f'<tr><td class="name">{text(tune.name)}</td><td class="name">{text(tune.title)}</td>'
        f"<td>{text(tune.meter or '')}</td><td>{text(tune.key or '')}</td><td>{len(tune)}</td></tr>"
        for tune in collection.tunes[:COLLECTION_ROWS])
    more = len(collection) - COLLECTION_ROWS
    return (f"<h4>{text(collection.name)}</h4><table>{rows}</table>"
            '<div class="wide"><table><tr><th class="name">tune</th><th class="name">title</th>'
            f"<th>meter</th><th>key</th><th>notes</th></tr>{tunes}</table></div>"
            + (f'<p class="facts">… and {more:,} more tunes</p>' if more > 0 else ""))


# --- models and evaluations -------------------------------------------------------------------


def model_facts(model) -> list[tuple[str, str]]:
    """(what, value) rows of a trained model of either kind: kind, inputs, sizes, training."""
    facts = model.facts()
    rows = [("kind", f"a model of {'one song' if model.kind == 'song' else 'a collection'}"),
            ("name", model.name), ("family", model.family), ("what", model.describe()),
            ("learnt from", model.learnt_from)]
    if model.kind == "song":
        rows += [("inputs", f"the last {model.window} notes, {model.encoding.name} encoding: "
                            f"{model.encoding.features_per_note} number(s) a note"),
                 ("vocabulary", " ".join(facts["vocabulary"]))]
    else:
        config = model.model_config
        rows += [("inputs", "each note's pitch relative to the tonic, its length, the rest "
                            "before it, its place in the bar and the meter"),
                 ("sizes", f"{config.layers} layer(s) of {config.units} units"
                           + (f", {config.heads} heads" if config.family == "transformer" else ""))]
    if model.network is not None:
        rows.append(("weights", f"{model.network.count_params():,}"))
    rows += [(f"training: {name.replace('_', ' ')}", _value(value))
             for name, value in facts["training"].items()]
    defaults = model.defaults
    beats, unit = defaults.time_signature
    rows.append(("writes", f"{beats}/{unit}, {defaults.tempo:g} quarter notes a minute"
                           + (f", {defaults.key}" if defaults.key else "")))
    return rows


def _value(value) -> str:
    return f"{value:,.4g}" if isinstance(value, float) else f"{value:,}" if isinstance(
        value, int) and not isinstance(value, bool) else str(value)


def model_html(model) -> str:
    rows = "".join(f'<tr><th class="name">{text(k)}</th><td class="name">{text(v)}</td></tr>'
                   for k, v in model_facts(model))
    return f"<h4>{text(repr(model))}</h4><table>{rows}</table>"


def result_text(result) -> str:
    return (f"ModelResult({result.name}: {result.bits_pitch:.3f} bits per note of the pitch, "
            f"{len(result.folds)} folds)")


def evaluation_text(evaluation) -> str:
    scores = ", ".join(f"{name} {model.bits_pitch:.3f}"
                       for name, model in evaluation.models.items())
    return (f"Evaluation({evaluation.source}, {len(evaluation.folds)} folds, bits per note of "
            f"the pitch: {scores})")


def evaluation_html(evaluation) -> str:
    from .evaluation_report import models_table, verdict

    return (f"<h4>{text(evaluation.source)}: bits per note on songs the models have not "
            f"seen, {len(evaluation.folds)} folds</h4>"
            f'<p class="verdict">{text(verdict(evaluation))}</p>{models_table(evaluation)}')

"""Files of a run: MIDI and MusicXML of the song and of every prediction, with an engraved score
(SVG, wrong notes in red) and a WAV of each, the loss plot, report.html and summary.json.
Every file is written atomically (see formats.files.write_atomic)."""

from __future__ import annotations

import json
from pathlib import Path

from ..core.note import Melody
from ..core.versions import versions
from ..formats.files import write_atomic
from ..formats.midi import midi_bytes
from ..formats.musicxml import musicxml_bytes
from ..learning.experiment import SongRun
from .audio import wav_bytes
from .engrave import score_svg
from .plot import loss_plot_png
from .report import REPORT, write_report
from .summary import PREDICTIONS, MelodyFiles, ModelSummary, RunSummary

SUMMARY = "summary.json"
LOSS_PLOT = "loss.png"


def write_melody(folder: Path, stem: str, melody: Melody, *, scores: bool = True,
                 audio: bool = True, wrong=(), subtitle: str = "") -> MelodyFiles:
    """``stem``.mid and .musicxml of ``melody``, with ``scores`` the engraved score (notes at
    the 1-based positions ``wrong`` in red, ``subtitle`` under the title), with ``audio`` the WAV."""
    musicxml = musicxml_bytes(melody)
    write_atomic(folder / f"{stem}.mid", midi_bytes(melody))
    write_atomic(folder / f"{stem}.musicxml", musicxml)
    svg = wav = None
    if scores:
        svg = write_atomic(folder / f"{stem}.svg", score_svg(musicxml, melody, wrong,
                                                             subtitle=subtitle)).name
    if audio:
        wav = write_atomic(folder / f"{stem}.wav", wav_bytes(melody)).name
    return MelodyFiles(f"{stem}.mid", f"{stem}.musicxml", svg, wav, melody.notes)


def build_summary(run: SongRun) -> RunSummary:
    """Everything a run found, without files (those are added as they are written)."""
    samples = len(run.dataset)
    models = {}
    for model in run.models:
        training, history = model.training, model.training.history
        models[model.spec.name] = ModelSummary(
            spec=model.spec, samples=samples,
            one_step_wrong=run.wrong_positions(model.one_step),
            full_song_wrong=run.wrong_positions(model.full_song),
            epochs=training.epochs, target_right=training.target,
            reached_epoch=training.reached_epoch, training_seconds=training.seconds,
            training_timeline=list(history.timeline), loss=list(history.loss),
            accuracy=list(history.accuracy), seed=run.config.seed)
    return RunSummary(run.melody, run.config.window, samples, run.ceiling, run.vocabulary.notes,
                      run.config, versions(), models)


def write_outputs(run: SongRun, folder: str | Path, *, scores: bool = True, audio: bool = True,
                  report: bool = True) -> RunSummary:
    """Write every file of ``run`` into ``folder`` (which must exist) and return the summary.
    ``scores``, ``audio``, ``report``: write the SVG scores, the WAVs, report.html."""
    folder = Path(folder)
    summary = build_summary(run)
    summary.original = write_melody(folder, "original", run.melody, scores=scores, audio=audio,
                                    subtitle=f"the song: {len(run.melody)} notes")
    window, samples = run.config.window, len(run.dataset)
    for model in run.models:
        result = summary.models[model.spec.name]
        for kind in PREDICTIONS:
            title = f"{run.melody.title} - {model.spec.name} {kind.replace('-', ' ')} prediction"
            melody = run.predicted_melody(model.prediction(kind), title)
            wrong = result.wrong(kind)
            subtitle = (f"the song's first {window} notes, then {samples} predicted: "
                        f"{samples - len(wrong)} right, {len(wrong)} wrong"
                        + (" (red)" if wrong else ""))
            result.outputs[kind] = write_melody(folder, f"{model.spec.name}-{kind}", melody,
                                                scores=scores, audio=audio, wrong=wrong,
                                                subtitle=subtitle)
    histories = {m.spec.name: (m.training.history.loss, m.training.history.accuracy)
                 for m in run.models}
    write_atomic(folder / LOSS_PLOT, loss_plot_png(run.melody.title, histories))
    summary.loss_plot = LOSS_PLOT
    if report:
        write_report(summary, folder)
        summary.report = REPORT
    write_summary(summary, folder)
    return summary


def write_summary(summary, folder: Path) -> Path:
    """``summary.to_json()`` as summary.json in ``folder``."""
    text = json.dumps(summary.to_json(), ensure_ascii=False, indent=2) + "\n"
    return write_atomic(Path(folder) / SUMMARY, text.encode())

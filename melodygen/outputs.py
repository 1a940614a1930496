"""Files of a run: MIDI and MusicXML of the song and of every prediction, with an engraved score
(SVG, wrong notes in red) and a WAV of each, the loss plot, report.html and summary.json.
Every file is written atomically (see files.write_atomic)."""

from __future__ import annotations

import json
import platform
from importlib import metadata
from pathlib import Path

import numpy as np

from .audio import wav_bytes
from .engrave import score_svg
from .files import write_atomic
from .midi import midi_bytes
from .musicxml import musicxml_bytes
from .notation import format_token
from .note import Melody, notes_json
from .pipeline import ModelRun, SongRun
from .plot import loss_plot_png
from .report import REPORT, write_report

PREDICTIONS = ("one-step", "full-song")
LIBRARIES = ("melodygen", "tensorflow", "keras", "numpy", "mido", "music21", "verovio")
SUMMARY = "summary.json"
LOSS_PLOT = "loss.png"


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def tokens(melody: Melody) -> str | None:
    try:
        return " ".join(format_token(note) for note in melody.notes)
    except ValueError:
        return None


def prediction(model: ModelRun, kind: str) -> np.ndarray:
    return model.one_step if kind == "one-step" else model.full_song


def _write_melody(folder: Path, stem: str, melody: Melody, media: dict, wrong=(),
                  subtitle: str = "") -> dict:
    """MIDI and MusicXML, and where ``media`` says so the score (notes at the 1-based positions
    ``wrong`` in red) and the WAV."""
    musicxml = musicxml_bytes(melody)
    write_atomic(folder / f"{stem}.mid", midi_bytes(melody))
    write_atomic(folder / f"{stem}.musicxml", musicxml)
    files = {"midi": f"{stem}.mid", "musicxml": f"{stem}.musicxml"}
    if media.get("scores", True):
        svg = score_svg(musicxml, melody, wrong, subtitle=subtitle)
        files["svg"] = write_atomic(folder / f"{stem}.svg", svg).name
    if media.get("audio", True):
        files["wav"] = write_atomic(folder / f"{stem}.wav", wav_bytes(melody)).name
    return {**files, "tokens": tokens(melody), "notes": notes_json(melody.notes)}


def build_summary(run: SongRun) -> dict:
    """Everything a run found, without file names (those are added as the files are written)."""
    melody, samples = run.melody, len(run.dataset)
    beats, unit = melody.time_signature
    models = {}
    for model in run.models:
        one_wrong = run.wrong_positions(model.one_step)
        full_wrong = run.wrong_positions(model.full_song)
        history = model.training.history
        models[model.spec.name] = {
            "description": model.spec.description,
            "encoding": model.spec.encoding,
            "stateful": model.spec.stateful,
            "accuracy": round((samples - len(one_wrong)) / samples, 6),
            "one_step_right": samples - len(one_wrong),
            "full_song_right": samples - len(full_wrong),
            "one_step_wrong_positions": one_wrong,
            "full_song_wrong_positions": full_wrong,
            "first_wrong_full_song": full_wrong[0] if full_wrong else None,
            "epochs": model.training.epochs,
            "target_right": model.training.target,
            "reached_epoch": model.training.reached_epoch,
            "training_seconds": round(model.training.seconds, 3),
            "training_timeline": [[epochs, round(seconds, 3)] for epochs, seconds in history.timeline],
            "final_loss": round(history.loss[-1], 6),
            "seed": run.config.seed,
            "history": {"loss": [round(x, 6) for x in history.loss],
                        "accuracy": [round(x, 6) for x in history.accuracy]},
        }
    return {
        "song": {"title": melody.title, "source": melody.source, "notes": len(melody),
                 "time_signature": f"{beats}/{unit}", "tempo": melody.tempo},
        "window": run.config.window,
        "samples": samples,
        "window_ceiling": run.ceiling,
        "vocabulary": notes_json(run.vocabulary.notes),
        "config": {"epochs": run.config.epochs, "seed": run.config.seed, "recipe": run.config.recipe,
                   "learning_rate": run.config.rate, "window": run.config.window},
        "versions": versions(),
        "models": models,
    }


def _write_predictions(folder: Path, run: SongRun, model: ModelRun, media: dict) -> dict:
    """The one-step and full-song files of one model."""
    files = {}
    for kind in PREDICTIONS:
        title = f"{run.melody.title} - {model.spec.name} {kind.replace('-', ' ')} prediction"
        melody = run.predicted_melody(prediction(model, kind), title)
        wrong = run.wrong_positions(prediction(model, kind))
        right = len(run.dataset) - len(wrong)
        subtitle = (f"the song's first {run.config.window} notes, then {len(run.dataset)} predicted: "
                    f"{right} right, {len(wrong)} wrong" + (" (red)" if wrong else ""))
        files[kind] = _write_melody(folder, f"{model.spec.name}-{kind}", melody, media, wrong, subtitle)
    return files


def _write_original(folder: Path, melody: Melody, media: dict) -> dict:
    return _write_melody(folder, "original", melody, media, subtitle=f"the song: {len(melody)} notes")


def _finish(run: SongRun, folder: Path, summary: dict, report: bool) -> dict:
    """The loss plot, report.html and summary.json, once every melody's files are written."""
    histories = {m.spec.name: (m.training.history.loss, m.training.history.accuracy) for m in run.models}
    write_atomic(folder / LOSS_PLOT, loss_plot_png(run.melody.title, histories))
    summary["loss_plot"] = LOSS_PLOT
    if report:
        write_report(summary, folder)
        summary["report"] = REPORT
    write_atomic(folder / SUMMARY, (json.dumps(summary, ensure_ascii=False, indent=2) + "\n").encode())
    return summary


def write_outputs(run: SongRun, folder: str | Path, *, scores: bool = True, audio: bool = True,
                  report: bool = True) -> dict:
    """Write every file of ``run`` into ``folder`` (which must exist) and return the summary.
    ``scores``, ``audio``, ``report``: write the SVG scores, the WAVs, report.html."""
    folder = Path(folder)
    media = {"scores": scores, "audio": audio}
    summary = build_summary(run)
    summary["original"] = _write_original(folder, run.melody, media)
    for model in run.models:
        summary["models"][model.spec.name]["outputs"] = _write_predictions(folder, run, model, media)
    return _finish(run, folder, summary, report)

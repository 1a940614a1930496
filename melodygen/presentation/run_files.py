"""Files of a run: MIDI and MusicXML of the song and of every prediction, with an engraved score
(SVG, wrong notes in red and numbered) and a WAV of each, the loss plot, report.html and
summary.json. Every file is written atomically (see formats.files.write_atomic), through the
folder's ``RunFolder``: a rerun into the same folder removes the files of the earlier run
that it does not write again, and no other file.

The one-step prediction is written in the song's time (``in_song_time``): each predicted note
where the note it predicts is, so the song's bar lines stay where they are."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Mapping, Sequence

from ..core.keys import Key, melody_key
from ..core.note import Melody, Note
from ..core.versions import versions
from ..formats.files import prepare_folder
from ..formats.midi import midi_bytes
from ..formats.musicxml import musicxml_bytes
from ..formats.notation import note_label
from ..learning.song.experiment import ModelRun, SongRun
from .audio import wav_bytes
from .engrave import PHONE_PAGE_WIDTH, score_svg
from .folder import RunFolder
from .figures import note_grid_svg, rasterizer, svg_to_png
from .language import check_language
from .plot import loss_plot, loss_plot_png
from .report import REPORT, grid_rows, write_report
from .surprise import song_surprise
from .summary import PREDICTIONS, AmbiguousContext, MelodyFiles, ModelSummary, RunSummary

SUMMARY = "summary.json"
LOSS_PLOT = "loss.png"


class _Held:
    """Files made but not written yet, in the order made: ``RunWriter.finish`` writes them."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.files: list[tuple[str, bytes]] = []

    def write(self, name: str, data: bytes) -> Path:
        self.files.append((name, data))
        return self.path / name


def write_melody(folder: RunFolder | _Held, stem: str, melody: Melody, *, scores: bool = True,
                 audio: bool = True, marks: Mapping[int, str] | None = None, subtitle: str = "",
                 key: Key | None = None, phone: dict[str, bytes] | None = None) -> MelodyFiles:
    """``stem``.mid and .musicxml of ``melody``, with ``scores`` the engraved score, with
    ``audio`` the WAV. ``marks``: {1-based position: label} of the notes to mark (red and
    numbered, in the MusicXML and so in the score); ``subtitle`` under the score's title;
    ``key`` (the song's) is written in the MusicXML and spells its notes and the tokens of
    summary.json; ``phone``, when given, gets the score engraved
    for a phone's width under the SVG's name (for the report)."""
    musicxml = musicxml_bytes(melody, marks or {}, key)
    folder.write(f"{stem}.mid", midi_bytes(melody))
    folder.write(f"{stem}.musicxml", musicxml)
    svg = wav = None
    if scores:
        svg = folder.write(f"{stem}.svg", score_svg(musicxml, subtitle=subtitle)).name
        if phone is not None:
            phone[svg] = score_svg(musicxml, subtitle=subtitle, page_width=PHONE_PAGE_WIDTH)
    if audio:
        wav = folder.write(f"{stem}.wav", wav_bytes(melody)).name
    return MelodyFiles(f"{stem}.mid", f"{stem}.musicxml", svg, wav, melody.notes, key)


def in_song_time(song: Melody, predicted: Sequence[Note], wrong, key: Key | None = None,
                 title: str | None = None) -> tuple[Melody, dict[int, str]]:
    """One-step predictions placed where the notes they predict are in the song, so that one
    wrong length does not push every later note off its beat: predicted note *i* starts where
    the song's note *i* starts and lasts at most as long; a shorter one is followed by a rest
    to the song's next note, a longer one is cut there (its label then gives its token).
    Adjacent rests are one rest and a rest at the end is dropped, as every reader gives a
    melody.

    ``predicted``: the song's first notes and one predicted note per window (a note for each of
    the song's notes); ``wrong``: 1-based song positions of the wrong ones. Returns the melody
    to write and its marks, {position in that melody: label}: the song position, as the
    report's note grid and its lists of wrong notes number them."""
    placed: list[list] = []  # [note, label or None]
    wrong = set(wrong)
    for position, (real, guess) in enumerate(zip(song.notes, predicted), start=1):
        slot = real.duration
        label = None
        if position in wrong:
            label = f"{position}\n{note_label(guess, key)}" if guess.duration > slot else str(position)
        placed.append([Note(guess.pitch, slot if guess.is_rest else min(guess.duration, slot)), label])
        if not guess.is_rest and guess.duration < slot:
            placed.append([Note(None, slot - guess.duration), None])
    tidy: list[list] = []  # as every reader gives a melody: adjacent rests one, none at the end
    for note, label in placed:
        if tidy and note.is_rest and tidy[-1][0].is_rest:
            tidy[-1] = [Note(None, tidy[-1][0].duration + note.duration), tidy[-1][1] or label]
        else:
            tidy.append([note, label])
    while tidy and tidy[-1][0].is_rest:
        tidy.pop()
    marks = {place: label for place, (_, label) in enumerate(tidy, start=1) if label}
    return song.with_notes([note for note, _ in tidy], title), marks


def prediction(song: Melody, result: ModelSummary, kind: str, key: Key | None = None
               ) -> tuple[Melody, dict[int, str], str]:
    """Prediction ``kind`` ("one-step", "full-song") of a model of ``song`` as it is written:
    the melody (a one-step prediction in the song's time), its marks (the wrong notes) and the
    subtitle of its score."""
    title = f"{song.title} - {result.name} {kind.replace('-', ' ')} prediction"
    wrong, predicted = result.wrong(kind), result.predictions[kind]
    if kind == "one-step":
        melody, marks = in_song_time(song, predicted, wrong, key, title)
    else:
        melody, marks = song.with_notes(predicted, title), {p: str(p) for p in wrong}
    window = len(predicted) - result.samples
    subtitle = (f"the song's first {window} notes, then {result.samples} predicted:\n"
                f"{result.samples - len(wrong)} right, {len(wrong)} wrong"
                + (" (red, numbered)" if wrong else ""))
    return melody, marks, subtitle


def build_summary(run: SongRun, made: Mapping[str, ModelSummary] | None = None) -> RunSummary:
    """Everything a run found, without files (those are added as they are written); ``made``:
    the summaries of models made already, by name (the others are made here)."""
    notes = run.vocabulary.notes
    window = run.config.window
    made = made or {}
    models = {model.spec.name: made.get(model.spec.name) or model_summary(run, model)
              for model in run.models}
    ambiguous = [AmbiguousContext(tuple(notes[i] for i in found.context),
                                  tuple((notes[note], tuple(window + sample + 1 for sample in samples_))
                                        for note, samples_ in found.followers))
                 for found in run.ambiguous()]
    return RunSummary(run.melody, window, len(run.dataset), run.ceiling, notes, run.config,
                      versions(), models, key=melody_key(run.melody), ambiguous=ambiguous,
                      surprise=song_surprise(run))


def model_summary(run: SongRun, model: ModelRun) -> ModelSummary:
    """What one model of ``run`` learnt and predicted, without files."""
    training, history = model.training, model.training.history
    return ModelSummary(
        spec=model.spec, samples=len(run.dataset),
        one_step_wrong=run.wrong_positions(model.one_step),
        full_song_wrong=run.wrong_positions(model.full_song),
        epochs=training.epochs, target_right=training.target,
        reached_epoch=training.reached_epoch, training_seconds=training.seconds,
        training_timeline=list(history.timeline), loss=list(history.loss),
        accuracy=list(history.accuracy), seed=run.config.seed,
        predictions={kind: run.predicted_melody(model.prediction(kind), "").notes
                     for kind in PREDICTIONS})


# Called before each step of writing a run's files: (step, of steps, what is written).
FileProgress = Callable[[int, int, str], None]


class RunWriter:
    """Makes the files of a run part by part, as each is ready: the song's (``song``), each
    model's once it is trained (``model``); ``finish`` makes the plot, report.html and
    summary.json and writes every file. The command line makes the first parts while the later
    models train; nothing is written before ``finish``, so a run stopped earlier leaves the
    folder as it was.

    ``models``: the names of the run's models, in order (for the count of steps);
    ``scores``, ``audio``, ``report``: write the SVG scores, the WAVs, report.html;
    ``figures``: the pictures for slides too, SVG and PNG (``write_figures``); ``lang``: the
    report's language ("en", "ko"); ``progress`` (settable between parts) hears of each
    melody, the plot and the report before they are written."""

    def __init__(self, folder: str | Path, models: Sequence[str], *, scores: bool = True,
                 audio: bool = True, report: bool = True, figures: bool = False,
                 lang: str = "en", progress: FileProgress | None = None) -> None:
        self.folder = RunFolder(prepare_folder(folder))
        self.figures, self.lang = figures, check_language(lang)
        self._held = _Held(self.folder.path)  # the files of song() and model(), until finish()
        self.scores, self.audio, self.report = scores, audio, report
        self.progress = progress
        self._steps = 1 + len(PREDICTIONS) * len(models) + 1 + report + figures
        self._step = 0
        self._phone: dict[str, bytes] | None = {} if report else None  # phone layouts, by SVG name
        self._original: MelodyFiles | None = None
        self._models: dict[str, ModelSummary] = {}  # each made model, its files in .outputs

    def _announce(self, what: str) -> None:
        self._step += 1
        if self.progress:
            self.progress(self._step, self._steps, what)

    def _write(self, stem: str, melody: Melody, **options) -> MelodyFiles:
        return write_melody(self._held, stem, melody, scores=self.scores, audio=self.audio,
                            phone=self._phone, **options)

    def song(self, melody: Melody) -> None:
        """The song itself: original.mid, .musicxml, .svg, .wav."""
        self._announce("original")
        self._original = self._write("original", melody, key=melody_key(melody),
                                     subtitle=f"the song: {len(melody)} notes")

    def model(self, run: SongRun, model: ModelRun) -> None:
        """The files of ``model``'s two predictions, the wrong notes marked (after the song's)."""
        if self._original is None:
            self.song(run.melody)
        key = self._original.key
        result = self._models[model.spec.name] = model_summary(run, model)
        for kind in PREDICTIONS:
            stem = f"{model.spec.name}-{kind}"
            self._announce(stem)
            melody, marks, subtitle = prediction(run.melody, result, kind, key)
            result.outputs[kind] = self._write(stem, melody, marks=marks, subtitle=subtitle,
                                               key=key)

    def finish(self, run: SongRun) -> RunSummary:
        """Make the parts not made yet, the loss plot, report.html and summary.json, and write
        every file; the files of an earlier run in the folder that this one did not write are
        removed (``summary.removed``). Returns the summary."""
        if self._original is None:
            self.song(run.melody)
        for model in run.models:
            if model.spec.name not in self._models:
                self.model(run, model)
        for name, data in self._held.files:
            self.folder.write(name, data)
        self._held.files.clear()
        summary = build_summary(run, self._models)
        summary.original = self._original
        self._announce(LOSS_PLOT)
        histories = {m.spec.name: (m.training.history.loss, m.training.history.accuracy)
                     for m in run.models}
        self.folder.write(LOSS_PLOT, loss_plot_png(run.melody.title, histories))
        summary.loss_plot = LOSS_PLOT
        if self.figures:
            self._announce("figures")
            write_figures(summary, self.folder, self.lang)
        if self.report:
            self._announce(REPORT)
            write_report(summary, self.folder, self._phone, self.lang)
            summary.report = REPORT
        write_summary(summary, self.folder)
        summary.removed = self.folder.finish()
        return summary


def write_outputs(run: SongRun, folder: str | Path, *, scores: bool = True, audio: bool = True,
                  report: bool = True, figures: bool = False, lang: str = "en",
                  progress: FileProgress | None = None) -> RunSummary:
    """Write every file of ``run`` into ``folder`` (made with its parents when missing) and
    return the summary. ``scores``, ``audio``, ``report``: write the SVG scores, the WAVs,
    report.html; ``figures``: the pictures for slides, SVG and PNG (``write_figures``; PNG
    needs rsvg-convert); ``lang``: the report's language ("en", "ko"); ``progress`` hears of
    each melody, the plot and the report before they are written. Files of an earlier run in
    ``folder`` that this one does not write are removed at the end (``summary.removed``)."""
    if figures:
        rasterizer()  # before any work: PNG needs rsvg-convert
    writer = RunWriter(folder, [model.spec.name for model in run.models], scores=scores,
                       audio=audio, report=report, figures=figures, lang=lang, progress=progress)
    return writer.finish(run)


def write_figures(summary: RunSummary, folder: RunFolder, lang: str = "en") -> list[str]:
    """The pictures of a run for slides, each as SVG and PNG (16:9 plots, scores 1920 pixels
    wide): the loss plot (``loss``), the note grid (``notes``), the window (``window``), the
    song's ambiguous contexts (``contexts``), the surprise along the song (``surprise``), each
    model's surprise on the score (``MODEL-surprise``), and a PNG of every score written
    (``original.png``, ``MODEL-one-step.png``, ...). Returns the names written."""
    from .lesson import contexts_score_svg, model_surprise_score, surprise_plot, window_picture

    title = summary.melody.title
    histories = {name: (model.loss, model.accuracy) for name, model in summary.models.items()}
    svgs = {"loss": loss_plot(title, histories, "svg"),
            "notes": note_grid_svg(grid_rows(summary, lang)) if grid_rows(summary, lang) else None,
            "window": window_picture(summary, lang), "contexts": contexts_score_svg(summary)}
    pngs = {}
    if summary.surprise:
        svgs["surprise"], pngs["surprise"] = surprise_plot(summary, "svg"), surprise_plot(summary)
        for name in summary.surprise_bits():
            svgs[f"{name}-surprise"] = model_surprise_score(summary, name)
    written = []
    for stem, svg in svgs.items():
        if svg is None:
            continue
        written.append(folder.write(f"{stem}.svg", svg).name)
        if f"{stem}.png" not in folder.written:  # loss.png is the run's own already
            png = pngs.get(stem) or svg_to_png(svg)
            written.append(folder.write(f"{stem}.png", png).name)
    scores = [summary.original] + [files for model in summary.models.values()
                                   for files in model.outputs.values()]
    for files in scores:
        if files is not None and files.svg:
            png = svg_to_png((folder.path / files.svg).read_bytes())
            written.append(folder.write(files.svg.replace(".svg", ".png"), png).name)
    return written


def write_summary(summary, folder: RunFolder) -> Path:
    """``summary.to_json()`` as summary.json in ``folder``."""
    text = json.dumps(summary.to_json(), ensure_ascii=False, indent=2) + "\n"
    return folder.write(SUMMARY, text.encode())

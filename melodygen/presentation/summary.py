"""What a run made, typed: the results and files of the lecture's experiment (``RunSummary``) and
of a generation run (``GenerationSummary``), and their summary.json form (``to_json``).

The report, the command line's tables and summary.json all read these types; nothing reads
results by string key. File names are relative to the run's folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..core import display
from ..core.form import Form
from ..core.keys import Key
from ..core.note import Melody, Note, notes_json
from ..evaluation.style import StyleComparison
from ..formats.notation import tokens_text
from ..generation.config import GenerateConfig
from ..generation.stats import MelodyStats
from ..learning.interface import MelodyModel
from ..learning.song.config import ModelSpec, TrainConfig
from .surprise import NoteSurprise, by_model

PREDICTIONS = ("one-step", "full-song")  # the two predictions of every model, as file names say


@dataclass
class MelodyFiles:
    """One melody as written: its files (None where not written) and its notes."""

    midi: str
    musicxml: str
    svg: str | None
    wav: str | None
    notes: tuple[Note, ...]
    key: Key | None = None                # the song's key: tokens are spelt in it
    abc: str | None = None

    @property
    def tokens(self) -> str | None:
        """The notes in the song notation, spelt in the key, or None when a note has no token."""
        return tokens_text(self.notes, self.key)

    def files(self) -> dict[str, str]:
        """{"midi": name, "musicxml": name, ...}: the files written, in this order."""
        found = {"midi": self.midi, "musicxml": self.musicxml, "svg": self.svg, "wav": self.wav,
                 "abc": self.abc}
        return {kind: name for kind, name in found.items() if name}

    def to_json(self) -> dict:
        return {**self.files(), "tokens": self.tokens, "notes": notes_json(self.notes)}


@dataclass
class ModelSummary:
    """One model of the experiment: how it trained and what it predicted."""

    spec: ModelSpec
    samples: int                          # windows of the song
    one_step_wrong: list[int]             # 1-based song positions of wrong one-step predictions
    full_song_wrong: list[int]            # the same for the full-song replay
    epochs: int
    target_right: int                     # windows right that end fast training
    reached_epoch: int | None             # first epoch whose predictions reached the target
    training_seconds: float
    training_timeline: list[tuple[int, float]]  # (epochs done, seconds) at each progress report
    loss: list[float]                     # per epoch
    accuracy: list[float]                 # per epoch
    seed: int
    outputs: dict[str, MelodyFiles] = field(default_factory=dict)  # PREDICTIONS -> files
    # PREDICTIONS -> the song's first `window` notes and the notes predicted after them, one per
    # window (the files of the one-step prediction hold them in the song's time: see run_files)
    predictions: dict[str, tuple[Note, ...]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def one_step_right(self) -> int:
        return self.samples - len(self.one_step_wrong)

    @property
    def full_song_right(self) -> int:
        return self.samples - len(self.full_song_wrong)

    @property
    def accuracy_one_step(self) -> float:
        """Share of one-step predictions right, rounded to 6 places as summary.json keeps it."""
        return round(self.one_step_right / self.samples, 6)

    @property
    def first_wrong_full_song(self) -> int | None:
        return self.full_song_wrong[0] if self.full_song_wrong else None

    @property
    def final_loss(self) -> float:
        return round(self.loss[-1], 6)

    def wrong(self, kind: str) -> list[int]:
        """The wrong positions of prediction ``kind`` ("one-step" or "full-song")."""
        return {"one-step": self.one_step_wrong, "full-song": self.full_song_wrong}[kind]

    def to_json(self, key: Key | None = None) -> dict:
        out = {
            "description": self.spec.description,
            "encoding": self.spec.encoding,
            "stateful": self.spec.stateful,
            "accuracy": self.accuracy_one_step,
            "one_step_right": self.one_step_right,
            "full_song_right": self.full_song_right,
            "one_step_wrong_positions": self.one_step_wrong,
            "full_song_wrong_positions": self.full_song_wrong,
            "first_wrong_full_song": self.first_wrong_full_song,
            "epochs": self.epochs,
            "target_right": self.target_right,
            "reached_epoch": self.reached_epoch,
            "training_seconds": round(self.training_seconds, 3),
            "training_timeline": [[epochs, round(seconds, 3)]
                                  for epochs, seconds in self.training_timeline],
            "final_loss": self.final_loss,
            "seed": self.seed,
            "history": {"loss": [round(x, 6) for x in self.loss],
                        "accuracy": [round(x, 6) for x in self.accuracy]},
        }
        if self.predictions:
            out["predicted_tokens"] = {kind: tokens_text(notes, key)
                                       for kind, notes in self.predictions.items()}
        if self.outputs:
            out["outputs"] = {kind: files.to_json() for kind, files in self.outputs.items()}
        return out


@dataclass(frozen=True)
class AmbiguousContext:
    """``window`` notes that come more than once in the song with another note after them: a
    model that sees only those notes cannot tell which time it is, so it gets at most the most
    frequent next note right (the window ceiling)."""

    context: tuple[Note, ...]
    followers: tuple[tuple[Note, tuple[int, ...]], ...]  # (next note, its 1-based positions in
                                                          # the song), most frequent first

    @property
    def best(self) -> int:
        """How many of these next notes a model without state can get right."""
        return len(self.followers[0][1])

    @property
    def positions(self) -> list[int]:
        """Every position that follows this context, in song order."""
        return sorted(position for _, positions in self.followers for position in positions)

    def to_json(self, key: Key | None = None) -> dict:
        return {"context": tokens_text(self.context, key),
                "next": [{"note": tokens_text((note,), key), "positions": list(positions)}
                         for note, positions in self.followers]}


@dataclass
class RunSummary:
    """The lecture's experiment on one song: the song, the settings, every model, the files."""

    melody: Melody
    window: int
    samples: int
    window_ceiling: int                   # windows a model without state can get right at best
    vocabulary: tuple[Note, ...]
    config: TrainConfig
    versions: dict[str, str]
    models: dict[str, ModelSummary]
    original: MelodyFiles | None = None   # the song's own files
    loss_plot: str | None = None
    report: str | None = None
    key: Key | None = None                # the song's key: every note is spelt in it
    ambiguous: list[AmbiguousContext] = field(default_factory=list)  # in song order
    removed: list[str] = field(default_factory=list)  # files of an earlier run in the folder, removed
    surprise: list[NoteSurprise] = field(default_factory=list)  # every model's, note by note

    def __repr__(self) -> str:
        written = self.report or "no report"
        return f"RunSummary({self.melody.title}: {', '.join(self.models)}; {written})"

    def _repr_html_(self) -> str:
        return display.html(self)  # the verdict and the table (presentation.display)

    @property
    def time_signature(self) -> str:
        beats, unit = self.melody.time_signature
        return f"{beats}/{unit}"

    def surprise_bits(self) -> dict[str, dict[int, float]]:
        """{model: {note index: bits}} of the models that kept their probabilities."""
        return by_model(self.surprise)

    def surprise_rows(self) -> dict[str, list[NoteSurprise]]:
        out: dict[str, list[NoteSurprise]] = {}
        for row in self.surprise:
            out.setdefault(row.model, []).append(row)
        return out

    def to_json(self) -> dict:
        melody, config = self.melody, self.config
        out = {
            "song": {"title": melody.title, "source": melody.source, "notes": len(melody),
                     "time_signature": self.time_signature, "tempo": melody.tempo,
                     "key": str(self.key) if self.key else None},
            "window": self.window,
            "samples": self.samples,
            "window_ceiling": self.window_ceiling,
            "ambiguous_contexts": [context.to_json(self.key) for context in self.ambiguous],
            "vocabulary": notes_json(self.vocabulary),
            "config": {"epochs": config.epochs, "seed": config.seed, "recipe": config.recipe,
                       "learning_rate": config.rate, "window": config.window},
            "versions": self.versions,
            "models": {name: model.to_json(self.key) for name, model in self.models.items()},
        }
        if self.surprise:  # {model: {"notes": [...], "bits": [...], "entropy": [...]}}
            out["surprise"] = {name: {"notes": [row.note for row in rows],
                                      "bits": [round(row.information_content, 6) for row in rows],
                                      "entropy": [round(row.entropy, 6) for row in rows]}
                               for name, rows in self.surprise_rows().items()}
        if self.original is not None:
            out["original"] = self.original.to_json()
        if self.loss_plot is not None:
            out["loss_plot"] = self.loss_plot
        if self.report is not None:
            out["report"] = self.report
        return out


@dataclass
class GeneratedMelody:
    """One generated melody: the melody written (primer included when asked), the notes the
    model chose, their statistics and the files."""

    melody: Melody
    generated: tuple[Note, ...]
    stats: MelodyStats
    files: MelodyFiles
    form: Form | None = None       # its parts as written (None: no form)
    template: str | None = None    # the collection's tune whose bar repeats it took

    @property
    def stem(self) -> str:
        """The files' name without suffix: generated-1, tune-1."""
        return self.files.midi.rsplit(".", 1)[0]

    def to_json(self) -> dict:
        out = {"title": self.melody.title, **self.files.files(), "tokens": self.files.tokens,
               "notes": notes_json(self.melody.notes),
               "generated_tokens": tokens_text(self.generated, self.files.key),
               "stats": self.stats.to_json()}
        if self.form is not None:
            measure = self.melody.measure_length
            out["form"] = {"letters": self.form.letters,
                           "part_bars": self.form.part_bars(measure),
                           "pickup": str(self.melody.pickup), "parts": self.form.to_json(),
                           "bar_repeats_from": self.template}
        return out


@dataclass
class GenerationSummary:
    """A generation run of a model of either kind: the model, the settings, the reference
    melody's statistics (a model of one song: its song's), and every melody with its files."""

    model_file: str
    model: MelodyModel
    config: GenerateConfig
    reference: MelodyStats | None          # the statistics of the song a song model learnt
    melodies: list[GeneratedMelody]
    versions: dict[str, str]
    removed: list[str] = field(default_factory=list)  # files of an earlier run in the folder, removed
    style: StyleComparison | None = None  # the new tunes' style beside the collection's
    tunebook: str | None = None           # every tune in one ABC file
    style_plot: str | None = None         # the style measure's densities (PNG)

    def to_json(self) -> dict:
        out = {"model": {"file": self.model_file, **self.model.facts()},
               "settings": self.config.to_json()}
        if self.reference is not None:
            out["reference"] = self.reference.to_json()
        if self.tunebook is not None:
            out["tunebook"] = self.tunebook
        if self.style is not None:
            out["style"] = {**self.style.to_json(), "plot": self.style_plot}
        out["melodies"] = [melody.to_json() for melody in self.melodies]
        out["versions"] = self.versions
        return out

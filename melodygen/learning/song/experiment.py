"""One song through the lecture's experiment: encode, train each model, predict. No files."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable, Sequence

import numpy as np

from ...core import display
from ...core.errors import MelodyError, MelodyWarning
from ...core.note import Melody, Note
from ..interface import TrainingProgress
from .config import (MAX_ATTENDED_NOTES, MAX_SONG_NOTES, MODELS, ModelSpec, TrainConfig,
                     model_spec)
from .encoding import Ambiguity, Dataset, ambiguous_contexts, make_dataset, make_encoding, window_ceiling
from .vocabulary import Vocabulary

if TYPE_CHECKING:  # training imports TensorFlow, which loads only when a model is trained
    from .training import TrainResult

# (stage, model name), called as each model's stages begin: "train" (building, compiling and
# training: progress follows), "predict" (compiling and running both predictions)
StageProgress = Callable[[str, str], None]


@dataclass
class ModelRun:
    """One model's training and its two predictions, as vocabulary indices."""

    spec: ModelSpec
    training: TrainResult
    one_step: np.ndarray    # (samples,) the next note predicted from each real window
    full_song: np.ndarray   # (samples,) the song replayed from its first `window` notes
    one_step_probs: np.ndarray | None = None  # (samples, classes): what each one-step
                                              # prediction was chosen from

    def __repr__(self) -> str:
        return display.text(self)

    def _repr_html_(self) -> str:
        return display.html(self)

    def surprise(self, targets: np.ndarray) -> np.ndarray:
        """(samples,) bits: -log2 of the probability the model gave each real next note
        (``targets``, the song's), one step from the real song: where it is surprised."""
        probs = self.one_step_probs[np.arange(len(targets)), targets]
        return -np.log2(np.maximum(probs.astype(np.float64), 1e-12))

    def prediction(self, kind: str) -> np.ndarray:
        """``one_step`` or ``full_song`` by the name of its files: "one-step", "full-song"."""
        return {"one-step": self.one_step, "full-song": self.full_song}[kind]


@dataclass
class SongRun:
    """The whole comparison for one song."""

    melody: Melody
    vocabulary: Vocabulary
    dataset: Dataset
    config: TrainConfig
    models: list[ModelRun]

    def __repr__(self) -> str:
        return display.text(self)

    def _repr_html_(self) -> str:
        return display.html(self)  # verdict, table, note grid, plots, scores and players

    @property
    def ceiling(self) -> int:
        """Windows that a model without state can get right at best."""
        return window_ceiling(self.dataset)

    def ambiguous(self) -> list[Ambiguity]:
        """The song's contexts of ``window`` notes that recur with another next note."""
        return [replace(found, vocabulary=self.vocabulary)
                for found in ambiguous_contexts(self.dataset)]

    def primer(self) -> tuple[Note, ...]:
        return self.melody.notes[:self.config.window]

    def predicted_melody(self, indices: np.ndarray, title: str) -> Melody:
        """The primer followed by predicted notes, in the song's meter and tempo (the lecture's
        ``seq_out``)."""
        return self.melody.with_notes(self.primer() + tuple(self.vocabulary.to_notes(indices)), title)

    def wrong_positions(self, indices: np.ndarray) -> list[int]:
        """1-based positions in the song of predicted notes that differ from the song's."""
        return [self.config.window + int(i) + 1 for i in np.flatnonzero(indices != self.dataset.targets)]

    def right(self, indices: np.ndarray) -> int:
        """Predicted notes equal to the song's."""
        return int(np.sum(indices == self.dataset.targets))


def prepare(melody: Melody, window: int, model_names: Sequence[str] = ()
            ) -> tuple[Vocabulary, Dataset]:
    """The vocabulary and the windows of ``melody``; a melody too short, or too long for
    melodygen or for one of ``model_names`` (``ModelSpec.longest_song``), is refused."""
    source = melody.source or None
    if len(melody) > MAX_SONG_NOTES:
        raise MelodyError(f"melody has {len(melody)} notes; melodygen trains on at most "
                          f"{MAX_SONG_NOTES} (take a part of it)", source=source)
    too_long = [name for name in model_names if len(melody) > model_spec(name).longest_song]
    if too_long:
        others = [name for name, spec in MODELS.items() if len(melody) <= spec.longest_song]
        raise MelodyError(f"melody has {len(melody):,} notes; {' and '.join(too_long)} "
                          f"read{'s' if len(too_long) == 1 else ''} a song whole with attention "
                          f"and train{'s' if len(too_long) == 1 else ''} on at most "
                          f"{MAX_ATTENDED_NOTES:,} (take a part of it, or choose "
                          f"{', '.join(others)})", source=source)
    vocabulary = Vocabulary.for_melody(melody)
    indices = vocabulary.indices(melody.notes, melody.source)
    return vocabulary, make_dataset(indices, window, melody.source)


def run_song(melody: Melody, model_names, config: TrainConfig,
             progress: TrainingProgress | None = None,
             on_stage: StageProgress | None = None,
             on_model: Callable[[SongRun, ModelRun], None] | None = None) -> SongRun:
    """Train every named model on ``melody`` and predict with it (imports TensorFlow).
    ``progress`` hears of the epochs, ``on_stage`` of each model's stages, ``on_model`` of
    each model once it is trained and has predicted. A model whose epochs end before its
    target is a ``MelodyWarning``."""
    from ..backend import load_keras
    load_keras()
    from . import predict, training

    vocabulary, dataset = prepare(melody, config.window, model_names)
    run = SongRun(melody, vocabulary, dataset, config, [])
    for name in model_names:
        spec = model_spec(name)
        encoding = make_encoding(spec.encoding, vocabulary)
        if on_stage:
            on_stage("train", name)
        result = training.train(spec, dataset, encoding, len(vocabulary), config, progress)
        if on_stage:
            on_stage("predict", name)
        predictor = predict.predictor(spec, result.model, encoding)
        one_step, probs = predictor.one_step_with_probabilities(dataset)
        model = ModelRun(spec, result, one_step,
                         predictor.full_song(dataset.inputs[0], len(dataset)), probs)
        run.models.append(model)
        right = run.right(model.one_step)
        if stopped_short(result.reached_epoch, right, result.target):
            warnings.warn(MelodyWarning(short_of_target(
                name, config.recipe, result.epochs, right, len(dataset), result.target)),
                stacklevel=2)
        if on_model:
            on_model(run, model)
    return run


def stopped_short(reached_epoch: int | None, right: int, target: int) -> bool:
    """Whether a model's epochs ended before its predictions reached the target. (The cap can
    stop a model whose last step reached it: no epoch's report says so, its predictions do.)"""
    return reached_epoch is None and right < target


def short_of_target(name: str, recipe: str, epochs: int, right: int, samples: int,
                    target: int) -> str:
    """What to say of a model whose epochs ended before its predictions reached the target."""
    ended = (f"stopped at the epoch cap ({epochs}) before reaching its target" if recipe == "fast"
             else f"did not reach its target in {epochs} epochs")
    return (f"{name} {ended}: {right} of {samples} next notes right in one step, target "
            f"{target}; train longer (--epochs)")

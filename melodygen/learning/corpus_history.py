"""How a corpus model's training went, epoch by epoch, and where it stands after one: plain data
(no TensorFlow), kept in saved models and in the state a stopped training resumes from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

# (epoch, of epochs, training bits per note, validation bits per note, seconds so far)
EpochProgress = Callable[[int, int, float, float, float], None]


@dataclass
class CorpusHistory:
    """Per epoch: training and validation bits per note (pitch and length), validation bits of
    the pitch alone, and seconds since training began; and the epoch whose weights were kept."""

    train_bits: list[float] = field(default_factory=list)
    validation_bits: list[float] = field(default_factory=list)
    validation_pitch_bits: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    best_epoch: int = 0  # 1-based; 0 before the first epoch

    def to_json(self, full: bool = False) -> dict:
        """The history as JSON, figures rounded (5 places, seconds 3) unless ``full``."""
        def rounded(values, places):
            return list(values) if full else [round(x, places) for x in values]
        return {"train_bits": rounded(self.train_bits, 5),
                "validation_bits": rounded(self.validation_bits, 5),
                "validation_pitch_bits": rounded(self.validation_pitch_bits, 5),
                "seconds": rounded(self.seconds, 3), "best_epoch": self.best_epoch}

    @classmethod
    def from_json(cls, data: dict) -> "CorpusHistory":
        return cls(list(data["train_bits"]), list(data["validation_bits"]),
                   list(data["validation_pitch_bits"]), list(data["seconds"]),
                   int(data["best_epoch"]))


@dataclass
class TrainingState:
    """Where training stands after a finished epoch: all it needs to go on as if it had never
    stopped (the model's variables, dropout seeds included, and the optimizer's)."""

    epoch: int                    # epochs finished
    history: CorpusHistory
    best: float                   # the best validation bits per note so far
    best_weights: list            # the model's weights at that epoch
    waited: int                   # epochs since then
    variables: list               # model.variables: weights and the dropout layers' seeds
    optimizer: list               # the optimizer's variables (Adam's moments, its step count)

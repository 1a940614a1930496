"""Where a collection model's training stands: what each epoch measured (``CollectionHistory``)
and all a training needs to go on after an epoch (``TrainingState``). Plain data, no
TensorFlow: kept in model files and in the state a stopped training resumes from (``resume``)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class CollectionHistory:
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
    def from_json(cls, data: dict) -> "CollectionHistory":
        return cls(list(data["train_bits"]), list(data["validation_bits"]),
                   list(data["validation_pitch_bits"]), list(data["seconds"]),
                   int(data["best_epoch"]))


@dataclass
class TrainingState:
    """Where training stands after a finished epoch: all it needs to go on as if it had never
    stopped (the model's variables, dropout seeds included, and the optimizer's); kept between
    epochs by ``resume.py``."""

    epoch: int                    # epochs finished
    history: CollectionHistory
    best: float                   # the best validation bits per note so far
    best_weights: list            # the model's weights at that epoch
    waited: int                   # epochs since then
    variables: list               # model.variables: weights and the dropout layers' seeds
    optimizer: list               # the optimizer's variables (Adam's moments, its step count)

    def to_arrays(self) -> tuple[dict, dict]:
        """(named arrays, JSON meta): the state as ``resume.keep`` keeps it."""
        arrays = {f"variable{i}": v for i, v in enumerate(self.variables)}
        arrays.update({f"optimizer{i}": v for i, v in enumerate(self.optimizer)})
        arrays.update({f"best{i}": v for i, v in enumerate(self.best_weights or [])})
        meta = {"epoch": self.epoch, "best": self.best, "waited": self.waited,
                "history": self.history.to_json(full=True),
                "counts": [len(self.variables), len(self.optimizer),
                           len(self.best_weights or [])]}
        return arrays, meta

    @classmethod
    def from_arrays(cls, arrays: dict, meta: dict) -> "TrainingState":
        """The state ``to_arrays`` gave (a ``KeyError`` or ``ValueError`` when damaged)."""
        variables, optimizer, best = meta["counts"]
        return cls(int(meta["epoch"]), CollectionHistory.from_json(meta["history"]),
                   float(meta["best"]), [arrays[f"best{i}"] for i in range(best)],
                   int(meta["waited"]), [arrays[f"variable{i}"] for i in range(variables)],
                   [arrays[f"optimizer{i}"] for i in range(optimizer)])

"""A collection model's sizes and how it trains: plain data, validated on creation (a bad value is
a ``ConfigError``), kept in its model file; no TensorFlow. ``model_config`` and
``train_config`` give a family's defaults (``FAMILY_DEFAULTS``) with the values given."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ...core.errors import ConfigError


@dataclass(frozen=True)
class CollectionModelConfig:
    """The network of a collection model (``network.py``)."""

    family: str = "lstm"          # the layers between the events and the heads (networks.FAMILIES)
    task: str = "note"            # what it reads and predicts (events.TASKS): only a model of
                                  # the whole note generates
    units: int = 128              # width of those layers (LSTM units, a Transformer's width)
    layers: int = 1               # how many (LSTM layers, Transformer blocks)
    heads: int = 4                # a Transformer's attention heads (units must divide by it)
    context: int | None = None    # a Transformer: the events each event attends to (None: all)
    pitch_embedding: int = 32     # width of a relative pitch's embedding
    duration_embedding: int = 8   # width of a length's embedding (also for the rest before)
    position_embedding: int = 8   # width of a bar position's embedding
    meter_embedding: int = 4      # width of a time signature's embedding
    dropout: float = 0.2          # on the body's input and output, while training

    def __post_init__(self) -> None:
        for name in ("units", "layers", "pitch_embedding", "duration_embedding",
                     "position_embedding", "meter_embedding"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(f"{name.replace('_', ' ')} must be a whole number >= 1, "
                                  f"got {value!r}")
        if not 0 <= self.dropout < 1:
            raise ConfigError(f"dropout must be in [0, 1), got {self.dropout}")
        from .events import TASKS
        if self.task not in TASKS:
            raise ConfigError(f"unknown task {self.task!r}; known: {', '.join(TASKS)}")
        if self.family not in FAMILY_DEFAULTS:
            raise ConfigError(f"a collection model's family is lstm or transformer, got "
                              f"{self.family!r}")
        if self.family == "transformer" and (self.heads < 1 or self.units % self.heads):
            raise ConfigError(f"a Transformer's width ({self.units}) must divide into its heads "
                              f"({self.heads})")
        if self.context is not None and self.context < 1:
            raise ConfigError(f"context must be at least 1 event, got {self.context}")

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class CollectionTrainConfig:
    """How a collection model trains (``training.py``)."""

    learning_rate: float = 6e-3   # Adam
    batch_size: int = 32          # songs per step
    max_epochs: int = 100         # most epochs
    patience: int = 5             # epochs without a better validation score before stopping
    clip_norm: float = 1.0        # gradient norm clip
    seed: int = 0                 # initial weights, dropout, the order of batches, the split
    validation: float = 0.05      # share of the tunes held out for early stopping

    def __post_init__(self) -> None:
        if not self.learning_rate > 0:
            raise ConfigError(f"learning rate must be positive, got {self.learning_rate}")
        for name in ("batch_size", "max_epochs", "patience"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name.replace('_', ' ')} must be at least 1, "
                                  f"got {getattr(self, name)}")
        if not 0 < self.validation < 1:
            raise ConfigError(f"the validation share must be in (0, 1), got {self.validation}")

    def to_json(self) -> dict:
        return asdict(self)


# A family's defaults where they differ from the fields' (measured on 3 folds of kinder,
# docs/attention.md): (its network's, its training's).
FAMILY_DEFAULTS = {
    "lstm": ({}, {}),
    "transformer": ({"units": 64, "layers": 2, "dropout": 0.1}, {"learning_rate": 2e-3}),
}


def model_config(family: str = "lstm", **given) -> CollectionModelConfig:
    """The ``family`` network's configuration: its defaults, with the values ``given`` that are
    not None (``model_config("transformer", units=None)``: the Transformer's width)."""
    return CollectionModelConfig(family=family, **_merged(family, 0, given))


def train_config(family: str = "lstm", **given) -> CollectionTrainConfig:
    """How the ``family`` network trains: its defaults, with the values ``given`` not None."""
    return CollectionTrainConfig(**_merged(family, 1, given))


def _merged(family: str, part: int, given: dict) -> dict:
    if family not in FAMILY_DEFAULTS:
        raise ConfigError(f"a collection model's family is {' or '.join(FAMILY_DEFAULTS)}, got "
                          f"{family!r}")
    return {**FAMILY_DEFAULTS[family][part],
            **{name: value for name, value in given.items() if value is not None}}

"""A collection model's sizes and how it trains: plain data, validated on creation (a bad value is
a ``ConfigError``), kept in its model file; no TensorFlow."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ...core.errors import ConfigError


@dataclass(frozen=True)
class CollectionModelConfig:
    """The network of a collection model (``network.py``)."""

    family: str = "lstm"          # the layers between the events and the heads (networks.FAMILIES)
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
        if self.family not in ("lstm", "transformer"):
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

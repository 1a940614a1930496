"""Model presets and the configuration of training runs: the lecture's four models and
``TrainConfig`` for one song; ``CorpusModelConfig`` and ``CorpusTrainConfig`` for the corpus model
of a collection. Plain data, validated on creation (``ConfigError``); no TensorFlow."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ..core.errors import ConfigError

RECIPES = ("fast", "lecture")


@dataclass(frozen=True)
class ModelSpec:
    """One of the lecture's models."""

    name: str
    layer: str              # "dense" (MLP of two hidden layers) or "lstm" (one LSTM layer)
    encoding: str           # input encoding: "index" or "features" (see encoding.py)
    stateful: bool          # LSTM state carried from window to window across the song, batch 1
    lecture_batch_size: int  # batch size of the lecture's fit (the "lecture" recipe uses it)
    description: str
    units: int = 128        # width of each hidden layer


MODELS: dict[str, ModelSpec] = {spec.name: spec for spec in (
    ModelSpec("mlp", "dense", "index", False, 10, "MLP 128-128, index input (the lecture's MLP)"),
    ModelSpec("lstm", "lstm", "index", False, 14, "stateless LSTM(128), index input"),
    ModelSpec("stateful", "lstm", "index", True, 1, "stateful LSTM(128), index input"),
    ModelSpec("stateful2", "lstm", "features", True, 1,
              "stateful LSTM(128), pitch and length features (the lecture's LSTM)"),
)}
DEFAULT_MODELS = ("mlp", "stateful2")


@dataclass(frozen=True)
class TrainConfig:
    """How to train: validated on creation (a bad value is a ``ConfigError``), saved in
    summary.json and in saved models next to the results."""

    epochs: int = 2000      # fast recipe: the cap; lecture recipe: the exact count
    seed: int = 5           # one seed for weights and shuffling: training seeds Python's, NumPy's
                            # and Keras's global generators with it (keras.utils.set_random_seed)
    window: int = 4         # notes the model sees to predict the next one
    recipe: str = "fast"    # "fast": compiled full-song steps, stop once the song is learnt;
                            # "lecture": the lecture's schedule (Adam 0.001, its batch sizes, all epochs)
    learning_rate: float | None = None  # None: the recipe's own (fast 0.01, lecture 0.001)

    def __post_init__(self) -> None:
        if self.epochs < 1:
            raise ConfigError(f"epochs must be at least 1, got {self.epochs}")
        if self.window < 1:
            raise ConfigError(f"window must be at least 1, got {self.window}")
        if self.recipe not in RECIPES:
            raise ConfigError(f"recipe must be one of {', '.join(RECIPES)}, got {self.recipe!r}")
        if self.learning_rate is not None and not self.learning_rate > 0:
            raise ConfigError(f"learning rate must be positive, got {self.learning_rate}")
        if not 0 <= self.seed < 2 ** 32:
            raise ConfigError(f"seed must be in range 0..2**32-1, got {self.seed}")

    @property
    def rate(self) -> float:
        if self.learning_rate is not None:
            return self.learning_rate
        return 0.01 if self.recipe == "fast" else 0.001

    @property
    def clip_norm(self) -> float | None:
        """Gradient norm clip: the fast recipe's large steps stay stable with it."""
        return 1.0 if self.recipe == "fast" else None


def model_spec(name: str) -> ModelSpec:
    """The preset named ``name``; an unknown name is a ``ConfigError`` listing the known ones."""
    if name not in MODELS:
        raise ConfigError(f"unknown model {name!r}; known: {', '.join(MODELS)}")
    return MODELS[name]


@dataclass(frozen=True)
class CorpusModelConfig:
    """The corpus model's sizes; a bad value is a ``ConfigError``."""

    units: int = 128              # LSTM units per layer
    layers: int = 1               # LSTM layers
    pitch_embedding: int = 32     # width of a relative pitch's embedding
    duration_embedding: int = 8   # width of a length's embedding (also for the rest before)
    position_embedding: int = 8   # width of a bar position's embedding
    meter_embedding: int = 4      # width of a time signature's embedding
    dropout: float = 0.2          # on the LSTM's input and output, while training

    def __post_init__(self) -> None:
        for name in ("units", "layers", "pitch_embedding", "duration_embedding",
                     "position_embedding", "meter_embedding"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(f"{name.replace('_', ' ')} must be a whole number >= 1, "
                                  f"got {value!r}")
        if not 0 <= self.dropout < 1:
            raise ConfigError(f"dropout must be in [0, 1), got {self.dropout}")

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class CorpusTrainConfig:
    """How the corpus model trains; a bad value is a ``ConfigError``."""

    learning_rate: float = 6e-3   # Adam
    batch_size: int = 32          # songs per step
    max_epochs: int = 100         # most epochs
    patience: int = 5             # epochs without a better validation score before stopping
    clip_norm: float = 1.0        # gradient norm clip
    seed: int = 0                 # initial weights, dropout and the order of batches

    def __post_init__(self) -> None:
        if not self.learning_rate > 0:
            raise ConfigError(f"learning rate must be positive, got {self.learning_rate}")
        for name in ("batch_size", "max_epochs", "patience"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name.replace('_', ' ')} must be at least 1, "
                                  f"got {getattr(self, name)}")

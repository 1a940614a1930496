"""The models of one song and how they train: the lecture's four presets (``MODELS``) and
``TrainConfig``. Plain data, validated on creation (``ConfigError``); no TensorFlow."""

from __future__ import annotations

from dataclasses import dataclass

from ...core.errors import ConfigError

RECIPES = ("fast", "lecture")

# The longest song a model of one song trains on. A stateful model reads the whole song as one
# sequence every epoch and keeps every step's gates for the gradient: 10,000 notes take about
# 1.5 s an epoch and 1.1 GB (docs/developers.md, "Long melodies"), and the memory grows with
# the song. A Transformer reads the whole song at once too, and its attention holds a score for
# every pair of notes in every head and block, kept for the gradient: its memory grows with the
# square of the song (peak of a process that trains 2 epochs and predicts: 1.3 GB at 2,000
# notes, 1.7 GB at 3,000, 2.8 GB at 5,000). Longer songs are refused before any training.
MAX_SONG_NOTES = 20_000
MAX_ATTENDED_NOTES = 2_000


@dataclass(frozen=True)
class ModelSpec:
    """One model of one song: a preset of ``MODELS``."""

    name: str
    family: str             # its network (``networks.FAMILIES``): "mlp", "lstm", "transformer"
    encoding: str           # input encoding: "index" or "features" (see encoding.py)
    stateful: bool          # LSTM state carried from window to window across the song, batch 1
    lecture_batch_size: int  # batch size of the lecture's fit (the "lecture" recipe uses it)
    description: str
    units: int = 128        # width of each hidden layer
    context: int | None = None  # a Transformer: the notes each note attends to, itself included
                                # (None: every note before it)

    @property
    def longest_song(self) -> int:
        """The most notes of a song this model trains on (``MAX_SONG_NOTES``, and for a
        Transformer ``MAX_ATTENDED_NOTES``: it reads the song whole)."""
        return MAX_ATTENDED_NOTES if self.family == "transformer" else MAX_SONG_NOTES

    @property
    def remembers(self) -> bool:
        """Whether it can know where in the song it is (state carried across the song, or
        attention over every note before): the whole song is its target, not the window
        ceiling."""
        return self.stateful or (self.family == "transformer" and self.context is None)

    @classmethod
    def from_json(cls, data: dict) -> "ModelSpec":
        """A preset as a model file keeps it (files of format 1 name the family ``layer``:
        "dense" for the MLP)."""
        data = dict(data)
        if "layer" in data:
            layer = data.pop("layer")
            data["family"] = {"dense": "mlp"}.get(layer, layer)
        return cls(**data)


MODELS: dict[str, ModelSpec] = {spec.name: spec for spec in (
    ModelSpec("mlp", "mlp", "index", False, 10, "MLP 128-128, index input (the lecture's MLP)"),
    ModelSpec("lstm", "lstm", "index", False, 14, "stateless LSTM(128), index input"),
    ModelSpec("stateful", "lstm", "index", True, 1, "stateful LSTM(128), index input"),
    ModelSpec("stateful2", "lstm", "features", True, 1,
              "stateful LSTM(128), pitch and length features (the lecture's LSTM)"),
    ModelSpec("transformer", "transformer", "features", False, 1,
              "Transformer attending to every note before, pitch and length features "
              "(2 blocks of 4 heads, width 32)", units=32),
    ModelSpec("transformer4", "transformer", "features", False, 1,
              "the same Transformer attending to the last 4 notes only", units=32, context=4),
)}
DEFAULT_MODELS = ("mlp", "stateful2")
DEFAULT_MODEL = "stateful2"  # the lecture's LSTM, trained and saved by default: it learns the song


@dataclass(frozen=True)
class TrainConfig:
    """How to train: validated on creation (a bad value is a ``ConfigError``), saved in
    summary.json and in saved models next to the results."""

    epochs: int = 2000      # fast recipe: the cap; lecture recipe: the exact count
    seed: int = 5           # one seed for the initial weights and the lecture's shuffles
                            # (``seeding.seeded``: the caller's generators are left as they are)
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

"""song/config.py: the four presets of the lecture's comparison and the training configuration."""

from dataclasses import FrozenInstanceError

import pytest

from melodygen.core.errors import ConfigError, MelodyError
from melodygen.learning.song.config import (DEFAULT_MODELS, MODELS, RECIPES, ModelSpec,
                                            TrainConfig, model_spec)


@pytest.mark.parametrize("name, family, encoding, stateful, batch_size", [
    ("mlp", "mlp", "index", False, 10),
    ("lstm", "lstm", "index", False, 14),
    ("stateful", "lstm", "index", True, 1),
    ("stateful2", "lstm", "features", True, 1),
    ("transformer", "transformer", "features", False, 1),
    ("transformer4", "transformer", "features", False, 1),
])
def test_presets(name, family, encoding, stateful, batch_size):
    spec = model_spec(name)
    assert spec is MODELS[name] and spec.name == name
    assert (spec.family, spec.encoding, spec.stateful, spec.lecture_batch_size) == \
        (family, encoding, stateful, batch_size)
    assert (spec.units, spec.context) == ((32, {"transformer": None, "transformer4": 4}[name])
                                          if family == "transformer" else (128, None))
    # what it can know of the song: state, or attention to every note before
    assert spec.remembers == (name in ("stateful", "stateful2", "transformer"))


def test_preset_order_and_default_comparison():
    assert list(MODELS) == ["mlp", "lstm", "stateful", "stateful2", "transformer", "transformer4"]
    assert DEFAULT_MODELS == ("mlp", "stateful2")
    assert RECIPES == ("fast", "lecture")


def test_unknown_model():
    with pytest.raises(ConfigError) as error:
        model_spec("gru")
    assert str(error.value) == "unknown model 'gru'; known: mlp, lstm, stateful, stateful2, " \
                               "transformer, transformer4"


def test_defaults():
    config = TrainConfig()
    assert (config.epochs, config.seed, config.window, config.recipe, config.learning_rate) == \
        (2000, 5, 4, "fast", None)


@pytest.mark.parametrize("kwargs, rate", [
    ({"recipe": "lecture"}, 0.001),  # the lecture's Adam() default
    ({"learning_rate": 0.05}, 0.05), ({"recipe": "lecture", "learning_rate": 0.002}, 0.002),
])
def test_learning_rate(kwargs, rate):
    assert TrainConfig(**kwargs).rate == rate


@pytest.mark.parametrize("kwargs, message", [
    ({"epochs": 0}, "epochs must be at least 1, got 0"),
    ({"window": 0}, "window must be at least 1, got 0"),
    ({"recipe": "slow"}, "recipe must be one of fast, lecture, got 'slow'"),
    ({"learning_rate": 0.0}, "learning rate must be positive, got 0.0"),
    ({"learning_rate": -0.1}, "learning rate must be positive, got -0.1"),
    ({"seed": -1}, "seed must be in range 0..2**32-1, got -1"),
    ({"seed": 2 ** 32}, "seed must be in range 0..2**32-1, got 4294967296"),
])
def test_validation(kwargs, message):
    with pytest.raises(ConfigError) as error:
        TrainConfig(**kwargs)
    assert str(error.value) == message


def test_config_is_frozen():
    with pytest.raises(FrozenInstanceError):
        TrainConfig().epochs = 3


def test_every_bad_configuration_is_one_error_type():
    """TrainConfig, GenerateConfig and the presets raise ConfigError: a MelodyError (one line and
    exit 2 on the command line) and a ValueError (a bad value, for a Python caller)."""
    from melodygen.generation.config import GenerateConfig
    from melodygen.learning.collection.config import CollectionModelConfig
    from melodygen.learning.song.encoding import make_encoding
    from melodygen.learning.song.vocabulary import Vocabulary

    assert issubclass(ConfigError, MelodyError) and issubclass(ConfigError, ValueError)
    song = {"time_signature": (2, 4), "tempo": 120.0, "key": None, "title": "t"}
    for make in (lambda: TrainConfig(epochs=0), lambda: model_spec("gru"),
                 lambda: GenerateConfig(primer=(), **song),
                 lambda: GenerateConfig(primer=(), length=4, temperature=0.0, **song),
                 lambda: CollectionModelConfig(units=0),
                 lambda: make_encoding("onehot", Vocabulary.lecture())):
        with pytest.raises(ConfigError):
            make()


def test_a_preset_of_a_format_1_file_names_its_family_layer():
    """Model files of format 1 kept the family as ``layer`` ("dense" for the MLP)."""
    from dataclasses import asdict

    old = {**asdict(MODELS["mlp"]), "layer": "dense"}
    del old["family"]
    assert ModelSpec.from_json(old) == MODELS["mlp"]
    assert ModelSpec.from_json(asdict(MODELS["stateful2"])) == MODELS["stateful2"]

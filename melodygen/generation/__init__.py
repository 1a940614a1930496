"""Generation: new melodies from a trained model (primers, the generation loop, bar lines),
sampling, and the statistics that say how new a melody is.

TensorFlow loads only when a model is loaded, trained or asked for notes.
"""

from .generate import (GenerateConfig, MelodyModel, continuations, generate, load, make_config,
                       to_melodies, train_model)
from .sampling import distribution, sample, sampling_error
from .stats import MelodyStats, melody_stats

__all__ = ["GenerateConfig", "MelodyModel", "MelodyStats", "continuations", "distribution",
           "generate", "load", "make_config", "melody_stats", "sample", "sampling_error",
           "to_melodies", "train_model"]

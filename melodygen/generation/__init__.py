"""Generation: new melodies from a trained model of either kind.

    config    how to generate (GenerateConfig), a model's defaults filled in (make_config)
    loop      the one generation loop over any model's next-note distributions
    form      a tune's form, pickup, cadences and motifs: rules around the one loop
    rules     the masks that keep a tune in shape: whole bars, range, cadences, tonic ending
    sampling  temperature, top-k, top-p (pure numpy)
    stats     how a new melody compares with the melodies its model learnt
    api       trained models that ``generate``: generate, load, train_model

TensorFlow loads only when a model is loaded, trained or asked for notes.
"""

from .api import generate, generate_tunes, load, train_model
from .config import GenerateConfig, make_config
from .loop import Generated
from .sampling import distribution, sample, sampling_error
from .stats import CopyIndex, MelodyStats, melody_stats

__all__ = ["CopyIndex", "GenerateConfig", "Generated", "MelodyStats", "distribution",
           "generate", "generate_tunes", "load", "make_config", "melody_stats", "sample",
           "sampling_error",
           "train_model"]

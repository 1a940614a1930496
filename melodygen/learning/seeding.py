"""Seeded model building without touching the caller's random generators.

Keras draws a new layer's initial weights (and a dropout layer's seed) from Python's global
``random`` generator, and ``keras.utils.set_random_seed`` reseeds that generator, NumPy's global
one, TensorFlow's global seed and Keras's global ``SeedGenerator``: a library that calls it
changes what the caller's own random numbers will be. ``seeded`` seeds all four for the code
inside it, exactly as ``set_random_seed`` does (the same seed gives the same weights as before),
and gives the caller's state back when it ends.
"""

from __future__ import annotations

import random
from contextlib import contextmanager

import numpy as np


@contextmanager
def seeded(seed: int):
    """``keras.utils.set_random_seed(seed)`` for the code inside; every generator it sets is
    as it was afterwards (imports Keras)."""
    import keras
    from keras.src.backend.common import global_state
    from keras.src.random import seed_generator
    from keras.src.utils import rng_utils
    from tensorflow.python.eager import context

    python_state, numpy_state = random.getstate(), np.random.get_state()
    keras_seed = global_state.get_global_attribute(rng_utils.GLOBAL_RANDOM_SEED)
    keras_generator = global_state.get_global_attribute(seed_generator.GLOBAL_SEED_GENERATOR)
    tensorflow_seed = context.global_seed()
    try:
        keras.utils.set_random_seed(seed)
        yield
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)
        global_state.set_global_attribute(rng_utils.GLOBAL_RANDOM_SEED, keras_seed)
        global_state.set_global_attribute(seed_generator.GLOBAL_SEED_GENERATOR, keras_generator)
        context.set_global_seed(tensorflow_seed)

"""Loading TensorFlow and Keras once, without their start-up chatter on the terminal."""

from __future__ import annotations

import os
import sys


def load_keras():
    """Import TensorFlow and Keras (3 to 4 s) and return the ``keras`` module.

    TensorFlow's C++ core prints start-up notes (CPU features, missing CUDA drivers) straight
    to file descriptor 2, past Python; they are silenced while it loads and finds its devices.
    A failing import still raises as usual.
    """
    if "keras" in sys.modules and "tensorflow" in sys.modules:
        return sys.modules["keras"]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            import tensorflow as tf
            import keras
            tf.config.list_physical_devices()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
    tf.get_logger().setLevel("ERROR")  # e.g. retracing notes: each model gets its own compiled loops
    try:
        # melodygen's models are small (128 units, batch 1 to a few hundred): one thread per op
        # beats handing each tiny op to a pool, most of all on a busy machine (benchmarked).
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    except RuntimeError:
        pass  # TensorFlow was already running in this process: keep its settings
    return keras

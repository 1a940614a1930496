"""TensorFlow and Keras: loaded once, quietly, and configured only when the caller asks.

``load_keras`` imports them (3 to 4 s) and changes nothing else. ``configure_tensorflow`` sets
the process-wide settings melodygen's command line runs with: one thread per op and
deterministic ops. A Python caller of the library decides for itself whether to call it; the
same seed gives the same weights (and the same bytes of every file) only with deterministic ops.
"""

from __future__ import annotations

import os
import sys


def load_keras():
    """Import TensorFlow and Keras and return the ``keras`` module.

    TensorFlow's C++ core prints start-up notes (CPU features, missing CUDA drivers) straight
    to file descriptor 2, past Python; they are silenced while it loads and finds its devices
    (``TF_CPP_MIN_LOG_LEVEL``, unless the caller set it). A failing import still raises as usual.
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
    return keras


def configure_tensorflow(threads: int | None = 1, deterministic: bool = True,
                         optimize_graphs: bool = True) -> None:
    """Process-wide TensorFlow settings, applied once, before the first model runs.

    threads:       threads per op and between ops; melodygen's models are small (128 units,
                   batch 1 to a few hundred), and one thread per op beats handing each tiny op
                   to a pool, most of all on a busy machine (benchmarked). None keeps
                   TensorFlow's default (all cores).
    deterministic: ``tf.config.experimental.enable_op_determinism``: the same seed gives the
                   same weights, run after run.
    optimize_graphs: False turns grappler, TensorFlow's graph optimizer, off: a song's models
                   are graphs of a few hundred small ops that run tens of times, and optimizing
                   them cost more than it saved (0.3 to 0.5 s of a default run of 나비야 over
                   four rounds, each with and without; the same weights and files). A
                   collection's models keep it.
    Also quiets TensorFlow's Python logger to errors (retracing notes: each model gets its own
    compiled loops). Loads TensorFlow when it is not loaded yet.
    """
    load_keras()
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")
    if threads is not None:
        try:
            tf.config.threading.set_intra_op_parallelism_threads(threads)
            tf.config.threading.set_inter_op_parallelism_threads(threads)
        except RuntimeError:
            pass  # TensorFlow was already running in this process: keep its settings
    if deterministic:
        tf.config.experimental.enable_op_determinism()
    tf.config.optimizer.set_experimental_options({"disable_meta_optimizer": not optimize_graphs})

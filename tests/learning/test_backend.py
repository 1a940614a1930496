"""learning/backend.py: loading TensorFlow changes none of its process-wide settings; the command
line applies them, in one place (configure_tensorflow)."""

import subprocess
import sys

from external import child_env

TRAIN_AND_REPORT = """
import sys, tensorflow as tf
from tensorflow.python.framework import config as tf_config
import melodygen
from melodygen.learning.backend import configure_tensorflow
if sys.argv[1] == "configure":
    configure_tensorflow()
elif sys.argv[1] == "song":
    configure_tensorflow(optimize_graphs=False)
melodygen.run_song(melodygen.load_song("nabiya"), ["mlp"], melodygen.TrainConfig(epochs=2))
print(tf.config.threading.get_intra_op_parallelism_threads(),
      tf.config.threading.get_inter_op_parallelism_threads(),
      tf_config.is_op_determinism_enabled(),
      tf.config.optimizer.get_experimental_options().get("disable_meta_optimizer", False))
"""


def settings(how: str, cwd) -> str:
    done = subprocess.run([sys.executable, "-c", TRAIN_AND_REPORT, how], cwd=cwd, env=child_env(),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_training_from_the_library_leaves_tensorflow_as_it_was(tmp_path):
    assert settings("library", tmp_path) == ["0", "0", "False", "False"]  # TensorFlow's defaults


def test_configure_tensorflow_sets_threads_and_determinism(tmp_path):
    assert settings("configure", tmp_path) == ["1", "1", "True", "False"]


def test_a_songs_models_run_without_the_graph_optimizer(tmp_path):
    assert settings("song", tmp_path) == ["1", "1", "True", "True"]

"""One process of tests/learning/collection/test_distributed.py: train the tiny collection model
of test_collection_model's tunebook and write what it saw to OUT (JSON: the history, the weights).

    python distributed_worker.py OUT EPOCHS single|mirrored|cluster [MODEL]

single:   no strategy, one process (the reference);
mirrored: MirroredStrategy over two logical CPU devices of this process;
cluster:  MultiWorkerMirroredStrategy of the cluster in TF_CONFIG.
MODEL: the model file to save to (the training's state beside it); the chief saves the model.
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_collection_model import SMALL, collection  # noqa: E402

from melodygen.learning.backend import configure_tensorflow, load_keras  # noqa: E402

TINY = type(SMALL)(units=SMALL.units, pitch_embedding=SMALL.pitch_embedding, dropout=0.0)


def main(out: str, epochs: str, mode: str, model_file: str | None = None) -> None:
    load_keras()
    import tensorflow as tf
    if mode == "mirrored":  # before TensorFlow sets up its devices
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    configure_tensorflow()
    from melodygen.learning.cluster import RESTART_STATUS, WorkerLost, read_tf_config
    from melodygen.learning.collection import distributed
    from melodygen.learning.collection.config import CollectionTrainConfig
    from melodygen.learning.collection.model import train

    strategy = None
    if mode != "single":
        strategy = distributed.choose_strategy(
            read_tf_config(os.environ.get("TF_CONFIG")) if mode == "cluster" else None)
    config = CollectionTrainConfig(max_epochs=int(epochs), patience=10, batch_size=4,
                                   validation=0.2)
    epochs_here = []  # the epochs this process ran (the chief's progress)
    try:
        model = train(collection(), TINY, config,
                      progress=lambda report: epochs_here.append(report.epoch),
                      save_to=model_file, strategy=strategy)
    except WorkerLost as error:
        print(error, file=sys.stderr)
        sys.stderr.flush()
        os._exit(RESTART_STATUS)
    chief = strategy is None or distributed.is_chief(strategy)
    if model_file and chief:
        model.save(model_file)
    history = model.history
    Path(out).write_text(json.dumps({
        "chief": chief, "replicas": strategy.num_replicas_in_sync if strategy else 1,
        "epochs_here": epochs_here, "train_bits": history.train_bits, "validation_bits": history.validation_bits,
        "weights": [w.tolist() for w in model.network.get_weights()]}))
    sys.stdout.flush()
    os._exit(0)  # TensorFlow's teardown of a cluster can wait on the other workers


if __name__ == "__main__":
    main(*sys.argv[1:])

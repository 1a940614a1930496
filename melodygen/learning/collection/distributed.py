"""A collection model trained on several workers (``MultiWorkerMirroredStrategy``, the cluster that
``TF_CONFIG`` describes: what Kubernetes TFJob, Vertex AI and Ray set for each worker) or on several
devices of one host (``MirroredStrategy``), with the single-process run's batches, learning rate,
loss and epochs (``training.Epochs``).

Every worker prepares the same collection (``data.prepare``) and so the same global batches; the
rows of each global batch are dealt to the replicas in blocks of equal size (the batch padded with
empty rows to a multiple of the replicas; every block as long as the batch's longest song), and a
worker encodes and holds only the blocks of its own replicas. A replica's loss is its nats summed
over its real events divided by the real events of the whole global batch, so the sum of the
replicas' gradients is the single process's gradient.

Keras 3's optimizers, under ``tf.distribute`` in a replica context, clip each replica's gradients
(``clipnorm``) and then sum them over the replicas (``TFOptimizer._all_reduce_sum_gradients``);
the clip of a sum is not the sum of clips, so here the replicas sum their gradients themselves
(``all_reduce``) and the optimizer is applied once, in the cross-replica context, where it sums
nothing and clips the sum, as the single-process step does. With dropout at 0 the weights are
those of a single-process run to float rounding. With dropout they are not: Keras keeps one seed
state, mirrored, so every replica draws the same masks for its block's rows, which a single
process draws once for the whole batch.

Only the chief (the ``chief`` task, else worker 0) reports progress and writes: the state after
every epoch, in the one resume format (``resume``: ``MODEL.partial`` beside the model file, on a
volume every worker sees), and the model. A worker that (re)starts goes on from the state there
when it has the same settings and data, so a cluster whose workers are restarted after a loss
(TFJob's restart policy) finishes the run with every epoch counted once and the same order of
batches (drawn from (seed, epoch)). The workers agree on that state (the newest any of them
sees) before they train. A worker that loses another
raises ``WorkerLost``; the command line exits with ``RESTART_STATUS`` then.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Sequence

import keras
import numpy as np
import tensorflow as tf

from ...core.errors import MelodyError
from .. import resume as resuming
from ..cluster import Cluster, WorkerLost, is_chief_task
from ..interface import TrainingProgress
from .config import CollectionModelConfig, CollectionTrainConfig
from .data import PreparedCollection
from .state import CollectionHistory, TrainingState
from .training import LN2, _MASK, _ROWS, Epochs, _nats, batch_plan, new_network, pad

# what a collective op raises when a peer is gone or the cluster aborted it
_LOST = (tf.errors.UnavailableError, tf.errors.AbortedError, tf.errors.CancelledError,
         tf.errors.DeadlineExceededError, tf.errors.FailedPreconditionError,
         tf.errors.InternalError)


def choose_strategy(cluster: Cluster | None) -> tf.distribute.Strategy:
    """``MultiWorkerMirroredStrategy`` for a cluster; without one, ``MirroredStrategy`` over this
    host's GPUs, else its CPU devices (one, unless the caller configured logical devices).
    Creating the multi-worker strategy starts this task's server and waits for every task."""
    if cluster is not None:
        resolver = tf.distribute.cluster_resolver.SimpleClusterResolver(
            tf.train.ClusterSpec(cluster.jobs), task_type=cluster.task_type,
            task_id=cluster.task_index, rpc_layer="grpc")
        return tf.distribute.MultiWorkerMirroredStrategy(cluster_resolver=resolver)
    devices = tf.config.list_logical_devices("GPU") or tf.config.list_logical_devices("CPU")
    return tf.distribute.MirroredStrategy([device.name for device in devices])


def is_chief(strategy: tf.distribute.Strategy) -> bool:
    """Whether this process writes: the chief of a cluster, or the only process."""
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or not resolver.task_type:
        return True
    return is_chief_task(resolver.task_type, resolver.task_id,
                         "chief" in resolver.cluster_spec().as_dict())


def describe(strategy: tf.distribute.Strategy) -> str:
    """In words, for the progress line: '2 replicas on 2 workers (MultiWorkerMirroredStrategy)'."""
    replicas = strategy.num_replicas_in_sync
    count = f"{replicas} replica{'s' if replicas != 1 else ''}"
    if isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
        jobs = strategy.cluster_resolver.cluster_spec().as_dict()
        workers = sum(len(jobs.get(job, [])) for job in ("chief", "worker"))
        return f"{count} on {workers} workers (MultiWorkerMirroredStrategy)"
    return f"{count} on this host (MirroredStrategy)"


# ---- the rows of each replica ---------------------------------------------------------------

# One global batch as one worker holds it: the rows of its replicas, block after block
# (local replicas x block rows, longest, 7) and their mask, and the real events of the whole batch.
Shard = tuple[np.ndarray, np.ndarray, float]


def local_replicas(strategy: tf.distribute.Strategy) -> list[int]:
    """The ids (``replica_id_in_sync_group``) of this worker's replicas, in device order."""
    ids = strategy.experimental_distribute_values_from_function(
        lambda context: tf.constant(context.replica_id_in_sync_group))
    return [int(value) for value in strategy.experimental_local_results(ids)]


def shard(prepared: PreparedCollection, tunes: Sequence[int], size: int, replicas: int,
          mine: Sequence[int]) -> list[Shard]:
    """The global batches of ``tunes`` (``batch_plan``, ``size`` songs each) as the replicas
    ``mine`` hold them: replica r takes rows r*b .. r*b+b-1 of every batch, b = the batch's songs
    / ``replicas`` rounded up, the missing rows empty. Only those tunes are encoded."""
    out = []
    for chosen in batch_plan([prepared.lengths[i] for i in tunes], size):
        block = -(-len(chosen) // replicas)
        longest = max(prepared.lengths[tunes[i]] for i in chosen)
        held = [pad([prepared.encode(tunes[i]) for i in chosen[r * block:(r + 1) * block]],
                    block, longest) for r in mine]
        rows, mask = np.concatenate([h[0] for h in held]), np.concatenate([h[1] for h in held])
        out.append((rows, mask, float(sum(prepared.lengths[tunes[i]] for i in chosen))))
    return out


# ---- the compiled steps ---------------------------------------------------------------------

class DistributedTrainer:
    """The compiled steps of a model built under ``strategy``: each replica its block of every
    global batch; the gradients summed over the replicas, then clipped and applied once."""

    def __init__(self, strategy: tf.distribute.Strategy, model: keras.Model, learning_rate: float,
                 clip_norm: float) -> None:
        self.strategy, self.model = strategy, model
        with strategy.scope():
            self.optimizer = keras.optimizers.Adam(learning_rate, clipnorm=clip_norm)
            self.optimizer.build(model.trainable_variables)
        variables = model.trainable_variables
        mine = local_replicas(strategy)
        total = tf.distribute.ReduceOp.SUM

        def blocks(local):
            """This worker's rows -> a value per replica: its block."""
            size = tf.shape(local)[0] // len(mine)
            return strategy.experimental_distribute_values_from_function(
                lambda context: local[mine.index(context.replica_id_in_sync_group) * size:][:size])

        def first(value):
            """An all-reduced value, the same on every replica: this worker's copy."""
            return strategy.experimental_local_results(value)[0]

        @tf.function(input_signature=[_ROWS, _MASK, tf.TensorSpec((), tf.float32)])
        def step(rows, mask, count):
            def replica(rows, mask):
                with tf.GradientTape() as tape:
                    pitch, duration, _ = _nats(model, rows, mask, True)
                    loss = (pitch + duration) / tf.maximum(count, 1.0)
                context = tf.distribute.get_replica_context()
                return (context.all_reduce(total, tape.gradient(loss, variables)),
                        context.all_reduce(total, pitch + duration))
            gradients, nats = strategy.run(replica, args=(blocks(rows), blocks(mask)))
            # cross-replica context: the optimizer clips the sums and applies them once
            self.optimizer.apply([first(gradient) for gradient in gradients], variables)
            return first(nats)

        @tf.function(input_signature=[_ROWS, _MASK])
        def score(rows, mask):
            def replica(rows, mask):
                return tf.distribute.get_replica_context().all_reduce(
                    total, list(_nats(model, rows, mask, False)))
            return [first(value) for value in strategy.run(replica, args=(blocks(rows),
                                                                          blocks(mask)))]

        self._step, self._score = step, score

    def step(self, batch: Shard) -> tuple[float, float]:
        """One training step on a global batch: (its nats, its real events)."""
        rows, mask, count = batch
        return float(self._step(rows, mask, count)), count

    def evaluate(self, batched: Sequence[Shard]) -> tuple[float, float]:
        """(bits per note, bits per pitch) over the validation batches (``Trainer.evaluate``)."""
        pitch = duration = count = 0.0
        for rows, mask, _ in batched:
            p, d, c = (float(x) for x in self._score(rows, mask))
            pitch, duration, count = pitch + p, duration + d, count + c
        count = max(count, 1.0)
        return (pitch + duration) / count / LN2, pitch / count / LN2


# ---- the state kept ------------------------------------------------------------------------

def kept_epoch(path: Path, settings: dict) -> int:
    """The epoch of the state kept at ``path`` when it has these settings, else 0."""
    try:
        return int(resuming.read(path, settings)[1]["epoch"])
    except MelodyError:
        return 0


def agree(strategy: tf.distribute.Strategy, epoch: int) -> int:
    """The largest of every worker's ``epoch``, known to all."""
    values = strategy.experimental_distribute_values_from_function(
        lambda context: tf.constant([epoch], tf.int64))
    return int(tf.reduce_max(strategy.gather(values, axis=0)))


# ---- training -------------------------------------------------------------------------------

def train_distributed(strategy: tf.distribute.Strategy, prepared: PreparedCollection,
                      model_config: CollectionModelConfig, train_config: CollectionTrainConfig,
                      progress: TrainingProgress | None = None, state_file: Path | None = None,
                      resume: bool = False) -> tuple[keras.Model, CollectionHistory]:
    """Train the collection model of ``prepared`` under ``strategy`` (``model.train`` with a
    strategy; see the module): (the network with its best epoch's weights, outside the
    strategy; the history). ``state_file``: where the chief keeps the state (``resume``); None
    keeps none."""
    parts = prepared.parts
    start = time.perf_counter()
    chief = is_chief(strategy)
    with strategy.scope():
        network = new_network(model_config, prepared.vocabulary, train_config.seed)
    trainer = DistributedTrainer(strategy, network, train_config.learning_rate,
                                 train_config.clip_norm)
    replicas, mine = strategy.num_replicas_in_sync, local_replicas(strategy)
    train = shard(prepared, parts.train, train_config.batch_size, replicas, mine)
    validation = shard(prepared, parts.validation, max(train_config.batch_size, 64), replicas,
                       mine)
    state, keep, finished = None, None, [0]
    if state_file is not None:
        settings = prepared.training_settings(model_config, train_config)
        epoch = agree(strategy, kept_epoch(state_file, settings))
        if epoch:
            arrays, meta = resuming.read(state_file, settings)
            if int(meta["epoch"]) != epoch:
                raise MelodyError(f"another worker found the state of epoch {epoch}, this one "
                                  f"finds epoch {meta['epoch']}: every worker must see this "
                                  "file (a volume they share)", source=str(state_file))
            state = TrainingState.from_arrays(arrays, meta)
            finished[0] = epoch
        elif resume:
            resuming.read(state_file, settings)  # says why there is nothing to resume

        def keep(done: TrainingState) -> None:
            if chief:
                resuming.keep(state_file, *done.to_arrays(), settings)
            finished[0] = done.epoch
    epochs = Epochs(network, trainer.optimizer, train_config, progress if chief else None, keep,
                    start)
    try:
        history = epochs.run(lambda index: trainer.step(train[index]), len(train),
                             lambda: trainer.evaluate(validation), state)
    except _LOST as error:
        where = f" from epoch {finished[0] + 1}" if state_file is not None else ""
        raise WorkerLost(f"lost contact with another worker ({type(error).__name__}: "
                         f"{_reason(error)}); start the workers again: training goes on{where}"
                         ) from None
    plain = new_network(model_config, prepared.vocabulary, train_config.seed)
    plain.set_weights(network.get_weights())
    return plain, history


def _reason(error: tf.errors.OpError) -> str:
    """The line of a collective op's error that says what happened ("Collective ops is aborted
    by: Socket closed"), not where."""
    lines = [line.strip() for line in error.message.splitlines() if line.strip()
             and not line.startswith((" ", "\t", "Graph execution error", "Detected at node"))]
    return lines[0][:200] if lines else type(error).__name__

"""learning/collection/distributed.py and cluster.py: a collection model trained by two workers on 127.0.0.1 ports
(MultiWorkerMirroredStrategy, TF_CONFIG) and by two CPU devices of one process (MirroredStrategy)
sees the losses and ends with the weights of one process over the same global batches; a worker
killed after its first epoch and started again goes on from the state kept, every epoch counted
once. Each worker is a process of its own (distributed_worker.py), bounded by a timeout and
killed at the end of its test whatever happens."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from melodygen.core.errors import ConfigError
from melodygen.learning.cluster import RESTART_STATUS, read_tf_config
from melodygen.learning.collection.config import CollectionTrainConfig
from melodygen.learning.collection.data import prepare
from melodygen.learning.resume import state_path
from melodygen.formats.cache import read_arrays

from external import free_ports
from test_collection_model import collection

REPO = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).resolve().parent / "distributed_worker.py"
EPOCHS = 3
SECONDS = 240  # the most a test's processes may take, all restarts included


# ---- TF_CONFIG --------------------------------------------------------------------------------

def tf_config(ports: list[int], index: int, chief: bool = False) -> str:
    addresses = [f"127.0.0.1:{port}" for port in ports]
    cluster = {"chief": addresses[:1], "worker": addresses[1:]} if chief else {"worker": addresses}
    task = ({"type": "chief", "index": 0} if index == 0 else
            {"type": "worker", "index": index - 1}) if chief else {"type": "worker", "index": index}
    return json.dumps({"cluster": cluster, "task": task})


def test_tf_config_names_the_chief():
    workers = [read_tf_config(tf_config([1, 2, 3], i)) for i in range(3)]
    assert [(c.task_type, c.task_index, c.workers, c.is_chief) for c in workers] == \
        [("worker", 0, 3, True), ("worker", 1, 3, False), ("worker", 2, 3, False)]
    with_chief = [read_tf_config(tf_config([1, 2], i, chief=True)) for i in range(2)]
    assert [(str(c), c.is_chief) for c in with_chief] == [("chief 0 of 2 workers", True),
                                                          ("worker 0 of 2 workers", False)]
    assert read_tf_config(None) is None and read_tf_config("  ") is None


@pytest.mark.parametrize("text, message", [
    ("{nope", "TF_CONFIG is not a cluster and a task (JSONDecodeError: "),
    ('{"cluster": {"worker": ["a:1"]}}', "TF_CONFIG is not a cluster and a task (KeyError: 'task')"),
    ('{"cluster": {"worker": ["a:1"], "ps": ["b:1"]}, "task": {"type": "worker", "index": 0}}',
     "TF_CONFIG has tasks of type ps: the corpus model trains on chief and worker tasks only"),
    ('{"cluster": {"worker": ["a:1"]}, "task": {"type": "worker", "index": 1}}',
     "TF_CONFIG's task (worker 1) is not in its cluster (1 worker)"),
])
def test_a_tf_config_that_cannot_be_used_says_why(text, message):
    with pytest.raises(ConfigError) as error:
        read_tf_config(text)
    assert str(error.value).startswith(message)


# ---- the rows of each replica -----------------------------------------------------------------

@pytest.mark.usefixtures("tensorflow")
def test_the_replicas_blocks_are_the_global_batches_rows():
    from melodygen.learning.collection.training import batches
    from melodygen.learning.collection.distributed import shard

    prepared = prepare(collection(), 0.2, seed=0)
    tunes = prepared.parts.train
    whole = batches([prepared.encode(i) for i in tunes], 3)  # batches of 3, 3 and 2 songs
    for replicas in (2, 3, 4):
        held = [shard(prepared, tunes, 3, replicas, [r]) for r in range(replicas)]
        for number, (rows, mask) in enumerate(whole):
            blocks = [worker[number] for worker in held]
            assert len({block[0].shape for block in blocks}) == 1  # the same shape on each
            assert {block[2] for block in blocks} == {mask.sum()}  # the global batch's events
            joined = np.concatenate([block[0] for block in blocks])
            np.testing.assert_array_equal(joined[:len(rows)], rows)  # in order, then empty rows
            assert not joined[len(rows):].any()
            np.testing.assert_array_equal(np.concatenate([b[1] for b in blocks])[:len(rows)], mask)
    # one worker with two replicas holds both blocks, end to end
    for number, (rows, _, _) in enumerate(shard(prepared, tunes, 3, 2, [0, 1])):
        np.testing.assert_array_equal(
            rows, np.concatenate([shard(prepared, tunes, 3, 2, [r])[number][0] for r in (0, 1)]))


# ---- processes --------------------------------------------------------------------------------

class Workers:
    """Worker processes of one test; every one still running is killed at the end."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.processes, self.deadline = folder, {}, time.monotonic() + SECONDS
        self.logs: list[Path] = []

    def start(self, name: str, *args: str, tf_config: str | None = None) -> None:
        env = {key: value for key, value in os.environ.items() if key != "TF_CONFIG"}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
        if tf_config:
            env["TF_CONFIG"] = tf_config
        log = self.folder / f"{name}-{len(self.logs)}.log"
        self.logs.append(log)
        with open(log, "w") as out:
            self.processes[name] = subprocess.Popen(
                [sys.executable, str(WORKER), str(self.folder / f"{name}.json"), *args],
                env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True)

    def wait(self, name: str) -> int:
        try:
            return self.processes[name].wait(max(1.0, self.deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pytest.fail(f"{name} did not finish in time:\n{self.output()}")

    def kill(self, name: str) -> None:
        self.processes[name].kill()
        self.processes[name].wait()

    def output(self) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for log in self.logs)

    def result(self, name: str) -> dict:
        return json.loads((self.folder / f"{name}.json").read_text())

    def close(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@pytest.fixture
def workers(tmp_path):
    started = Workers(tmp_path)
    yield started
    started.close()


@pytest.fixture(scope="module")
def one_process():
    """The reference: one process, no strategy, over the same global batches."""
    from melodygen.learning.backend import configure_tensorflow
    from melodygen.learning.collection.model import train
    from distributed_worker import TINY

    configure_tensorflow()
    config = CollectionTrainConfig(max_epochs=EPOCHS, patience=10, batch_size=4, validation=0.2)
    model = train(collection(), TINY, config)
    return model.history, model.network.get_weights()


def assert_weights_close(result: dict, weights: list) -> None:
    assert len(result["weights"]) == len(weights)
    for theirs, mine in zip(result["weights"], weights):
        np.testing.assert_allclose(np.array(theirs, dtype=np.float32), mine, atol=1e-5, rtol=0)


def test_two_workers_and_two_devices_train_as_one_process(workers, one_process):
    history, weights = one_process
    ports = free_ports(2)
    for index in range(2):
        workers.start(f"worker{index}", str(EPOCHS), "cluster", tf_config=tf_config(ports, index))
    assert [workers.wait(f"worker{index}") for index in range(2)] == [0, 0], workers.output()
    workers.start("mirrored", str(EPOCHS), "mirrored")
    assert workers.wait("mirrored") == 0, workers.output()
    first, second, mirrored = (workers.result(name) for name in ("worker0", "worker1", "mirrored"))
    assert (first["chief"], second["chief"], first["replicas"], mirrored["replicas"]) == \
        (True, False, 2, 2)
    # the workers saw the same losses, bit for bit, and hold the same weights
    assert first["train_bits"] == second["train_bits"]
    assert first["validation_bits"] == second["validation_bits"]
    assert first["weights"] == second["weights"]
    for result in (first, mirrored):
        assert result["train_bits"] == pytest.approx(history.train_bits, abs=1e-5)
        assert result["validation_bits"] == pytest.approx(history.validation_bits, abs=1e-5)
        assert_weights_close(result, weights)


def kept(state: Path, epoch: int) -> bool:
    """Whether the chief has kept the state of ``epoch`` (the file is written whole or not at
    all)."""
    found = read_arrays(state) if state.exists() else None
    return found is not None and found[1]["epoch"] >= epoch


def test_a_killed_worker_started_again_goes_on_from_the_state_kept(workers, one_process, tmp_path):
    history, weights = one_process
    ports, model = free_ports(2), tmp_path / "book.melodygen"
    state = state_path(model)

    def run(index: int) -> None:
        workers.start(f"worker{index}", str(EPOCHS), "cluster", str(model),
                      tf_config=tf_config(ports, index))

    run(0)
    run(1)
    while not kept(state, 1):
        assert time.monotonic() < workers.deadline, workers.output()
        assert all(p.poll() is None for p in workers.processes.values()), workers.output()
        time.sleep(0.05)
    workers.kill("worker1")  # after its first epoch
    run(1)
    # the restart policy of a cluster: a worker that lost another exits to be started again
    statuses = {0: [], 1: []}
    while len(statuses[0]) < 4 and not all(s[-1:] == [0] for s in statuses.values()):
        for index in (0, 1):
            if statuses[index][-1:] != [0] and workers.processes[f"worker{index}"].poll() is not None:
                statuses[index].append(workers.wait(f"worker{index}"))
                assert statuses[index][-1] in (0, RESTART_STATUS), workers.output()
                if statuses[index][-1] == RESTART_STATUS:
                    run(index)
        assert time.monotonic() < workers.deadline, workers.output()
        time.sleep(0.05)
    assert statuses[0][0] == RESTART_STATUS and statuses[0][-1] == statuses[1][-1] == 0, \
        (statuses, workers.output())
    assert "lost contact with another worker" in workers.output()
    chief, other = workers.result("worker0"), workers.result("worker1")
    assert chief["epochs_here"] == list(range(2, EPOCHS + 1))  # went on from the state kept
    assert len(chief["train_bits"]) == EPOCHS  # every epoch counted once
    assert chief["train_bits"] == other["train_bits"]
    assert chief["train_bits"] == pytest.approx(history.train_bits, abs=1e-5)
    assert_weights_close(chief, weights)
    assert model.is_file() and not state.exists()  # the chief saved the model, then cleared

"""`melodygen train COLLECTION --distributed`: two workers on 127.0.0.1 ports, each the same command
with its TF_CONFIG; the chief alone reports and saves; a worker that loses another exits with the
restart status; a setting that cannot work is one line and exit 2 before TensorFlow loads."""

import json
import os
import signal
import subprocess
import time

import pytest
from external import child_env, free_ports, melodygen_command

from melodygen.learning.modelfile import read_metadata
from melodygen.learning.cluster import RESTART_STATUS, WorkerLost

TUNES = ["c4 d4 e4 c4 c4 d4 e4 c4", "e4 f4 g2 e4 f4 g2", "g8 a8 g8 f8 e4 c4 d4 g,4 c2",
         "c4 c4 g4 g4 a4 a4 g2", "f4 f4 e4 e4 d4 d4 c2", "c4 e4 g4 c'4 b4 g4 c'2",
         "d4 d8 e8 f4 d4 e4 c4 d2", "g4 e4 e2 f4 d4 d2", "c8 d8 e8 f8 g4 g4 a4 f4 g2",
         "e4 d4 c4 d4 e4 e4 e2"]


@pytest.fixture
def tunes(tmp_path):
    folder = tmp_path / "tunes"
    folder.mkdir()
    for number, notes in enumerate(TUNES):
        (folder / f"t{number}.txt").write_text(f"title: t{number}\ntime: 4/4\ntempo: 120\n{notes}\n")
    return folder


def tf_config(ports: list[int], index: int) -> str:
    return json.dumps({"cluster": {"worker": [f"127.0.0.1:{port}" for port in ports]},
                       "task": {"type": "worker", "index": index}})


def test_two_workers_train_and_the_chief_alone_writes(tmp_path, tunes):
    ports, model = free_ports(2), tmp_path / "models" / "tunes.melodygen"
    command = melodygen_command("train", tunes, "--save", model, "--epochs", "2", "--units", "16",
                                "--validation", "0.2", "--distributed")
    workers = [subprocess.Popen(command, cwd=tmp_path, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True,
                                env=child_env(TF_CONFIG=tf_config(ports, index),
                                              MELODYGEN_CACHE=str(tmp_path / f"cache{index}")))
               for index in range(2)]
    try:
        outputs = [worker.communicate(timeout=240) for worker in workers]
    finally:
        for worker in workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()
    assert [worker.returncode for worker in workers] == [0, 0], outputs
    (chief_out, chief_err), (other_out, other_err) = outputs
    assert chief_out.startswith(f"{tunes}: trained on 8 tunes (")
    assert "2 epochs in " in chief_out and \
        ", 2 replicas on 2 workers (MultiWorkerMirroredStrategy); on 2 held-out tunes " in chief_out
    assert "waiting for the workers of TF_CONFIG (2) …" in chief_err
    assert other_out == f"worker 1 of 2 workers: trained 2 epochs; the chief saves {model}\n"
    assert other_err == ""  # no progress, no log
    assert read_metadata(model)["training"]["epochs"] == 2
    assert sorted(path.name for path in model.parent.iterdir()) == ["tunes.melodygen"]


def test_a_lost_worker_exits_with_the_restart_status(tmp_path, tunes, monkeypatch):
    from melodygen.learning.collection import distributed, model
    from test_cli import run_cli

    def lose(*args, **kwargs):
        raise WorkerLost("lost contact with another worker (UnavailableError: Socket closed); "
                         "start the workers again: training goes on from epoch 2")
    monkeypatch.setattr(model, "train", lose)
    monkeypatch.setattr(distributed, "choose_strategy", lambda cluster: None)
    monkeypatch.setattr(distributed, "describe", lambda strategy: "no strategy")
    monkeypatch.delenv("TF_CONFIG", raising=False)
    monkeypatch.setenv("MELODYGEN_CACHE", str(tmp_path / "cache"))
    code, out, err = run_cli("train", str(tunes), "--save", str(tmp_path / "m.melodygen"),
                             "--distributed", "--quiet")
    assert (code, out, err) == (RESTART_STATUS, "", "lost contact with another worker "
                                "(UnavailableError: Socket closed); start the workers again: "
                                "training goes on from epoch 2\n")


@pytest.mark.parametrize("config, message", [
    ('{"cluster": {"worker": ["a:1"]}, "task": {"type": "worker", "index": 3}}',
     "TF_CONFIG's task (worker 3) is not in its cluster (1 worker)\n"),
    ("not json", "TF_CONFIG is not a cluster and a task (JSONDecodeError: Expecting value: line 1 "
                 "column 1 (char 0)); e.g. {\"cluster\": {\"worker\": [\"host1:2222\", "
                 "\"host2:2222\"]}, \"task\": {\"type\": \"worker\", \"index\": 0}}\n"),
])
def test_a_tf_config_that_cannot_work_is_one_line(tmp_path, tunes, config, message):
    started = time.monotonic()
    done = subprocess.run(melodygen_command("train", tunes, "--distributed"), cwd=tmp_path,
                          env=child_env(TF_CONFIG=config), capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", message)
    assert time.monotonic() - started < 30  # before the collection and TensorFlow


def test_distributed_trains_a_collection_not_a_song(tmp_path):
    done = subprocess.run(melodygen_command("train", "nabiya", "--distributed"), cwd=tmp_path,
                          env=child_env(), capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL)
    assert (done.returncode, done.stderr) == (
        2, "--distributed is for the model of a collection; 'nabiya' is one song\n")

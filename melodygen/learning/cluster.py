"""Where this process stands in a cluster of training workers, as ``TF_CONFIG`` describes it (the
variable Kubernetes TFJob, Vertex AI and Ray's TensorflowTrainer set for each worker); read
without TensorFlow, so that a command knows before TensorFlow loads whether it is the chief, the
one task that writes and reports.

    TF_CONFIG='{"cluster": {"worker": ["host1:2222", "host2:2222"]},
                "task": {"type": "worker", "index": 0}}'
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..core.errors import ConfigError, MelodyError

# The exit status of a worker that lost another: the one Kubeflow's training operator keeps for
# "retryable, restart me" (128 + SIGUSR1) under restartPolicy: ExitCode.
RESTART_STATUS = 138


class WorkerLost(MelodyError):
    """Another worker is gone (killed, preempted, crashed): this one stops; restarted, all go on
    from the newest checkpoint."""


@dataclass(frozen=True)
class Cluster:
    """This process's place in a cluster, as ``TF_CONFIG`` gives it."""

    jobs: dict[str, list[str]]  # task type ("chief", "worker") -> host:port of each task
    task_type: str
    task_index: int

    @property
    def workers(self) -> int:
        """Tasks that train: the chief and the workers."""
        return sum(len(self.jobs.get(job, [])) for job in ("chief", "worker"))

    @property
    def is_chief(self) -> bool:
        """The task that writes: the chief, or worker 0 when there is none."""
        return is_chief_task(self.task_type, self.task_index, "chief" in self.jobs)

    def __str__(self) -> str:
        return f"{self.task_type} {self.task_index} of {self.workers} workers"


def is_chief_task(task_type: str | None, task_index: int | None, has_chief: bool) -> bool:
    """The chief task, or worker 0 of a cluster without one; a process outside a cluster
    (``task_type`` None) is its own chief."""
    return task_type is None or task_type == "chief" or (
        task_type == "worker" and task_index == 0 and not has_chief)


def read_tf_config(text: str | None) -> Cluster | None:
    """The cluster of a ``TF_CONFIG`` value, or None for none (unset or empty); a value that
    cannot be used is a ``ConfigError`` that says why."""
    if not text or not text.strip():
        return None
    try:
        config = json.loads(text)
        jobs = {str(job): [str(address) for address in addresses]
                for job, addresses in config["cluster"].items()}
        task_type, task_index = str(config["task"]["type"]), int(config["task"]["index"])
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ConfigError(f"TF_CONFIG is not a cluster and a task ({type(error).__name__}: "
                          f"{error}); e.g. {{\"cluster\": {{\"worker\": [\"host1:2222\", "
                          f"\"host2:2222\"]}}, \"task\": {{\"type\": \"worker\", \"index\": 0}}}}"
                          ) from None
    others = sorted(set(jobs) - {"chief", "worker"})
    if others:
        raise ConfigError(f"TF_CONFIG has tasks of type {', '.join(others)}: the corpus model "
                          f"trains on chief and worker tasks only (MultiWorkerMirroredStrategy)")
    if len(jobs.get("chief", [])) > 1:
        raise ConfigError(f"TF_CONFIG has {len(jobs['chief'])} chiefs; at most one")
    if task_type not in jobs or not 0 <= task_index < len(jobs[task_type]):
        raise ConfigError(f"TF_CONFIG's task ({task_type} {task_index}) is not in its cluster "
                          f"({', '.join(f'{len(v)} {k}' for k, v in jobs.items())})")
    return Cluster(jobs, task_type, task_index)

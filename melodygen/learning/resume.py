"""The one resume format: where a training that stopped (Ctrl-C, a crash, a lost worker) goes on
from.

After every finished epoch the training's whole state is kept beside the model file to come, in
``MODEL.partial`` (``state_path``): the weights, the optimizer's variables, the best weights so far,
the history, and ``settings``: what the training is made of (its configurations and a digest of
its data). The file is written whole or not at all (``formats.cache.write_arrays``), by one
process (a distributed training's chief; every worker reads it). A training resumes only from a
state of the same settings: another collection, other sizes or other training settings are
refused, in one line that says what differs. The file goes once the model is saved.

The state holds the weights three times (and the optimizer's moments), so it can outgrow a
folder the model itself fits in: ``Keeper`` then lets the training go on without it, says so
once, and removes the older state it could not replace.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from ..core.errors import MelodyError, MelodyWarning
from ..formats import cache
from ..formats.files import write_atomic

PARTIAL_SUFFIX = ".partial"


def state_path(path: str | Path) -> Path:
    """Where the state of an unfinished training towards model file ``path`` is kept."""
    path = Path(path)
    return path.with_name(path.name + PARTIAL_SUFFIX)


def keep(path: Path, arrays: dict, meta: dict, settings: dict) -> None:
    """Keep one epoch's state (named ``arrays`` and JSON ``meta``) with its ``settings`` at
    ``path``, whole or not at all; a folder that cannot take it is a ``MelodyError`` that says
    why ("cannot write: No space left on device")."""
    write_atomic(path, cache.arrays_bytes(arrays, {"settings": settings, **meta}))


class Keeper:
    """``keep`` after every epoch, until the folder cannot take the state (a full disk): then a
    warning that says why and that this training cannot be resumed, the older state removed
    (it is of an earlier epoch), and the training goes on; the model file is written at its
    end, where it may still fit."""

    def __init__(self, path: Path, settings: dict) -> None:
        self.path, self.settings, self.failed = path, settings, None

    def __call__(self, state) -> None:
        """``state``: a ``TrainingState`` (its ``to_arrays``)."""
        if self.failed is not None:
            return
        try:
            keep(self.path, *state.to_arrays(), self.settings)
        except MelodyError as error:
            self.failed = str(error)
            self.path.unlink(missing_ok=True)
            warnings.warn(MelodyWarning(f"{error}: the training goes on without keeping its "
                                        "state, and cannot be resumed if it stops"),
                          stacklevel=2)


def read(path: Path, settings: dict) -> tuple[dict, dict]:
    """The arrays and meta kept at ``path``; a ``MelodyError`` when there is none, it is damaged,
    or it comes from a training of other settings (the message names what differs)."""
    kept = cache.read_arrays(path)
    if kept is None:
        what = "is damaged" if path.exists() else "does not exist"
        raise MelodyError(f"no training to resume: its state {what}; train without --resume",
                          source=str(path))
    arrays, meta = kept
    if meta.get("settings") != settings:
        differ = differences(meta.get("settings") or {}, settings)
        raise MelodyError(f"the training state here was made with other {differ}; train "
                          "without --resume to start again", source=str(path))
    return arrays, meta


def differences(kept: dict, wanted: dict) -> str:
    """What differs between two settings, in words: "data (another collection, or other tunes)",
    "model settings (units)", ..."""
    said = []
    if kept.get("data") != wanted.get("data"):
        said.append("data (another collection, or other tunes of it)")
    for part, words in (("model", "model settings"), ("train", "training settings")):
        names = sorted(name for name in set(kept.get(part) or {}) | set(wanted.get(part) or {})
                       if (kept.get(part) or {}).get(name) != (wanted.get(part) or {}).get(name))
        if names:
            said.append(f"{words} ({', '.join(name.replace('_', ' ') for name in names)})")
    return " and ".join(said) or "settings"

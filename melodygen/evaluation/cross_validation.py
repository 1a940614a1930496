"""k-fold cross-validation over the songs of a collection: every model on the same seeded folds,
scored by one metric (``metrics.py``).

The folds come from ``learning.splits.k_folds`` (versions of one tune stay in one fold). For
each fold, each model learns from the other folds and predicts every note of the fold's songs,
the first note of a song too, from the notes before it in that song.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

from ..core import display
from ..core.collection import Collection
from ..core.errors import ConfigError
from ..learning.interface import TrainingProgress
from ..learning.splits import k_folds, same_pitches_key, split
from .data import EvaluationData
from .metrics import SongScore, fold_means, score_song
from ..learning.collection.events import TASKS, Task
from .models import DYNAMIC_RATES, TASK_MODELS, NetworkModel, model_named, network_name

# Pearce (2005), 10-fold cross-validation, bits per note of the pitch, by (collection, task).
# Ch. 6, tables 6.2-6.6: chromatic pitch (cpitch) of the German children's songs (kinder) and of
# Bach's chorales; PPM's pitch is the same whether the length is predicted too, so its figures
# hold in the tasks "pitch" and "note". Ch. 7 (table 7.3) and 9 (table 9.8): the chorales'
# multiple-viewpoint systems, which know each note's length and onset and the key.
_CPITCH = {"essen/kinder": {"ppm-c2i": ("LTM C2I", 2.613), "ppm-c*i": ("LTM C*I", 2.428),
                            "ppm-ltm+": ("LTM+ C*I", 2.237), "ppm-both+": ("BOTH+", 2.106)},
           "chorales": {"ppm-c*i": ("LTM C*I", 2.444), "ppm-both+": ("BOTH+", 2.347)}}
PUBLISHED = {**{(source, task): figures for source, figures in _CPITCH.items()
                for task in ("pitch", "note")},
             ("chorales", "pitch-rhythm-key"): {
                 "ppm-both+": ("BOTH+ of cpitch", 2.347),
                 "mvs-conklin-witten": ("Conklin & Witten's viewpoints", 2.045),
                 "mvs-pearce": ("table 7.3 (with thrfiph)", 1.953),
                 "mvs-pearce-extended": ("table 9.8 (with phrases)", 1.911)}}
Progress = Callable[[str, float], None]  # (what is being done, share of the whole work done)


@dataclass
class FoldScores:
    """One model on one fold."""

    songs: list[SongScore]
    seconds: float

    @property
    def means(self) -> tuple[float, float, float]:
        return fold_means(self.songs)


@dataclass
class ModelResult:
    """One model over every fold."""

    name: str
    description: str
    task: Task = TASKS["note"]
    inputs: list[str] = field(default_factory=list)  # what it sees, in words
    folds: list[FoldScores] = field(default_factory=list)
    histories: list = field(default_factory=list)  # the LSTM's per fold (CollectionHistory)

    def __repr__(self) -> str:
        return display.text(self)

    @property
    def fold_bits_pitch(self) -> list[float]:
        return [fold.means[0] for fold in self.folds]

    @property
    def bits_pitch(self) -> float:
        """Mean over folds of the bits per note of the pitch (Pearce's figure)."""
        return sum(self.fold_bits_pitch) / len(self.folds)

    @property
    def bits_note(self) -> float | None:
        """Mean over folds of the bits per note of the pitch and the length (None in a task
        that predicts the pitch only)."""
        if not self.task.predicts_length:
            return None
        return sum(fold.means[1] for fold in self.folds) / len(self.folds)

    @property
    def accuracy_pitch(self) -> float:
        return sum(fold.means[2] for fold in self.folds) / len(self.folds)

    @property
    def seconds(self) -> float:
        return sum(fold.seconds for fold in self.folds)

    def song_bits(self) -> dict[str, float]:
        """Tune name -> its mean bits per note of the pitch."""
        return {song.name: float(song.pitch_bits.mean()) for fold in self.folds
                for song in fold.songs}

    def to_json(self) -> dict:
        length = self.task.predicts_length
        out = {"description": self.description, "task": self.task.name, "inputs": self.inputs,
               "bits_pitch": round(self.bits_pitch, 4),
               "bits_note": round(self.bits_note, 4) if length else None,
               "accuracy_pitch": round(self.accuracy_pitch, 4),
               "fold_bits_pitch": [round(x, 4) for x in self.fold_bits_pitch],
               "fold_bits_note": [round(fold.means[1], 4) for fold in self.folds] if length
               else None,
               "seconds": round(self.seconds, 2)}
        if self.histories:
            out["learning_curves"] = [history.to_json() for history in self.histories]
        return out


@dataclass
class Evaluation:
    """Every model of an evaluation, on the same folds of one collection."""

    source: str
    folds: list[list[int]]
    seed: int
    data: EvaluationData
    models: dict[str, ModelResult]
    task: Task = TASKS["note"]
    pretrain: str | None = None
    pretrain_facts: dict = field(default_factory=dict)  # tunes used and left out, seconds, ...
    seconds: float = 0.0

    def __repr__(self) -> str:
        return display.text(self)

    def _repr_html_(self) -> str:
        return display.html(self)  # its table (presentation.display)

    def published(self) -> dict[str, tuple[str, float]]:
        """Model name -> (Pearce's label, bits per note) where the literature gives a figure."""
        return PUBLISHED.get((self.source, self.task.name), {})

    def to_json(self) -> dict:
        return {"source": self.source, "task": self.task.name, "task_what": self.task.what,
                "folds": len(self.folds), "seed": self.seed,
                "songs": self.data.songs, "notes": self.data.note_count,
                "pitches": len(self.data.pitches),
                "tonics_from_the_files": self.data.keyed,
                "pretrain": self.pretrain, "pretraining": self.pretrain_facts,
                "seconds": round(self.seconds, 1),
                "published": {name: {"label": label, "bits_pitch": value}
                              for name, (label, value) in self.published().items()},
                "models": {name: model.to_json() for name, model in self.models.items()}}


@dataclass(frozen=True)
class NetworkSettings:
    """How the collection networks of an evaluation are built and trained."""

    networks: tuple = ()     # learning.CollectionModelConfig of a family (any not given: the
                             # family's defaults, ``network``)
    train: object = None     # learning.CollectionTrainConfig for every family, or a dict of
                             # them by family (None, or a family not in it: its defaults)
    fine_tune_rate: float = 1e-3  # the learning rate after pretraining
    pretrain: object = None  # CollectionTrainConfig of pretraining (None: PRETRAIN_DEFAULTS)

    def network(self, family: str):
        """The configuration of the ``family`` network: the one given, else its defaults
        (``learning.collection.config.FAMILY_DEFAULTS``: an LSTM layer of 128 units; two
        Transformer blocks of width 64, 4 heads)."""
        from ..learning.collection.config import model_config
        given = {config.family: config for config in self.networks}
        return given.get(family) or model_config(family)

    def training(self, family: str, seed: int):
        """How the ``family`` network trains on a fold: the configuration given, else its
        family's defaults with ``seed`` and a tenth of the training songs held out."""
        from ..learning.collection.config import train_config
        given = self.train.get(family) if isinstance(self.train, dict) else self.train
        return given or train_config(family, seed=seed, validation=FOLD_VALIDATION)


# Pretraining learns a big collection (all of Essen: 441,000 notes, about 30 s an epoch on two
# cores): a few epochs of larger batches, so that it takes minutes.
PRETRAIN_DEFAULTS = {"learning_rate": 3e-3, "batch_size": 64, "max_epochs": 8, "patience": 2,
                     "validation": 0.05}
FOLD_VALIDATION = 0.1  # the share of a fold's training songs held out for early stopping


def task_named(name: str) -> Task:
    """One of ``TASKS`` by name, else a ``ConfigError`` that lists them."""
    if name not in TASKS:
        raise ConfigError(f"unknown task {name!r}: one of {', '.join(TASKS)}")
    return TASKS[name]


def models_named(names: Sequence[str] | None, pretrain: bool, task: str = "note") -> list[str]:
    """The models asked for (None: the task's defaults, ``TASK_MODELS``), checked: PPM names,
    viewpoint systems (mvs-...), the networks (lstm, lstm+, transformer, ...) and with
    ``pretrain`` also the pretrained ones (pretrained, pretrained+, ...)."""
    task = task_named(task)
    out = list(dict.fromkeys(TASK_MODELS[task.name] if names is None else names))
    for name in out:
        network = network_name(name)
        if network is None:
            model_named(name, task)
        elif network[1] and not pretrain:
            raise ConfigError(f"model {name!r} needs --pretrain SOURCE")
    return out


def evaluate(collection: Collection, names: Sequence[str] | None = None, folds: int = 10,
             seed: int = 0, *, task: str = "note", pretrain: Collection | None = None,
             settings: NetworkSettings = NetworkSettings(), progress: Progress | None = None,
             epoch_progress: TrainingProgress | None = None,
             workers: int | None = None) -> Evaluation:
    """Every named model (None: the task's defaults, ``TASK_MODELS``) on the same ``folds``
    folds of ``collection`` (see the module), in ``task`` (``TASKS``: "pitch", the pitch from
    the pitches before it; "pitch-rhythm-key", also knowing the note's length and onset and the
    key; "note", the pitch and the length from everything before). ``pretrain``: the collection
    the ``pretrained`` models learn first. The PPM models' folds run in ``workers`` processes
    (default: one per core); the networks' in this process."""
    start = time.perf_counter()
    names = models_named(names, pretrain is not None, task)
    data = EvaluationData.of(collection)
    fold_sets = k_folds(collection, folds, seed)
    evaluators = _evaluators(names, data, TASKS[task], pretrain, settings, seed, progress,
                             epoch_progress)
    results = {}
    for name in names:
        evaluator = next(e for e, _ in evaluators if name in e.names)
        results[name] = ModelResult(name, evaluator.describe(name), evaluator.task,
                                    evaluator.inputs(name))
    pretrain_facts = next((facts for _, facts in evaluators if facts), {})
    jobs = [(evaluator, number) for evaluator, _ in evaluators for number in range(len(fold_sets))]
    done = {}  # (evaluator's place, fold) -> {model name: FoldScores}

    def report(job: int, what: str) -> None:
        if progress:
            evaluator, number = jobs[job]
            progress(f"fold {number + 1}/{len(fold_sets)}: {what}", job / len(jobs))

    ppm_jobs = [place for place, (evaluator, _) in enumerate(jobs)
                if not isinstance(evaluator, NetworkModel)]
    for places, scores in _ppm_folds(data, fold_sets, jobs, ppm_jobs, workers,
                                     lambda count: report(ppm_jobs[min(count, len(ppm_jobs) - 1)],
                                                          "PPM models")):
        done.update(zip(places, scores))
    for place, (evaluator, number) in enumerate(jobs):
        if place in done:
            continue
        test = fold_sets[number]
        train = [i for other, fold in enumerate(fold_sets) if other != number for i in fold]
        began = time.perf_counter()
        predictions = evaluator.fold(data, train, test, lambda what, place=place:
                                     report(place, what), epoch_progress)
        done[place] = _scores(data, test, predictions, time.perf_counter() - began)
    for place in sorted(done, key=lambda place: (jobs[place][1], place)):
        for name, scores in done[place].items():
            results[name].folds.append(scores)
    for evaluator, _ in evaluators:
        if isinstance(evaluator, NetworkModel):
            for name in evaluator.names:
                results[name].histories = list(evaluator.histories)
    if progress:
        progress("done", 1.0)
    return Evaluation(collection.name, fold_sets, seed, data, results, TASKS[task],
                      pretrain.name if pretrain is not None else None, pretrain_facts,
                      time.perf_counter() - start)


def _scores(data: EvaluationData, test: Sequence[int], predictions: dict,
            seconds: float) -> dict[str, FoldScores]:
    """A fold's predictions, model by model, scored: {model name: FoldScores}."""
    tunes = data.collection.tunes
    return {name: FoldScores([score_song(tunes[i].name, pitch_probs, data.pitch_sequences[i],
                                         note_probs)
                              for i, (pitch_probs, note_probs) in zip(test, songs)],
                             seconds / len(predictions))
            for name, songs in predictions.items()}


def _ppm_folds(data: EvaluationData, fold_sets, jobs, places, workers, progress):
    """(job places, their scores) of the PPM jobs ``places`` of ``jobs``, a fold's PPM models
    together (they share what each computes: ``PPMModel.fold``'s memo), as the folds finish, in
    ``workers`` processes (numpy only: the folds are independent)."""
    import os
    from concurrent.futures import ProcessPoolExecutor, as_completed

    by_fold: dict[int, list[int]] = {}
    for place in places:
        by_fold.setdefault(jobs[place][1], []).append(place)
    groups = [(number, [jobs[place][0] for place in group], group)
              for number, group in by_fold.items()]
    workers = min(workers or os.cpu_count() or 1, len(groups))
    if workers <= 1:
        for count, (number, evaluators, group) in enumerate(groups):
            progress(count * len(places) // max(len(groups), 1))
            yield group, _ppm_fold(data, fold_sets, evaluators, number)
        return
    with ProcessPoolExecutor(workers, initializer=_share, initargs=(data, fold_sets)) as pool:
        futures = {pool.submit(_ppm_fold_shared, evaluators, number): group
                   for number, evaluators, group in groups}
        for finished, future in enumerate(as_completed(futures)):
            progress(finished * len(places) // len(groups))
            yield futures[future], future.result()


_SHARED: dict = {}  # in a worker process: the evaluation's data, sent once


def _share(data: EvaluationData, fold_sets) -> None:
    _SHARED.update(data=data, folds=fold_sets)


def _ppm_fold_shared(evaluators, number: int) -> list[dict[str, FoldScores]]:
    return _ppm_fold(_SHARED["data"], _SHARED["folds"], evaluators, number)


def _ppm_fold(data: EvaluationData, fold_sets, evaluators, number: int
              ) -> list[dict[str, FoldScores]]:
    """The scores of each PPM model on fold ``number``, the models sharing their work."""
    test = fold_sets[number]
    train = [i for other, fold in enumerate(fold_sets) if other != number for i in fold]
    memo: dict = {}
    out = []
    for evaluator in evaluators:
        began = time.perf_counter()
        predictions = evaluator.fold(data, train, test, memo=memo)
        out.append(_scores(data, test, predictions, time.perf_counter() - began))
    return out


def _evaluators(names, data, task, pretrain, settings, seed, progress, epoch_progress) -> list:
    """(evaluator, facts of its pretraining) for the models asked for in ``task``; one training
    of a network per fold serves both a model and its + (dynamic) form."""
    out = [(model_named(name, task), {}) for name in names if network_name(name) is None]
    networks: dict[tuple[str, bool], dict[bool, str]] = {}  # (family, pretrained) -> names
    for name in names:
        if network_name(name) is not None:
            family, pretrained, dynamic = network_name(name)
            networks.setdefault((family, pretrained), {})[dynamic] = name
    if not networks:
        return out
    from dataclasses import replace

    from ..learning.collection.config import CollectionTrainConfig
    from ..learning.collection.events import EventVocabulary

    melodies = data.collection.melodies() + (pretrain.melodies() if pretrain is not None else [])
    vocabulary = EventVocabulary.from_melodies(melodies)
    for (family, pretrained), named in networks.items():
        model_config = replace(settings.network(family), task=task.name)
        weights, facts, config = None, {}, settings.training(family, seed)
        if pretrained:
            pretrain_config = settings.pretrain or CollectionTrainConfig(seed=seed,
                                                                         **PRETRAIN_DEFAULTS)
            weights, facts = _pretrain(pretrain, data, model_config, pretrain_config, vocabulary,
                                       progress, epoch_progress)
            config = replace(config, learning_rate=settings.fine_tune_rate)
        out.append((NetworkModel(named.get(False), named.get(True), model_config, config,
                                 vocabulary, pretrained=weights,
                                 dynamic_rate=DYNAMIC_RATES[family]), facts))
    return out


def _pretrain(pretrain: Collection, data: EvaluationData, model_config, train_config, vocabulary,
              progress, epoch_progress):
    """Weights learnt from ``pretrain`` without any tune that has the same pitches, in any
    transposition, as a tune of the evaluated collection; and the facts of it. The weights are
    kept in the cache folder, keyed by everything they come from, and taken from there the next
    time."""
    from ..learning.collection import training
    from ..learning.collection.events import encode_song, tonic

    began = time.perf_counter()
    evaluated = {same_pitches_key(tune.melody) for tune in data.collection.tunes}
    kept = [tune for tune in pretrain.tunes if same_pitches_key(tune.melody) not in evaluated]
    key = _pretraining_key(kept, model_config, train_config, vocabulary)
    found = _cached_weights(key)
    if found is not None:
        weights, facts = found
        if progress:
            progress(f"pretrained on {pretrain.name}: taken from the cache", 0.0)
        return weights, {**facts, "from_cache": True}
    if progress:
        progress(f"pretraining on {pretrain.name}: {len(kept):,} tunes "
                 f"({len(pretrain) - len(kept):,} left out as tunes of {data.collection.name})",
                 0.0)
    knows_key = TASKS[model_config.task].knows_key  # else pitches relative to C
    rows = [encode_song(tune.melody, tonic(tune.melody) if knows_key else 0, vocabulary)
            for tune in kept]
    parts = split([tune.melody for tune in kept], train_config.validation,
                  seed=train_config.seed)
    model = training.new_network(model_config, vocabulary, train_config.seed)
    history = training.fit(model, [rows[i] for i in parts.train],
                                    [rows[i] for i in parts.validation], train_config,
                                    epoch_progress)
    facts = {"source": pretrain.name, "tunes": len(kept), "left_out": len(pretrain) - len(kept),
             "epochs": len(history.validation_bits), "best_epoch": history.best_epoch,
             "validation_bits": round(history.validation_bits[history.best_epoch - 1], 4),
             "seconds": round(time.perf_counter() - began, 1),
             "learning_curve": history.to_json()}
    weights = model.get_weights()
    _keep_weights(key, weights, facts)
    return weights, facts


def _pretraining_key(tunes, model_config, train_config, vocabulary) -> str:
    """What pretrained weights come from: the tunes' notes, the settings, the vocabulary."""
    import hashlib
    import json
    from dataclasses import asdict

    digest = hashlib.sha256()
    for tune in tunes:
        digest.update(repr((tune.key, tune.melody.time_signature, tune.melody.pickup,
                            tune.melody.notes)).encode())
    digest.update(json.dumps([model_config.to_json(), asdict(train_config),
                              vocabulary.to_json(), PRETRAINING_VERSION],
                             sort_keys=True, default=str).encode())
    return "pretrained-" + digest.hexdigest()[:32]


PRETRAINING_VERSION = 1  # raise it when the collection model or its training changes


def _cached_weights(key: str):
    """(weights, facts) kept under ``key``, or None (a damaged entry is never trusted)."""
    from ..formats.cache import load_arrays

    found = load_arrays(key)
    if found is None:
        return None
    arrays, facts = found
    try:
        return [arrays[f"w{i}"] for i in range(facts["weights"])], facts["facts"]
    except KeyError:
        return None


def _keep_weights(key: str, weights, facts) -> None:
    """Keep pretrained weights in the cache folder (a folder that cannot be written only costs
    the next evaluation its time)."""
    from ..formats.cache import save_arrays

    save_arrays(key, {f"w{i}": w for i, w in enumerate(weights)},
                {"weights": len(weights), "facts": facts})

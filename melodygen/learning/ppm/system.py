"""IDyOM's multiple-viewpoint systems: the pitch of each note predicted by a PPM model per
viewpoint, long-term and short-term, their predictions combined (Conklin & Witten 1995; Pearce
2005, ch. 7; IDyOM 1.7.1 ``mvs/multiple-viewpoint-system.lisp``).

For each note of a test song and each viewpoint of the system (``viewpoints.py``):

1. The viewpoint's element of the note is undefined: the viewpoint says nothing about this
   note (``model-event``: no prediction, nothing learnt).
2. Else its model predicts over the elements the note could have: for each pitch of the
   alphabet, the element the note would have with that pitch and its real duration, onset and
   key (``set-model-alphabets`` with ``*marginalise-using-current-event*`` = 1: the basic
   viewpoints of the system, here the pitch, take their whole alphabets, the others keep the
   note's values; IDyOM's default, 2, would sum over durations the note does not have). Pitches
   whose element is undefined are dropped; the model's alphabet is the distinct elements left
   (``set-alphabet-from-context``; ``blend``'s restricted alphabet).
3. Each element's probability is shared equally among the pitches that give it, the result
   normalised (``derived->basic``): a distribution over the pitches.

The viewpoints' distributions are combined by entropy-weighted geometric or arithmetic means
(``combine.py``), the long-term models' together and the short-term models' together; if no
viewpoint of a system says anything about a note, the pitch is uniform (IDyOM's ``:flat``).
Then the long-term with the short-term (``combine-predictions``). LTM: learnt from the
training songs; LTM+: also each test song as it reads it (kept for the next); STM: each test
song alone (``indexes.py``).

IDyOM's defaults (``mvs/params.lisp``) are the ``SystemConfig`` defaults: LTM C*I, STM X*UI,
geometric combination, bias 2 between viewpoints and 7 between LTM and STM; Pearce (2005, 7.4)
used the same (LTM+ C*I, STM X*UI, "geometric with a bias of 7 for LTM-STM combination and a
bias of 2 for viewpoint combination").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ...core.errors import ConfigError
from .combine import COMBINATIONS, combine
from .events import Events
from .indexes import CountIndex, ReadingIndex
from .model import PPMConfig
from .viewpoints import Notes, components, elements, encode, predicts_pitch

PARTS = ("ltm", "ltm+", "stm", "both", "both+")


@dataclass(frozen=True)
class SystemConfig:
    """A multiple-viewpoint system and its settings, validated on creation."""

    viewpoints: tuple[str, ...]            # e.g. ("cpint*dur", "cpintfref*cpint")
    name: str = ""                         # what tables call it
    ltm: str = "C*I"                       # the long-term models (the thesis's notation)
    stm: str = "X*UI"                      # the short-term models
    viewpoint_combination: str = "geometric"
    viewpoint_bias: float = 2.0
    ltm_stm_combination: str = "geometric"
    ltm_stm_bias: float = 7.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "viewpoints", tuple(self.viewpoints))
        if not self.viewpoints:
            raise ConfigError("a viewpoint system needs at least one viewpoint")
        for viewpoint in self.viewpoints:
            if not predicts_pitch(viewpoint):
                raise ConfigError(f"viewpoint {viewpoint!r} cannot predict the pitch (none of "
                                  f"{', '.join(p.name for p in components(viewpoint))} depends "
                                  "on it); link it with one that does, e.g. cpint*" + viewpoint)
        if len(set(self.viewpoints)) != len(self.viewpoints):
            raise ConfigError(f"a viewpoint is named twice in {', '.join(self.viewpoints)}")
        for model in (self.ltm, self.stm):
            PPMConfig.named(model, 1)
        for method in (self.viewpoint_combination, self.ltm_stm_combination):
            if method not in COMBINATIONS:
                raise ConfigError(f"combination must be one of {', '.join(COMBINATIONS)}, "
                                  f"got {method!r}")
        if not self.name:
            object.__setattr__(self, "name", " ".join(self.viewpoints))


# Named systems. Conklin & Witten's (1995) best, as Pearce (2005, 7.4) ran it; Pearce's (2005)
# forward stepwise selections on the chorales, tables 7.3 and 9.8 (the extended feature set),
# without the viewpoints of phrases (melodygen keeps none); melodygen's own selection the same way
# on the chorales (benchmarks/select_viewpoints.py, 10 stages).
SYSTEMS = {
    "cpitch": SystemConfig(("cpitch",), "cpitch"),
    "conklin-witten": SystemConfig(("cpintfref*cpint", "cpint*ioi", "cpitch", "cpintfref*fib"),
                                   "Conklin & Witten (1995)"),
    "pearce": SystemConfig(("cpint*dur", "cpintfref*cpintfip", "cpitch*dur", "cpintfref*fib",
                            "thrtactus", "cpintfref*dur", "cpint*dur-ratio", "cpintfip"),
                           "Pearce (2005), table 7.3 without thrfiph"),
    "pearce-extended": SystemConfig(("cpint*dur", "cpintfref*mode", "cpintfref*cpintfip",
                                     "cpitch*dur", "cpint*dur-ratio", "cpint*inscale",
                                     "cpintfref*dur"),
                                    "Pearce (2005), table 9.8 without thrfiph, cpintfref*liph "
                                    "and cpintfiph"),
    "selected": SystemConfig(("cpint*posinbar", "cpintfref*cpintfip", "cpintfref*mode*dur",
                              "cpint*inscale", "thrtactus", "cpitch*dur", "cpint*dur",
                              "cpintfref*posinbar"),
                             "forward stepwise selection on the chorales"),
}


def system_named(name: str) -> SystemConfig:
    """A named system (``SYSTEMS``), or one made from viewpoint names joined by commas:
    ``"cpint*dur,cpintfref*cpint"``."""
    if name in SYSTEMS:
        return SYSTEMS[name]
    return SystemConfig(tuple(part.strip() for part in name.split(",") if part.strip()))


def system_distributions(system: SystemConfig | str, songs: Sequence[Events],
                         train: Sequence[int], test: Sequence[int], part: str = "both+",
                         pitches: Sequence[int] | None = None) -> list[np.ndarray]:
    """The pitch of every note of the songs ``test`` predicted by ``system`` (or its name,
    ``system_named``) learnt from the songs ``train`` (indices into ``songs``, in the order
    learnt; LTM+ reads the test songs in their order): one (len(song), len(pitches)) array per
    test song, each row a distribution over ``pitches`` (MIDI numbers, rising; default: every
    pitch of ``songs``, IDyOM's alphabet of the data set). ``part``: "ltm", "ltm+", "stm",
    "both" or "both+" (IDyOM's ``:models``)."""
    if isinstance(system, str):
        system = system_named(system)
    if part not in PARTS:
        raise ConfigError(f"part must be one of {', '.join(PARTS)}, got {part!r}")
    if set(train) & set(test):
        raise ConfigError(f"songs {sorted(set(train) & set(test))} are both learnt and tested")
    alphabet = np.array(sorted({int(p) for song in songs for p in song.pitch})
                        if pitches is None else pitches, dtype=np.int64)
    train, test = list(train), list(test)
    for index in test:
        missing = set(songs[index].pitch.tolist()) - set(alphabet.tolist())
        if missing:
            raise ConfigError(f"test song {index} has pitches {sorted(missing)} outside the "
                              "alphabet")
    notes = Notes.of([songs[i] for i in train + test])
    test_rows = np.arange(int(notes.lengths[:len(train)].sum()), len(notes))
    split_at = np.cumsum(notes.lengths[len(train):])[:-1]      # the test songs' boundaries
    long_term, short_term, present = [], [], []
    for viewpoint in system.viewpoints:
        sequences, slots, defined, size = _viewpoint_sequences(viewpoint, notes, test_rows,
                                                               alphabet)
        test_slots = [rows[mask] for rows, mask in zip(np.split(slots, split_at),
                                                        np.split(defined, split_at))]
        present.append(defined)
        if part != "stm":
            config = PPMConfig.named(system.ltm, max(size, 1))
            if part.endswith("+"):
                predicted = ReadingIndex(config, sequences).distributions(len(train), test_slots)
            else:
                predicted = CountIndex(config, sequences[:len(train)]).distributions(
                    sequences[len(train):], test_slots)
            long_term.append(_spread(predicted, defined, len(alphabet)))
        if part in ("stm", "both", "both+"):
            config = PPMConfig.named(system.stm, max(size, 1))
            predicted = ReadingIndex(config, sequences[len(train):], ends=False,
                                     separate=True).distributions(0, test_slots)
            short_term.append(_spread(predicted, defined, len(alphabet)))
    present = np.stack(present)
    combined = [combine(models, system.viewpoint_bias, system.viewpoint_combination, present)
                for models in (long_term, short_term) if models]
    if len(combined) == 2:
        combined = [combine(combined, system.ltm_stm_bias, system.ltm_stm_combination)]
    return np.split(combined[0], split_at)


def _viewpoint_sequences(viewpoint: str, notes: Notes, test_rows: np.ndarray,
                         alphabet: np.ndarray
                         ) -> tuple[list[np.ndarray], np.ndarray, np.ndarray, int]:
    """A viewpoint's view of the songs: (each song's sequence of defined elements as indices
    into the viewpoint's alphabet; for each test note the element of each pitch of ``alphabet``
    with the note's other attributes (len(test_rows), P), -1 where undefined or where the note's
    own is; whether the test note's own element is defined (len(test_rows),); the size of the
    viewpoint's alphabet)."""
    candidates = np.broadcast_to(alphabet, (len(test_rows), len(alphabet)))
    (actual, slots), size = encode(elements(viewpoint, notes, np.arange(len(notes)), notes.pitch),
                                elements(viewpoint, notes, test_rows, candidates))
    defined = actual[test_rows] >= 0
    sequences = [song[song >= 0] for song in np.split(actual, np.cumsum(notes.lengths)[:-1])]
    return sequences, np.where(defined[:, None], slots, -1), defined, size


def _spread(predicted: list[np.ndarray], defined: np.ndarray, width: int) -> np.ndarray:
    """The test songs' predictions of their defined notes -> (test notes, P), 0 elsewhere."""
    out = np.zeros((len(defined), width))
    out[defined] = np.concatenate(predicted) if predicted else np.zeros((0, width))
    return out

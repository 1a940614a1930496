"""How to generate, for a model of either kind: ``GenerateConfig``, validated on creation (a bad
value is a ``ConfigError``), and ``make_config``, which fills in a model's defaults.

A melody is either a number of notes after the primer (``length``; a model of one song by
default: as many as its song has after its opening), then to the next bar line; or a number of
whole bars (``bars``; a model of a collection by default: 16), shaped by ``rules``. Choosing is
greedy (the most likely note: a model of one song by default, it replays what it learnt) or
sampling (temperature, top-k, top-p: ``sampling.py``; a model of a collection by default, at
temperature 1). Melody ``i`` (0-based) samples with numpy's PCG64 seeded ``(seed, i)``: the same
seed gives the same melodies, and melody ``i`` does not depend on ``count``.
"""

from __future__ import annotations

import secrets
import warnings
from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, Sequence

import numpy as np

from ..core.errors import ConfigError, MelodyError, MelodyWarning
from ..core.form import form_error, layout
from ..core.keys import Key
from ..core.note import Note
from ..formats.notation import note_label, parse_notes
from ..learning.interface import MelodyModel
from ..learning.modelfile import SONG
from .sampling import sample, sampling_error

PRIMER_SOURCE = "--primer"
# The most a melody may hold, refused up front: a tune takes about 1-3 ms a note to generate,
# so these are a few minutes (docs/generating.md; benchmarks/bench_generate.py).
MAX_BARS = 10_000
MAX_LENGTH = 50_000  # notes


@dataclass(frozen=True)
class GenerateConfig:
    """What to generate and how (``make_config`` fills in a model's defaults)."""

    primer: tuple[Note, ...]        # the notes the model continues (none: from the start)
    time_signature: tuple[int, int]  # the melodies' meter
    tempo: float                    # quarter notes per minute
    key: Key | None                 # their key (a model of one song: its song's)
    title: str                      # melody N is called "TITLE N"
    length: int | None = None       # notes after the primer, then to the next bar line; or
    bars: int | None = None         # whole bars after the pickup (one of the two, not both)
    pickup: Fraction = Fraction(0)  # quarter notes of the primer before its first bar line
    end_on_tonic: bool = False      # the last note is the key's tonic (held to the end, with bars)
    temperature: float | None = None  # None with top_k and top_p None: greedy (argmax)
    top_k: int | None = None        # keep the k most likely notes
    top_p: float | None = None      # keep the most likely notes up to this total probability
    count: int = 1                  # melodies
    seed: int | None = None         # None when sampling: a fresh random seed, kept here
    include_primer: bool = True     # the melodies start with the primer
    form: str | None = None         # with bars: the parts as played (AABB, AABA: core.form),
                                    # None for no parts (whole bars and the tonic ending only)
    part_bars: int | None = None    # with a form: the bars of each part (bars = written parts
                                    # times part_bars)
    pickups: tuple[tuple[Fraction, int], ...] = ()  # pickup lengths (quarter notes) and how many
                                    # tunes of the collection start with each: each tune draws
                                    # its own (none: every tune starts after ``pickup``)
    motifs: bool = False            # with a form: the bars repeat one another as those of a
                                    # tune of the collection do (generation.form)
    forms: tuple[tuple[str, int, int], ...] = ()  # with the form "collection": the collection's
                                    # forms (letters, part bars, tunes): each tune draws its own
    cadences: tuple[tuple[int, int], ...] = ()  # with a form: the degrees (semitones above the
                                    # tonic) the collection's parts but the last end on, and how
                                    # many: each part draws its own among the stable ones

    def __post_init__(self) -> None:
        measure = Fraction(4 * self.time_signature[0], self.time_signature[1])
        primer = sum((note.duration for note in self.primer), Fraction(0))
        problems = [
            ((self.length is None) == (self.bars is None),
             "give a length (notes) or a number of bars, not both"
             if self.length is not None else "give a length (notes) or a number of bars"),
            (self.length is not None and self.length < 1,
             f"length must be at least 1 note, got {self.length}"),
            (self.length is not None and self.length > MAX_LENGTH,
             f"length must be at most {MAX_LENGTH:,} notes, got {self.length}: generate the "
             "melody in parts"),
            (self.bars is not None and self.bars < 1, f"bars must be at least 1, got {self.bars}"),
            (self.bars is not None and self.bars > MAX_BARS,
             f"bars must be at most {MAX_BARS:,}, got {self.bars}: generate the tune in parts"),
            (self.count < 1, f"count must be at least 1, got {self.count}"),
            (self.seed is not None and self.seed < 0, f"seed must be 0 or more, got {self.seed}"),
            (not 10 <= self.tempo <= 400,
             f"tempo must be 10..400 quarter notes per minute, got {self.tempo}"),
            (self.bars is not None and primer - self.pickup >= self.bars * measure,
             f"the primer lasts {primer} quarter notes, as long as the {self.bars} bars of "
             f"{self.time_signature[0]}/{self.time_signature[1]} or longer"),
        ]
        if self.form == COLLECTION_FORMS:
            problems += [(not self.forms, "the form 'collection' needs the collection's forms")]
        elif self.form is not None:
            problems += [
                (form_error(self.form) is not None, form_error(self.form) or ""),
                (self.bars is None, "a form needs a number of bars, not a length in notes"),
                (self.part_bars is None or self.part_bars < 1,
                 f"part bars must be at least 1, got {self.part_bars}"),
                (self.bars is not None and self.part_bars is not None and
                 self.bars != self.part_bars * written_parts(self.form),
                 f"{self.bars} bars are not the {written_parts(self.form)} written parts of "
                 f"{self.form} of {self.part_bars} bars each"),
                (self.bars is not None and self.pickup > 0 and bool(self.primer),
                 "a tune with form starts its primer on a downbeat (no pickup)")]
        problems += [(not 0 <= length < measure,
                      f"a pickup lasts 0 to less than a bar ({measure} quarter notes), got {length}")
                     for length, _ in self.pickups]
        error = sampling_error(self.temperature, self.top_k, self.top_p) or \
            next((message for bad, message in problems if bad), None)
        if error:
            raise ConfigError(error)
        if self.seed is None and not self.greedy:
            object.__setattr__(self, "seed", secrets.randbelow(2 ** 32))

    @property
    def greedy(self) -> bool:
        return self.temperature is None and self.top_k is None and self.top_p is None

    @property
    def measure(self) -> Fraction:
        """One bar, in quarter notes."""
        beats, unit = self.time_signature
        return Fraction(4 * beats, unit)

    def chooser(self, index: int) -> Callable[[np.ndarray], int]:
        """How melody ``index`` (0-based) picks each note."""
        if self.greedy:
            return lambda probs: int(np.argmax(probs))
        rng = np.random.default_rng([self.seed, index])
        temperature = 1.0 if self.temperature is None else self.temperature
        return lambda probs: sample(probs, temperature, self.top_k, self.top_p, rng)

    def describe(self) -> str:
        """'greedy' or 'sampling: temperature 0.9, top-k 5, seed 7'."""
        if self.greedy:
            return "greedy"
        parts = [f"temperature {1.0 if self.temperature is None else self.temperature:g}"]
        parts += [f"top-k {self.top_k}"] if self.top_k is not None else []
        parts += [f"top-p {self.top_p:g}"] if self.top_p is not None else []
        return "sampling: " + ", ".join(parts + [f"seed {self.seed}"])

    def to_json(self) -> dict:
        """The settings, as summary.json keeps them."""
        beats, unit = self.time_signature
        return {"choosing": self.describe(),
                "primer": " ".join(note_label(note, self.key) for note in self.primer),
                "primer_notes": len(self.primer), "length": self.length, "bars": self.bars,
                "key": None if self.key is None else str(self.key), "meter": f"{beats}/{unit}",
                "tempo": self.tempo, "end": "tonic" if self.end_on_tonic else "free",
                "temperature": self.temperature, "top_k": self.top_k, "top_p": self.top_p,
                "count": self.count, "seed": None if self.greedy else self.seed,
                "include_primer": self.include_primer, "form": self.form,
                "part_bars": self.part_bars, "motifs": self.motifs,
                "forms": {f"{letters}/{bars}": n for letters, bars, n in self.forms},
                "pickups": {str(length): n for length, n in self.pickups}}


def make_config(model: MelodyModel, *, primer: str | Sequence[Note] | None = None,
                length: int | None = None, bars: int | None = None, key: str | Key | None = None,
                meter: str | tuple[int, int] | None = None, tempo: float | None = None,
                end_on_tonic: bool | None = None, temperature: float | None = None,
                top_k: int | None = None, top_p: float | None = None, count: int = 1,
                seed: int | None = None, include_primer: bool = True, form: str | None = None,
                part_bars: int | None = None, motifs: bool | None = None) -> GenerateConfig:
    """A checked ``GenerateConfig`` for ``model``; what is not given is the model's
    (``MelodyModel.defaults``): a model of one song continues its song's opening, greedily, for
    as many notes as the song has after it; a model of a collection writes tunes in its most
    common meter, key and form (``form_settings``), ending on the tonic, sampling at temperature
    1, at the tempo of its kind of tune. A model of one song writes in its song's key and meter
    only. A meter the model never learnt is a ``MelodyWarning``."""
    error = sampling_error(temperature, top_k, top_p)
    if error:  # before the primer: a bad setting is reported whatever the primer
        raise ConfigError(error)
    if bars is not None and length is not None:
        raise ConfigError("give --length (notes) or --bars, not both")
    defaults = model.defaults
    song = model.kind == SONG
    for name, value in (("key", key), ("meter", meter), ("form", form),
                        ("part-bars", part_bars)):
        if song and value is not None:
            raise ConfigError(f"--{name} needs a model of a collection (melodygen train SOURCE); "
                              f"a model of one song keeps its song's {name}")
    if not song and not include_primer:
        raise ConfigError("a tune of a collection's model starts with its primer (leave "
                          "--no-primer-in-output out)")
    if bars is None and length is None:  # a collection's form sets its bars (form_settings)
        length, bars = defaults.length, defaults.bars if model.form is None else None
    if temperature is None and top_k is None and top_p is None and not song:
        temperature = 1.0
    key = parse_key(key) if key is not None else defaults.key
    meter = parse_meter(meter) if meter is not None else defaults.time_signature
    learnt = model.meters()
    if learnt is not None and meter not in learnt:
        warnings.warn(MelodyWarning(
            f"the model learnt no tune in {meter[0]}/{meter[1]} (it learnt "
            f"{', '.join(f'{b}/{u}' for b, u in learnt)}): expect bars of another meter's "
            "rhythm"))
    notes = resolve_primer(model, primer)
    pickup = defaults.pickup if include_primer else \
        (defaults.pickup - sum((note.duration for note in notes), Fraction(0))) % \
        Fraction(4 * meter[0], meter[1])
    facts = model.form
    form, part_bars, bars = form_settings(facts, form, part_bars, bars, length)
    if bars is None and length is None:
        bars = defaults.bars
    if tempo is None and facts is not None and facts.tempo is None:
        tempo = facts.dance_tempo(meter)  # the tempo of its kind of tune in this meter
    return GenerateConfig(
        notes, meter, tempo if tempo is not None else defaults.tempo, key, defaults.title,
        length=length, bars=bars, pickup=pickup,
        end_on_tonic=(not song) if end_on_tonic is None else end_on_tonic,
        temperature=temperature, top_k=top_k, top_p=top_p, count=count, seed=seed,
        include_primer=include_primer, form=form, part_bars=part_bars,
        pickups=() if facts is None or notes or form is None else
        tuple(sorted(facts.pickups.items())),
        motifs=form is not None and (True if motifs is None else motifs),
        cadences=() if facts is None or form is None else tuple(sorted(facts.cadences.items())),
        forms=tuple((name.split("/")[0], int(name.split("/")[1]), n)
                    for name, n in sorted(facts.forms.items()))
        if form == COLLECTION_FORMS else ())


NO_FORM = "none"  # --form none: whole bars and the tonic ending, no parts
COLLECTION_FORMS = "collection"  # --form collection: each tune a form of the collection's


def written_parts(letters: str) -> int:
    """The parts a form writes out: 'AABB' 2, 'AABA' 3, 'ABAC' 4."""
    return len(layout(letters, 1, Fraction(1)).parts)


def form_settings(facts, form: str | None, part_bars: int | None, bars: int | None,
                  length: int | None) -> tuple[str | None, int | None, int | None]:
    """(form, part bars, bars) of a tune from what was asked and the collection's most common
    form (``facts``: ``FormFacts``, None for a model of one song):

    - nothing asked: the collection's form and its part's bars;
    - ``bars`` alone: the collection's form when its written parts divide them, else one part
      (``A``) of ``bars`` bars;
    - a form (and part bars, or the collection's): bars are its written parts times part bars
      (``bars``, if given too, must be that many, or divide into its parts);
    - ``collection`` (``COLLECTION_FORMS``): each tune draws a form of the collection's (its bars
      then its own: ``bars`` are the most common form's, and may not be asked);
    - ``none`` (``NO_FORM``), a length in notes, or a model of one song: no form."""
    if facts is None or length is not None or form == NO_FORM:
        if form == NO_FORM and part_bars is not None:
            raise ConfigError("--part-bars needs a form (not --form none)")
        return None, None, bars
    if form is not None and form.strip().lower() == COLLECTION_FORMS:
        if part_bars is not None or bars is not None:
            raise ConfigError("--form collection draws each tune's form and length from the "
                              "collection's: leave --part-bars and --bars out")
        usual, usual_bars = facts.form
        return COLLECTION_FORMS, None, written_parts(usual) * usual_bars
    if form is not None:
        form = form.strip().upper()
        error = form_error(form)
        if error:
            raise ConfigError(error)
    usual, usual_bars = facts.form
    if form is None and part_bars is None and bars is not None:
        parts = written_parts(usual)
        return (usual, bars // parts, bars) if bars % parts == 0 else ("A", bars, bars)
    form = form or usual
    parts = written_parts(form)
    if part_bars is None:
        part_bars = bars // parts if bars is not None and bars % parts == 0 else usual_bars
    if bars is not None and bars != parts * part_bars:
        raise ConfigError(f"--bars {bars} is not the {parts} written parts of {form} of "
                          f"{part_bars} bars each; leave --bars out or give {parts * part_bars}")
    return form, part_bars, parts * part_bars


def resolve_primer(model: MelodyModel, primer: str | Sequence[Note] | None) -> tuple[Note, ...]:
    """None -> the model's default primer; tokens ("g8 e8 e4", bar lines ignored) or notes ->
    notes, which the model must be able to read (``MelodyModel.check_notes``)."""
    if primer is None:
        return model.defaults.primer
    if isinstance(primer, str):
        text = primer.replace("|", " ")  # one space for one bar line: columns stay right
        notes = tuple(parse_notes(text, source=PRIMER_SOURCE)) if text.split() else ()
    else:
        notes = tuple(primer)
    if not notes:
        raise MelodyError("a primer needs at least one note", source=PRIMER_SOURCE)
    model.check_notes(notes, PRIMER_SOURCE)
    return notes


def parse_key(text: str | Key) -> Key:
    """'G', 'D minor', 'F#m', 'Bb', 'Dmix' -> Key (``Key.parse``); a bad one is a
    ``ConfigError``."""
    if isinstance(text, Key):
        return text
    try:
        return Key.parse(text)
    except ValueError:
        raise ConfigError(f"unknown key {text!r} (write a tonic and a mode: G, D minor, F#m, "
                          "Bb, Dmix)") from None


def parse_meter(text: str | tuple[int, int]) -> tuple[int, int]:
    """'3/4' -> (3, 4); a meter a Melody cannot have is a ``ConfigError``."""
    import re

    if isinstance(text, tuple):
        beats, unit = text
    else:
        found = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text or "")
        beats, unit = (int(found.group(1)), int(found.group(2))) if found else (0, 0)
    if beats < 1 or unit not in (1, 2, 4, 8, 16, 32):
        raise ConfigError(f"unknown meter {text!r} (write beats/unit: 3/4, 6/8, 2/2)")
    return beats, unit

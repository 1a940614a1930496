"""ABC with form: the reader keeps a tune's repeat signs, endings and parts (``marks``), the
writer writes a tune's parts with their letters and repeat signs, and ABC's own programs
(abc2midi, abcm2ps) read what melodygen writes without an error or a warning, abc2midi playing
the notes melodygen plays."""

from __future__ import annotations

import subprocess
from fractions import Fraction as F

import numpy as np
import pytest
from abc_testing import tune
from conftest import onsets_and_pitches
from external import need_program

from melodygen.core.form import layout, tune_form
from melodygen.core.keys import Key
from melodygen.core.note import Melody, Note
from melodygen.formats import abc

JIG = """X:1
T:The Test
M:6/8
L:1/8
K:D
A|:dfa afd|[1 d3 d2A:|[2 d3 d2||
P:B
|:e|fed cBA:|
"""


def test_the_reader_keeps_the_repeat_signs_endings_and_parts_with_their_times():
    reading = abc.read_tune(tune(JIG))
    assert reading.marks == (("|:", F(1, 2)), ("[1", F(7, 2)), (":|", F(13, 2)),
                             ("[2", F(13, 2)), ("||", F(9)), ("P:B", F(9)), ("|:", F(9)),
                             (":|", F(25, 2)))
    form = tune_form(reading.melody, reading.marks)
    assert form.letters == "AABB"
    assert [(p.start, p.end, p.endings) for p in form.parts] == [
        (F(0), F(9), (F(7, 2), F(13, 2))), (F(9), F(25, 2), None)]


def jig(pickup: bool = True) -> Melody:
    """Two parts of 2 bars of 6/8 (AABB), each starting with an eighth's pickup, the last bar of
    each part short by it: a dotted quarter tied to a quarter, five eighths."""
    a = [(69, 1), (74, 1), (78, 1), (81, 1), (81, 1), (78, 1), (74, 1), (74, 5)]
    b = [(76, 1), (78, 1), (76, 1), (74, 1), (73, 1), (71, 1), (69, 1), (74, 5)]
    notes = [Note(p, F(n, 2)) for p, n in a + b]
    return Melody(tuple(notes), "The Test", (6, 8), 165.0, pickup=F(1, 2) if pickup else F(0),
                  key=Key.parse("D"))


def test_a_tune_is_written_in_its_parts():
    """Its parts' lines are short (two bars): abcm2ps is told not to stretch them."""
    melody = jig()
    form = layout("AABB", 2, melody.measure_length)
    assert abc.abc_text(melody, form=form, rhythm="jig") == (
        "X:1\nT:The Test\nR:jig\nM:6/8\nL:1/8\nQ:3/8=110\n%%stretchstaff 0\nK:D\n"
        "P:A\n|: A | dfa afd | d3- d2 :|\n"
        "P:B\n|: e | fed cBA | d3- d2 :|\n")
    reading = abc.read_tune(tune(abc.abc_text(melody, form=form)))
    assert reading.melody.notes == melody.notes and reading.melody.pickup == F(1, 2)
    assert tune_form(reading.melody, reading.marks) == form


@pytest.mark.parametrize("letters", ["AABB", "AB", "AABA", "ABAC", "A"])
def test_every_form_reads_back(letters):
    measure = F(3)
    form = layout(letters, 2, measure)
    parts = {}
    rng = np.random.default_rng(len(letters))
    notes = []
    for part in form.parts:  # a part of its letter again is the same notes
        if part.label not in parts:
            parts[part.label] = [Note(int(rng.integers(62, 80)), F(1, 2)) for _ in range(11)] + \
                                [Note(62, F(1, 2))]
        notes += parts[part.label]
    melody = Melody(tuple(notes), "t", (6, 8), key=Key.parse("D"))
    reading = abc.read_tune(tune(abc.abc_text(melody, form=form)))
    assert reading.melody.notes == melody.notes
    assert tune_form(reading.melody, reading.marks).letters == letters


def melodies() -> list[tuple[Melody, object]]:
    """Tunes as generation makes them, in many meters, with and without a pickup and a form,
    with triplets and lengths of more than one written value."""
    rng = np.random.default_rng(24)
    out = []
    for meter, lengths in (((6, 8), [F(1, 2), F(1), F(3, 2), F(1, 4)]),
                           ((2, 4), [F(1, 4), F(1, 2), F(1), F(3, 4), F(1, 3)]),
                           ((3, 4), [F(1, 2), F(1), F(2), F(3, 2)]),
                           ((2, 2), [F(1, 2), F(1), F(1, 3), F(2), F(3)]),
                           ((9, 8), [F(1, 2), F(3, 2), F(1)]), ((4, 4), [F(1, 4), F(3)]),
                           ((2, 4), [F(2)])):  # sparse: a note a bar
        measure = F(4 * meter[0], meter[1])
        for pickup, letters in ((F(0), None), (F(1, 2), "AABB"), (F(1, 2), "AABA"),
                                (F(0), "ABAC")):
            form = layout(letters, 4, measure) if letters else None
            total = (form.parts[-1].end if form else 4 * measure)
            notes, now = [], F(0)
            bar_lines = {pickup + k * measure for k in range(40)}
            while now < total:
                room = min(b for b in bar_lines if b > now) - now
                left = min(total - now, room)
                length = min(rng.choice([x for x in lengths if x <= left] or [left]), left)
                if length == F(1, 3):  # a whole triplet
                    if left >= 1:
                        notes += [Note(int(rng.integers(55, 84)), F(1, 3)) for _ in range(3)]
                        now += 1
                        continue
                    length = left
                notes.append(Note(int(rng.integers(55, 84)), length))
                now += length
            melody = Melody(tuple(notes), f"t {meter} {letters}", meter, 120.0, pickup=pickup,
                            key=Key.parse("G"))
            out.append((melody, form))
    return out


def test_abc2midi_and_abcm2ps_read_every_tune_without_a_word(tmp_path):
    """One tunebook of many tunes (distinct X:): no error or warning from either program, and
    abc2midi plays the notes melodygen plays (each repeat played out)."""
    need_program("abc2midi")
    need_program("abcm2ps")
    found = melodies()
    texts = [abc.abc_text(melody, number=number, form=form, rhythm="reel")
             for number, (melody, form) in enumerate(found, start=1)]
    (tmp_path / "book.abc").write_text(abc.abc_tunebook(texts), encoding="utf-8")
    midi = subprocess.run(["abc2midi", "book.abc"], cwd=tmp_path, capture_output=True, text=True)
    ps = subprocess.run(["abcm2ps", "book.abc", "-O", "book.ps"], cwd=tmp_path,
                        capture_output=True, text=True)
    said = [line for line in (midi.stdout + midi.stderr).splitlines()
            if "error" in line.lower() or "warning" in line.lower()]
    drawn = [line for line in (ps.stdout + ps.stderr).splitlines()
             if "error" in line.lower() or "warning" in line.lower()]
    assert (midi.returncode, said, ps.returncode, drawn) == (0, [], 0, [])
    for number, (melody, form) in enumerate(found, start=1):
        expected, now = [], F(0)
        for note in (form.played(melody) if form else melody).notes:
            if note.pitch is not None:
                expected.append((now, note.pitch))
            now += note.duration
        assert onsets_and_pitches(tmp_path / f"book{number}.mid", grid=48) == sorted(expected), \
            number


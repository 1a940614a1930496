"""IDyOM's viewpoints on a hand-made melody: every element, the undefined ones too.

The melody (ticks: Q to a quarter note), in 4/4 with a quarter-note upbeat, in G major (tonic 7,
mode 0):

    note   0    1    2     3      4    5
    pitch  67   69   71    67     74   62        G4 A4 B4 G4 D5 D4
    dur    Q    Q    Q/2   Q/2    2Q   Q         a rest of 2Q before note 4
    onset  3Q   4Q   5Q    5.5Q   8Q   10Q       bar lines at 4Q and 8Q (notes 1 and 4)
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction as F

import numpy as np
import pytest

from melodygen.core.errors import ConfigError, MelodyError
from melodygen.core.keys import Key
from melodygen.core.note import Melody, Note
from melodygen.learning import ppm
from melodygen.learning.ppm import TICKS_PER_QUARTER as Q
from melodygen.learning.ppm import Events, VIEWPOINTS
from melodygen.learning.ppm.viewpoints import UNDEFINED as U
from melodygen.learning.ppm.viewpoints import Notes, _pair, components, elements, encode

PITCHES = [67, 69, 71, 67, 74, 62]
SONG = Events(PITCHES, [Q, Q, Q // 2, Q // 2, 2 * Q, Q],
              [3 * Q, 4 * Q, 5 * Q, 11 * Q // 2, 8 * Q, 10 * Q], 4 * Q, 4, 7, 0)


def pair(a, b):
    return int(_pair(np.array(a), np.array(b)))


EXPECTED = {
    "cpitch": PITCHES,
    "cpitch-class": [7, 9, 11, 7, 2, 2],
    "cpint": [U, 2, 2, -4, 7, -12],
    "cpint-size": [U, 2, 2, 4, 7, 12],
    "contour": [U, 1, 1, -1, 1, -1],
    "cpcint": [U, 2, 2, -4, 7, 0],
    "cpintfref": [0, 2, 4, 0, 7, 7],
    "cpintfip": [U, 2, 4, 0, 7, -5],
    "cpintfib": [U, U, 2, -2, U, -12],
    "inscale": [1] * 6,
    "tessitura": [1, 1, 1, 1, 1, 0],
    "thr-cpint-fib": [U, U, U, U, 5, U],
    "thr-cpint-tactus": [U, 2, 2, U, 3, -12],
    "thrbar": [U, U, U, U, pair(5, 4 * Q), U],
    "thrtactus": [U, pair(2, Q), pair(2, Q), U, pair(3, 3 * Q), pair(-12, 2 * Q)],
    "dur": [Q, Q, Q // 2, Q // 2, 2 * Q, Q],
    "deltast": [0, 0, 0, 0, 2 * Q, 0],
    "bioi": [0, Q, Q, Q // 2, 5 * Q // 2, 2 * Q],
    "ioi": [U, Q, Q, Q // 2, 5 * Q // 2, 2 * Q],
    "dur-ratio": [U, pair(1, 1), pair(1, 2), pair(1, 1), pair(4, 1), pair(1, 2)],
    "posinbar": [3 * Q, 0, Q, 3 * Q // 2, 0, 2 * Q],
    "fib": [0, 1, 0, 0, 1, 0],
    "tactus": [1, 1, 1, 0, 1, 1],
    "barlength": [4 * Q] * 6,
    "pulses": [4] * 6,
    "referent": [7] * 6,
    "mode": [0] * 6,
}


def of(name, songs=(SONG,), pitch=None):
    notes = Notes.of(list(songs))
    rows = np.arange(len(notes))
    return elements(name, notes, rows, notes.pitch if pitch is None else pitch)


def test_every_viewpoint_is_checked():
    assert sorted(EXPECTED) == sorted(VIEWPOINTS)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_viewpoint_of_the_melody(name):
    assert of(name)[:, 0].tolist() == EXPECTED[name]


def test_without_a_key_the_key_s_viewpoints_are_undefined():
    keyless = Events(SONG.pitch, SONG.duration, SONG.onset, SONG.bar, SONG.pulses, None)
    for name in ("cpintfref", "referent", "inscale", "mode"):
        assert of(name, [keyless])[:, 0].tolist() == [U] * 6, name


@pytest.mark.parametrize("tonic,mode,expected", [
    (7, 0, [1, 0, 1, 1, 0]),      # G major: F# in, F and G# out
    (4, 9, [1, 0, 1, 1, 0]),      # E minor (natural): the same signature
    (9, 9, [1, 1, 0, 1, 0])])     # A minor: F in, F# and G# out
def test_inscale_is_in_the_key_signature_s_scale(tonic, mode, expected):
    song = Events([60] * 5, [Q] * 5, [Q * i for i in range(5)], 4 * Q, 4, tonic, mode)
    notes = Notes.of([song])
    candidates = np.array([[64, 65, 66, 67, 68]] * 5)       # E F F# G G#
    assert elements("inscale", notes, np.arange(5), candidates)[0, :, 0].tolist() == expected


def test_a_song_s_first_note_looks_at_nothing_before_it():
    # the same melody twice: the second's first note is undefined again, and cpintfip and the
    # threaded intervals start over
    twice = [SONG, SONG]
    for name in ("cpint", "cpintfip", "thr-cpint-tactus", "cpintfib", "ioi"):
        assert of(name, twice)[6:, 0].tolist() == EXPECTED[name], name


def test_a_linked_viewpoint_is_its_components_undefined_where_one_is():
    linked = of("cpint*dur")
    assert linked.tolist() == [[U, Q], [2, Q], [2, Q // 2], [-4, Q // 2], [7, 2 * Q],
                               [-12, Q]]
    (ids,), size = encode(linked)
    assert ids.tolist() == [-1, 3, 2, 1, 4, 0] and size == 5   # sorted by cpint, then dur


def test_candidates_give_each_pitch_the_element_it_would_have():
    notes = Notes.of([SONG])
    rows = np.array([0, 2, 4])
    candidates = np.array([[60, 72]] * 3)
    assert elements("cpint", notes, rows, candidates)[..., 0].tolist() == [
        [U, U], [60 - 69, 72 - 69], [60 - 67, 72 - 67]]
    # linked with the note's own duration, whatever the pitch
    assert elements("cpintfref*dur", notes, rows, candidates).tolist() == [
        [[5, Q], [5, Q]], [[5, Q // 2], [5, Q // 2]], [[5, 2 * Q], [5, 2 * Q]]]


def test_names_are_checked():
    assert [part.name for part in components("cpintfref*cpint")] == ["cpintfref", "cpint"]
    with pytest.raises(ConfigError, match="unknown viewpoint 'thrfiph'"):
        components("cpint*thrfiph")
    with pytest.raises(ConfigError, match="links one viewpoint with itself"):
        components("cpint*cpint")


def test_events_of_a_melody_with_an_upbeat_and_a_rest():
    melody = Melody((Note(67, F(1)), Note(69, F(1)), Note(71, F(1, 2)), Note(67, F(1, 2)),
                     Note(None, F(2)), Note(74, F(2)), Note(62, F(1))), time_signature=(4, 4),
                    pickup=F(1), key=Key(7, "major"))
    events = Events.from_melody(melody)
    for field in ("pitch", "duration", "onset"):
        assert getattr(events, field).tolist() == getattr(SONG, field).tolist(), field
    assert (events.bar, events.pulses, events.tonic, events.mode) == (4 * Q, 4, 7, 0)
    other = Events.from_melody(melody, Key(4, "minor"))          # another key given
    assert (other.tonic, other.mode) == (4, 9)
    keyless = Events.from_melody(replace(melody, key=None))        # none: no key guessed
    assert (keyless.tonic, keyless.mode) == (None, None)


@pytest.mark.parametrize("mode,expected", [("major", 0), ("minor", 9), ("dorian", 2),
                                           ("mixolydian", 7), ("lydian", 5)])
def test_idyom_s_mode_of_a_key(mode, expected):
    assert ppm.IDYOM_MODES[mode] == expected


def test_a_length_of_no_whole_ticks_is_a_melody_error():
    melody = Melody((Note(60, F(1, 11)),), time_signature=(4, 4))
    with pytest.raises(MelodyError, match="duration 1/11 quarter notes"):
        Events.from_melody(melody)

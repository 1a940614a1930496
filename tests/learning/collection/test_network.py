"""learning/collection/network.py: a network reads exactly its task's columns of an event row."""

import numpy as np
import pytest

from melodygen.core.note import Melody
from melodygen.formats.notation import parse_notes
from melodygen.learning.collection.config import CollectionModelConfig
from melodygen.learning.collection.events import TASKS, Column, EventVocabulary, encode_song

pytestmark = pytest.mark.usefixtures("tensorflow")
MELODY = Melody(tuple(parse_notes("c4 d8 e8 f4 g4 a2 g4 r4 c'4 b8 a8 g2")), "t")


def pitch_outputs(family, task, rows):
    from melodygen.learning.collection.network import build_network
    import keras

    keras.utils.set_random_seed(0)
    config = CollectionModelConfig(family=family, task=task, units=16,
                                   layers=1 if family == "lstm" else 2, heads=2)
    network = build_network(config, EventVocabulary.from_melodies([MELODY]))
    out = network(rows[None], training=False)
    assert ("duration" in out) == TASKS[task].predicts_length
    return out["pitch"].numpy()[0]


def changed(rows, column, step):
    """The rows with ``column`` of event ``step`` changed to another class that exists (0, the
    unseen one, or 1)."""
    out = rows.copy()
    out[step, column] = 0 if out[step, column] else 1
    return out


@pytest.mark.parametrize("family", ["lstm", "transformer"])
def test_each_task_reads_its_columns_and_no_other(family):
    rows = encode_song(MELODY, 0, EventVocabulary.from_melodies([MELODY]))
    step = 6
    reads = {  # task -> the columns of the event itself that change its pitch distribution
        "pitch": {Column.PITCH},
        "pitch-rhythm-key": {Column.PITCH, Column.LENGTH, Column.REST, Column.POSITION,
                             Column.METER, Column.TARGET_LENGTH, Column.ONSET},
        "note": {Column.PITCH, Column.LENGTH, Column.REST, Column.POSITION, Column.METER},
    }
    for task, columns in reads.items():
        plain = pitch_outputs(family, task, rows)
        for column in Column:
            if column == Column.TARGET_PITCH:
                continue  # the target: read by the length head only
            other = pitch_outputs(family, task, changed(rows, column, step))
            # earlier events never see a later one's columns
            np.testing.assert_allclose(other[:step], plain[:step], atol=1e-6)
            moved = not np.allclose(other[step], plain[step], atol=1e-6)
            assert moved == (column in columns), (task, column.name)

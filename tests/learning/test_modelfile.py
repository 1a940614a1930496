"""learning/modelfile.py and kinds.py: one file format for every kind of model, and the files an
earlier melodygen saved still load and generate what they generated then.

``saved_models/`` holds two files saved by melodygen a5877b2 (the last version of the format 1
song models and format 2 "corpus" models): 나비야's mlp (``melodygen train nabiya --model mlp``)
and a tiny model of essen/kinder (``melodygen train essen/kinder --units 8 --epochs 1``). The
hashes are those of the MIDI files a5877b2's ``melodygen generate`` wrote from them:
``--temperature 0.9 --count 2 --seed 3 --length 20`` and ``--key D --meter 2/4 --bars 8
--count 2 --seed 3``.
"""

import hashlib
import json
import zipfile
from fractions import Fraction
from pathlib import Path

import pytest

from melodygen.core.errors import MelodyError
from melodygen.formats.midi import midi_bytes
from melodygen.formats.notation import tokens_text
from melodygen.learning.kinds import read
from melodygen.learning.modelfile import read_metadata

SAVED = Path(__file__).resolve().parent / "saved_models"
SONG_FILE, COLLECTION_FILE = SAVED / "nabiya-mlp.melodygen", SAVED / "kinder-units8.melodygen"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_files_of_the_earlier_formats_name_their_kind():
    assert json.loads(zipfile.ZipFile(SONG_FILE).read("melodygen.json"))["format_version"] == 1
    assert (read_metadata(SONG_FILE)["kind"], read_metadata(COLLECTION_FILE)["kind"]) == \
        ("song", "collection")
    song, collection = read(SONG_FILE), read(COLLECTION_FILE)
    assert (song.kind, song.name, song.family, song.window) == ("song", "mlp", "mlp", 4)
    assert song.network is None  # read without TensorFlow
    assert (collection.kind, collection.name, collection.family) == ("collection", "lstm", "lstm")
    assert collection.model_config.units == 8 and collection.training.epochs == 1
    assert len(collection.reference) == 202 and collection.meter == (2, 4)


def test_an_earlier_song_model_generates_what_it_generated_then(tensorflow):
    from melodygen.generation.api import load

    melodies = load(SONG_FILE).generate(temperature=0.9, count=2, seed=3, length=20)
    assert [tokens_text(melody.notes) for melody in melodies] == [
        "g8 e8 e4 f8 d8 d4 c8 e8 g8 g8 e8 e8 e4 d8 d8 d8 d8 e8 f4 e8 e8 e8 e8 e8",
        "g8 e8 e4 f8 d8 d4 c8 e8 g8 g8 e8 e8 e4 d8 e8 e8 e8 e8 e4 e8 e8 e8 e8 e8"]
    assert [sha256(midi_bytes(melody)) for melody in melodies] == [
        "ab71f919e66dd2be129db6319181a2f14736e01e4314a8fb1d54dd5f14978c35",
        "009a4a180dc6cebda324822934a0ff6a3ec74b8f6f993abd9420aded474feb9f"]


def test_an_earlier_collection_model_generates_what_it_generated_then(tensorflow):
    """Without a form (``--form none``) it writes the notes it wrote then; its tunes are named
    after their kind now ("Tune 1"), so the MIDI of then is made with the titles of then."""
    from melodygen.generation.api import load

    melodies = load(COLLECTION_FILE).generate(key="D", meter="2/4", bars=8, count=2, seed=3,
                                              form="none")
    assert [melody.title for melody in melodies] == ["Tune 1", "Tune 2"]
    assert [sha256(midi_bytes(melody.with_notes(melody.notes, f"essen/kinder tune {number}")))
            for number, melody in enumerate(melodies, start=1)] == [
        "aa5f0d3b76ed607bacd9c0497ad4d56bcda7a25d9758367f084df3c74dfa19c1",
        "4e50f31e9def3f454c9b84c1576603d253dd5fae1c129f7b0401c442596ab6f3"]


def test_an_earlier_collection_model_derives_the_form_it_lacks():
    """A file older than forms keeps no repeat signs nor kinds of tune: what its training tunes
    show stands in (each tune one part; their pickups; the tempo they give, none here)."""
    model = read(COLLECTION_FILE)
    assert model.form.form == ("A", 8) and model.form.rhythm is None
    assert model.form.pickups == {Fraction(0): 128, Fraction(1, 2): 51, Fraction(1): 21,
                                  Fraction(3, 2): 2}
    assert model.reference_marks == () and model.defaults.tempo == 120.0


def test_a_file_of_no_kind_is_refused(tmp_path):
    data = {"format": "melodygen-model", "format_version": 3}
    path = tmp_path / "nokind.melodygen"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("melodygen.json", json.dumps(data))
        archive.writestr("model.keras", b"")
    with pytest.raises(MelodyError) as caught:
        read(path)
    assert str(caught.value) == f"{path}: corrupted model file: melodygen.json names no kind of " \
                                "model (song or collection), it says None"

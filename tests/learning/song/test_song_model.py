"""learning/song/model.py (and modelfile.py): what a saved model of one song holds, loading it
back, and broken model files."""

import io
import json
import zipfile

import numpy as np
import pytest
from conftest import REPO, run_python

from melodygen.core.errors import MelodyError
from melodygen.generation.api import load
from melodygen.learning.kinds import read
from melodygen.learning.song.model import SongModel
from melodygen.learning.song.config import MODELS, TrainConfig
from melodygen.learning.song.encoding import make_encoding
from melodygen.learning.song.vocabulary import Vocabulary

LECTURE_TOKENS = "c4 d4 e4 f4 g4 a4 b4 c8 d8 e8 f8 g8 a8 b8".split()


@pytest.fixture(scope="module")
def model(nabiya_model_file):
    return load(nabiya_model_file)


def members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rewrite(tmp_path, source, name="broken.melodygen", **replace) -> str:
    """A copy of the model file ``source`` with some members replaced (None: left out)."""
    contents = {**members(source), **replace}
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as archive:
        for member, data in contents.items():
            if data is not None:
                archive.writestr(member, data)
    return str(path)


def metadata(source) -> dict:
    return json.loads(members(source)["melodygen.json"])


def test_the_file_holds_a_keras_model_and_its_description(nabiya_model_file, nabiya):
    assert sorted(members(nabiya_model_file)) == ["melodygen.json", "model.keras"]
    data = metadata(nabiya_model_file)
    assert (data["format"], data["format_version"]) == ("melodygen-model", 3)
    assert (data["kind"], data["family"]) == ("song", "lstm")
    assert data["model"]["name"] == "stateful2" and data["model"]["stateful"] is True
    assert data["model"]["family"] == "lstm"
    assert data["window"] == 4
    assert data["vocabulary"]["tokens"] == LECTURE_TOKENS and data["vocabulary"]["name"] == "lecture"
    assert data["vocabulary"]["notes"][11] == [67, "1/2"]  # g8
    # the lecture's features: scale / 6 (g = 4) and length (eighth = 1)
    assert data["encoding"]["name"] == "features"
    assert data["encoding"]["table"][11] == [np.float32(4 / 6).item(), 1.0]
    assert data["song"]["title"] == "나비야" and data["song"]["time_signature"] == [2, 4]
    assert data["song"]["tempo"] == 100 and data["song"]["pickup"] == "0"
    assert data["song"]["key"] is None  # the song file gives none: found in its notes
    assert data["song"]["notes"] == [[note.pitch, str(note.duration)] for note in nabiya.notes]
    assert data["config"] == {"epochs": 2000, "seed": 5, "window": 4, "recipe": "fast",
                              "learning_rate": None}
    assert data["training"]["one_step_right"] == data["training"]["full_song_right"] == 50
    assert {"python", "tensorflow", "keras", "numpy"} <= set(data["versions"])


def test_model_keras_is_a_plain_keras_file(nabiya_model_file, tmp_path, model):
    import keras
    path = tmp_path / "model.keras"
    path.write_bytes(members(nabiya_model_file)["model.keras"])
    plain = keras.saving.load_model(path, compile=False)
    assert plain.input_shape == (1, 4, 2) and plain.output_shape == (1, 14)
    for mine, theirs in zip(model.network.get_weights(), plain.get_weights()):
        np.testing.assert_array_equal(mine, theirs)


def test_loading_gives_back_what_training_made(model, nabiya):
    assert (model.kind, model.name, model.family) == ("song", "stateful2", "lstm")
    assert model.spec == MODELS["stateful2"] and model.window == 4
    assert model.vocabulary == Vocabulary.lecture()
    np.testing.assert_array_equal(model.encoding.table,
                                  make_encoding("features", Vocabulary.lecture()).table)
    assert model.song == nabiya  # notes, title, time signature, tempo, pickup
    assert model.config == TrainConfig()
    assert model.defaults.primer == nabiya.notes[:4]
    assert model.defaults.length == 50 and model.defaults.bars is None
    assert model.lengths == (0.5, 1)
    assert model.network.layers[0].stateful


def test_saving_again_keeps_everything(model, nabiya_model_file, tmp_path):
    path = model.save(tmp_path / "sub" / "again.melodygen")  # the folder is made
    again = load(path)
    assert metadata(path) == metadata(nabiya_model_file)
    for mine, theirs in zip(model.network.get_weights(), again.network.get_weights()):
        np.testing.assert_array_equal(mine, theirs)
    assert again.generate(length=8) == model.generate(length=8)


def test_generating_needs_no_song_file(nabiya_model_file, monkeypatch, nabiya):
    import melodygen.formats.notation
    import melodygen.formats.songs

    def refuse(*args, **kwargs):
        raise AssertionError("the song file was read")

    for module, name in ((melodygen.formats.songs, "read_song"), (melodygen.formats.songs, "load_song"),
                         (melodygen.formats.notation, "read_song")):
        monkeypatch.setattr(module, name, refuse)
    monkeypatch.chdir(REPO.parent)
    assert load(nabiya_model_file).generate(length=6)[0].notes == nabiya.notes[:10]


def test_reading_the_description_needs_no_tensorflow(nabiya_model_file, tmp_path):
    done = run_python("import sys; from melodygen.learning.kinds import read; "
                      f"c = read({str(nabiya_model_file)!r}); "
                      "print(c.spec.name, len(c.vocabulary), 'tensorflow' in sys.modules)", tmp_path)
    assert done.stdout == "stateful2 14 False\n", done.stderr


def test_save_refuses_a_folder(model, tmp_path):
    with pytest.raises(MelodyError) as caught:
        model.save(tmp_path)
    assert str(caught.value) == f"{tmp_path}: is a folder; give a file name, e.g. " \
                                f"{tmp_path / 'model.melodygen'}"


def keras_without_weights(good: dict[str, bytes]) -> bytes:
    """model.keras with its weights file left out."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good["model.keras"])) as inner, \
            zipfile.ZipFile(buffer, "w") as archive:
        for name in inner.namelist():
            if name != "model.weights.h5":
                archive.writestr(name, inner.read(name))
    return buffer.getvalue()


def bad_files(tmp_path, source):
    """(name, path, expected message after 'PATH: ') of broken model files."""
    good = members(source)
    description = metadata(source)
    half = tmp_path / "half.melodygen"
    half.write_bytes(source.read_bytes()[:len(source.read_bytes()) // 2])
    noise = tmp_path / "noise.melodygen"
    noise.write_bytes(bytes(range(256)) * 8)
    plain = tmp_path / "plain.keras"
    plain.write_bytes(good["model.keras"])
    newer = dict(description, format_version=4)
    no_window = {key: value for key, value in description.items() if key != "window"}
    shorter = json.loads(json.dumps(description))
    shorter["vocabulary"]["notes"].pop()
    shorter["encoding"]["table"].pop()
    return [
        ("missing", str(tmp_path / "missing.melodygen"),
         f"no such model file (make one with: melodygen train SONG --save {tmp_path / 'missing.melodygen'})"),
        ("folder", str(tmp_path), "is a folder, not a melodygen model file"),
        ("half", str(half), "not a melodygen model file, or a corrupted one (not a zip archive)"),
        ("noise", str(noise), "not a melodygen model file, or a corrupted one (not a zip archive)"),
        ("plain keras", str(plain), "a plain Keras model, without the vocabulary and song that "
         "generating needs; make a melodygen model with: melodygen train SONG --save FILE"),
        ("no description", rewrite(tmp_path, source, "a.melodygen", **{"melodygen.json": None}),
         "not a melodygen model file (it has no melodygen.json and model.keras)"),
        ("not json", rewrite(tmp_path, source, "b.melodygen", **{"melodygen.json": b"{oops"}),
         "corrupted model file: melodygen.json is not JSON (Expecting property name enclosed in "
         "double quotes: line 1 column 2 (char 1))"),
        ("newer", rewrite(tmp_path, source, "c.melodygen", **{"melodygen.json": json.dumps(newer)}),
         "model file format 4 is newer than this melodygen reads (3); update melodygen"),
        ("no window", rewrite(tmp_path, source, "d.melodygen",
                              **{"melodygen.json": json.dumps(no_window)}),
         "corrupted model file: melodygen.json lacks 'window'"),
        ("broken keras", rewrite(tmp_path, source, "e.melodygen", **{"model.keras": b"x" * 100}),
         "corrupted model file: model.keras is not a Keras archive"),
        ("keras without weights", rewrite(tmp_path, source, "g.melodygen",
                                          **{"model.keras": keras_without_weights(good)}),
         "corrupted model file: Keras cannot load model.keras (Expected a model.weights.h5 or "
         "model.weights.npz file.)"),
        ("mismatch", rewrite(tmp_path, source, "f.melodygen", **{"melodygen.json": json.dumps(shorter)}),
         "corrupted model file: the Keras model takes (4, 2) and predicts notes 14; melodygen.json "
         "describes (4, 2) and notes 13"),
    ]


def test_broken_model_files_are_one_clear_error(nabiya_model_file, tmp_path):
    for name, path, message in bad_files(tmp_path, nabiya_model_file):
        with pytest.raises(MelodyError) as caught:
            load(path)
        assert str(caught.value) == f"{path}: {message}", name


def test_a_flipped_byte_in_the_description_is_caught(nabiya_model_file, tmp_path):
    data = bytearray(nabiya_model_file.read_bytes())
    start = data.index(b"melodygen.json") + len(b"melodygen.json")  # its compressed bytes follow
    data[start + 40] ^= 0xFF
    path = tmp_path / "flipped.melodygen"
    path.write_bytes(bytes(data))
    with pytest.raises(MelodyError, match=r"^.*flipped.melodygen: corrupted model file: "):
        read(path)


def test_the_description_alone_is_checked(nabiya_model_file):
    data = metadata(nabiya_model_file)
    data["song"]["notes"][0] = [67, "1/3"]
    with pytest.raises(MelodyError) as caught:
        SongModel.from_json(data, "m")
    assert str(caught.value) == "m: corrupted model file: bad melodygen.json (the song has notes " \
                                "outside the vocabulary)"
    data["song"]["notes"][0] = [67, "x"]
    with pytest.raises(MelodyError, match="^m: corrupted model file: bad melodygen.json "):
        SongModel.from_json(data, "m")

"""Writes lecture.ipynb and collection.ipynb from the cells below, without outputs:
``python notebooks/make_notebooks.py``. Edit the cells here, not in Jupyter, and run it again
(tests/test_notebooks.py checks that the notebooks are what this script writes)."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

INSTALL = '''# 설치 (Install): melodygen from the checkout this notebook sits in, or, in Colab, from the
# repository address you type in below (the one you cloned or forked; nothing is guessed).
import importlib.util, subprocess, sys
from pathlib import Path

MELODYGEN = ""  # e.g. "git+https://github.com/YOU/melodygen" in Colab; "" = the checkout above this folder
if importlib.util.find_spec("melodygen") is None:
    source = MELODYGEN or str(Path.cwd().parent)
    if not MELODYGEN and not (Path(source) / "pyproject.toml").is_file():
        raise SystemExit("melodygen is not installed: set MELODYGEN to its repository address")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", source], check=True)
import melodygen
print("melodygen", melodygen.__version__)'''

LECTURE = [
    ("md", """# LSTM 예제 및 실습 — melodygen으로 (*LSTM example and practice, with melodygen*)

수업목표 (*goal*): 예제를 통한 MLP와 LSTM 비교 — compare an MLP and an LSTM through one example,
the children's song 나비야, as the lecture does after [김태영의 케라스 블로그](https://tykimos.github.io/Keras/2017/04/09/RNN_Layer_Talk/).
Each step of the lecture is one or two cells here, with melodygen doing the work. Scores, players,
tables and plots show themselves in the notebook. Run the cells from the top (`Shift+Enter`)."""),
    ("code", INSTALL),
    ("md", """## 1. 노래와 인코딩 (*The song and its encodings*)

나비야: 54 notes in 2/4. A note is a pitch letter and a length, as the lecture writes it: `g8` is
G4 as an eighth note, `e4` E4 as a quarter (도 레 미 파 솔 라 시 = c d e f g a b)."""),
    ("code", """song = melodygen.load_song("nabiya")
song  # its score, a player and its notes"""),
    ("md", """The lecture's dictionary (`note2idx`) gives each note an index; the MLP reads the index
divided by 13, the LSTM two features per note: the pitch (`scale / 6`) and the length (quarter 0,
eighth 1)."""),
    ("code", """from melodygen.learning.song.vocabulary import Vocabulary
from melodygen.learning.song.encoding import make_encoding
from melodygen.formats.notation import format_token

vocabulary = Vocabulary.for_melody(song)
print("note2idx:", {format_token(note): index for index, note in enumerate(vocabulary.notes)})
for name in ("index", "features"):
    table = make_encoding(name, vocabulary).table
    print(name, {format_token(note): [round(float(x), 3) for x in row]
                 for note, row in zip(vocabulary.notes, table)})"""),
    ("md", """## 2. 창 (*Windows*): 음표 4개 → 다음 음표

A window of 4 notes and the note after it is one example: sliding the window along the 54 notes
gives 50 (`seq2dataset(seq, window_size=4)`)."""),
    ("code", """from melodygen.learning.song.encoding import make_dataset

dataset = make_dataset(vocabulary.indices(song.notes), window=4)
tokens = [format_token(note) for note in vocabulary.notes]
print(len(dataset), "windows")
for window, target in list(zip(dataset.inputs, dataset.targets))[:5]:
    print(" ".join(tokens[i] for i in window), "->", tokens[target])"""),
    ("md", """## 3. MLP

The lecture's MLP: Dense(128, relu) → Dense(128, relu) → softmax over the notes, trained on the
50 windows. melodygen's fast recipe stops once the model predicts what it can (`epochs` is the
most it may take); `ProgressBar()` shows the epochs."""),
    ("code", """config = melodygen.TrainConfig(epochs=400, seed=5)
mlp_run = melodygen.run_song(song, ["mlp"], config, progress=melodygen.ProgressBar())
mlp = mlp_run.models[0]
mlp"""),
    ("md", """### 한 스텝 예측과 곡 전체 예측 (*One-step and full-song prediction*)

One step: the next note from each real window of the song. Full song: from the first 4 real notes,
each next note from the model's own previous 4 — it feeds on its own output."""),
    ("code", """one_step = mlp_run.predicted_melody(mlp.one_step, "MLP: one-step prediction")
full_song = mlp_run.predicted_melody(mlp.full_song, "MLP: full song prediction")
print("one step right:", mlp_run.right(mlp.one_step), "of 50; wrong at", mlp_run.wrong_positions(mlp.one_step))
print("full song right:", mlp_run.right(mlp.full_song), "of 50; first wrong at note", mlp_run.wrong_positions(mlp.full_song)[0])
full_song"""),
    ("md", """### 학습 과정 살펴보기 (*The loss curve*), as the lecture draws it"""),
    ("code", """%matplotlib inline
import matplotlib.pyplot as plt

plt.plot(mlp.training.history.loss)
plt.ylabel("loss")
plt.xlabel("epoch")
plt.legend(["train"], loc="upper left")
plt.show()"""),
    ("md", """## 4. LSTM

The lecture's LSTM: one stateful LSTM(128) layer reading the 4 notes one after another, two
features per note, batch 1, its state carried from window to window across the song. Beside it the
blog's stateless LSTM and the stateful one that reads the index."""),
    ("code", """run = melodygen.run_song(song, ["mlp", "lstm", "stateful", "stateful2"], config,
                         progress=melodygen.ProgressBar())
run  # the verdict, the table, every note, the loss curves, the surprise, every score with a player"""),
    ("md", """## 5. 왜 92%인가 (*Why the MLP stops at 92%*)

Four contexts of 4 notes come more than once in the song with another note after them: a model
that sees only the window cannot tell those places apart."""),
    ("code", """run.ambiguous()"""),
    ("md", """Where each model is surprised, note by note (`-log2 p` of the real next note): the MLP at
the notes after those contexts."""),
    ("code", """rows = melodygen.song_surprise(run)
worst = sorted((row for row in rows if row.model == "mlp"), key=lambda row: -row.information_content)[:5]
for row in worst:
    print(f"note {row.note}: {row.information_content:.2f} bits (entropy {row.entropy:.2f})")"""),
    ("md", """## 6. 들어보기 (*Listening*)

The lecture imports the MIDI files into onlinesequencer.net; here every melody plays in place, and
`write_outputs` writes MIDI, MusicXML, scores, WAV and report.html (in Korean: `lang="ko"`)."""),
    ("code", """stateful2 = run.models[3]
run.predicted_melody(stateful2.full_song, "stateful2: full song prediction")"""),
    ("code", """summary = melodygen.write_outputs(run, "out/lecture", lang="ko")
print("report:", Path("out/lecture") / summary.report)"""),
    ("md", """## 7. 주의 (*Attention*): a Transformer

A Transformer that attends to every note before the one it predicts carries the whole song; the
same Transformer limited to the last 4 notes derails at note 8, as the MLP does: what carries the
song is the context a model sees."""),
    ("code", """attention = melodygen.run_song(song, ["transformer", "transformer4"], config,
                               progress=melodygen.ProgressBar())
attention"""),
    ("md", """## 8. 노래 모음 (*A collection*): the German children's songs of the Essen collection

The same idea over 213 songs: a small model of their style, and new tunes from it (more in
`collection.ipynb`)."""),
    ("code", """kinder = melodygen.read_collection("essen/kinder")
kinder"""),
    ("code", """model = melodygen.train_model(kinder, config=melodygen.CollectionTrainConfig(max_epochs=6),
                              network=melodygen.CollectionModelConfig(units=32),
                              progress=melodygen.ProgressBar())
tunes = model.generate(key="G", meter="2/4", bars=8, count=2, seed=1)
tunes"""),
]

COLLECTION = [
    ("md", """# 노래 모음 (*A collection*): its style, new tunes, and how well a model predicts songs it has not seen

The German children's songs of the Essen folk song collection (`essen/kinder`, 213 songs, in
music21's offline corpus)."""),
    ("code", INSTALL),
    ("md", "## 1. 스타일 (*Style*): what is in it"),
    ("code", """kinder = melodygen.read_collection("essen/kinder")
kinder  # its size, meters, keys, and its first tunes"""),
    ("code", """kinder[0]  # one tune: its score, a player, its notes"""),
    ("code", """%matplotlib inline
import matplotlib.pyplot as plt
from collections import Counter

lengths = Counter(str(note.duration) for tune in kinder for note in tune.melody.notes)
plt.bar(list(lengths), list(lengths.values()))
plt.xlabel("note length (quarter notes)")
plt.ylabel("notes")
plt.show()"""),
    ("md", """## 2. 생성 (*Generation*): a small model of the style and new tunes

A few epochs keep this quick; `max_epochs=100` (the default) learns the style better."""),
    ("code", """model = melodygen.train_model(kinder, config=melodygen.CollectionTrainConfig(max_epochs=6),
                              network=melodygen.CollectionModelConfig(units=32),
                              progress=melodygen.ProgressBar())
model  # what it is, what it reads, its sizes, how its training went"""),
    ("code", """tunes = model.generate(key="G", meter="2/4", bars=8, count=3, temperature=0.9, seed=1)
tunes"""),
    ("md", """## 3. 평가 (*Evaluation*): bits per note on songs a model has not seen

IDyOM's PPM models on the same folds (10 folds in the literature; 3 here to keep it quick)."""),
    ("code", """result = melodygen.evaluate(kinder, ["ppm-c2i", "ppm-c*i", "ppm-both+"], folds=3,
                            progress=melodygen.ProgressBar())
result"""),
]


def notebook(cells, title: str):
    book = new_notebook(cells=[new_markdown_cell(text) if kind == "md" else new_code_cell(text)
                               for kind, text in cells])
    book.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                    "language": "python"},
                     "language_info": {"name": "python"}, "title": title}
    for number, cell in enumerate(book.cells):
        cell.id = f"cell-{number:02d}"  # stable ids: the same file every time
    return book


BOOKS = {"lecture.ipynb": notebook(LECTURE, "LSTM 예제 및 실습 (melodygen)"),
         "collection.ipynb": notebook(COLLECTION, "노래 모음 (melodygen)")}


def main() -> int:
    for name, book in BOOKS.items():
        nbformat.validate(book)
        (HERE / name).write_text(nbformat.writes(book) + "\n", encoding="utf-8")
        print(f"wrote notebooks/{name}: {len(book.cells)} cells")
    return 0


if __name__ == "__main__":
    sys.exit(main())

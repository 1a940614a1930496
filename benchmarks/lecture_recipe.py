"""The lecture's recipe, as the lecture writes it (Keras ``fit`` loops), for the benchmark.

MLP: compile(adam), one ``fit(epochs=N, batch_size=10)`` call. Stateful LSTM with two features:
N separate ``fit(epochs=1, batch_size=1, shuffle=False)`` calls, each followed by
``reset_states()``. Each model's ``LossHistory`` is plotted with matplotlib, as in the lecture
(saved to a temporary file instead of shown). Then, as the lecture does, ``model.evaluate``
(the accuracy it prints) and its one-step and full-song predictions (``model.predict``).
Prints one JSON line: per model the training seconds, epochs, accuracy and full-song notes right.

    python benchmarks/lecture_recipe.py --epochs 2000 --seed 5
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time

import numpy as np

from melodygen.formats.songs import load_song
from melodygen.learning.song.encoding import make_dataset, make_encoding
from melodygen.learning.song.vocabulary import Vocabulary


def plot_losses(losses: list[float]) -> None:
    """The lecture's loss plot (``plt.plot(history.losses)``), into a file nobody keeps."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.plot(losses)
    plt.ylabel("loss")
    plt.xlabel("epoch")
    plt.legend(["train"], loc="upper left")
    with tempfile.TemporaryFile(suffix=".png") as file:
        plt.savefig(file, format="png")
    plt.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--models", nargs="+", default=["mlp", "stateful2"], choices=["mlp", "stateful2"])
    args = parser.parse_args()
    import keras  # plainly, as the lecture does: TensorFlow's own thread pools and settings
    from keras import layers

    # The lecture's data: note2idx of 14 tokens, windows of 4, x / 13 or (scale/6, length).
    vocabulary = Vocabulary.lecture()
    dataset = make_dataset(vocabulary.indices(load_song("nabiya").notes), 4)
    y_train = keras.utils.to_categorical(dataset.targets)           # (50, 12) as in the lecture
    classes = y_train.shape[1]
    results = {}

    class LossHistory(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.losses = []
            self.ends = []  # perf_counter at the end of every epoch

        def on_epoch_end(self, epoch, logs=None):
            self.losses.append(logs.get("loss"))
            self.ends.append(time.perf_counter())

    for name in args.models:
        keras.utils.set_random_seed(args.seed)
        history = LossHistory()
        start = time.perf_counter()
        if name == "mlp":
            encoding = make_encoding("index", vocabulary)
            x_train = encoding.encode(dataset.inputs).reshape(len(dataset), 4)   # idx / 13
            model = keras.Sequential([
                keras.Input((4,)),
                layers.Dense(128, activation="relu"),
                layers.Dense(128, activation="relu"),
                layers.Dense(classes, activation="softmax"),
            ])
            model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
            model.fit(x_train, y_train, epochs=args.epochs, batch_size=10, verbose=0, callbacks=[history])
        else:
            encoding = make_encoding("features", vocabulary)
            x_train = encoding.encode(dataset.inputs)                             # (50, 4, 2)
            model = keras.Sequential([
                keras.Input(batch_shape=(1, 4, 2)),
                layers.LSTM(128, stateful=True),
                layers.Dense(classes, activation="softmax"),
            ])
            model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
            for _ in range(args.epochs):
                model.fit(x_train, y_train, epochs=1, batch_size=1, verbose=0, shuffle=False,
                          callbacks=[history])
                model.layers[0].reset_states()
        seconds = time.perf_counter() - start
        plot_losses(history.losses)

        # The lecture's evaluation ("8. 모델 평가하기"), then its predictions ("9. 모델 사용하기"):
        # one-step: every real window; full song: the first 4 notes, then its own output.
        stateful = name != "mlp"
        scores = model.evaluate(x_train, y_train, batch_size=1 if stateful else None, verbose=0)
        model.layers[0].reset_states() if stateful else None
        one_step = np.argmax(model.predict(x_train, batch_size=1 if stateful else 32, verbose=0), axis=-1)
        model.layers[0].reset_states() if stateful else None
        window = list(dataset.inputs[0])
        full = []
        for _ in range(len(dataset)):
            sample = encoding.encode(np.array(window)).reshape((1,) + x_train.shape[1:])
            choice = int(np.argmax(model.predict(sample, verbose=0)))
            full.append(choice)
            window = window[1:] + [choice]
        results[name] = {
            "training_seconds": round(seconds, 3),
            # build, compile and the first epoch; then the steady cost of each later epoch
            "first_epoch_seconds": round(history.ends[0] - start, 3),
            "seconds_per_epoch": round((history.ends[-1] - history.ends[0]) / max(args.epochs - 1, 1), 5),
            "epochs": args.epochs,
            "evaluate_accuracy": round(float(scores[1]), 6),
            "one_step_right": int((one_step == dataset.targets).sum()),
            "full_song_right": int((np.array(full) == dataset.targets).sum()),
            "samples": len(dataset),
            "final_loss": history.losses[-1],
        }
    print(json.dumps(results))


if __name__ == "__main__":
    main()

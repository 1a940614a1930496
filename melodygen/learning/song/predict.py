"""Predictions as the lecture makes them: one step from the real song, or the whole song
replayed from its first notes, the model feeding on its own output; and the model reading a new
melody note by note (``SongStepper``, for generation).

The lecture's predictions run as one compiled TensorFlow loop over the song that calls the model
once per window, as the lecture's ``model.predict`` loop does; a stateful model starts from a
zero state and carries it from window to window.
"""

from __future__ import annotations

from fractions import Fraction

from typing import Sequence

import keras
import numpy as np
import tensorflow as tf

from ...core.note import Note
from ..interface import Choice, JointNext, NextNote, Stepper
from .encoding import Dataset, Encoding
from .vocabulary import Vocabulary


def reset_state(model: keras.Model) -> None:
    """Zero the state of every stateful layer (the lecture's ``model.reset_states()``)."""
    for layer in model.layers:
        if getattr(layer, "stateful", False):
            layer.reset_state()


class Predictor:
    """A trained model that reads a window of notes and its input encoding, with its prediction
    loop compiled once."""

    reads_song = False  # it reads the last ``window`` notes

    def __init__(self, model: keras.Model, encoding: Encoding) -> None:
        self.model = model
        table = tf.constant(encoding.table)                  # (vocabulary, features)
        input_shape = (1,) + tuple(model.input_shape[1:])    # (1, window, features) or (1, window * features)

        def probabilities(window):                            # (window,) indices -> (classes,)
            return model(tf.reshape(tf.gather(table, window), input_shape), training=False)[0]

        # one trace for both predictions: the real windows (samples, window) and the primer
        # (1, window) differ in their first dimension only
        window = (input_shape[1] // encoding.features_per_note if len(input_shape) == 2
                  else input_shape[1])

        @tf.function(autograph=False,  # a loop written out: autograph would rewrite Keras too
                     input_signature=(tf.TensorSpec((None, window), tf.int32),
                                      tf.TensorSpec((), tf.int32), tf.TensorSpec((), tf.bool)))
        def rollout(windows, steps, feed_back):
            """windows: (samples, window) indices; with ``feed_back`` only windows[0] is read and
            each later window is the previous one shifted by the predicted note. Out: the notes
            chosen (steps,) and the probabilities they were chosen from (steps, classes)."""
            def predict_one(i, current, chosen, probs):
                current = tf.cond(feed_back, lambda: current, lambda: windows[i])
                probs_now = probabilities(current)
                choice = tf.argmax(probs_now, output_type=tf.int32)
                return (i + 1, tf.concat([current[1:], [choice]], axis=0), chosen.write(i, choice),
                        probs.write(i, probs_now))

            # one window after the other: a stateful model's state passes from each to the next
            _, _, chosen, probs = tf.while_loop(
                lambda i, *_: i < steps, predict_one,
                (tf.constant(0), windows[0], tf.TensorArray(tf.int32, size=steps),
                 tf.TensorArray(tf.float32, size=steps)),
                parallel_iterations=1)
            return chosen.stack(), probs.stack()

        self._rollout = rollout
        self._next = tf.function(probabilities, autograph=False)

    def one_step(self, dataset: Dataset) -> np.ndarray:
        """For every window of the real song, the most likely next note: (samples,) indices."""
        return self.one_step_with_probabilities(dataset)[0]

    def one_step_with_probabilities(self, dataset: Dataset) -> tuple[np.ndarray, np.ndarray]:
        """``one_step``, and the probabilities each next note was chosen from: (samples,
        classes)."""
        reset_state(self.model)
        chosen, probs = self._rollout(tf.constant(dataset.inputs, tf.int32),
                                      tf.constant(len(dataset)), tf.constant(False))
        return chosen.numpy(), probs.numpy()

    def full_song(self, primer: np.ndarray, steps: int) -> np.ndarray:
        """Start from ``primer`` (window,) indices and predict ``steps`` notes, each predicted
        note appended to the window and the oldest dropped: (steps,) indices."""
        reset_state(self.model)
        windows = tf.constant(np.asarray(primer)[None, :], tf.int32)
        return self._rollout(windows, tf.constant(steps), tf.constant(True))[0].numpy()

    def next_note(self, window: np.ndarray) -> np.ndarray:
        """Probabilities of the note after ``window`` (window,) indices: (classes,) floats.
        A stateful model advances its state by one window (``reset_state`` to restart)."""
        return self._next(tf.constant(window, tf.int32)).numpy()


class SongPredictor:
    """A trained model that reads the whole song so far (a Transformer) and its input encoding:
    the same predictions as ``Predictor``, each note predicted from every note before it."""

    reads_song = True

    def __init__(self, model: keras.Model, encoding: Encoding) -> None:
        from ..networks.transformer import song_decoder

        self.model = model
        table = tf.constant(encoding.table)  # (vocabulary, features)
        decoder, head = song_decoder(model), model.get_layer("next_note")

        @tf.function(autograph=False, input_signature=(tf.TensorSpec((None,), tf.int32),))
        def after_each(notes):
            """(notes,) indices -> (notes, classes): after each note, the next one's
            probabilities."""
            return model(tf.gather(table, notes)[None], training=False)[0]

        @tf.function(autograph=False,
                     input_signature=(tf.TensorSpec((), tf.int32), decoder.signature))
        def read(note, state):
            """One more note (an index) -> the next one's probabilities (classes,), and the
            keys and values of every note so far: a note is never computed twice."""
            out, state = decoder.step(tf.gather(table, note)[None, None], state)
            return head(out)[0, 0], state

        self._after_each, self._read, self._initial = after_each, read, decoder.initial
        self.state = None

    def one_step(self, dataset: Dataset) -> np.ndarray:
        """For every window of the real song, the most likely next note, from the whole song
        before it: (samples,) indices."""
        return self.one_step_with_probabilities(dataset)[0]

    def one_step_with_probabilities(self, dataset: Dataset) -> tuple[np.ndarray, np.ndarray]:
        """``one_step``, and the probabilities each next note was chosen from: (samples,
        classes)."""
        song = np.concatenate([dataset.inputs[0], dataset.inputs[1:, -1]]).astype(np.int32)
        probs = self._after_each(song).numpy()[-len(dataset):]
        return probs.argmax(axis=-1).astype(np.int32), probs

    def full_song(self, primer: np.ndarray, steps: int) -> np.ndarray:
        """Start from ``primer`` and predict ``steps`` notes, each from every note before it,
        its own included: (steps,) indices."""
        probs, notes = self.begin(primer), []
        for _ in range(steps):
            notes.append(int(np.argmax(probs)))
            probs = self.extend(notes[-1])
        return np.array(notes, dtype=np.int32)

    def next_note(self, notes: np.ndarray) -> np.ndarray:
        """Probabilities of the note after ``notes`` (the song so far, indices): (classes,)."""
        return self._after_each(tf.constant(notes, tf.int32))[-1].numpy()

    def begin(self, notes: Sequence[int]) -> np.ndarray:
        """Read ``notes`` (a song's first notes, indices) one at a time, keeping what attention
        needs of them: the probabilities of the note after them (classes,)."""
        self.state = self._initial()
        for note in notes:
            probs = self.extend(note)
        return probs

    def extend(self, note: int) -> np.ndarray:
        """Read one more note after those read: the probabilities of the note after it."""
        probs, self.state = self._read(tf.constant(note, tf.int32), self.state)
        return probs.numpy()


def predictor(spec, model: keras.Model, encoding: Encoding) -> Predictor | SongPredictor:
    """The predictor of a model of preset ``spec``: by what its family reads."""
    from ..networks import family

    reads_song = family(spec.family).SONG_READS == "song"
    return (SongPredictor if reads_song else Predictor)(model, encoding)


def one_step(model: keras.Model, encoding: Encoding, dataset: Dataset) -> np.ndarray:
    """``Predictor(model, encoding).one_step(dataset)``: a model of a window."""
    return Predictor(model, encoding).one_step(dataset)


def full_song(model: keras.Model, encoding: Encoding, primer: np.ndarray, steps: int) -> np.ndarray:
    """``Predictor(model, encoding).full_song(primer, steps)``: a model of a window."""
    return Predictor(model, encoding).full_song(primer, steps)


def pad_primer(primer: np.ndarray, window: int) -> np.ndarray:
    """(n,) indices -> (max(n, window),): a short primer gets copies of its first note in front."""
    primer = np.asarray(primer, dtype=np.int32)
    if len(primer) == 0:
        raise ValueError("a primer needs at least one note")
    pad = np.full(max(window - len(primer), 0), primer[0], dtype=np.int32)
    return np.concatenate([pad, primer])


class SongStepper(Stepper):
    """A model of one song continuing a primer note by note, as the lecture's full-song
    prediction does: a model of a window sees the last ``window`` notes (a primer shorter than
    the window is padded in front with copies of its first note); a stateful one starts from a
    zero state and reads every window of the primer in order, carrying its state, as the
    lecture's LSTM read the song; one without state reads only the primer's last window. A model
    of the whole song (``SongPredictor``) reads every note so far. The vocabulary's unknown
    class, if it has one, is never chosen."""

    def __init__(self, predictor: Predictor | SongPredictor, vocabulary: Vocabulary, window: int,
                 stateful: bool) -> None:
        self.predictor, self.vocabulary = predictor, vocabulary
        self.window, self.stateful = window, stateful
        self.context: list[int] = []

    def start(self, primer: Sequence[Note], pickup: Fraction = Fraction(0)) -> NextNote:
        """A model of one song reads no bar positions: ``pickup`` changes nothing."""
        reset_state(self.predictor.model)
        indices = self.vocabulary.indices(primer, "--primer")
        if self.predictor.reads_song:
            self.context = list(indices)
            return self._next(self.predictor.begin(self.context))
        padded = pad_primer(indices, self.window)
        first = 0 if self.stateful else len(padded) - self.window
        for begin in range(first, len(padded) - self.window + 1):
            probs = self.predictor.next_note(padded[begin:begin + self.window])
        self.context = list(padded[-self.window:])
        return self._next(probs)

    def advance(self, choice: Choice) -> NextNote:
        if self.predictor.reads_song:  # the notes before are kept as attention's keys and values
            for note in choice.token:
                probs = self.predictor.extend(note)
            self.context += list(choice.token)
            return self._next(probs)
        self.context = self.context[1:] + list(choice.token)
        return self._next(self.predictor.next_note(np.array(self.context, dtype=np.int32)))

    def _next(self, probs: np.ndarray) -> JointNext:
        return JointNext(self.vocabulary.notes, probs[:len(self.vocabulary.notes)])

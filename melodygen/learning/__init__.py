"""Learning: from notes to trained models.

    interface     the one interface of every trained model (MelodyModel), its next-note
                  distributions, the epochs it reports
    modelfile     the one file format of a trained model (.melodygen), any kind
    kinds         the kinds of model by name; read and load a file of any kind
    resume        the one resume format of a training that stopped
    song/         a model of one song: the lecture's experiment
    collection/   a model of a collection of tunes: its style
    networks/     the model families (the MLP, the LSTM, ...): where a new family plugs in
    ppm/          IDyOM's variable-order Markov models, the baseline of the evaluation
    splits        k folds and held-out parts that keep a tune's versions together
    seeding       seeded model building that leaves the caller's random generators alone
    backend       loading TensorFlow quietly; the command line's process-wide settings
    cluster       TF_CONFIG read without TensorFlow

TensorFlow and Keras load only when a model is built, trained, loaded or asked to predict; the
names below import none of it.
"""

from .collection.config import CollectionModelConfig, CollectionTrainConfig
from .interface import EpochReport, MelodyModel, TrainingProgress
from .kinds import load, read
from .song.config import DEFAULT_MODEL, DEFAULT_MODELS, MODELS, RECIPES, ModelSpec, TrainConfig, \
    model_spec
from .song.vocabulary import Vocabulary

__all__ = ["CollectionModelConfig", "CollectionTrainConfig", "DEFAULT_MODEL", "DEFAULT_MODELS",
           "EpochReport", "MODELS", "MelodyModel", "ModelSpec", "RECIPES", "TrainConfig",
           "TrainingProgress", "Vocabulary", "load", "model_spec", "read"]

"""melodygen: learn a melody with the lecture's MLP and LSTM models and play back what they learnt.

The package in layers, each importing only the layers below it:

    core          the note types, keys and errors
    formats       song files, MIDI, MusicXML, ABC, the bundled songs (no TensorFlow)
    learning      vocabulary, encodings, Keras models, training, prediction, saved models
    generation    new melodies from a trained model, sampling, statistics
    presentation  scores, audio, the plot, report.html, the files and summaries of a run
    cli           the command line, one module per command

This module is the Python API on top of them, each name imported when first used. TensorFlow
is imported only by the functions that train or predict.
"""

from .core.versions import VERSION as __version__

# The API's names and the module each comes from, imported when first used: the command line
# and a program that needs one name load only what they use (``import melodygen`` itself
# loads no more than the version).
_HOMES = {
    **dict.fromkeys(("Collection", "ConfigError", "Key", "Melodies", "Melody", "MelodyError",
                     "MelodyWarning", "Note", "Tune", "pitch_name", "pitch_number"), "core"),
    **dict.fromkeys(("bundled_songs", "format_song", "format_token", "load_melody", "load_song",
                     "parse_notes", "parse_song", "parse_token", "read_song", "write_midi",
                     "write_musicxml"), "formats"),
    "read_collection": "formats.collections",
    **dict.fromkeys(("CollectionModelConfig", "CollectionTrainConfig", "DEFAULT_MODELS",
                     "EpochReport", "MODELS", "MelodyModel", "ModelSpec", "TrainConfig"),
                    "learning"),
    **dict.fromkeys(("GenerateConfig", "generate", "generate_tunes", "load", "train_model"),
                    "generation"),
    **dict.fromkeys(("NetworkSettings", "evaluate"), "evaluation"),
    **dict.fromkeys(("StyleTune", "compare_style"), "evaluation.style"),
    "configure_tensorflow": "learning.backend",
    "write_outputs": "presentation.run_files",
    "ProgressBar": "presentation.progress_bar",
    **dict.fromkeys(("NoteSurprise", "per_note_csv"), "evaluation.per_note"),
    "song_surprise": "presentation.surprise",
}


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module
    value = getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)
    globals()[name] = value  # found once, then an attribute like any other
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = ["__version__", *sorted(_HOMES), "run_song", "write_wav"]


def write_wav(melody, path):
    """``melody`` played on melodygen's piano-like synthesizer, as a WAV file at ``path``
    (16-bit mono, 22.05 kHz); see ``presentation.audio``."""
    from .presentation.audio import write_wav as write
    return write(melody, path)


def run_song(melody, models=None, config=None, progress=None):
    """Train ``models`` (default: ``DEFAULT_MODELS``) on ``melody`` and predict with them: the
    lecture's comparison; see ``learning.song.experiment.run_song``."""
    from .learning.song.config import DEFAULT_MODELS, TrainConfig
    from .learning.song.experiment import run_song as run
    return run(melody, DEFAULT_MODELS if models is None else models, config or TrainConfig(),
               progress)

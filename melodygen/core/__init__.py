"""The bottom layer: the note types every other layer speaks, keys, and melodygen's errors.

Nothing here imports another part of melodygen (``display`` finds the presentation layer by
name when a notebook asks for a picture: the one edge upward, docs/developers.md).
"""

from .collection import Collection, Dropped, Tune
from .errors import ConfigError, MelodyError, MelodyWarning
from .keys import Key, song_key
from .note import Melodies, Melody, Note, notes_json, pitch_name, pitch_number, tuplet_ratio

__all__ = ["Collection", "ConfigError", "Dropped", "Key", "Melodies", "Melody", "MelodyError",
           "MelodyWarning", "Note", "Tune", "notes_json", "pitch_name", "pitch_number", "song_key",
           "tuplet_ratio"]

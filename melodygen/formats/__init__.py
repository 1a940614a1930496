"""File formats: notes in and out of song files, MIDI, MusicXML, ABC and the bundled songs.

Nothing here imports TensorFlow or Keras; music21 loads only when a score is read.
"""

from .abc import (Tunebook, TuneReading, TuneText, UnsupportedAbc, abc_text, music21_tune,
                  read_tune, read_tunebook, split_tunes)
from .midi import from_midi, midi_bytes, read_midi, to_midi, write_midi
from .musicxml import from_score, musicxml_bytes, read_score, write_musicxml
from .notation import format_song, format_token, parse_notes, parse_song, parse_token, read_song
from .songs import bundled_songs, load_melody, load_song

__all__ = ["TuneReading", "TuneText", "Tunebook", "UnsupportedAbc", "abc_text", "bundled_songs",
           "format_song", "format_token", "from_midi", "from_score", "load_melody", "load_song",
           "midi_bytes", "music21_tune", "musicxml_bytes",
           "parse_notes", "parse_song", "parse_token", "read_midi", "read_score", "read_song",
           "read_tune", "read_tunebook", "split_tunes", "to_midi", "write_midi", "write_musicxml"]

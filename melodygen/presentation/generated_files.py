"""Files of a generation run: MIDI and MusicXML of every melody, with an engraved score (SVG) and a
WAV of each, and summary.json with the settings and each melody's statistics."""

from __future__ import annotations

from pathlib import Path

from ..core.note import Note
from ..core.versions import versions
from ..generation.generate import GenerateConfig, to_melodies
from ..generation.stats import melody_stats, reference_key
from ..learning.checkpoint import Checkpoint
from .folder import RunFolder
from .run_files import write_melody, write_summary
from .summary import GeneratedMelody, GenerationSummary


def file_stems(count: int) -> list[str]:
    """generated-1 ... generated-N, numbers zero-padded to one width (generated-01 for N >= 10)."""
    width = len(str(count))
    return [f"generated-{number:0{width}d}" for number in range(1, count + 1)]


def write_generated(folder: str | Path, checkpoint: Checkpoint, config: GenerateConfig,
                    notes: list[tuple[Note, ...]], model_file: str = "", *, scores: bool = True,
                    audio: bool = True, progress=None) -> GenerationSummary:
    """Write every melody as MIDI and MusicXML, with ``scores`` an engraved score (.svg), with
    ``audio`` a WAV, and summary.json, into ``folder`` (which must exist); returns the summary.
    ``progress`` (step, of steps, name) hears of each melody before it is written. Each file is
    written atomically; files of an earlier run in ``folder`` that this one does not
    write (``generated-3`` after ``count=2``) are removed at the end (``summary.removed``)."""
    folder = RunFolder(folder)
    reference = checkpoint.reference
    key = reference_key(reference)
    subtitle = f"{checkpoint.spec.name}, {config.describe()}"
    melodies = []
    stems = file_stems(len(notes))
    for number, (stem, melody, continuation) in enumerate(
            zip(stems, to_melodies(checkpoint, config, notes), notes), start=1):
        if progress:
            progress(number, len(stems), stem)
        files = write_melody(folder, stem, melody, scores=scores, audio=audio, subtitle=subtitle,
                             key=key)
        melodies.append(GeneratedMelody(melody, continuation,
                                        melody_stats(continuation, reference, key), files))
    song = checkpoint.song
    song_stats = melody_stats(song.notes, (), key)  # no reference: the song is its own copy
    summary = GenerationSummary(model_file, checkpoint, config, song_stats, melodies, versions())
    write_summary(summary, folder)
    summary.removed = folder.finish()
    return summary

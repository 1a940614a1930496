"""Chromatic pitch sequences of Essen folk songs (music21's ``essenFolksong`` corpus) as JSON.

One list of MIDI pitch numbers per song, in corpus order: each ``*.abc`` file of the corpus
(``test*.abc`` excluded) parsed with music21, every score of its opus in order, the first part's
notes after ``stripTies`` (tied notes merged into one), rests skipped, a chord read as its highest
pitch, grace notes skipped. ``kinder0.abc`` alone gives Pearce (2005)'s Dataset 7: 213 songs,
8,393 notes, 27 distinct pitches.

    python benchmarks/ppm_corpus.py kinder0 > /work/cache/ppm/kinder.json
    nice -n 10 python benchmarks/ppm_corpus.py --all > /work/cache/ppm/essen.json

No TensorFlow; reading all of Essen takes about a quarter of an hour.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def song_pitches(score) -> list[int]:
    """The chromatic pitches (MIDI numbers) of one music21 score's first part."""
    part = score.parts[0] if score.parts else score
    pitches = []
    for element in part.stripTies().flatten().notes:
        if element.duration.isGrace:
            continue
        if element.isChord:
            pitches.append(max(p.midi for p in element.pitches))
        else:
            pitches.append(element.pitch.midi)
    return pitches


def file_songs(path: Path) -> list[list[int]]:
    """Every song of one abc file, in the order music21 reads them (empty songs dropped)."""
    import music21

    parsed = music21.converter.parse(str(path), format="abc")
    scores = parsed.scores if isinstance(parsed, music21.stream.Opus) else [parsed]
    songs = [song_pitches(score) for score in scores]
    return [song for song in songs if song]


def corpus_files(names: list[str] | None) -> list[Path]:
    """The essenFolksong abc files: those named (without ``.abc``), or all but ``test*``."""
    import music21

    folder = Path(music21.corpus.getComposer("essenFolksong")[0]).parent
    if names:
        return [folder / f"{name}.abc" for name in names]
    return sorted(path for path in folder.glob("*.abc") if not path.name.startswith("test"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="abc files of the corpus, e.g. kinder0")
    parser.add_argument("--all", action="store_true", help="every file but test*.abc")
    args = parser.parse_args(argv)
    if not args.names and not args.all:
        parser.error("name abc files or give --all")
    songs: list[list[int]] = []
    for path in corpus_files(None if args.all else args.names):
        found = file_songs(path)
        print(f"{path.name}: {len(found)} songs, {sum(map(len, found))} notes", file=sys.stderr)
        songs.extend(found)
    json.dump(songs, sys.stdout)
    print(file=sys.stderr)
    print(f"total: {len(songs)} songs, {sum(map(len, songs))} notes, "
          f"{len({p for s in songs for p in s})} distinct pitches", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Writes the real-world files beside this script: ``python tests/bad_inputs/make_real_world.py``.

Files nobody here wrote: music21 (10.5) exports pieces of its own corpus, as a user would get
them from it, and the tests read them with melodygen. The files are committed; this script
says how each was made.

- ``bwv66.6.mid``: Bach's chorale BWV 66.6, four voices on four tracks; the soprano has 36
  notes, and the alto and tenor start notes under held soprano notes.
- ``acacia.mid``: the reel "Acacia" from Ryan's Mammoth Collection (repeats played out: 248
  notes, 14 grace notes), with sixteenth-note triplets; music21 writes each grace note as a
  note of no length, its note-off before its note-on.
- ``acacia.musicxml``: the same reel as MusicXML (the grace notes as grace notes).
"""

from __future__ import annotations

import re
from pathlib import Path

HERE = Path(__file__).resolve().parent


def real_world() -> dict[str, bytes]:
    from music21 import corpus
    from music21.midi.translate import streamToMidiFile
    from music21.musicxml.m21ToXml import GeneralObjectExporter

    def midi(score) -> bytes:
        return streamToMidiFile(score).writestr()

    chorale = corpus.parse("bach/bwv66.6")
    acacia = corpus.parse("ryansMammoth/AcaciaReel.abc")
    xml = GeneralObjectExporter(acacia).parse()
    xml = re.sub(rb"\s*<encoding-date>[^<]*</encoding-date>", b"", xml)
    xml = re.sub(rb'id="P[0-9a-f]{32}"', b'id="P1"', xml)  # not a random part id: the same bytes
    return {"bwv66.6.mid": midi(chorale), "acacia.mid": midi(acacia), "acacia.musicxml": xml}


def main() -> None:
    for name, data in real_world().items():
        (HERE / name).write_bytes(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()

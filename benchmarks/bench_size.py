"""How time and memory grow with the length of a song.

    python benchmarks/bench_size.py                       # 1k, 2k, 5k, 10k notes, every model
    python benchmarks/bench_size.py --sizes 1000 2000 --models mlp --epochs 3

The song is 나비야 over and over. Every measurement runs in a fresh child process, whose peak
resident memory (ru_maxrss, from os.wait4) and wall time are taken:

- ``parse``:   read the song file (notation.read_song);
- ``MODEL``:   train MODEL for --epochs epochs, then predict one step and the full song
               (pipeline.run_song), TensorFlow loaded;
- ``write``:   the MIDI and MusicXML bytes of the song (midi.midi_bytes, musicxml.musicxml_bytes).

The table gives each size's seconds and MiB, and the growth against the smallest size: a ratio
of time or memory above the floor (the child that only imports Keras) that stays at or below the
ratio of notes means at most linear growth.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from melodygen.formats.notation import format_token  # noqa: E402
from melodygen.formats.songs import load_song  # noqa: E402
from melodygen.learning.song.config import MODELS  # noqa: E402

FLOOR = """
from melodygen.learning.backend import load_keras
load_keras()
"""
PARSE = """
import sys
from melodygen.formats.notation import read_song
read_song(sys.argv[1])
"""
MODEL = """
import json, sys, time
from melodygen.learning.backend import load_keras
load_keras()
from melodygen.learning.song.config import TrainConfig
from melodygen.formats.notation import read_song
from melodygen.learning.song.experiment import run_song
melody = read_song(sys.argv[1])
start = time.perf_counter()
run = run_song(melody, [sys.argv[2]], TrainConfig(epochs=int(sys.argv[3])))
total = time.perf_counter() - start
train = run.models[0].training.seconds
print(json.dumps({"train": train, "predict": total - train}))
"""
WRITE = """
import json, sys, time
from melodygen.formats.midi import midi_bytes
from melodygen.formats.musicxml import musicxml_bytes
from melodygen.formats.notation import read_song
melody = read_song(sys.argv[1])
start = time.perf_counter()
midi_bytes(melody)
middle = time.perf_counter()
musicxml_bytes(melody)
print(json.dumps({"midi": middle - start, "musicxml": time.perf_counter() - middle}))
"""


def song_text(notes: int) -> str:
    """나비야 repeated to ``notes`` notes, 16 tokens a line."""
    tokens = [format_token(note) for note in load_song("nabiya").notes]
    cycle = list(itertools.islice(itertools.cycle(tokens), notes))
    lines = [" ".join(cycle[i:i + 16]) for i in range(0, notes, 16)]
    return f"title: {notes} notes\ntime: 2/4\ntempo: 100\n" + "\n".join(lines) + "\n"


def measure(code: str, *args) -> tuple[float, float, dict]:
    """Run ``python -c code args`` -> (wall seconds, peak RSS in MiB, the JSON it printed)."""
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path, "TF_CPP_MIN_LOG_LEVEL": "3"}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-c", code, *map(str, args)], env=env,
                                 stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own peak memory, not the max of all
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            sys.exit(f"child failed ({child.returncode}):\n{err.read()}")
        printed = out.read().strip()
    return seconds, usage.ru_maxrss / 1024, json.loads(printed) if printed else {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 5000, 10000])
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also save the figures here")
    args = parser.parse_args()

    rows = []
    floor_seconds, floor_rss, _ = measure(FLOOR)
    print(f"floor (import Keras): {floor_seconds:.1f} s, {floor_rss:.0f} MiB", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        for notes in args.sizes:
            song = Path(folder) / f"song{notes}.txt"
            song.write_text(song_text(notes))
            seconds, rss, _ = measure(PARSE, song)
            rows.append({"notes": notes, "step": "parse", "seconds": seconds, "rss": rss})
            seconds, rss, phases = measure(WRITE, song)
            rows.append({"notes": notes, "step": "write", "seconds": seconds, "rss": rss, **phases})
            for model in args.models:
                seconds, rss, phases = measure(MODEL, song, model, args.epochs)
                rows.append({"notes": notes, "step": model, "seconds": seconds, "rss": rss, **phases})
            for row in rows[-2 - len(args.models):]:
                print(_line(row), flush=True)
    print()
    print(table(rows, floor_rss))
    if args.json:
        args.json.write_text(json.dumps({"floor_rss": floor_rss, "epochs": args.epochs, "rows": rows},
                                        indent=1))


def _line(row: dict) -> str:
    return " ".join(f"{key}={value:.2f}" if isinstance(value, float) else f"{key}={value}"
                    for key, value in row.items())


def table(rows: list[dict], floor_rss: float) -> str:
    """Markdown table: per step and size, seconds, peak MiB, MiB above the floor, and growth
    ratios against the smallest size (notes, seconds, MiB above the floor)."""
    header = ["step", "notes", "seconds", "detail", "peak MiB", "above floor MiB",
              "x notes", "x seconds", "x MiB above floor"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for step in dict.fromkeys(row["step"] for row in rows):
        mine = [row for row in rows if row["step"] == step]
        base = mine[0]
        for row in mine:
            above = row["rss"] - (floor_rss if step not in ("parse", "write") else 0)
            base_above = base["rss"] - (floor_rss if step not in ("parse", "write") else 0)
            detail = ", ".join(f"{key} {row[key]:.1f} s" for key in ("train", "predict", "midi", "musicxml")
                               if key in row)
            lines.append("| " + " | ".join([
                step, f"{row['notes']:,}", f"{row['seconds']:.1f}", detail, f"{row['rss']:.0f}",
                f"{above:.0f}", f"{row['notes'] / base['notes']:.1f}",
                f"{row['seconds'] / base['seconds']:.1f}",
                f"{above / base_above:.1f}" if base_above > 0 else "-"]) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()

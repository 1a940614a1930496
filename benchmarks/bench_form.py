"""Tunes with form (issue 24), measured on two collections: a model of each, 20 tunes generated
with its defaults (its most common form, part length, key and meter), and the targets.

    python benchmarks/bench_form.py                  # jigs and kinder, the LSTM, 20 tunes each
    python benchmarks/bench_form.py --model transformer
    python benchmarks/bench_form.py --quick          # 3 epochs, 6 tunes: that it all runs (CI)
    python benchmarks/bench_form.py --collections jigs --count 40 --seed 2

The collections, each split into the tunes a model learns and tunes held out for the style
measure, written as tunebooks of their own ABC text (X: renumbered) in --work:

- jigs: the tunes of music21's ``ryansMammoth`` that melodygen reads in 6/8 (195, once
  duplicates are merged), in the collection's order (by file name): the first 150 learnt, the
  other 45 held out;
- kinder: ``essen/kinder`` (213 tunes), shuffled with seed 0: 170 learnt, 43 held out.

Each model is trained by the command line as a user trains it (``melodygen train BOOK --model
MODEL``) and writes --count tunes (``melodygen generate MODEL --count N --seed S``). Printed per
collection, the targets of the issue:

- every tune's form as asked (read back from tunes.abc);
- the repeats played in the MIDI (its notes are the written notes with the repeats played out,
  and abc2midi plays tunes.abc the same);
- every part ending on a cadence: its last note on a stable degree (the tonic, third or fifth),
  a beat or longer, the last part's on the tonic;
- the share of bars that repeat an earlier bar exactly within 0.75-1.33 of the collection's
  (all bars of all tunes, as written); beside it the share in tunes of the same seed generated
  with ``--no-motifs``: what the model repeats on its own;
- each feature's style overlap with the held-out tunes at least 0.85 of real tunes' (the learnt
  tunes, in sets of as many tunes);
- no error or warning from abc2midi and abcm2ps on tunes.abc;
- no note outside the collection's range.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

JIGS_LEARNT = 150
KINDER_HELD_OUT = 43


def select(name: str, work: Path) -> tuple[Path, Path, str]:
    """Write the collection's two tunebooks into ``work``: (learnt, held out, how chosen)."""
    import numpy as np

    import melodygen
    from melodygen.formats.abc import split_tunes
    from melodygen.formats.collections import music21_corpus

    if name == "jigs":
        tunes = [t for t in melodygen.read_collection("ryansMammoth")
                 if t.melody.time_signature == (6, 8)]
        folder = music21_corpus() / "ryansMammoth"
        learnt, held = tunes[:JIGS_LEARNT], tunes[JIGS_LEARNT:]
        how = (f"the {len(tunes)} tunes of ryansMammoth in 6/8, in its order: the first "
               f"{len(learnt)} learnt, the other {len(held)} held out")
    else:
        tunes = list(melodygen.read_collection("essen/kinder"))
        folder = music21_corpus() / "essenFolksong"
        order = np.random.default_rng(0).permutation(len(tunes))
        held = [tunes[i] for i in sorted(order[:KINDER_HELD_OUT])]
        learnt = [tunes[i] for i in sorted(order[KINDER_HELD_OUT:])]
        how = (f"the {len(tunes)} tunes of essen/kinder shuffled (seed 0): {len(learnt)} learnt, "
               f"{len(held)} held out")
    texts = {}
    for tune in tunes:
        if tune.file not in texts:
            texts[tune.file] = {t.number: t.text for t in split_tunes(
                (folder / tune.file).read_text(encoding="utf-8"), tune.file)}
    paths = []
    for part, chosen in (("learnt", learnt), ("held-out", held)):
        book = "\n".join(re.sub(r"^[ \t]*X:.*", f"X:{n}", texts[t.file][t.number], count=1)
                         .rstrip() + "\n" for n, t in enumerate(chosen, start=1))
        path = work / f"{name}-{part}.abc"
        path.write_text(book, encoding="utf-8")
        paths.append(path)
    return paths[0], paths[1], how


def command(*args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "melodygen", *args], capture_output=True,
                          text=True)
    if done.returncode:
        raise SystemExit(f"melodygen {' '.join(args)} failed:\n{done.stderr}")
    return done


def abc_programs(book: Path) -> tuple[list[str], list[str], list]:
    """(abc2midi's errors and warnings, abcm2ps's, the melodies abc2midi plays) of a tunebook."""
    import warnings

    from melodygen.formats.midi import read_midi

    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "tunes.abc"
        shutil.copy(book, copy)
        midi = subprocess.run(["abc2midi", copy.name], cwd=folder, capture_output=True, text=True)
        ps = subprocess.run(["abcm2ps", copy.name, "-O", "tunes.ps"], cwd=folder,
                            capture_output=True, text=True)
        played = []
        for number in range(1, 1000):
            path = Path(folder) / f"tunes{number}.mid"
            if not path.exists():
                break
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                played.append(read_midi(path))
    said = [line for line in (midi.stdout + midi.stderr).splitlines()
            if re.search(r"error|warning", line, re.I)]
    drawn = [line for line in (ps.stdout + ps.stderr).splitlines()
             if re.search(r"error|warning", line, re.I)]
    return said, drawn, played


def measure(name: str, family: str, count: int, seed: int, epochs: int | None, work: Path,
            quick: bool, form: str | None) -> dict:
    import warnings

    import melodygen
    from melodygen.core.form import STABLE_DEGREES, bar_repeats, part_endings
    from melodygen.core.keys import Key
    from melodygen.core.note import beat
    from melodygen.evaluation.style import StyleTune, compare_style
    from melodygen.formats.abc import read_tunebook
    from melodygen.formats.midi import read_midi

    learnt_book, held_book, how = select(name, work)
    model = work / f"{name}-{family}.melodygen"
    train = ["train", str(learnt_book), "--save", str(model), "--model", family, "--quiet"]
    start = time.perf_counter()
    trained = command(*train, *(["--epochs", str(epochs)] if epochs else []))
    seconds = time.perf_counter() - start
    out = work / f"{name}-{family}-tunes"
    command("generate", str(model), "--count", str(count), "--seed", str(seed), "--out",
              str(out), "--no-audio", *(["--no-scores"] if quick else []), "--quiet",
              *(["--form", form] if form else []))
    alone = work / f"{name}-{family}-no-motifs"  # the bars the model repeats on its own
    command("generate", str(model), "--count", str(count), "--seed", str(seed), "--out",
            str(alone), "--no-audio", "--no-scores", "--quiet", "--no-motifs",
            *(["--form", form] if form else []))
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    settings = summary["settings"]
    key = Key.parse(settings["key"]) if settings["key"] else None
    learnt = melodygen.read_collection(str(learnt_book))
    held = melodygen.read_collection(str(held_book))
    book = read_tunebook(out / "tunes.abc")
    tunes = [StyleTune.of(reading.melody, reading.marks, key) for reading in book.readings]
    asked = [melody["form"]["letters"] for melody in summary["melodies"]]  # each tune's form
    forms = sum(tune.form.letters == letters for tune, letters in zip(tunes, asked))
    said, drawn, played_by_abc2midi = abc_programs(out / "tunes.abc")
    played = same_as_abc2midi = cadences = parts = 0
    for number, tune in enumerate(tunes, start=1):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            midi = read_midi(out / summary["melodies"][number - 1]["midi"])
        expected = tune.form.played(tune.melody).notes
        played += midi.notes == expected
        if number <= len(played_by_abc2midi):
            same_as_abc2midi += played_by_abc2midi[number - 1].notes == expected
        stable = {(tune.tonic + step) % 12 for step in STABLE_DEGREES}
        endings = part_endings(tune.melody, tune.form)
        for index, note in enumerate(endings):
            last = index == len(endings) - 1
            parts += 1
            cadences += note.duration >= beat(tune.melody.time_signature) and \
                (note.pitch % 12 == tune.tonic if last else note.pitch % 12 in stable)
    real = [bar_repeats(t.melody) for t in learnt]
    new = [bar_repeats(t.melody) for t in tunes]
    share = sum(r.exact for r in real) / sum(r.bars for r in real)
    made = sum(r.exact for r in new) / sum(r.bars for r in new)
    on_its_own = [bar_repeats(r.melody) for r in read_tunebook(alone / "tunes.abc").readings]
    model_alone = sum(r.exact for r in on_its_own) / sum(r.bars for r in on_its_own)
    rhythm_real = sum(r.rhythm for r in real) / sum(r.bars for r in real)
    rhythm_made = sum(r.rhythm for r in new) / sum(r.bars for r in new)
    pitches = [n.pitch for t in learnt for n in t.melody.notes if n.pitch is not None]
    low, high = min(pitches), max(pitches)
    outside = sum(1 for t in tunes for n in t.melody.notes
                  if n.pitch is not None and not low <= n.pitch <= high)
    style = compare_style(tunes, [StyleTune.of(t.melody, t.marks) for t in held],
                          [StyleTune.of(t.melody, t.marks) for t in learnt], seed)
    return {"name": name, "family": family, "how": how, "seconds": seconds,
            "trained": trained.stdout.splitlines()[0], "settings": settings, "count": len(tunes),
            "forms": forms, "played": played, "abc2midi_same": same_as_abc2midi,
            "cadences": cadences, "parts": parts, "share": share, "made": made,
            "alone": model_alone,
            "rhythm_real": rhythm_real, "rhythm_made": rhythm_made, "outside": outside,
            "range": (low, high), "abc2midi": said, "abcm2ps": drawn, "style": style,
            "out": out}


def report(found: dict, quick: bool) -> bool:
    """Print one collection's figures; whether every target is met."""
    from melodygen.core.note import pitch_name
    from melodygen.evaluation.style import FEATURES

    s, n = found["settings"], found["count"]
    ratio = found["made"] / found["share"] if found["share"] else float("nan")
    ratios = {f: found["style"][f].ratio for f in FEATURES}
    checks = {
        "form": found["forms"] == n, "repeats": found["played"] == n,
        "abc2midi plays": found["abc2midi_same"] == n,
        "cadences": found["cadences"] == found["parts"], "bar repeats": 0.75 <= ratio <= 1.33,
        "style": all(value >= 0.85 for value in ratios.values()),
        "abc programs": not found["abc2midi"] and not found["abcm2ps"],
        "range": found["outside"] == 0}
    low, high = found["range"]
    print(f"\n== {found['name']}: {found['how']}")
    print(f"   {found['family']} trained in {found['seconds']:.0f} s: {found['trained']}")
    form = f"form {s['form']} (parts of {s['part_bars']} bars), {s['bars']} bars" \
        if s["part_bars"] else "forms drawn from the collection's"
    print(f"   {n} tunes: {form} of {s['meter']} in {s['key']}, {s['tempo']:g} quarter notes a "
          f"minute, {s['choosing']}; files in {found['out']}")
    lines = [
        ("form as asked", f"{found['forms']}/{n}", checks["form"]),
        ("repeats played in the MIDI", f"{found['played']}/{n}", checks["repeats"]),
        ("abc2midi plays the same notes", f"{found['abc2midi_same']}/{n}", checks["abc2midi plays"]),
        ("parts ending on a cadence", f"{found['cadences']}/{found['parts']}", checks["cadences"]),
        ("bars repeating an earlier bar", f"{found['made']:.1%} (collection {found['share']:.1%}): "
         f"{ratio:.2f}x, target 0.75-1.33", checks["bar repeats"]),
        ("... in rhythm only", f"{found['rhythm_made']:.1%} (collection "
         f"{found['rhythm_real']:.1%})", None),
        ("... exactly, --no-motifs", f"{found['alone']:.1%}: what the model repeats alone", None),
        ("notes outside the range", f"{found['outside']} (collection {pitch_name(low)}-"
         f"{pitch_name(high)})", checks["range"]),
        ("abc2midi, abcm2ps", f"{len(found['abc2midi'])} and {len(found['abcm2ps'])} errors or "
         "warnings", checks["abc programs"])]
    for what, value, ok in lines:
        mark = "" if ok is None else ("  met" if ok else "  NOT met")
        print(f"   {what:<32} {value}{mark}")
    for line in found["abc2midi"][:5] + found["abcm2ps"][:5]:
        print(f"      {line}")
    print(f"   style against the held-out tunes (real: the learnt tunes, in sets of {n}):")
    print(f"   {'feature':<16} {'generated':>9} {'real':>6} {'ratio':>6}")
    for feature in FEATURES:
        o = found["style"][feature]
        print(f"   {feature:<16} {o.overlap:>9.3f} {o.real:>6.3f} {o.ratio:>6.2f}"
              f"{'' if o.ratio >= 0.85 else '  (below 0.85)'}")
    met = all(checks.values())
    if not quick:
        print(f"   every target met: {'yes' if met else 'NO: ' + ', '.join(k for k, v in checks.items() if not v)}")
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--collections", nargs="+", choices=("jigs", "kinder"),
                        default=["jigs", "kinder"])
    parser.add_argument("--model", default="lstm", choices=("lstm", "transformer"))
    parser.add_argument("--count", type=int, default=20, help="tunes a collection (default 20)")
    parser.add_argument("--seed", type=int, default=1, help="of the generation (default 1)")
    parser.add_argument("--form", default=None,
                        help="generate's --form (default: the collection's most common form; "
                             "collection: each tune one of the collection's forms)")
    parser.add_argument("--quick", action="store_true",
                        help="3 epochs, 6 tunes, no scores: that it runs (targets not judged)")
    parser.add_argument("--work", type=Path, default=None,
                        help="where the tunebooks, models and tunes go (default: a temporary "
                             "folder, removed)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-form-"))
    work.mkdir(parents=True, exist_ok=True)
    count, epochs = (6, 3) if args.quick else (args.count, None)
    print(f"melodygen form benchmark: {', '.join(args.collections)}, model {args.model}, "
          f"{count} tunes each, seed {args.seed}, form {args.form or 'the collection default'}"
          f"{', quick' if args.quick else ''}")
    try:
        met = [report(measure(name, args.model, count, args.seed, epochs, work, args.quick,
                              args.form), args.quick) for name in args.collections]
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    if not args.quick:
        print(f"\nall targets met: {'yes' if all(met) else 'no'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

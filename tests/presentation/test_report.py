"""report.html and the files behind it: built from a run, checked as text and in headless Chromium."""

import html
import json
import re
import shutil
import subprocess
import types
from html.parser import HTMLParser
from pathlib import Path

import mido
import numpy as np
import pytest

from melodygen import TrainConfig, load_song
from melodygen.cli import main
from melodygen.core.keys import song_key
from melodygen.formats.midi import read_midi
from melodygen.learning.song.config import model_spec
from melodygen.learning.song.experiment import ModelRun, SongRun, prepare
from melodygen.presentation import folder as folder_module
from melodygen.presentation import report
from melodygen.presentation import run_files as outputs
from melodygen.presentation.folder import MANIFEST
from melodygen.presentation.audio import wav_to_samples
from melodygen.presentation.engrave import read_svg
from melodygen.presentation.verdict import verdict

NASTY_TITLE = '나비야 <script>alert("x")</script> & <img src=x onerror=alert(1)>'
MLP_ONE_STEP_WRONG = [3, 11, 30, 46]  # sample indices changed in the made-up mlp predictions


def made_up_run(title: str | None = None, names=("mlp", "stateful2"), song: str = "nabiya",
                reached: bool = True, melody=None) -> SongRun:
    """나비야 (or ``melody``) with models whose training and predictions are made up (no
    TensorFlow): a model without state (mlp, lstm) gets 4 one-step notes wrong and derails from
    the 8th note on, a stateful one is all right. ``reached=False``: the epochs ended before the
    target, each model one more one-step note wrong."""
    melody = melody or load_song(song)
    if title:
        melody = melody.with_notes(melody.notes, title)
    config = TrainConfig()
    vocabulary, dataset = prepare(melody, config.window)
    runs = []
    for name in names:
        epochs, final = (163, 0.37) if name in ("mlp", "lstm") else (249, 0.2)
        one_step, full_song = dataset.targets.copy(), dataset.targets.copy()
        if name in ("mlp", "lstm"):
            for i in MLP_ONE_STEP_WRONG:
                one_step[i] = (one_step[i] + 1) % len(vocabulary)
            full_song[3:] = vocabulary.index(melody.notes[5])  # repeats d4
        if not reached:
            one_step[1] = (one_step[1] + 1) % len(vocabulary)
        history = types.SimpleNamespace(loss=list(np.geomspace(2.6, final, epochs)),
                                        accuracy=list(np.linspace(0.1, 0.92 if name == "mlp" else 1, epochs)),
                                        timeline=[(epochs, 1.25)])
        training = types.SimpleNamespace(history=history, epochs=epochs,
                                         target=46 if name in ("mlp", "lstm") else 50,
                                         reached_epoch=epochs if reached else None, seconds=1.25)
        runs.append(ModelRun(model_spec(name), training, one_step, full_song))
    return SongRun(melody, vocabulary, dataset, config, runs)


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    return folder, outputs.write_outputs(made_up_run(NASTY_TITLE), folder).to_json()


class Elements(HTMLParser):
    """Tags and attributes of a page, in order."""

    def __init__(self, page: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def all(self, tag):
        return [attrs for name, attrs in self.tags if name == tag]


SCORE = re.compile(r'<div class="score"[^>]*><div class="laptop"><svg viewBox="0 0 840 \d+"')  # an inline score
PHONE_SCORE = re.compile(r'<div class="phone"><svg viewBox="0 0 360 \d+"')  # its layout for a phone
STEMS = ["original", "mlp-one-step", "mlp-full-song", "stateful2-one-step", "stateful2-full-song"]


def test_every_file_is_written_and_named_in_the_summary(written):
    folder, summary = written
    assert summary["report"] == "report.html"
    stored = json.loads((folder / "summary.json").read_text())
    assert stored["report"] == "report.html"
    named = [stored["original"]] + [stored["models"][m]["outputs"][k]
                                    for m in ("mlp", "stateful2") for k in ("one-step", "full-song")]
    assert [(files["svg"], files["wav"]) for files in named] == [(f"{s}.svg", f"{s}.wav") for s in STEMS]
    expected = {f"{s}.{ext}" for s in STEMS for ext in ("mid", "musicxml", "svg", "wav")}
    assert {p.name for p in folder.iterdir()} == expected | {"loss.png", "report.html", "summary.json",
                                                            MANIFEST}


def test_scores_mark_the_wrong_notes_of_each_prediction(written):
    folder, summary = written
    mlp = summary["models"]["mlp"]
    assert mlp["one_step_wrong_positions"] == [i + 5 for i in MLP_ONE_STEP_WRONG]
    for model in summary["models"].values():
        for kind in ("one-step", "full-song"):
            engraved = read_svg((folder / model["outputs"][kind]["svg"]).read_bytes())
            assert [[e.note.pitch, str(e.note.duration)] for e in engraved] == model["outputs"][kind]["notes"]
            wrong = model[f"{kind.replace('-', '_')}_wrong_positions"]
            assert [i for i, e in enumerate(engraved, start=1) if e.marked] == wrong
            # the second cue, for readers who do not see red: each wrong note numbered
            assert [e.label for e in engraved if e.marked] == [str(position) for position in wrong]
            assert [e.label for e in engraved if not e.marked] == [None] * (len(engraved) - len(wrong))


def test_the_page_inlines_the_scores_and_plays_the_files_beside_it(written):
    folder, summary = written
    page = (folder / "report.html").read_text(encoding="utf-8")
    elements = Elements(page)
    scores = [attrs for attrs in elements.all("div") if attrs.get("class") == "score"]
    assert len(scores) == 6  # the song's ambiguous contexts marked, the song, 4 predictions
    assert scores[0]["aria-label"].startswith("The song, with the note after each of its ambiguous")
    assert len(SCORE.findall(page)) == len(PHONE_SCORE.findall(page)) == 5
    assert [a["src"] for a in elements.all("audio")] == [f"{s}.wav" for s in STEMS]
    assert [a["href"] for a in elements.all("a") if a["href"].startswith("https:")] == [report.BLOG]
    links = [a["href"] for a in elements.all("a") if a["href"][0] not in "#h"]
    assert links == [f"{s}.{ext}" for s in STEMS for ext in ("mid", "musicxml", "svg", "wav")]
    assert all((folder / name).is_file() for name in links)
    plots = [a["src"] for a in elements.all("img")]
    assert len(plots) == 1 and plots[0].startswith("data:image/png;base64,")
    anchors = {a["href"][1:] for a in elements.all("a") if a["href"].startswith("#")}
    ids = {attrs["id"] for _, attrs in elements.tags if "id" in attrs}
    assert anchors <= ids and anchors == {"model-mlp", "model-stateful2", "training"}


def test_the_title_is_text_not_markup(written):
    folder, _ = written
    page = (folder / "report.html").read_text(encoding="utf-8")
    tags = Elements(page).tags
    assert [tag for tag, _ in tags if tag in ("script", "iframe", "object", "embed")] == []
    assert "&lt;script&gt;" in re.search(r'<p class="headline">.*?</p>', page)[0] or \
        "<script" not in page
    assert [name for _, attrs in tags for name in attrs if name.startswith("on")] == []
    heading = re.search(r"<h1>(.*)</h1>", page)[1]
    assert heading == ("나비야 &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; "
                       "&lt;img src=x onerror=alert(1)&gt;: what each model learnt")
    assert [a for a in tags if a[0] == "img"] == [tags[[t for t, _ in tags].index("img")]]  # the plot only


def test_same_run_same_bytes(written, tmp_path):
    folder, _ = written
    outputs.write_outputs(made_up_run(NASTY_TITLE), tmp_path)
    for name in ("report.html", "original.svg", "mlp-full-song.svg", "original.wav", "mlp-one-step.wav"):
        assert (tmp_path / name).read_bytes() == (folder / name).read_bytes(), name


def test_no_scores_no_audio_no_report(tmp_path):
    summary = outputs.write_outputs(made_up_run(), tmp_path, scores=False, audio=False, report=False).to_json()
    assert "report" not in summary and "svg" not in summary["original"] and "wav" not in summary["original"]
    assert sorted({p.suffix for p in tmp_path.iterdir() if p.name != MANIFEST}) == \
        [".json", ".mid", ".musicxml", ".png"]


def test_report_without_scores_or_audio_has_tables_only(tmp_path):
    outputs.write_outputs(made_up_run(), tmp_path, scores=False, audio=False)
    elements = Elements((tmp_path / "report.html").read_text(encoding="utf-8"))
    assert not elements.all("audio")
    assert [attrs.get("viewbox") for attrs in elements.all("svg")] == ["0 0 473 124"]  # the window
    assert [table.get("class") for table in elements.all("table")] == ["contexts", None, None]


def page_text(page: str) -> str:
    """The words of a page, tags dropped, entities decoded, spaces joined."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_the_verdict_comes_first_with_the_ambiguous_contexts(written):
    folder, _ = written
    page = (folder / "report.html").read_text(encoding="utf-8")
    verdict = re.search(r'<section id="verdict" class="verdict">(.*?)</section>', page, re.S)
    assert verdict and page.index('id="verdict"') < page.index('id="song"')
    text = page_text(verdict[1])
    assert text.startswith(
        "Without state, mlp derails at note 8, where the 4 notes before it recur in the song "
        "with another next note; with state, stateful2 carries the whole song. "
        "Run it with --model all to see that an LSTM without state derails as well, and a "
        "Transformer that sees the last 4 notes: the lesson is the context a model sees, not the "
        "kind of network. "
        "mlp derails at note 8: the 4 notes before it, f8 d8 d4 c8, come 3 times in the song, "
        "followed by d8 here and by e8 at notes 22 and 49.")
    assert "cap every model without state at 46 of 50 (mlp gets 46)" in text
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>",
                      verdict[1])
    assert rows == [  # lettered as on the score of the contexts
        ("A", "f8 d8 d4 c8", "e8 at notes 22, 49; d8 at note 8 (mlp derails at note 8)", "2 of 3"),
        ("B", "e8 e8 e8 f8", "d8 at note 19; g4 at note 41", "1 of 2"),
        ("C", "d8 d8 d8 d8", "d8 at note 32; e8 at note 33", "1 of 2"),
        ("D", "e8 e8 e8 e8", "e8 at note 39; f8 at note 40", "1 of 2"),
    ]
    assert "Warning" not in text


def test_the_verdict_of_all_four_models_says_the_lesson_is_state(tmp_path):
    summary = outputs.write_outputs(made_up_run(names=("mlp", "lstm", "stateful", "stateful2")),
                                    tmp_path, scores=False, audio=False)
    found = verdict(summary)
    assert found.headline == (
        "Without state, mlp and lstm derail at note 8, where the 4 notes before it recur in the "
        "song with another next note; with state, stateful and stateful2 carry the whole song.")
    assert found.lesson == ("The stateless LSTM (lstm) derails too, at note 8: what carries the "
                            "song is the state, not the LSTM.")
    assert found.details[0].startswith("mlp and lstm derail at note 8: the 4 notes before it")
    assert found.details[-1].startswith("stateful and stateful2 carry their state from window "
                                        "to window across the song")
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert f'<p class="lesson">{found.lesson}</p>' in page
    assert "(mlp and lstm derail at note 8)" in page_text(page)  # in the table of contexts
    assert "--model all" not in page_text(page)


def test_the_verdict_warns_of_a_model_short_of_its_target(tmp_path):
    summary = outputs.write_outputs(made_up_run(reached=False), tmp_path, scores=False, audio=False)
    assert verdict(summary).cap_warnings == [
        "mlp stopped at the epoch cap (163) before reaching its target: 45 of 50 next notes "
        "right in one step, target 46; train longer (--epochs)",
        "stateful2 stopped at the epoch cap (249) before reaching its target: 49 of 50 next "
        "notes right in one step, target 50; train longer (--epochs)"]
    assert "Warning: mlp stopped at the epoch cap (163)" in \
        page_text((tmp_path / "report.html").read_text(encoding="utf-8"))


def test_no_warning_for_a_model_the_cap_stopped_on_its_target(tmp_path):
    """The epoch cap can stop a model right after the step that took it to its target: no
    epoch's report counted it, its predictions show it reached: no warning."""
    run = made_up_run()
    for model in run.models:
        model.training.reached_epoch = None
    summary = outputs.write_outputs(run, tmp_path, scores=False, audio=False)
    assert verdict(summary).cap_warnings == []


def test_every_note_is_spelt_in_the_songs_key(tmp_path):
    # Freut euch des Lebens is in F major: its Bb is bb8, never a#8, in the grid and the summary
    summary = outputs.write_outputs(made_up_run(names=("stateful2",), song="freut_euch"), tmp_path,
                                    scores=False, audio=False).to_json()
    assert summary["song"]["key"] == "F major"
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    grid = re.search(r'<div class="notes wide">.*?</div>', page, re.S)[0]
    cells = [html.unescape(cell) for cell in re.findall(r"<td>([^<]*)</td>", grid)]
    assert "bb8" in cells and not [cell for cell in cells if "#" in cell]
    assert "bb8" in summary["original"]["tokens"] and "#" not in summary["original"]["tokens"]
    assert "#" not in summary["models"]["stateful2"]["predicted_tokens"]["full-song"]


def test_every_file_is_written_atomically(tmp_path, monkeypatch):
    written_through = []

    def recording(path, data):
        written_through.append(Path(path).name)
        return real(path, data)

    real = folder_module.write_atomic
    monkeypatch.setattr(folder_module, "write_atomic", recording)
    outputs.write_outputs(made_up_run(), tmp_path)
    assert sorted(set(written_through)) == sorted(p.name for p in tmp_path.iterdir())
    files = [name for name in written_through if name != MANIFEST]
    assert len(files) == len(set(files))


# --- the page in headless Chromium (Debian package `chromium`; .ci/run installs it) ---

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (Debian: apt-get install chromium; .ci/run does)")


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *args],
        capture_output=True, text=True, timeout=120, check=True)


@needs_chromium
def test_chromium_opens_the_report_without_console_errors(written, tmp_path):
    folder, _ = written
    result = chromium(tmp_path, "--dump-dom", (folder / "report.html").as_uri())
    assert [line for line in result.stderr.splitlines() if ":CONSOLE" in line] == []
    dom = Elements(result.stdout)
    assert len([a for a in dom.all("div") if a.get("class") == "score"]) == 6  # the contexts' too
    assert len(SCORE.findall(result.stdout)) == 5  # the five engraved scores, as SVG elements
    assert len(dom.all("audio")) == 5


def long_lines_and_red(png: Path) -> tuple[int, int]:
    """Horizontal dark lines at least 500 px long in a screenshot (staff lines, a plot's frame;
    adjacent rows count as one line), and the number of red pixels."""
    from PIL import Image

    pixels = np.asarray(Image.open(png).convert("RGB")).astype(int)
    dark = pixels.mean(axis=2) < 180
    rows = []
    for number, row in enumerate(dark):
        edges = np.diff(np.concatenate([[0], row.astype(int), [0]]))
        if row.any() and (np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)).max() >= 500:
            rows.append(number)
    lines = len([row for i, row in enumerate(rows) if i == 0 or row - rows[i - 1] > 1])
    red = (pixels[..., 0] > 180) & (pixels[..., 1] < 80) & (pixels[..., 2] < 80)
    return lines, int(red.sum())


@needs_chromium
def test_screenshot_shows_the_scores_with_red_notes(written, tmp_path):
    folder, _ = written
    bare = tmp_path / "bare"
    bare.mkdir()
    outputs.write_outputs(made_up_run(), bare, scores=False, audio=False)
    shots = {}
    for name, page in (("scores", folder / "report.html"), ("bare", bare / "report.html")):
        shots[name] = tmp_path / f"{name}.png"
        # The page is about 6,700 px long at this width: the window holds all of it, so that a
        # font a few pixels taller on another machine cannot push a system out of the picture.
        chromium(tmp_path, "--window-size=1200,9000", f"--screenshot={shots[name]}", page.as_uri())
    scores_lines, scores_red = long_lines_and_red(shots["scores"])
    bare_lines, bare_red = long_lines_and_red(shots["bare"])
    assert bare_lines < 10  # without scores: the plot's frame
    # Five staff lines in each of the 13 systems: the contexts' score 2, the song 2, mlp's one-step
    # 2 and full song 3, stateful2's one-step 2 and full song 2.
    assert scores_lines - bare_lines >= 5 * 13
    assert scores_red > 2 * bare_red  # the red notes, beyond the red text and cells


FRAME = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="page" src="report.html" style="width:%dpx;height:800px;border:0"></iframe><pre id="out"></pre>
<script>
document.getElementById("page").onload = () => {
  const page = document.getElementById("page").contentDocument;
  const shown = [...page.querySelectorAll(".score > div")].filter(e => e.offsetParent !== null);
  const staffs = shown.map(score => {
    const lines = [...score.querySelector("g.staff").children].filter(e => e.tagName === "path");
    return lines[4].getBoundingClientRect().top - lines[0].getBoundingClientRect().top; });
  document.getElementById("out").textContent = JSON.stringify({
    scrollWidth: page.documentElement.scrollWidth, layouts: shown.map(e => e.className), staffs});
};
</script></body></html>"""


@needs_chromium
@pytest.mark.parametrize("width, layout", [(390, "phone"), (1280, "laptop")])
def test_the_page_fits_a_phone_and_a_laptop(written, tmp_path, width, layout):
    # The page in a frame of a phone's width (headless Chromium's own window is 500 px at least):
    # no sideways scrolling, and the scores engraved for that width, their staves large enough.
    folder, _ = written
    shutil.copy(folder / "report.html", tmp_path / "report.html")
    (tmp_path / "frame.html").write_text(FRAME % width, encoding="utf-8")
    result = chromium(tmp_path, "--allow-file-access-from-files", "--window-size=1400,900",
                      "--virtual-time-budget=5000", "--dump-dom", (tmp_path / "frame.html").as_uri())
    found = json.loads(html.unescape(re.search(r'<pre id="out">(.*?)</pre>', result.stdout, re.S)[1]))
    assert found["scrollWidth"] <= width
    assert found["layouts"] == [layout] * 5
    assert all(staff >= 24 for staff in found["staffs"])  # 6 px and more between staff lines


@needs_chromium
def test_chromium_plays_every_wav_at_its_length(written, tmp_path):
    folder, summary = written
    probe = folder / "probe.html"  # beside the WAVs, as the report is
    names = [summary["original"]["wav"]] + [files["wav"] for model in summary["models"].values()
                                            for files in model["outputs"].values()]
    probe.write_text("<!DOCTYPE html><pre id=out></pre><script>for (const name of "
                     + json.dumps(names) + ") { const a = new Audio(name); a.preload = 'metadata';"
                     " a.onloadedmetadata = () => { out.textContent += name + ' ' + a.duration + '\\n'; };"
                     " a.onerror = () => { out.textContent += name + ' error\\n'; }; }</script>")
    try:
        result = chromium(tmp_path, "--virtual-time-budget=10000", "--dump-dom", probe.as_uri())
    finally:
        probe.unlink()
    heard = dict(line.split() for line in re.search(r"<pre id=\"out\">(.*?)</pre>", result.stdout, re.S)[1]
                 .strip().splitlines())
    for name in names:
        samples, rate = wav_to_samples((folder / name).read_bytes())
        assert float(heard[name]) == pytest.approx(len(samples) / rate, abs=0.01), name


# --- the command line (one epoch of training: TensorFlow loads, the numbers do not matter) ---

def test_cli_writes_the_report_and_prints_its_path(tmp_path, capsys):
    assert main(["nabiya", "--model", "mlp", "--epochs", "1", "--quiet", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert printed.splitlines()[-1] == f"report: {tmp_path / 'report.html'}"
    assert "(.mid, .musicxml, .svg, .wav)" in printed
    assert {p.suffix for p in tmp_path.iterdir() if p.name != MANIFEST} == \
        {".mid", ".musicxml", ".svg", ".wav", ".png", ".html", ".json"}

    other = tmp_path / "plain"
    assert main(["nabiya", "--model", "mlp", "--epochs", "1", "--quiet", "--out", str(other),
                 "--no-audio", "--no-report", "--no-scores"]) == 0
    printed = capsys.readouterr().out
    assert "report:" not in printed and "(.mid, .musicxml)" in printed
    assert {p.suffix for p in other.iterdir() if p.name != MANIFEST} == {".mid", ".musicxml", ".png", ".json"}


def test_the_key_a_midi_file_gives_spells_every_file_of_the_run(tmp_path):
    """A scale of G major (one sharp, the key found in its notes) in a MIDI file with an E-flat
    major key signature: original.mid, the MusicXML files, summary.json and the report all
    carry E-flat major, F sharp spelt G flat (original.musicxml had one sharp)."""
    scale = [67, 69, 71, 72, 74, 76, 78, 79] * 7  # 56 notes, as long as the made-up run needs
    track = mido.MidiTrack([mido.MetaMessage("key_signature", key="Eb", time=0)])
    for pitch in scale:
        track.append(mido.Message("note_on", note=pitch, velocity=80, time=0))
        track.append(mido.Message("note_off", note=pitch, velocity=0, time=240))
    path = tmp_path / "flat.mid"
    mido.MidiFile(tracks=[track], ticks_per_beat=480).save(str(path))
    melody = read_midi(path)
    assert (str(melody.key), str(song_key(melody))) == ("Eb major", "G major")
    folder = tmp_path / "out"
    folder.mkdir()
    summary = outputs.write_outputs(made_up_run(melody=melody), folder, scores=False,
                                    audio=False).to_json()
    assert summary["song"]["key"] == "Eb major"
    assert summary["original"]["tokens"].split()[:8] == ["g8", "a8", "b8", "c'8", "d'8", "e'8",
                                                         "gb'8", "g'8"]
    for name in ("original", "mlp-one-step", "stateful2-full-song"):
        assert "<fifths>-3</fifths>" in (folder / f"{name}.musicxml").read_text(encoding="utf-8")
    keys = [message.key for track in mido.MidiFile(folder / "original.mid").tracks
            for message in track if message.type == "key_signature"]
    assert keys == ["Eb"]
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert "gb&#x27;8" in page or "gb'8" in page
    assert "f#'8" not in page and "f#&#x27;8" not in page

"""The README tells the truth: its first lines install and run, its Python example runs, the
output it shows is what the command prints (figures aside: epochs and times vary by machine),
and its links lead somewhere."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import REPO, _checkout_env, run_melodygen

README = (REPO / "README.md").read_text(encoding="utf-8")
FIGURE = re.compile(r"\d+(\.\d+)?")


def code_blocks(text: str) -> list[tuple[str, str]]:
    """(language, text) of every fenced code block."""
    return re.findall(r"^```(\w*)\n(.*?)^```", text, re.S | re.M)


def shown_output(command: str) -> list[str]:
    """The lines the README shows under ``$ COMMAND``, up to the block's end or the next $."""
    for _, block in code_blocks(README):
        lines = block.splitlines()
        if f"$ {command}" in lines:
            rest = lines[lines.index(f"$ {command}") + 1:]
            return rest[:next((i for i, line in enumerate(rest) if line.startswith("$ ")), len(rest))]
    raise AssertionError(f"the README shows no output of {command!r}")


def words(lines: list[str]) -> list[list[str]]:
    """Lines as words, figures masked: what must match whatever the machine."""
    return [[FIGURE.sub("#", word) for word in line.split()] for line in lines if line.strip()]


def test_the_first_lines_install_and_run_the_main_command_and_the_tests():
    language, first = code_blocks(README)[0]
    commands = [line.split("#")[0].strip() for line in first.splitlines()]
    assert commands == ['pip install . && python -m melodygen nabiya',
                        'pip install ".[test]" && python -m pytest']
    assert README.index(first) < README.index("## What you get")


def test_the_default_run_prints_what_the_readme_shows(tmp_path):
    done = run_melodygen("nabiya", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert words(done.stdout.splitlines()) == words(shown_output("python -m melodygen nabiya"))
    assert "Training epochs and times vary from machine to machine" in README


def python_examples() -> list[str]:
    return [block for language, block in code_blocks(README) if language == "python"]


def run_example(example: str, folder):
    done = subprocess.run([sys.executable, "-c", example], cwd=folder, env=_checkout_env(),
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_python_example_of_a_song_writes_midi_and_wav(tmp_path):
    out = run_example(python_examples()[0], tmp_path)
    assert out.startswith("title: 나비야 - generated 1\ntime: 2/4\ntempo: 100\n")
    for number in range(1, 5):
        for suffix in ("mid", "musicxml", "wav"):
            assert (tmp_path / "out" / "python" / f"melody-{number}.{suffix}").stat().st_size > 0
    assert (tmp_path / "models" / "nabiya.melodygen").is_file()


def test_the_python_example_of_a_collection_trains_generates_and_evaluates(tmp_path):
    import mido

    out = run_example(python_examples()[1], tmp_path).splitlines()
    assert out[0] == "213 tunes, 8393 notes, 0 dropped"
    assert re.fullmatch(r"ppm-c\*i: 2\.4\d\d bits per note of the pitch", out[1]), out
    assert re.fullmatch(r"ppm-both\+: 2\.0\d\d bits per note of the pitch", out[2]), out
    assert (tmp_path / "models" / "kinder.melodygen").is_file()
    for number in range(1, 4):
        midi = mido.MidiFile(tmp_path / "out" / "python" / f"tune-{number}.mid")
        notes = [m.note for m in midi.tracks[1] if m.type == "note_on"]
        assert notes[-1] % 12 == 7  # ends on G


def test_links_lead_somewhere():
    pages = {"README.md": README} | {f"docs/{path.name}": path.read_text(encoding="utf-8")
                                     for path in (REPO / "docs").glob("*.md")}
    for name, text in pages.items():
        for target in re.findall(r"\]\(([^)#\s]+\.md)(?:#[^)]*)?\)", text):
            assert (REPO / name).parent.joinpath(target).resolve().is_file(), (name, target)
        for target, anchor in re.findall(r"\]\(([^)#\s]*\.md)#([^)]+)\)", text):
            linked = (REPO / name).parent.joinpath(target).read_text(encoding="utf-8")
            headings = {re.sub(r"[^\w\- ]", "", h).strip().lower().replace(" ", "-")
                        for h in re.findall(r"^#+ (.*)$", linked, re.M)}
            assert anchor in headings, (name, target, anchor)
    assert "docs/developers.md" in README and "docs/generating.md" in README and "docs/songs.md" in README

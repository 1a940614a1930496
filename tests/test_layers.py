"""The package's layers: imports run downward only, no import circles, and the file formats and the
presentation of scores and audio never load TensorFlow or Keras."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
from external import child_env

PACKAGE = Path(__file__).resolve().parent.parent / "melodygen"
# Bottom to top: a module may import its own layer and the layers below it, never one above.
LAYERS = ("core", "formats", "learning", "evaluation", "generation", "presentation", "cli")


def modules() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = ("melodygen",) + path.relative_to(PACKAGE).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imported(name: str, path: Path) -> set[str]:
    """The melodygen modules that module ``name`` imports, at module level or in a function."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names if alias.name.startswith("melodygen"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([base] if base else []))
            if base.startswith("melodygen"):
                out.add(base)
                out.update(f"{base}.{alias.name}" for alias in node.names)
    known = modules()
    return {module for module in out if module in known}


def layer(module: str) -> str | None:
    """The layer of a module: the subpackage under melodygen; None for the package's own API."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def test_every_module_is_in_a_layer():
    outside = [name for name in modules() if layer(name) is None and name not in
               ("melodygen", "melodygen.__main__")]
    assert outside == []


@pytest.mark.parametrize("name", sorted(name for name in modules() if layer(name)))
def test_imports_run_downward_only(name):
    path = modules()[name]
    rank = LAYERS.index(layer(name))
    upward = sorted(module for module in imported(name, path)
                    if layer(module) is None or LAYERS.index(layer(module)) > rank)
    assert upward == [], f"{name} ({layer(name)}) imports a higher layer"


def test_the_note_types_import_nothing_else_of_the_package():
    for name in ("melodygen.core.note", "melodygen.core.errors", "melodygen.core.display"):
        assert imported(name, modules()[name]) <= {"melodygen.core", "melodygen.core.display"}, name


def test_no_import_circles():
    graph = {name: imported(name, path) for name, path in modules().items()}
    # a package's __init__ importing its own submodules is no circle
    for name in graph:
        graph[name] = {m for m in graph[name] if not (name.startswith(m + ".") or m == name)}
    seen, on_path, circles = set(), [], []

    def visit(module):
        if module in on_path:
            circles.append(on_path[on_path.index(module):] + [module])
            return
        if module in seen:
            return
        seen.add(module)
        on_path.append(module)
        for other in sorted(graph[module]):
            visit(other)
        on_path.pop()

    for module in sorted(graph):
        visit(module)
    assert circles == []


# Reading and writing files, engraving, audio, the plot and the report: never TensorFlow or Keras.
WITHOUT_TENSORFLOW = """
import sys
from fractions import Fraction
from melodygen.core.note import Melody, Note
from melodygen.formats import midi, musicxml, notation, songs, timeline, files
from melodygen.presentation import audio, engrave, plot, report
melody = songs.load_song("nabiya")
data = midi.midi_bytes(melody)
midi.from_midi(midi.to_midi(melody))
xml = musicxml.musicxml_bytes(melody)
notation.parse_song(notation.format_song(melody))
engrave.score_svg(musicxml.musicxml_bytes(melody, [5]))
audio.wav_bytes(melody)
plot.loss_plot_png("t", {"m": ([1.0, 0.5], [0.5, 1.0])})
loaded = sorted(name for name in ("tensorflow", "keras") if name in sys.modules)
print(",".join(loaded) or "none")
"""


def test_formats_and_presentation_never_load_tensorflow(tmp_path):
    done = subprocess.run([sys.executable, "-c", WITHOUT_TENSORFLOW], cwd=tmp_path, env=child_env(),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "none"


def test_the_api_keeps_its_names():
    import melodygen
    for name in ("load_song", "load_melody", "train_model", "load", "generate", "run_song",
                 "Melody", "Note", "MelodyError", "ConfigError", "TrainConfig", "MelodyModel",
                 "configure_tensorflow"):
        assert hasattr(melodygen, name), name


def test_the_one_runtime_edge_upward_is_core_display():
    """``core.display`` finds ``presentation.display`` by name when a notebook asks (docs/
    developers.md, "The layers"): the only module found by name in a layer above its finder.
    The others find modules of their own package by name: the API's names (``melodygen``) and
    the network families (``learning.networks``, its own subpackages)."""
    finders = {name for name, path in modules().items()
               if "import_module(" in path.read_text(encoding="utf-8")}
    assert finders == {"melodygen", "melodygen.learning.networks", "melodygen.core.display"}
    networks = modules()["melodygen.learning.networks"].read_text(encoding="utf-8")
    assert 'import_module(f"{__name__}.' in networks
    display = modules()["melodygen.core.display"].read_text(encoding="utf-8")
    assert re.findall(r'"(melodygen\.[a-z_.]+)"', display) == ["melodygen.presentation.display"]
    assert modules()["melodygen.presentation.display"]

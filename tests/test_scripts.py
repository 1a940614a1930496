"""The scripts beside the package (benchmarks/, tools/) import what the package has.

Most benchmarks run only by hand or in CI's quick mode, and several run their measured code in a
subprocess from a string (``bench_size.MODEL``): a module moved in the package breaks them
silently. Every ``from melodygen… import …`` line in a script, its strings included, must
resolve here.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPTS = sorted([*REPO.glob("benchmarks/*.py"), *REPO.glob("tools/*.py")])
IMPORT = re.compile(r"^\s*from (melodygen[\w.]*) import (\([^)]*\)|[\w ,]+)", re.MULTILINE)


def imports_of(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) of every ``from melodygen… import`` in the script or in its strings."""
    texts = [path.read_text()]
    texts += [node.value for node in ast.walk(ast.parse(texts[0]))
              if isinstance(node, ast.Constant) and isinstance(node.value, str)]
    found = []  # a string's line is found in the file's text too, and again in the string
    for text in texts:
        for module, names in IMPORT.findall(text):
            names = re.sub(r"#.*", "", names).strip("()")
            entry = (module, [part.split(" as ")[0].strip()
                              for part in names.split(",") if part.strip()])
            if entry not in found:
                found.append(entry)
    return found


def test_there_are_scripts():
    assert {"bench_nabiya.py", "lecture_recipe.py", "same_outputs.py"} <= {p.name for p in SCRIPTS}


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_every_import_of_the_package_resolves(path):
    for module_name, names in imports_of(path):
        module = importlib.import_module(module_name)
        for name in names:
            if not hasattr(module, name):
                importlib.import_module(f"{module_name}.{name}")  # a submodule


def test_a_moved_module_is_caught(tmp_path):
    script = tmp_path / "old.py"
    script.write_text('CODE = """\nfrom melodygen.learning.encoding import Vocabulary\n"""\n')
    assert imports_of(script) == [("melodygen.learning.encoding", ["Vocabulary"])]
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("melodygen.learning.encoding")

"""What `pip install .` installs: every module of the package and every bundled song.

The tests import melodygen from the checkout, so a subpackage that pyproject.toml forgets would
pass them all and still break `melodygen` for a user who installed it. This builds the wheel
pip installs and compares its files with the checkout's.
"""

import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_pyproject_lists_every_subpackage():
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    folders = {".".join(init.parent.relative_to(REPO).parts)
               for init in (REPO / "melodygen").rglob("__init__.py")}
    assert listed == folders | {"melodygen.bundled"}


def test_the_wheel_holds_every_module_and_song(tmp_path):
    # built from a copy: a build/ folder left in the checkout would lend the wheel its files
    source = tmp_path / "source"
    shutil.copytree(REPO / "melodygen", source / "melodygen",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "songs", source / "songs")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir",
                    str(tmp_path), str(source)], check=True, capture_output=True, timeout=300)
    [wheel] = tmp_path.glob("melodygen-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {path.relative_to(REPO).as_posix() for path in (REPO / "melodygen").rglob("*.py")}
    songs = {f"melodygen/bundled/{path.name}" for path in (REPO / "songs").glob("*.txt")}
    assert modules and songs
    assert modules | songs <= names

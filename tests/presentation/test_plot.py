"""The loss plot: Hangul in its title drawn with a Hangul font, whatever matplotlib's font cache says."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from external import child_env

from melodygen.core.errors import MelodyWarning
from melodygen.presentation import plot

HISTORIES = {"mlp": ([2.0, 1.0, 0.5], [0.2, 0.6, 0.92]), "stateful2": ([2.0, 0.8, 0.1], [0.3, 0.7, 1.0])}
DRAW = """
import json, sys
from matplotlib import font_manager
from melodygen.presentation.plot import loss_plot_png, plot_fonts
known = sorted({font.name for font in font_manager.fontManager.ttflist if "Nanum" in font.name})
families = plot_fonts("나비야")
sys.stdout.buffer.write(json.dumps({"cached": known, "families": families}).encode() + b"\\n")
open(sys.argv[1], "wb").write(loss_plot_png("나비야", %r))
""" % (HISTORIES,)


def draw(config: Path, png: Path) -> dict:
    """Draw the plot in a fresh interpreter whose matplotlib cache is in ``config``."""
    done = subprocess.run([sys.executable, "-c", DRAW, str(png)], env=child_env(MPLCONFIGDIR=str(config)),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_hangul_is_found_in_the_font_files_when_the_cache_predates_the_font(tmp_path):
    fresh = draw(tmp_path / "fresh", tmp_path / "fresh.png")
    if "NanumGothic" not in fresh["cached"]:
        pytest.skip("no NanumGothic on this system (Debian: fonts-nanum; .ci/run installs it)")
    # the cache of a matplotlib that ran before fonts-nanum was installed: no Nanum font in it
    cache = next((tmp_path / "fresh").glob("fontlist-*.json"))
    old = tmp_path / "old"
    old.mkdir()
    listed = json.loads(cache.read_text())
    listed["ttflist"] = [font for font in listed["ttflist"] if "Nanum" not in font["name"]]
    (old / cache.name).write_text(json.dumps(listed))
    stale = draw(old, tmp_path / "stale.png")
    assert stale["cached"] == [] and "NanumGothic" in stale["families"]
    assert (tmp_path / "stale.png").read_bytes() == (tmp_path / "fresh.png").read_bytes()


def test_without_any_hangul_font_a_warning_says_so(monkeypatch):
    from matplotlib import font_manager

    monkeypatch.setattr(font_manager.fontManager, "ttflist",
                        [font for font in font_manager.fontManager.ttflist if "DejaVu Sans" == font.name])
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *args, **kwargs: [])
    with pytest.warns(MelodyWarning, match="no font has '나비야'"):
        assert plot.plot_fonts("나비야") == ["DejaVu Sans"]


def test_latin_titles_need_no_search(monkeypatch):
    from matplotlib import font_manager

    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *args, **kwargs: pytest.fail("searched"))
    assert plot.plot_fonts("Twinkle, Twinkle, Little Star")[0] == "DejaVu Sans"


BACKEND = """
import matplotlib
matplotlib.use("pdf")
import matplotlib.pyplot as plt
from melodygen.presentation import evaluation_report, plot
plot.loss_plot_png("나비야", {"mlp": ([1.0, 0.5], [0.5, 1.0])})
evaluation_report._png(evaluation_report._figure((4, 3)))
print(matplotlib.get_backend(), plt.get_backend())
"""


def test_drawing_leaves_the_callers_backend(tmp_path):
    """A notebook's inline backend, or a caller's own, stays what it was after melodygen drew."""
    done = subprocess.run([sys.executable, "-c", BACKEND], cwd=tmp_path, env=child_env(),
                          capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["pdf", "pdf"], done.stderr

"""A progress bar for the ``progress=`` callbacks of the Python API, at home in a notebook.

``ProgressBar()`` is a callable that takes what the API reports: an ``EpochReport`` of a
training (``train_model``, ``run_song``) or ``(what, share done)`` of an evaluation
(``evaluate``). In a notebook (IPython with a kernel) it is an HTML bar updated in place, one
per model trained, drawn with ``IPython.display`` (no widget library, no script: JupyterLab,
Notebook, VS Code and Colab update it alike); elsewhere it is one line on stderr rewritten in
place. It changes no global state. melodygen's trainings report sparsely already (after the
first epoch, every 50 epochs or half a second, and at the end), so every report is drawn
unless ``every`` asks for fewer.
"""

from __future__ import annotations

import html
import sys
import time
from typing import TextIO


def in_notebook() -> bool:
    """Whether this Python runs under an IPython kernel (a notebook), not a terminal."""
    shell = sys.modules.get("IPython")
    try:
        return shell is not None and shell.get_ipython() is not None and \
            type(shell.get_ipython()).__name__ != "TerminalInteractiveShell"
    except AttributeError:
        return False


class ProgressBar:
    """``progress=ProgressBar()``: each model's epochs, or an evaluation's share, as a bar.

    ``notebook``: draw HTML (default: when running in a notebook); ``stream``: where the text
    bar goes otherwise (stderr); ``every``: the least seconds between two redraws."""

    def __init__(self, notebook: bool | None = None, stream: TextIO | None = None,
                 every: float = 0.0, clock=time.monotonic) -> None:
        self.notebook = in_notebook() if notebook is None else notebook
        self.stream = stream or sys.stderr
        self.every, self.clock = every, clock
        self._task: str | None = None  # the model (or evaluation) the bar shows now
        self._handle = None            # the notebook's display of the bar
        self._drawn = -1.0
        self.lines: list[str] = []     # every bar's last text, in order (for a test, a log)

    def __call__(self, report, share: float | None = None) -> None:
        if share is not None:  # an evaluation: (what, share done)
            self.show("evaluation", share, str(report))
            return
        epochs = report.epochs
        done = report.epoch / epochs if epochs else 1.0
        if report.validation is None:
            said = f"epoch {report.epoch}/{epochs}{' at most' if report.bound else ''}, loss " \
                   f"{report.loss:.4f}" + (f", {report.accuracy:.0%} right"
                                           if report.accuracy is not None else "")
        else:
            said = (f"epoch {report.epoch}/{epochs}, {report.loss:.3f} bits per note, "
                    f"validation {report.validation:.3f}")
        self.show(f"training {report.model}", done, said)

    def show(self, task: str, share: float, text: str) -> None:
        """Bar ``task`` at ``share`` (0..1) with ``text``; another task starts a new bar."""
        line = f"{task}: {text}"
        now = self.clock()
        new = task != self._task
        if new:
            self._task, self._handle = task, None
            self.lines.append(line)
        else:
            self.lines[-1] = line
        if not new and now - self._drawn < self.every and share < 1:
            return
        self._drawn = now
        if self.notebook:
            self._draw_html(task, share, text)
        else:
            end = "\n" if share >= 1 else ""
            bar = "#" * round(20 * share)
            self.stream.write(f"\r{task} [{bar:<20}] {share:4.0%} {text}{end}")
            self.stream.flush()

    def _draw_html(self, task: str, share: float, text: str) -> None:
        from IPython.display import HTML, display

        page = HTML(bar_html(task, share, text))
        if self._handle is None:
            self._handle = display(page, display_id=True)
        else:
            self._handle.update(page)


def bar_html(task: str, share: float, text: str) -> str:
    """One bar as self-contained HTML: ``task``, a bar filled to ``share``, ``text``."""
    share = min(max(share, 0.0), 1.0)
    return (f'<div style="font-family: monospace; margin: 0.2em 0">'
            f"<b>{html.escape(task)}</b> "
            f'<span style="display: inline-block; width: 200px; height: 0.8em; '
            f'border: 1px solid #888; vertical-align: middle">'
            f'<span style="display: block; width: {share * 100:.1f}%; height: 100%; '
            f'background: #3569b5"></span></span> {share:.0%} {html.escape(text)}</div>')

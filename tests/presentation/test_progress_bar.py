"""The progress= callbacks as a bar: HTML updated in place in a notebook, a line elsewhere."""

from __future__ import annotations

import io
import sys
import types

from melodygen.learning.interface import EpochReport
from melodygen.presentation.progress_bar import ProgressBar, bar_html


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_a_line_a_model_on_a_stream():
    stream, clock = io.StringIO(), Clock()
    bar = ProgressBar(notebook=False, stream=stream, clock=clock, every=0.2)
    bar(EpochReport("mlp", 1, 2000, 2.5, 0.1))
    clock.now = 0.1
    bar(EpochReport("mlp", 2, 2000, 2.4, 0.2))  # too soon: not drawn
    clock.now = 0.5
    bar(EpochReport("stateful2", 1, 2000, 2.6, 0.05, bound=False))
    assert stream.getvalue().split("\r")[1:] == [
        "training mlp [                    ]   0% epoch 1/2000 at most, loss 2.5000, 10% right",
        "training stateful2 [                    ]   0% epoch 1/2000, loss 2.6000, 5% right"]
    assert bar.lines == ["training mlp: epoch 2/2000 at most, loss 2.4000, 20% right",
                         "training stateful2: epoch 1/2000, loss 2.6000, 5% right"]


def test_an_evaluation_reports_its_share():
    stream = io.StringIO()
    bar = ProgressBar(notebook=False, stream=stream, clock=Clock())
    bar("fold 1/2: PPM models", 0.5)
    bar("done", 1.0)
    assert stream.getvalue() == ("\revaluation [##########          ]  50% fold 1/2: PPM models"
                                 "\revaluation [####################] 100% done\n")


def test_in_a_notebook_one_display_a_model_updated_in_place(monkeypatch):
    shown = []

    class Handle:
        def update(self, page):
            shown.append(("update", page.data))

    def display(page, display_id=False):
        shown.append(("display", page.data))
        return Handle()

    fake = types.SimpleNamespace(HTML=lambda data: types.SimpleNamespace(data=data), display=display)
    monkeypatch.setitem(sys.modules, "IPython.display", fake)
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(display=fake))
    clock = Clock()
    bar = ProgressBar(notebook=True, clock=clock)
    for epoch in (1, 2, 3):
        clock.now = epoch
        bar(EpochReport("mlp", epoch, 4, 1.0 / epoch, 0.25 * epoch))
    assert [kind for kind, _ in shown] == ["display", "update", "update"]
    assert shown[-1][1] == bar_html("training mlp", 0.75, "epoch 3/4 at most, loss 0.3333, 75% right")
    assert 'width: 75.0%' in shown[-1][1] and "<script" not in shown[-1][1]

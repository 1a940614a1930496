"""formats/abc/tunebook.py: a tunebook split into its tunes, each with its text, line, number,
header and fields, no note read."""

from __future__ import annotations

from melodygen.formats import abc


BOOK = """% a tunebook
%%propagate-accidentals pitch

X:1
T:First
N:K0001
N:second remark
O:Europa, Mitteleuropa
M:2/4
L:1/8
K:G
GABc | d4 |
T:not a header field any more

X: 2
T:Second
M:3/4
K:F
A B c |
X:third
K:C
C
"""


def test_split_tunes_keeps_text_line_number_header_and_fields():
    tunes = abc.split_tunes(BOOK, "book.abc")
    assert [(t.line, t.number, t.title) for t in tunes] == [(4, 1, "First"), (15, 2, "Second"),
                                                            (20, None, "X:?")]
    first = tunes[0]
    lines = first.text.splitlines()
    assert lines[0] == "X:1" and lines[-1] == "T:not a header field any more"
    assert (first.meter, first.key, first.origin, first.remarks) == ("2/4", "G", "Europa, Mitteleuropa",
                                                                     "K0001; second remark")
    assert first.fields[-1] == ("K", "G") and first.field("L") == "1/8" and first.field("R") is None
    assert first.header == "% a tunebook\n%%propagate-accidentals pitch\n\n"
    assert first.where == "book.abc:4" and tunes[1].meter == "3/4"
    assert abc.split_tunes("no tunes here", "x.abc") == ()

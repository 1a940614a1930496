"""docs/python.md: every public name of melodygen is described there, and its examples run and
print what their comments say."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import REPO, _checkout_env

DOC = (REPO / "docs" / "python.md").read_text(encoding="utf-8")


def examples() -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", DOC, re.S | re.M)


def test_every_public_name_is_described():
    import melodygen
    names = [name for name in melodygen.__all__ if name != "__version__"]
    missing = [name for name in names if f"`{name}" not in DOC and f"{name}(" not in DOC]
    assert missing == []
    for name in names:  # and every one can be had
        assert getattr(melodygen, name) is not None


def test_the_examples_print_what_their_comments_say(tmp_path):
    for example in examples():
        done = subprocess.run([sys.executable, "-c", example], cwd=tmp_path, env=_checkout_env(),
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        said = [line.split("#")[1].strip().split(":")[0] for line in example.splitlines()
                if line.startswith("print(") and "#" in line]
        printed = done.stdout.splitlines()
        assert len(printed) == len(said)
        for out, comment in zip(printed, said):
            assert out.startswith(comment.rstrip(". ")) or comment.startswith(out.strip()), \
                (out, comment)
    assert (tmp_path / "out" / "docs" / "nabiya.mid").is_file()

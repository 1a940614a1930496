"""A run's folder holds that run only: a rerun removes what melodygen wrote before and does not
write again, never a file of the user's."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from test_report import made_up_run  # noqa: E402

from melodygen.presentation.folder import MANIFEST, RunFolder, read_manifest  # noqa: E402
from melodygen.presentation.run_files import write_outputs  # noqa: E402


def names(folder: Path) -> set[str]:
    return {path.name for path in folder.iterdir()}


def test_a_rerun_removes_the_earlier_runs_files_and_keeps_the_users(tmp_path):
    first = write_outputs(made_up_run(names=("mlp", "stateful2")), tmp_path)
    (tmp_path / "my notes.txt").write_text("mine")
    (tmp_path / "mlp-one-step.wav.bak").write_text("mine too")
    assert first.removed == []
    wavs = {name for name in names(tmp_path) if name.endswith(".wav")}
    assert len(wavs) == 5
    second = write_outputs(made_up_run(names=("mlp",)), tmp_path, audio=False, report=False)
    stems = ["original", "mlp-one-step", "mlp-full-song"]
    expected = {f"{stem}.{suffix}" for stem in stems for suffix in ("mid", "musicxml", "svg")}
    expected |= {"loss.png", "summary.json", MANIFEST, "my notes.txt", "mlp-one-step.wav.bak"}
    assert names(tmp_path) == expected
    assert sorted(second.removed) == sorted(
        wavs | {"report.html"} | {f"stateful2-{kind}.{suffix}" for kind in ("one-step", "full-song")
                                  for suffix in ("mid", "musicxml", "svg")})
    assert set(read_manifest(tmp_path)) == expected - {MANIFEST, "my notes.txt", "mlp-one-step.wav.bak"}


def test_a_run_that_stops_halfway_leaves_its_files_listed(tmp_path):
    (tmp_path / "keep.mid").write_bytes(b"the user's")
    stopped = RunFolder(tmp_path)
    stopped.write("generated-7.mid", b"x")  # and then the run stops: no finish
    assert read_manifest(tmp_path) == ["generated-7.mid"]
    rerun = RunFolder(tmp_path)
    rerun.write("generated-1.mid", b"y")
    assert rerun.finish() == ["generated-7.mid"]
    assert names(tmp_path) == {"generated-1.mid", "keep.mid", MANIFEST}
    assert read_manifest(tmp_path) == ["generated-1.mid"]


def test_a_manifest_names_files_of_its_folder_only(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("not melodygen's")
    folder = tmp_path / "run"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "x.mid").write_text("x")
    (folder / MANIFEST).write_text("# a damaged or edited manifest\n../outside.txt\nsub/x.mid\nsub\n"
                                   f"{outside}\n.\n..\n{MANIFEST}\n")
    assert read_manifest(folder) == ["sub"]
    assert RunFolder(folder).finish() == []  # "sub" is a folder: left alone
    assert outside.exists() and (folder / "sub" / "x.mid").exists()


def test_no_manifest_no_removal(tmp_path):
    (tmp_path / "generated-2.mid").write_bytes(b"of an older melodygen, or the user's")
    folder = RunFolder(tmp_path)
    folder.write("generated-1.mid", b"new")
    assert folder.finish() == []
    assert names(tmp_path) == {"generated-1.mid", "generated-2.mid", MANIFEST}

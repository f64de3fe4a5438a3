"""`monitors.atomic`: every file is written whole through a fresh temporary file that no planted
link or existing file can divert, and keeps the permissions of the file it replaces."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from monitors import atomic
from monitors.atomic import write_bytes, write_text


def test_a_file_is_written_whole_and_no_temporary_file_is_left(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    write_text(target, "{}\n")
    assert target.read_text() == "{}\n"
    assert os.listdir(tmp_path) == ["out.json"]


def test_a_link_at_the_target_is_replaced_not_written_through(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    target = tmp_path / "out"
    target.symlink_to(victim)
    write_text(target, "new")
    assert victim.read_text() == "keep me"
    assert not target.is_symlink() and target.read_text() == "new"


@pytest.mark.parametrize("kind", ["link", "file"])
def test_a_temporary_name_already_taken_is_never_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """Even if the fresh name were guessed: O_EXCL|O_NOFOLLOW refuses a link or a file there,
    and the next fresh name is used."""
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    planted = tmp_path / ".out.planted.tmp"
    if kind == "link":
        planted.symlink_to(victim)
    else:
        planted.write_text("someone else's")
    names = iter([planted, tmp_path / ".out.fresh.tmp"])
    monkeypatch.setattr(atomic, "temporary_name", lambda path: next(names))
    write_text(tmp_path / "out", "new")
    assert victim.read_text() == "keep me"
    assert (tmp_path / "out").read_text() == "new"
    assert planted.is_symlink() if kind == "link" else planted.read_text() == "someone else's"


def test_a_replaced_file_keeps_its_permissions_and_a_mode_can_be_asked_for(
    tmp_path: Path,
) -> None:
    target = tmp_path / "Pulumi.dev.yaml"
    target.write_text("old")
    target.chmod(0o640)
    write_bytes(target, b"new")
    assert target.stat().st_mode & 0o777 == 0o640
    private = tmp_path / "journal.json"
    write_text(private, "{}", mode=0o600)
    assert private.stat().st_mode & 0o777 == 0o600


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out"
    target.write_text("old")

    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", full_disk)
    with pytest.raises(OSError, match="No space left"):
        write_text(target, "new")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["out"]


def test_every_file_the_program_writes_goes_through_monitors_atomic() -> None:
    """No `Path.write_text`, `write_bytes`, `open(...)` or `os.open` outside `monitors.atomic`
    (and the one safe reader, `monitors.declared.files`, which opens read-only)."""
    import ast

    from monitors.naming import PROJECT_ROOT

    allowed = {Path("monitors/atomic.py"), Path("monitors/declared/files.py")}
    found = []
    for path in sorted((PROJECT_ROOT / "monitors").rglob("*.py")):
        relative = path.relative_to(PROJECT_ROOT)
        if relative in allowed:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            writes = (
                isinstance(func, ast.Attribute)
                and func.attr in ("write_text", "write_bytes", "open", "fdopen")
                and not (isinstance(func.value, ast.Name) and func.value.id == "atomic")
            ) or (isinstance(func, ast.Name) and func.id == "open")
            if writes:
                found.append(f"{relative}:{node.lineno}")
    assert found == [], f"write through monitors.atomic instead: {found}"

"""The file rules hold at a git ref as on disk: `git ls-tree` modes say what an entry is.

A committed symbolic link is a blob holding the target's path (mode 120000), so it is refused
at the ref as it is in the working tree; skipped names are skipped on both sides.
"""

from __future__ import annotations

import os
import signal
from dataclasses import replace

import pytest

from monitors.change_report.sources import read_at_ref, read_working_tree, resolve_ref

DECLARATIONS = "monitors/declarations"
TABLE = "dim_host"


def at_ref_only(repo, change) -> None:
    """Commit `change`, then restore the working tree to the shipped project."""
    change()
    repo.commit("broken at the ref")
    repo.git("tag", "broken")
    repo.git("reset", "-q", "--hard", "HEAD~1")


def test_a_committed_symlinked_declaration_is_an_error_at_the_ref(repo):
    def link():
        path = repo.declaration_path("dim_user")
        path.rename(repo.path / "dim_user.yaml")
        path.symlink_to("../../dim_user.yaml")

    at_ref_only(repo, link)
    report = repo.report(ref="broken")
    assert report.code == 2
    assert report.err.startswith(
        f"error: at broken: {DECLARATIONS}/dim_user.yaml: is a symbolic link; it must be a "
        "regular file"
    )


def test_a_symlinked_declaration_is_an_error_in_the_working_tree(repo):
    path = repo.declaration_path("dim_user")
    path.rename(repo.path / "dim_user.yaml")
    path.symlink_to("../../dim_user.yaml")
    report = repo.report()
    assert report.code == 2
    assert report.err.startswith(
        f"error: in the working tree: {DECLARATIONS}/dim_user.yaml: is a symbolic link;"
    )


def test_a_directory_named_like_a_declaration_is_an_error_on_both_sides(repo):
    def directory():
        (repo.path / DECLARATIONS / "x_table.yaml").mkdir()
        (repo.path / DECLARATIONS / "x_table.yaml" / "inner.yaml").write_text("snapshot: {}\n")

    directory()
    repo.commit("a directory named x_table.yaml")
    report = repo.report()
    assert report.code == 2
    lines = report.err.splitlines()
    for side in ("at HEAD", "in the working tree"):
        assert (
            f"error: {side}: {DECLARATIONS}/x_table.yaml: is a directory, not a regular file"
            in lines
        )


def test_a_declaration_that_is_not_utf8_at_the_ref_is_an_error(repo):
    def latin1():
        path = repo.declaration_path(TABLE)
        path.write_bytes(path.read_bytes() + b"# caf\xe9\n")

    at_ref_only(repo, latin1)
    report = repo.report(ref="broken")
    assert report.code == 2
    assert report.err.startswith(
        f"error: at broken: {DECLARATIONS}/{TABLE}.yaml: is not UTF-8 text (byte 0xe9 on line "
    )


def test_a_yml_file_at_the_ref_is_an_error_asking_to_rename(repo):
    at_ref_only(
        repo, lambda: repo.declaration_path(TABLE).rename(repo.path / DECLARATIONS / "dim_host.yml")
    )
    report = repo.report(ref="broken")
    assert report.code == 2
    assert f"error: at broken: {DECLARATIONS}/dim_host.yml: declarations end in .yaml" in report.err


def test_committed_editor_files_are_skipped_and_listed_with_verbose(repo):
    (repo.path / DECLARATIONS / ".#dim_host.yaml").symlink_to("user@host.1:2")
    (repo.path / DECLARATIONS / "dim_host.yaml~").write_text("snapshot: {\n")
    repo.commit("editor files")
    report = repo.report()
    assert (report.code, report.err) == (0, "")
    argv_report = repo.report(verbose=True)
    assert argv_report.code == 0
    assert argv_report.err.splitlines() == [
        f"at HEAD: {DECLARATIONS}/.#dim_host.yaml: skipped, a dot-file (editor lock and swap "
        "files are dot-files)",
        f"at HEAD: {DECLARATIONS}/dim_host.yaml~: skipped, an editor backup file",
        f"in the working tree: {DECLARATIONS}/.#dim_host.yaml: skipped, a dot-file (editor lock "
        "and swap files are dot-files)",
        f"in the working tree: {DECLARATIONS}/dim_host.yaml~: skipped, an editor backup file",
    ]


def test_tables_differing_only_in_case_at_the_ref_are_one_table(repo):
    at_ref_only(
        repo,
        lambda: (repo.path / DECLARATIONS / "DIM_HOST.yaml").write_bytes(
            repo.declaration_path(TABLE).read_bytes()
        ),
    )
    report = repo.report(ref="broken")
    assert report.code == 2
    assert report.err == (
        f"error: at broken: {DECLARATIONS}/DIM_HOST.yaml: declares the same table as "
        f"{DECLARATIONS}/dim_host.yaml (Unity Catalog names are not case-sensitive): keep one "
        "of them\n"
    )


def test_a_repeated_key_is_an_error_at_the_ref(repo):
    def repeat():
        path = repo.declaration_path(TABLE)
        path.write_text(path.read_text() + "slicing_exprs: [country]\n")

    at_ref_only(repo, repeat)
    report = repo.report(ref="broken")
    assert report.code == 2
    assert "key 'slicing_exprs' is repeated" in report.err


def test_a_symlinked_stack_file_at_the_ref_is_an_error_not_a_new_stack(repo):
    def link():
        path = repo.stack_path("prod")
        path.rename(repo.path / "prod-settings.yaml")
        path.symlink_to("prod-settings.yaml")

    at_ref_only(repo, link)
    report = repo.report("prod", ref="broken")
    assert report.code == 2
    assert report.err.startswith("error: at broken: Pulumi.prod.yaml: is a symbolic link;")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_fifo_in_the_working_tree_is_an_error_and_never_blocks(repo):
    os.mkfifo(repo.path / DECLARATIONS / "x_table.yaml")

    def blocked(signum: int, frame: object) -> None:
        raise TimeoutError("reading the FIFO blocked")

    previous = signal.signal(signal.SIGALRM, blocked)
    signal.alarm(10)
    try:
        report = repo.report()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert report.code == 2
    assert report.err == (
        f"error: in the working tree: {DECLARATIONS}/x_table.yaml: is a named pipe (FIFO), "
        "not a regular file\n"
    )


def test_a_committed_symlinked_declarations_directory_is_an_error_at_the_ref(repo):
    def link():
        declarations = repo.path / DECLARATIONS
        declarations.rename(repo.path / "shared")
        declarations.symlink_to("../shared")

    at_ref_only(repo, link)
    report = repo.report(ref="broken")
    assert report.code == 2
    assert report.err.startswith(
        f"error: at broken: {DECLARATIONS}: is a symbolic link; it must be a directory"
    )


def test_a_ref_without_a_declarations_directory_declared_nothing(repo):
    at_ref_only(repo, lambda: repo.git("rm", "-q", "-r", DECLARATIONS))
    report = repo.report(ref="broken")
    assert report.code == 0
    assert set(report.outcomes().values()) == {"created"}


def test_an_unchanged_ref_reads_as_the_same_input_as_the_working_tree(repo):
    commit = resolve_ref(repo.path, "HEAD")
    at_ref = read_at_ref(repo.path, "HEAD", commit, "dev")
    assert at_ref.label == "at HEAD"
    assert replace(at_ref, label="in the working tree") == read_working_tree(repo.path, "dev")


def test_the_stacks_known_at_the_ref_are_those_committed_there(repo):
    repo.stack_path("staging").write_text(repo.stack_path("dev").read_text())
    at_ref = read_at_ref(repo.path, "HEAD", resolve_ref(repo.path, "HEAD"), "staging")
    assert (at_ref.config, at_ref.known_stacks) == (None, ("dev", "prod"))
    assert read_working_tree(repo.path, "staging").known_stacks == ("dev", "prod", "staging")

"""Which files are declarations, and every file problem as a `file: problem` error, all at once.

The rules are decided once (monitors/declared/loader.py) and reached from every entry point: `plan`,
the stack operations and the program read the directory on disk; the change report reads a git
ref by the same rules (tests/change_report/test_ref_files.py).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitors.cli.main import main
from monitors.declared.files import printable
from monitors.declared.loader import (
    classify_name,
    load_declarations,
    parse_declarations,
    read_declaration_files,
)
from monitors.declared.project import build_project
from monitors.declared.project_input import read_project_input
from monitors.errors import DeclarationErrors, MonitorsError
from monitors.naming import DECLARATIONS_PATH, PROJECT_ROOT

TABLE = "dim_host"
SHIPPED = PROJECT_ROOT / DECLARATIONS_PATH


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's stack files and declarations."""
    for name in ("Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml"):
        shutil.copy(PROJECT_ROOT / name, tmp_path / name)
    shutil.copytree(SHIPPED, tmp_path / DECLARATIONS_PATH)
    return tmp_path


@pytest.fixture
def declarations(project: Path) -> Path:
    return project / DECLARATIONS_PATH


@pytest.fixture(autouse=True)
def never_blocks() -> Iterator[None]:
    """A FIFO opened for reading would wait forever: fail instead of hanging."""

    def timeout(signum: int, frame: object) -> None:
        raise TimeoutError("reading blocked")

    previous = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def plan(project: Path, *extra: str) -> tuple[int, str, str]:
    """Run `plan --stack dev` on the project copy: exit code, stdout, stderr."""
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["plan", "--stack", "dev", "--project-dir", str(project), "--json", *extra])
    return code, out.getvalue(), err.getvalue()


def errors_of(directory: Path) -> list[str]:
    with pytest.raises(DeclarationErrors) as caught:
        load_declarations(directory)
    return str(caught.value).splitlines()


# ------------------------------------------------------------------------ names


@pytest.mark.parametrize(
    "name",
    [".#dim_host.yaml", "#dim_host.yaml#", "dim_host.yaml~", ".dim_host.yaml.swp", ".DS_Store"],
)
def test_editor_temp_files_and_dot_files_are_skipped(name):
    assert classify_name(name).kind.value == "skipped"


def test_emacs_dangling_lock_link_is_skipped_without_being_followed(declarations):
    (declarations / ".#dim_host.yaml").symlink_to("user@host.12345:1700000000")
    assert sorted(load_declarations(declarations)) == sorted(p.stem for p in SHIPPED.glob("*.yaml"))


@pytest.mark.parametrize(
    ("name", "rename"), [("dim_host.yml", "dim_host.yaml"), ("dim_host.YAML", "dim_host.yaml")]
)
def test_other_spellings_of_yaml_are_errors_asking_to_rename(declarations, name, rename):
    (declarations / f"{TABLE}.yaml").rename(declarations / name)
    assert errors_of(declarations) == [
        f"{declarations / name}: declarations end in .yaml: rename it to {rename} "
        "(files named otherwise are not read)"
    ]


@pytest.mark.parametrize("name", ["README.md", "dim_host.yaml.orig", "notes.txt"])
def test_other_files_are_not_declarations(declarations, name):
    (declarations / name).write_text("anything: [\n")
    assert TABLE in load_declarations(declarations)


@pytest.mark.parametrize(
    ("stem", "problem"),
    [
        ("dim-host", "'dim-host' is not a plain table name"),
        ("2024_sales", "'2024_sales' is not a plain table name"),
        ("Dim_Host", "'Dim_Host' has capital letters; Unity Catalog stores names in lowercase"),
    ],
    ids=["hyphen", "leading digit", "capitals"],
)
def test_a_file_name_must_be_a_unity_catalog_table_name(declarations, stem, problem):
    (declarations / f"{TABLE}.yaml").rename(declarations / f"{stem}.yaml")
    (line,) = errors_of(declarations)
    assert line.startswith(f"{declarations / stem}.yaml: file name: {problem}")


@pytest.mark.parametrize("name", ["dim_host\n.yaml", "dim\thost.yaml", "dim_host.yaml\n"])
def test_a_file_name_with_a_control_character_is_an_error_shown_escaped(declarations, name):
    (declarations / f"{TABLE}.yaml").rename(declarations / name)
    (line,) = errors_of(declarations)
    assert line == (
        f"{declarations / printable(name)}: the file name has a control character (a newline?) "
        "or is not UTF-8: rename it"
    )


def test_a_table_name_is_at_most_255_characters():
    """Unity Catalog's limit; a file system allows 255 bytes for the whole file name, so the
    longest names only occur at a git ref or in texts given directly."""
    text = (SHIPPED / f"{TABLE}.yaml").read_text()
    assert "t" * 255 in parse_declarations({f"d/{'t' * 255}.yaml": text})
    with pytest.raises(
        DeclarationErrors, match="table name is 256 characters long; Unity Catalog allows 255"
    ):
        parse_declarations({f"d/{'t' * 256}.yaml": text})


def test_table_names_differing_only_in_case_are_one_table(declarations):
    shutil.copy(declarations / f"{TABLE}.yaml", declarations / "DIM_HOST.yaml")
    assert errors_of(declarations) == [
        f"{declarations / 'DIM_HOST.yaml'}: declares the same table as "
        f"{declarations / 'dim_host.yaml'} (Unity Catalog names are not case-sensitive): "
        "keep one of them"
    ]


# ------------------------------------------------------------------------ what a file is


def make_fifo(path: Path) -> None:
    os.mkfifo(path)


def make_socket(path: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda p: p.mkdir(), "is a directory, not a regular file"),
        (make_fifo, "is a named pipe (FIFO), not a regular file"),
        (make_socket, "is a socket, not a regular file"),
        (lambda p: p.symlink_to(SHIPPED / "dim_user.yaml"), "is a symbolic link;"),
        (lambda p: p.symlink_to("nowhere.yaml"), "is a symbolic link;"),
    ],
    ids=["directory", "fifo", "socket", "symlink", "dangling symlink"],
)
def test_a_declaration_must_be_a_regular_file(declarations, make, problem):
    path = declarations / "x_table.yaml"
    make(path)
    (line,) = errors_of(declarations)
    assert line.startswith(f"{path}: {problem}")


def test_a_file_that_is_not_utf8_is_an_error_naming_the_line(declarations):
    path = declarations / f"{TABLE}.yaml"
    path.write_bytes(path.read_bytes().replace(b"host", b"h\xf4st", 1))
    (line,) = errors_of(declarations)
    assert line.startswith(f"{path}: is not UTF-8 text (byte 0xf4 on line ")


def test_a_utf8_byte_order_mark_is_fine(declarations):
    path = declarations / f"{TABLE}.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert TABLE in load_declarations(declarations)


def test_an_unreadable_file_is_an_error(declarations, monkeypatch):
    """Tests run as root, who reads anything: the refusal is simulated at the open."""
    real_open = os.open

    def refuse(path, flags, *args, **kwargs):
        if str(path).endswith(f"{TABLE}.yaml"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    (line,) = errors_of(declarations)
    assert line == f"{declarations / TABLE}.yaml: cannot be read: permission denied"


def test_a_missing_declarations_directory_is_an_error(tmp_path):
    """Reading none would deploy none: every monitor of the stack would be deleted."""
    assert errors_of(tmp_path / "nowhere") == [f"{tmp_path / 'nowhere'}: no such directory"]


def test_a_repeated_key_in_a_declaration_is_an_error(declarations):
    path = declarations / f"{TABLE}.yaml"
    path.write_text(path.read_text() + "custom_metrics: []\n")
    (line,) = errors_of(declarations)
    assert line.startswith(f"{path}: monitor {TABLE}: is not valid YAML: line ")
    assert line.endswith(
        "key 'custom_metrics' is repeated (first at line 6); YAML keys must be unique"
    )


def test_every_file_problem_is_reported_at_once(declarations):
    (declarations / "a_dir.yaml").mkdir()
    (declarations / "old.yml").write_text("snapshot: {}\n")
    (declarations / "latin1.yaml").write_bytes(b"snapshot: {} # caf\xe9\n")
    (declarations / f"{TABLE}.yaml").write_text("snapshot: {\n")
    lines = errors_of(declarations)
    assert [line.split(": ", 1)[0] for line in lines] == [
        str(declarations / name)
        for name in ("a_dir.yaml", "latin1.yaml", "old.yml", f"{TABLE}.yaml")
    ]


# ------------------------------------------------------------------------ every entry point


def test_plan_reports_file_problems_without_a_traceback(project, declarations):
    (declarations / "x_table.yaml").mkdir()
    make_fifo(declarations / "y_table.yaml")
    code, out, err = plan(project)
    assert code == 2
    assert json.loads(out)["error"]["kind"] == "DeclarationErrors"  # `plan` here runs with --json
    assert "Traceback" not in err
    assert "monitors/declarations/x_table.yaml: is a directory, not a regular file" in err
    assert "monitors/declarations/y_table.yaml: is a named pipe (FIFO)" in err


def test_plan_lists_skipped_files_only_with_verbose(project, declarations):
    (declarations / ".#dim_host.yaml").symlink_to("user@host.1:2")
    (declarations / "dim_host.yaml~").write_text("old\n")
    code, _, quiet = plan(project)
    assert (code, quiet) == (0, "")
    code, out, err = plan(project, "--verbose")
    assert code == 0
    assert err.splitlines() == [
        f"{declarations / '.#dim_host.yaml'}: skipped, a dot-file (editor lock and swap files "
        "are dot-files)",
        f"{declarations / 'dim_host.yaml~'}: skipped, an editor backup file",
    ]
    assert out.startswith("{")


def test_the_program_reports_file_problems_as_an_error_not_a_crash(project, declarations):
    (declarations / "x_table.yaml").mkdir()
    with pytest.raises(MonitorsError, match=r"x_table\.yaml: is a directory, not a regular file"):
        build_project(read_project_input("dev", project, config={}))


def test_the_stack_operations_report_file_problems_as_an_error_not_a_crash(project, declarations):
    from monitors.stackops.common import Env, load

    (declarations / "x_table.yaml").symlink_to("nowhere")
    with pytest.raises(MonitorsError, match=r"x_table\.yaml: is a symbolic link"):
        load("dev", Env(project_root=project))


def test_a_stack_file_that_is_not_a_regular_file_is_an_error(project):
    (project / "Pulumi.dev.yaml").unlink()
    make_fifo(project / "Pulumi.dev.yaml")
    code, _, err = plan(project)
    assert code == 2
    assert err == "error: Pulumi.dev.yaml: is a named pipe (FIFO), not a regular file\n"


def test_a_stack_file_that_is_not_utf8_is_an_error(project):
    path = project / "Pulumi.dev.yaml"
    path.write_bytes(path.read_bytes() + b"# \xff\n")
    code, _, err = plan(project)
    assert code == 2
    assert err.startswith("error: Pulumi.dev.yaml: is not UTF-8 text (byte 0xff on line ")


def test_reading_skips_without_listing_the_schema_file():
    assert read_declaration_files(SHIPPED).skipped == ()


def test_a_symlinked_declarations_directory_is_an_error(project, declarations):
    elsewhere = project / "elsewhere"
    declarations.rename(elsewhere)
    declarations.symlink_to(elsewhere)
    (line,) = errors_of(declarations)
    assert line.startswith(f"{declarations}: is a symbolic link; it must be a directory")


@pytest.mark.parametrize("command", [["urns"], ["verify", "--host", "http://127.0.0.1:9"]])
def test_other_commands_list_skipped_files_only_with_verbose(
    project, declarations, command, capsys
):
    """Every command that reads the declarations says what it skipped, and only when asked."""
    (declarations / ".#dim_host.yaml").symlink_to("user@host.1:2")
    argv = [*command, "--stack", "dev", "--project-dir", str(project)]
    if command == ["urns"]:
        argv += ["--pulumi-root", str(project / "no-cli")]
    main(argv)
    assert ".#dim_host.yaml" not in capsys.readouterr().err
    main([*argv, "--verbose"])
    assert f"{declarations / '.#dim_host.yaml'}: skipped, a dot-file" in capsys.readouterr().err

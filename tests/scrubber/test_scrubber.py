"""`monitors.scrubber`: what it masks, and that every output goes through it at one choke point."""

from __future__ import annotations

import ast
import io
import json
from pathlib import Path

import pytest
from databricks.sdk.config import Config

from monitors import scrubber
from monitors.cli.output import ScrubbedStream, scrubbed_output
from monitors.naming import PROJECT_ROOT

SECRET = 's3cr"et\\with odd/chars'


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("https://user:pa/ss#wo@rd@host:1/x", "pa/ss"),
        ("https://user:pa/ss#wo@rd@host:1/x", "wo@rd"),
        ("cannot reach http://u:p4ssw0rd@[::1", "p4ssw0rd"),
        ("headers {'Authorization': 'Basic dXNlcjpwYXNz'}", "dXNlcjpwYXNz"),
        ("Authorization: Bearer abc.def", "abc.def"),
        ("X-Databricks-Azure-SP-Management-Token: zzz-secret-zzz", "zzz-secret"),
        ("token " + "dapi" + "f" * 32 + "-3", "ffffffff"),
        ("secret " + "dose" + "0" * 40, "00000000"),
        ("jwt eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTYifQ.c2lnbmF0dXJl x", "c2lnbmF0dXJl"),
    ],
)
def test_a_credential_is_masked_by_its_shape_without_being_remembered(text, hidden):
    assert hidden not in scrubber.redact(text)


@pytest.mark.parametrize(
    "form",
    [
        SECRET,
        json.dumps(SECRET)[1:-1],
        repr(SECRET)[1:-1],
        "s3cr%22et%5Cwith%20odd/chars",
    ],
)
def test_a_remembered_secret_is_masked_in_every_form_a_message_or_json_shows_it(form):
    scrubber.remember(SECRET)
    assert form not in scrubber.redact(f"before {form} after")


@pytest.mark.parametrize(
    ("url", "password"),
    [
        ("https://u:pw-0123@host", "pw-0123"),
        ("u:pw-0123@host", "pw-0123"),
        ("http://u:pw/with#odd@host:1", "pw/with#odd"),
        ("http://u@:pw-0123@host", "pw-0123"),
        ("https://host", None),
        ("https://only-a-user@host", None),
    ],
)
def test_the_password_of_a_url_is_found_whatever_it_holds(url, password):
    assert scrubber.url_password(url) == password


def test_the_environment_list_covers_every_secret_databricks_sdk_reads():
    sdk = {a.env for a in Config.attributes() if a.sensitive and a.env}
    assert sdk <= set(scrubber.SECRET_ENVIRONMENT)


def test_a_secret_split_across_writes_is_masked_once_its_line_is_whole():
    scrubber.remember("split-secret-0123")
    inner = io.StringIO()
    stream = ScrubbedStream(inner)
    stream.write("a split-sec")
    stream.write("ret-0123 b\nprompt: ")
    assert inner.getvalue() == "a *** b\n"
    stream.flush()
    assert inner.getvalue() == "a *** b\nprompt: "


def test_the_command_line_streams_are_scrubbed_for_the_whole_command(capsys, monkeypatch):
    monkeypatch.setenv("DATABRICKS_TOKEN", "env-token-0123456")
    with scrubbed_output(["--host", "https://u:argv-pw-0123@h"]):
        print("token env-token-0123456 and argv-pw-0123")
        import sys

        print("on stderr: env-token-0123456", file=sys.stderr)
    captured = capsys.readouterr()
    assert captured.out == "token *** and ***\n"
    assert captured.err == "on stderr: ***\n"


def _calls(predicate: object) -> list[str]:
    found = []
    for path in sorted((PROJECT_ROOT / "monitors").rglob("*.py")):
        relative = path.relative_to(PROJECT_ROOT)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if predicate(relative, node):  # type: ignore[operator]
                found.append(f"{relative}:{getattr(node, 'lineno', '?')}")
    return found


def _attribute(node: ast.AST, owner: str, names: tuple[str, ...]) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr in names
        and isinstance(node.value, ast.Name)
        and node.value.id == owner
    )


def test_only_the_programs_log_module_talks_to_the_engine():
    """Every diagnostic and stopping error of the program passes `monitors.program.log`."""

    def direct(relative: Path, node: ast.AST) -> bool:
        return relative != Path("monitors/program/log.py") and (
            _attribute(node, "pulumi", ("log", "RunError"))
        )

    assert _calls(direct) == []


def test_nothing_writes_around_the_scrubbed_streams():
    """Output goes to sys.stdout/sys.stderr (scrubbed by the CLI), never to the original
    streams or a file descriptor."""

    def around(relative: Path, node: ast.AST) -> bool:
        return _attribute(node, "sys", ("__stdout__", "__stderr__")) or _attribute(
            node, "os", ("write",)
        )

    assert _calls(around) == []

"""`readers` and `paused`: read the same from the stack file and from the engine's strings, and
every bad value refused naming the file and the field, before anything is registered."""

from __future__ import annotations

import json

import pytest

from tests.declared.test_stack_settings import FILE, file_errors, from_engine, from_file

SP = "6f1c0b8e-2a4d-4c1e-9b7a-0d3e5f7a9c21"
READERS = f"""\
  lakehouse-monitors:readers:
    groups: [data-analysts]
    users: [ana@x.example]
    servicePrincipals: ["{SP}"]
    useCatalog: true
"""


def test_readers_are_read_the_same_from_the_file_and_from_the_engine():
    written = from_file(READERS).readers
    passed = from_engine(
        **{
            "lakehouse-monitors:readers": json.dumps(
                {
                    "groups": ["data-analysts"],
                    "users": ["ana@x.example"],
                    "servicePrincipals": [SP],
                    "useCatalog": True,
                }
            )
        }
    ).readers
    assert written == passed
    assert written is not None
    assert written.principals() == [
        ("group", "data-analysts"),
        ("user", "ana@x.example"),
        ("service_principal", SP),
    ]
    assert written.use_catalog is True


def test_use_catalog_is_off_unless_the_stack_says_so():
    readers = from_file("  lakehouse-monitors:readers: {groups: [data-analysts]}\n").readers
    assert readers is not None and readers.use_catalog is False


# (what is written under `readers:`, the one error expected after the file name)
BAD_READERS = [
    ("{group: [x]}", "lakehouse-monitors:readers.group: unknown key; did you mean 'groups'?"),
    (
        "{groups: [x], privileges: [ALL_PRIVILEGES]}",
        "lakehouse-monitors:readers: privileges are not set here: every reader gets USE_SCHEMA "
        "and SELECT on the output schema (and USE_CATALOG with useCatalog: true); remove "
        "`privileges`",
    ),
    ("{users: [ana]}", "lakehouse-monitors:readers.users[0]: 'ana' is not an email address"),
    (
        "{servicePrincipals: [etl-bot]}",
        "lakehouse-monitors:readers.servicePrincipals[0]: 'etl-bot' is not a service "
        "principal's application ID (a UUID such as 6f1c0b8e-2a4d-4c1e-9b7a-0d3e5f7a9c21; the "
        "display name is not accepted)",
    ),
    (
        f"{{servicePrincipals: [{SP.upper()}]}}",
        f"lakehouse-monitors:readers.servicePrincipals[0]: {SP.upper()!r}: write the "
        f"application ID as {SP!r}",
    ),
    (
        "{groups: ['analysts ']}",
        "lakehouse-monitors:readers.groups[0]: 'analysts ' has leading or trailing whitespace",
    ),
    (
        "{groups: ['a::b']}",
        "lakehouse-monitors:readers.groups[0]: 'a::b' contains '::', which cannot appear in a "
        "resource name",
    ),
    (
        "{groups: [admins]}",
        "lakehouse-monitors:readers.groups[0]: 'admins' already manages every dashboard, and the "
        "provider refuses to change its dashboard permissions (terraform-provider-databricks "
        "permissions `validate`)",
    ),
    ("{groups: [x, X]}", "lakehouse-monitors:readers.groups: 'X' is listed twice"),
    (
        "{groups: [a@x.example], users: [A@x.example]}",
        "lakehouse-monitors:readers: 'A@x.example' is listed under both groups and users",
    ),
    (
        "{}",
        "lakehouse-monitors:readers: lists no principal: add groups, users or "
        "servicePrincipals, or remove it",
    ),
    (
        "{groups: [x], useCatalog: yes}",
        "lakehouse-monitors:readers.useCatalog: must be true or false, not text ('yes')",
    ),
]


@pytest.mark.parametrize(("written", "expected"), BAD_READERS, ids=[c[0] for c in BAD_READERS])
def test_a_bad_reader_is_refused_naming_the_file_and_the_field(written, expected):
    assert file_errors(f"  lakehouse-monitors:readers: {written}\n") == [f"{FILE}: {expected}"]


def test_paused_is_off_unless_the_stack_says_so():
    assert from_file().paused is False
    assert from_file("  lakehouse-monitors:paused: true\n").paused is True
    assert from_engine(**{"lakehouse-monitors:paused": "true"}).paused is True


def test_paused_takes_only_true_or_false():
    assert file_errors("  lakehouse-monitors:paused: yes\n") == [
        f"{FILE}: lakehouse-monitors:paused: must be true or false, not text ('yes')"
    ]

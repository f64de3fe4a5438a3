"""The migration journal: written for its owner only, read back exactly, never guessed at."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from monitors.naming import API_LEGACY
from monitors.stackops.migrate.journal import Journal, JournalError, journal_path, load_journal
from monitors.workspace.migration import MonitorFacts
from tests.helpers.migrate import DQ

URN = "urn:pulumi:prod::lakehouse-monitors::pulumi:pulumi:Stack::lakehouse-monitors-prod"
FACTS = MonitorFacts(3, "dash", "c.s.t_profile_metrics", "c.s.t_drift_metrics", "ACTIVE")


def a_journal(tmp_path) -> Journal:
    return Journal(
        journal_path(tmp_path, "prod"),
        API_LEGACY,
        DQ,
        "config:\n  lakehouse-monitors:protect: true\n",
        {"version": 3, "deployment": {"resources": [{"urn": URN, "outputs": {"k": "v1:abc"}}]}},
        {"dim_host": FACTS},
    )


def test_a_journal_reads_back_as_written_and_only_its_owner_can_read_it(tmp_path):
    journal = a_journal(tmp_path)
    journal.save()
    assert journal.path == tmp_path / ".migrations" / "prod.json"
    assert journal.path.stat().st_mode & 0o777 == 0o600
    assert list(journal.path.parent.iterdir()) == [journal.path]  # no temporary file left
    assert load_journal(tmp_path, "org/lakehouse-monitors/prod") == journal
    assert journal.restore_point.deployment == journal.checkpoint["deployment"]


@pytest.mark.parametrize("planted", ["prod.json.tmp", "prod.json"])
def test_a_link_planted_beside_or_at_the_journal_is_never_written_through(tmp_path, planted):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (tmp_path / ".migrations").mkdir()
    (tmp_path / ".migrations" / planted).symlink_to(victim)
    journal = a_journal(tmp_path)
    journal.save()
    assert victim.read_text() == "keep me"
    assert not journal.path.is_symlink()
    assert load_journal(tmp_path, "prod") == journal
    assert journal.path.stat().st_mode & 0o777 == 0o600


def test_no_journal_is_none_and_a_deleted_one_is_gone(tmp_path):
    assert load_journal(tmp_path, "prod") is None
    journal = a_journal(tmp_path)
    journal.save()
    journal.delete()
    assert load_journal(tmp_path, "prod") is None


def test_a_journal_written_by_a_resumed_run_says_so():
    journal = a_journal(Path("/x"))
    assert journal.facts_read.startswith("before the migration changed anything")
    journal.resumed = True
    assert journal.facts_read.startswith("when a later run resumed")
    assert journal.restore_point_taken.startswith("as the run that resumed the migration")


APIS = "['legacy', 'data_quality']"
KEYS = (
    "['dashboard_id', 'drift_metrics_table', 'monitor_version', 'profile_metrics_table', 'status']"
)
FACTS_JSON = FACTS.to_json()


def changed(**changes) -> Callable[[dict], dict]:
    """The journal with these fields changed (GONE: removed)."""

    def edit(data: dict) -> dict:
        for key, value in changes.items():
            if value is GONE:
                data.pop(key)
            else:
                data[key] = value
        return data

    return edit


def facts(**changes) -> Callable[[dict], dict]:
    """The journal with these of `dim_host`'s facts changed (GONE: removed)."""

    def edit(data: dict) -> dict:
        changed(**changes)(data["before"]["dim_host"])
        return data

    return edit


GONE = object()
UNREADABLE = [
    (
        "not-json",
        lambda d: "{",
        "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
    ),
    ("a-list", lambda d: [], "not a format 1 journal"),
    ("null", lambda d: None, "not a format 1 journal"),
    ("format-2", changed(format=2), "not a format 1 journal"),
    ("format-missing", changed(format=GONE), "not a format 1 journal"),
    ("format-text", changed(format="1"), "not a format 1 journal"),
    ("format-true", changed(format=True), "not a format 1 journal"),
    ("format-float", changed(format=1.0), "not a format 1 journal"),
    ("format-first", changed(format=GONE, source="x"), "not a format 1 journal"),
    ("source-missing", changed(source=GONE), "source is missing"),
    ("target-other", changed(target="v3"), f"target must be one of {APIS}, got 'v3'"),
    ("source-list", changed(source=[]), f"source must be one of {APIS}, got []"),
    ("source-object", changed(source={}), f"source must be one of {APIS}, got {{}}"),
    ("same-api", changed(source=DQ), "source and target are both 'data_quality'"),
    ("stack-file-missing", changed(stack_file=GONE), "stack_file is missing"),
    ("stack-file-number", changed(stack_file=1), "stack_file must be text"),
    ("started-missing", changed(started=GONE), "started is missing"),
    ("started-null", changed(started=None), "started must be text"),
    ("resumed-missing", changed(resumed=GONE), "resumed is missing"),
    ("resumed-text", changed(resumed="no"), "resumed must be true or false"),
    ("resumed-zero", changed(resumed=0), "resumed must be true or false"),
    ("checkpoint-missing", changed(checkpoint=GONE), "checkpoint is missing"),
    (
        "checkpoint-list",
        changed(checkpoint=[]),
        "checkpoint must be a `pulumi stack export` document",
    ),
    (
        "checkpoint-no-deployment",
        changed(checkpoint={"resources": []}),
        "checkpoint must be a `pulumi stack export` document",
    ),
    (
        "deployment-list",
        changed(checkpoint={"deployment": []}),
        "checkpoint must be a `pulumi stack export` document",
    ),
    (
        "resources-text",
        changed(checkpoint={"deployment": {"resources": "x"}}),
        "checkpoint resources must be a list",
    ),
    (
        "resource-not-an-object",
        changed(checkpoint={"deployment": {"resources": ["x"]}}),
        "its restore point holds None, which is not a resource of stack 'prod' (a journal of "
        "another stack?)",
    ),
    ("before-missing", changed(before=GONE), "before is missing"),
    ("before-list", changed(before=[]), "before must map tables to facts"),
    ("facts-list", changed(before={"t": []}), f"expected the keys {KEYS}, got []"),
    ("facts-text", changed(before={"t": "x"}), f"expected the keys {KEYS}, got 'x'"),
    (
        "facts-key-missing",
        facts(dashboard_id=GONE),
        f"expected the keys {KEYS}, got { ({k: v for k, v in FACTS_JSON.items() if k != 'dashboard_id'})!r}",
    ),
    (
        "facts-key-unknown",
        facts(extra=1),
        f"expected the keys {KEYS}, got { ({**FACTS_JSON, 'extra': 1})!r}",
    ),
    (
        "facts-keys-first",
        facts(extra=1, monitor_version="3"),
        f"expected the keys {KEYS}, got { ({**FACTS_JSON, 'monitor_version': '3', 'extra': 1})!r}",
    ),
    ("version-text", facts(monitor_version="3"), "monitor_version must be a whole number, got '3'"),
    (
        "version-bool",
        facts(monitor_version=True),
        "monitor_version must be a whole number, got True",
    ),
    (
        "version-float",
        facts(monitor_version=3.0),
        "monitor_version must be a whole number, got 3.0",
    ),
    ("status-number", facts(status=1), "status must be text, got 1"),
    ("dashboard-list", facts(dashboard_id=[]), "dashboard_id must be text, got []"),
    (
        "target-before-resumed",
        changed(target="v3", resumed="x"),
        f"target must be one of {APIS}, got 'v3'",
    ),
    ("stack-file-before-resumed", changed(stack_file=1, resumed="x"), "stack_file must be text"),
    (
        "same-before-stack-file",
        changed(source=DQ, stack_file=1),
        "source and target are both 'data_quality'",
    ),
    (
        "checkpoint-before-before",
        changed(checkpoint=[], before=[]),
        "checkpoint must be a `pulumi stack export` document",
    ),
    (
        "another-stack-before-before",
        changed(
            checkpoint={"deployment": {"resources": [{"urn": "urn:pulumi:dev::x"}]}}, before=[]
        ),
        "its restore point holds 'urn:pulumi:dev::x', which is not a resource of stack 'prod' (a "
        "journal of another stack?)",
    ),
]


@pytest.mark.parametrize(
    ("edit", "reason"), [c[1:] for c in UNREADABLE], ids=[c[0] for c in UNREADABLE]
)
def test_an_unreadable_journal_says_why_in_its_own_words(tmp_path, edit, reason):
    journal = a_journal(tmp_path)
    journal.save()
    data = json.loads(journal.path.read_text())
    document = edit(data)
    journal.path.write_text(document if isinstance(document, str) else json.dumps(document))
    with pytest.raises(JournalError) as raised:
        load_journal(tmp_path, "prod")
    assert str(raised.value) == (
        f"the migration journal {journal.path} cannot be read ({reason}). It keeps the facts the "
        "history proof compares with and the state to restore; nothing was changed. Repair it, or "
        "move it away to continue without it (the proof then compares with facts read when the "
        "migration resumes)."
    )


READABLE = [
    ("unknown-field-ignored", changed(extra=1)),
    ("no-resources", changed(checkpoint={"deployment": {}})),
    ("null-resources", changed(checkpoint={"deployment": {"resources": None}})),
    ("null-version", facts(monitor_version=None)),
]


@pytest.mark.parametrize("edit", [c[1] for c in READABLE], ids=[c[0] for c in READABLE])
def test_a_journal_with_what_the_reader_may_ignore_is_read(tmp_path, edit):
    journal = a_journal(tmp_path)
    journal.save()
    journal.path.write_text(json.dumps(edit(json.loads(journal.path.read_text()))))
    assert load_journal(tmp_path, "prod") is not None


@pytest.mark.parametrize(
    "urn",
    [
        "urn:pulumi:dev::lakehouse-monitors::pulumi:pulumi:Stack::lakehouse-monitors-dev",
        "urn:pulumi:production::lakehouse-monitors::pulumi:pulumi:Stack::x",
        None,
    ],
)
def test_a_journal_whose_restore_point_is_another_stacks_is_refused(tmp_path, urn):
    journal = a_journal(tmp_path)
    journal.checkpoint["deployment"]["resources"].append({"urn": urn})
    journal.save()
    with pytest.raises(JournalError, match=r"cannot be read .*not a resource of stack 'prod'"):
        load_journal(tmp_path, "prod")

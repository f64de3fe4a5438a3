"""The migration journal: written for its owner only, read back exactly, never guessed at."""

from __future__ import annotations

import json
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


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d.update(format=2),
        lambda d: d.update(target="v3"),
        lambda d: d.update(resumed="no"),
        lambda d: d.update(checkpoint={"resources": []}),
        lambda d: d["before"]["dim_host"].update(monitor_version="3"),
        lambda d: d["before"]["dim_host"].pop("dashboard_id"),
        lambda d: d.pop("stack_file"),
        lambda d: d.update(source=DQ),
    ],
)
def test_an_unreadable_journal_stops_everything_naming_its_file(tmp_path, edit):
    journal = a_journal(tmp_path)
    journal.save()
    data = json.loads(journal.path.read_text())
    edit(data)
    journal.path.write_text(json.dumps(data))
    with pytest.raises(JournalError, match=f"the migration journal {journal.path} cannot be read"):
        load_journal(tmp_path, "prod")


def test_a_journal_that_is_not_json_is_unreadable_too(tmp_path):
    path = journal_path(tmp_path, "prod")
    path.parent.mkdir()
    path.write_text("{")
    with pytest.raises(JournalError, match="nothing was changed"):
        load_journal(tmp_path, "prod")


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

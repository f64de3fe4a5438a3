"""verify checks the stack's alerts in the monitors' bounded pool: several at once, one shared
back-off when the workspace throttles an alert's check, and the report in the declared order
whatever the number of workers."""

from __future__ import annotations

import json
import threading

import pytest

from monitors.declared.project import Project
from monitors.workspace.alerts import verify_alerts
from monitors.workspace.pool import ThrottleGate
from tests.workspace.test_verify_alerts import deployed

__all__ = ["deployed"]  # the fixture: the dev project's monitors and alerts, deployed

ALERT_CHECK_PATHS = ("/api/2.0/alerts/", "/api/2.0/sql/statements")


class RecordingGate(ThrottleGate):
    """A gate that remembers which threads found it closed."""

    def __init__(self) -> None:
        super().__init__()
        self.held: set[int] = set()

    def wait(self) -> None:
        if self._open_at > self._now():
            self.held.add(threading.get_ident())
        super().wait()


def alert_id(client, name: str) -> str:
    (alert,) = [a for a in client.alerts_v2.list_alerts() if name in (a.display_name or "")]
    return str(alert.id)


@pytest.mark.parametrize(("workers", "overlapping"), [(1, False), (4, True)])
def test_the_alerts_are_checked_several_at_once(
    deployed: Project, fake_workspace, workspace_client, workers, overlapping
):
    fake_workspace.latency_s = 0.05  # a request stays open long enough for another to start
    checks_from = len(fake_workspace.calls)
    report = verify_alerts(workspace_client, deployed, workers=workers)
    assert report.ok
    alert_calls = [
        c for c in fake_workspace.calls[checks_from:] if c.path.startswith(ALERT_CHECK_PATHS)
    ]
    assert (max(c.in_flight for c in alert_calls) > 1) is overlapping


@pytest.mark.slow  # the workspace asks for a pause of one second
def test_a_429_on_an_alert_check_holds_every_worker_for_its_retry_after(
    deployed: Project, fake_workspace, workspace_client
):
    path = f"/api/2.0/alerts/{alert_id(workspace_client, 'missing_host_emails')}"
    fake_workspace.fail_next("GET", path, status=429, retry_after=1)
    gate = RecordingGate()
    report = verify_alerts(workspace_client, deployed, workers=2, gate=gate)
    assert report.ok  # the throttled request was retried after the pause
    assert gate.pauses == [1.0]
    assert len(gate.held) == 2  # the throttled worker's retry, and the other worker's requests


@pytest.mark.parametrize("workers", [2, 8])
def test_the_alerts_report_is_the_same_at_every_worker_count(
    deployed: Project, workspace_client, workers
):
    one = verify_alerts(workspace_client, deployed, workers=1)
    many = verify_alerts(workspace_client, deployed, workers=workers)
    assert many.render_table() == one.render_table()
    assert json.dumps(many.document()) == json.dumps(one.document())


def test_progress_hears_of_every_alert_once_with_the_total(deployed: Project, workspace_client):
    heard: list[tuple[str, int]] = []
    report = verify_alerts(
        workspace_client, deployed, workers=3, on_checked=lambda a, n: heard.append((a.key, n))
    )
    assert sorted(heard) == sorted((a.key, len(report.alerts)) for a in report.alerts)

"""--wait polls PENDING monitors until they initialise or the timeout passes."""

from monitors.workspace.verify.wait import wait_until_active


class FakeTime:
    """Injected sleep/monotonic so waiting costs no wall time."""

    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds

    def monotonic(self):
        return self.now


def test_wait_returns_once_pending_monitor_initialises(
    fake_workspace, workspace_client, deploy_monitor
):
    expected = deploy_monitor(initialise=False)
    fake_workspace.initialise_after(expected.full_table_name, gets=3)
    clock, progress = FakeTime(), []
    still_pending = wait_until_active(
        workspace_client,
        [expected],
        timeout_s=600,
        poll_s=15,
        on_progress=progress.append,
        sleep=clock.sleep,
        monotonic=clock.monotonic,
    )
    assert still_pending == ()
    assert clock.sleeps == [15, 15]
    assert [p.pending for p in progress] == [("fact_booking_daily",)] * 2 + [()]
    assert progress[-1].line() == "all 1 monitors initialised (30s)"


def test_wait_gives_up_at_timeout_with_pending_names(workspace_client, deploy_monitor):
    expected = deploy_monitor(initialise=False)
    clock, progress = FakeTime(), []
    still_pending = wait_until_active(
        workspace_client,
        [expected],
        timeout_s=40,
        poll_s=15,
        on_progress=progress.append,
        sleep=clock.sleep,
        monotonic=clock.monotonic,
    )
    assert still_pending == ("fact_booking_daily",)
    assert clock.sleeps == [15, 15, 10]
    assert "waiting for 1 of 1 monitors" in progress[-1].line()


def test_wait_does_not_wait_for_missing_or_active_monitors(
    fake_workspace, workspace_client, deploy_monitor
):
    active = deploy_monitor("fact_booking_daily")
    missing = deploy_monitor("dim_user", time_series=False)
    del fake_workspace.monitors[missing.full_table_name]
    clock = FakeTime()
    assert (
        wait_until_active(
            workspace_client,
            [active, missing],
            timeout_s=600,
            sleep=clock.sleep,
            monotonic=clock.monotonic,
        )
        == ()
    )
    assert clock.sleeps == []

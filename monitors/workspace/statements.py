"""Run one SQL statement on a warehouse (SQL statement execution API), bounded in time.

databricks-sdk 0.162 `sql.StatementExecutionAPI`: `execute_statement` (`POST
/api/2.0/sql/statements`: the call waits up to `wait_timeout` for the answer, then, with
`on_wait_timeout=CONTINUE`, returns the statement PENDING or RUNNING), `get_statement` (`GET
.../{id}`) to poll, `cancel_execution` (`POST .../{id}/cancel`). Results come inline as
JSON_ARRAY: every value a string, NULL as null. Values go in as named parameters (`:name` in the
text, `StatementParameterListItem(name, value, type)`), never formatted into the text.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from databricks.sdk import WorkspaceClient
from databricks.sdk.service.sql import (
    Disposition,
    ExecuteStatementRequestOnWaitTimeout,
    Format,
    StatementParameterListItem,
    StatementResponse,
    StatementState,
)

from monitors.workspace.identifiers import object_id

SERVER_WAIT = "10s"  # the statement API holds the call up to this long (5-50 s)
POLL_S = 2.0
RUNNING_STATES = (StatementState.PENDING, StatementState.RUNNING)


def run_statement(
    client: WorkspaceClient,
    statement: str,
    warehouse_id: str,
    budget_s: float,
    *,
    parameters: Sequence[StatementParameterListItem] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
) -> StatementResponse:
    """Run a statement inline as JSON; poll until it ends or `budget_s` passes, then cancel it
    (the answer returned is then still PENDING or RUNNING: the caller says what that means)."""
    start = monotonic()
    response = client.statement_execution.execute_statement(
        statement=statement,
        warehouse_id=object_id(warehouse_id, "warehouse id"),
        wait_timeout=SERVER_WAIT,
        on_wait_timeout=ExecuteStatementRequestOnWaitTimeout.CONTINUE,
        format=Format.JSON_ARRAY,
        disposition=Disposition.INLINE,
        parameters=list(parameters) if parameters else None,
    )
    while statement_state(response) in RUNNING_STATES:
        left = budget_s - (monotonic() - start)
        if left <= 0:
            if response.statement_id:
                client.statement_execution.cancel_execution(
                    statement_id=object_id(response.statement_id, "statement id")
                )
            break
        sleep(min(POLL_S, left))
        if not response.statement_id:
            break
        response = client.statement_execution.get_statement(
            statement_id=object_id(response.statement_id, "statement id")
        )
    return response


def statement_state(response: StatementResponse) -> StatementState | None:
    """The statement's state, or None when the answer has none."""
    return response.status.state if response.status else None

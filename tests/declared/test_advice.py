"""project_warnings: one line per warning, naming the file, the monitor and the field."""

from __future__ import annotations

import yaml

from monitors.declared.advice import project_warnings
from monitors.declared.project import build_project
from monitors.declared.settings import read_stack_config
from tests.helpers.declarations import TABLE, declaration, with_definition
from tests.helpers.project import project_input


def project_of(data: dict, stack: str = "prod", **settings: object):
    config = dict(read_stack_config(stack))
    config.update({f"lakehouse-monitors:{k}": v for k, v in settings.items()})
    config.pop("lakehouse-monitors:enabled", None)
    texts = {f"monitors/declarations/{TABLE}.yaml": yaml.safe_dump(data)}
    return build_project(project_input(stack, config, texts))


def test_a_declaration_warning_names_the_file_the_monitor_and_the_field():
    project = project_of(with_definition("SUM(total_guests) -- guests"))
    (line,) = project_warnings(project)
    assert line.startswith(
        f"monitors/declarations/{TABLE}.yaml: monitor {TABLE}: "
        "custom_metrics[3] (extra_metric).definition: has a '--' comment"
    )


def test_a_stack_schedule_warning_names_the_stack_file_and_the_setting():
    schedule = {"quartz_cron_expression": "0 0 6 30 2 ?", "timezone_id": "UTC"}
    (line,) = project_warnings(project_of(declaration(), schedule=schedule))
    assert line == (
        "Pulumi.prod.yaml: lakehouse-monitors:schedule.quartz_cron_expression: "
        "never fires: day-of-month 30 exists in no month 2"
    )


def test_a_project_without_doubts_has_no_warnings():
    assert project_warnings(project_of(declaration())) == []

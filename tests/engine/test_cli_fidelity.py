"""The real `pulumi` CLI beside the recording fake one (tests/fakes/pulumi_cli), on the commands
the stack operations run that need no provider: these run wherever the CLI builds, which is
anywhere the Go module proxy answers. Each test pins one behaviour the fake must share."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.engine.binaries import REPO, find_cli
from tests.engine.isolation import isolated_env, required


@pytest.fixture(scope="module")
def cli() -> Path:
    return required(find_cli, "LHM_ENGINE_REQUIRED_CLI", "the CLI-only engine tests")


class Cli:
    """The real CLI on a scratch copy of the stack files, with a file backend."""

    def __init__(self, binary: Path, root: Path) -> None:
        self.binary, self.root = binary, root
        (root / "state").mkdir()
        self.env = isolated_env(root, root / "pulumi-home", "cli-fidelity")

    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.binary), *args],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


@pytest.fixture
def real(cli: Path, tmp_path: Path) -> Cli:
    for name in ("Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml"):
        shutil.copyfile(REPO / name, tmp_path / name)
    real = Cli(cli, tmp_path)
    assert real("stack", "init", "prod").returncode == 0
    return real


def test_the_cli_prints_the_version_it_was_built_with(real: Cli) -> None:
    printed = real("version").stdout.strip()
    assert printed.startswith("v3.") and printed.count(".") == 2


@pytest.mark.parametrize("verb", ["remove", "delete"])
def test_a_cli_from_3_254_has_state_remove_and_still_state_delete(real: Cli, verb: str) -> None:
    assert real("state", verb, "--help").returncode == 0


def test_config_set_keeps_the_stack_files_comments(real: Cli) -> None:
    before = (real.root / "Pulumi.prod.yaml").read_text()
    set_token = real(
        "config", "set", "--stack", "prod", "--path", "lakehouse-monitors:resets.dim_user", "t-1"
    )
    assert set_token.returncode == 0, set_token.stderr
    after = (real.root / "Pulumi.prod.yaml").read_text()
    comments = [line for line in before.splitlines() if line.lstrip().startswith("#")]
    assert comments and all(line in after.splitlines() for line in comments)


def test_config_set_rewrites_plain_booleans_as_text_and_plan_reads_them_the_same(
    real: Cli,
) -> None:
    assert real("config", "set", "--stack", "prod", "lakehouse-monitors:x", "1").returncode == 0
    assert real("config", "rm", "--stack", "prod", "lakehouse-monitors:x").returncode == 0
    text = (real.root / "Pulumi.prod.yaml").read_text()
    assert 'lakehouse-monitors:protect: "true"' in text
    shutil.copytree(
        REPO / "monitors", real.root / "monitors", ignore=shutil.ignore_patterns("__pycache__")
    )
    plan = subprocess.run(
        [
            str(REPO / ".venv" / "bin" / "python"),
            "-m",
            "monitors",
            "plan",
            "--stack",
            "prod",
            "--project-dir",
            str(real.root),
            "--json",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert plan.returncode == 0, plan.stderr
    settings = json.loads(plan.stdout)
    assert settings["protect"] is True and settings["refresh_after_update"] is True


def test_config_set_with_path_stores_numbers_and_booleans_as_yaml_and_zero_led_text_as_text(
    real: Cli,
) -> None:
    for key, value in (("a", "5"), ("b", "true"), ("c", "0123")):
        assert (
            real(
                "config", "set", "--stack", "prod", "--path", f"lakehouse-monitors:t.{key}", value
            ).returncode
            == 0
        )
    text = (real.root / "Pulumi.prod.yaml").read_text()
    assert "a: 5\n" in text and "b: true\n" in text and '"0123"' in text

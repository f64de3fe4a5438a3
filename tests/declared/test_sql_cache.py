"""SQL analyses kept on disk between runs: the same answers as the analyser, and never trusted
when the file is not exactly what the cache wrote for this code and this sqlglot."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from monitors.declared import sql, sql_cache
from monitors.declared.sql_analysis import SqlAnalysis
from monitors.declared.sql_cache import CACHE_PATH, analyse, kept_analyses
from monitors.naming import DECLARATIONS_PATH, PROJECT_ROOT

TEXTS = [
    "SUM(total_guests)",
    "avg(`total nights`) / count(*)",
    "SUM({{input_column}}) / COUNT(*)",
    "{{current_df}}.avg_price - {{base_df}}.avg_price",
    "SUM({{ input_column | upper }})",
    "transform(tags, t -> upper(t))[0]",
    "CASE WHEN {{prediction_col}} = {{label_col}} THEN 1 ELSE 0 END",
    "SUM(x) AS total",
    "SUM(total_guests); DROP TABLE t",
    "SUM((total_guests)",
    "(SELECT SUM(x) FROM t)",
    "SUM(x) GROUP BY y",
    "DROP TABLE t",
    "SUM('abc)",
    "   ",
    "SUM(x)\x00",
    "SUM(x) /* a /* nested */ comment",
    "SUM(x) -- trailing comment",
    "{% if true %}SUM(x){% endif %}",
    "SUM({{input_column)",
    "x ::: y",
    "SUM(prix_unitaire_€) + length('日本語')",
    "a.b.c + `q``uoted`",
    "",
]


@pytest.fixture(autouse=True)
def _fresh_process(monkeypatch):
    """Each test starts as a new process would: nothing remembered from earlier runs."""
    monkeypatch.setattr(sql_cache, "_remembered", {})


def _without_sqlglot(monkeypatch):
    """From here on, an analysis that is not read from the file fails the test."""

    def refuse(text: str) -> SqlAnalysis:
        raise AssertionError(f"analysed again: {text!r}")

    monkeypatch.setattr(sql_cache, "_analysed", refuse)


def test_an_analysis_read_back_is_the_analysers_own(tmp_path, monkeypatch):
    with kept_analyses(tmp_path):
        first = [analyse(text) for text in TEXTS]
    monkeypatch.setattr(sql_cache, "_remembered", {})
    _without_sqlglot(monkeypatch)
    with kept_analyses(tmp_path):
        again = [analyse(text) for text in TEXTS]
    assert first == again == [sql.analyse(text) for text in TEXTS]


def test_an_unchanged_run_does_not_rewrite_the_file(tmp_path):
    with kept_analyses(tmp_path):
        analyse("SUM(x)")
    written = (tmp_path / CACHE_PATH).stat().st_ino
    with kept_analyses(tmp_path):
        analyse("SUM(x)")
    assert (tmp_path / CACHE_PATH).stat().st_ino == written
    with kept_analyses(tmp_path):
        analyse("SUM(y)")
    assert (tmp_path / CACHE_PATH).stat().st_ino != written


def test_the_file_keeps_only_the_texts_the_last_run_used(tmp_path):
    with kept_analyses(tmp_path):
        analyse("SUM(x)")
        analyse("SUM(y)")
    with kept_analyses(tmp_path):
        analyse("SUM(y)")
        analyse("SUM(z)")
    stored = json.loads((tmp_path / CACHE_PATH).read_text())["analyses"]
    assert sorted(stored) == ["SUM(y)", "SUM(z)"]


def _stored_file(tmp_path: Path) -> dict:
    with kept_analyses(tmp_path):
        analyse("SUM(x)")
    return json.loads((tmp_path / CACHE_PATH).read_text())


WRONG_ANALYSIS = [["forged"], [], [], None, []]


@pytest.mark.parametrize(
    "corrupt",
    [
        lambda document: "not json {",
        lambda document: json.dumps([document]),
        lambda document: json.dumps(document | {"stamp": "another sqlglot"}),
        lambda document: json.dumps({"stamp": document["stamp"]}),
        lambda document: json.dumps(document | {"analyses": ["SUM(x)"]}),
        lambda document: json.dumps(document | {"analyses": {"SUM(x)": [[], [], []]}}),
        lambda document: json.dumps(document | {"analyses": {"SUM(x)": [[1], [], [], None, []]}}),
        lambda document: json.dumps(document | {"analyses": {"SUM(x)": [[], [], [], "x", []]}}),
        lambda document: json.dumps(document | {"analyses": {"SUM(x)": [[], [], [], [], [["a"]]]}}),
        lambda document: json.dumps(document | {"analyses": {"SUM(x)": [[], [], [], [], "ab"]}}),
        lambda document: "\udcff".join("ab"),
    ],
    ids=[
        "not-json",
        "not-an-object",
        "other-stamp",
        "no-analyses",
        "analyses-not-a-mapping",
        "short-entry",
        "not-strings",
        "references-not-a-list",
        "pair-of-one",
        "qualified-not-a-list",
        "undecodable",
    ],
)
def test_a_file_not_as_written_is_ignored_and_replaced(tmp_path, monkeypatch, corrupt):
    document = _stored_file(tmp_path)
    monkeypatch.setattr(sql_cache, "_remembered", {})
    (tmp_path / CACHE_PATH).write_bytes(corrupt(document).encode("utf-8", "surrogateescape"))
    with kept_analyses(tmp_path):
        assert analyse("SUM(x)") == sql.analyse("SUM(x)")
    assert json.loads((tmp_path / CACHE_PATH).read_text()) == document


def test_a_file_of_another_analysis_code_is_not_trusted(tmp_path, monkeypatch):
    document = _stored_file(tmp_path)
    document["analyses"]["SUM(x)"] = WRONG_ANALYSIS
    (tmp_path / CACHE_PATH).write_text(json.dumps(document))
    monkeypatch.setattr(sql_cache, "_remembered", {})
    monkeypatch.setattr(sql_cache, "_ANALYSIS_SOURCES", (*sql_cache._ANALYSIS_SOURCES, "like.py"))
    with kept_analyses(tmp_path):
        assert analyse("SUM(x)") == sql.analyse("SUM(x)")


def test_an_analysis_too_deep_to_parse_is_not_kept(tmp_path):
    deep = "(" * 3000 + "x" + ")" * 3000
    with kept_analyses(tmp_path):
        assert sql.TOO_DEEP in analyse(deep).warnings
        analyse("SUM(x)")
    stored = json.loads((tmp_path / CACHE_PATH).read_text())["analyses"]
    assert list(stored) == ["SUM(x)"]


def test_a_cache_that_cannot_be_written_costs_only_the_next_runs_analyses(tmp_path):
    (tmp_path / CACHE_PATH.parent).write_text("a file where the directory would go")
    with kept_analyses(tmp_path):
        assert analyse("SUM(x)") == sql.analyse("SUM(x)")


def test_nothing_is_read_or_written_outside_kept_analyses(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert analyse("SUM(x)") == sql.analyse("SUM(x)")
    assert list(tmp_path.iterdir()) == []


def test_refused_declarations_still_keep_what_was_analysed(tmp_path):
    with pytest.raises(ValueError), kept_analyses(tmp_path):
        analyse("SUM(x)")
        raise ValueError("a declaration refused")
    assert list(json.loads((tmp_path / CACHE_PATH).read_text())["analyses"]) == ["SUM(x)"]


@pytest.mark.slow  # two fresh interpreters running `plan` (about 1 s each)
def test_a_plan_whose_sql_is_unchanged_never_imports_sqlglot(tmp_path):
    for name in ("Pulumi.yaml", "Pulumi.dev.yaml"):
        shutil.copy(PROJECT_ROOT / name, tmp_path / name)
    shutil.copytree(PROJECT_ROOT / DECLARATIONS_PATH, tmp_path / DECLARATIONS_PATH)
    code = (
        "import contextlib, io, sys\n"
        "from monitors.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    assert main(['plan', '--stack', 'dev', '--project-dir', {str(tmp_path)!r}]) == 0\n"
        "print('sqlglot' in sys.modules, hash(out.getvalue()))\n"
    )

    def plan() -> list[str]:
        run = [sys.executable, "-c", code]
        env = {"PYTHONHASHSEED": "0", "PATH": "", "XDG_CACHE_HOME": str(tmp_path / "cache")}
        found = subprocess.run(run, cwd=PROJECT_ROOT, capture_output=True, text=True, env=env)
        assert found.returncode == 0, found.stderr
        return found.stdout.split()

    first, second = plan(), plan()
    assert (first[0], second[0]) == ("True", "False")
    assert first[1] == second[1]
    assert not (tmp_path / ".lakehouse-monitors").exists()  # nothing written into the checkout


def test_the_analyses_are_kept_per_user_outside_the_checkout(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    one, other = tmp_path / "one", tmp_path / "other"
    found = sql_cache.cache_directory(one)
    assert found is not None and found.is_relative_to(tmp_path / "cache")
    assert found != sql_cache.cache_directory(other)


def test_the_change_report_keeps_no_analyses(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    from monitors.change_report.sources import read_working_tree

    assert read_working_tree(PROJECT_ROOT, "dev").checkout is None


def test_forgetting_drops_what_the_process_remembered(tmp_path, monkeypatch):
    with kept_analyses(tmp_path):
        analyse("SUM(x)")
    _without_sqlglot(monkeypatch)
    assert analyse("SUM(x)") == sql.analyse("SUM(x)")  # remembered after the store closed
    sql_cache.forget()
    with pytest.raises(AssertionError, match="analysed again"):
        analyse("SUM(x)")

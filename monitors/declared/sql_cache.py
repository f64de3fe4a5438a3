"""SQL analyses kept on disk between runs, so a run whose SQL is unchanged never imports sqlglot.

`analyse` is the front door of `monitors.declared.sql`: inside `kept_analyses(directory)` it
answers from `<directory>/sql/analyses.json` what an earlier run analysed, and only a text not
found there loads sqlglot. The directory is per user and per project checkout, outside it
(`cache_directory`: under `$XDG_CACHE_HOME` or `~/.cache`), so a file committed to a repository
can never stand in for an analysis. An entry is the exact text and its analysis; the file is
stamped with what an analysis depends on (this format, the source of our analysis code,
sqlglot's version). A file with another stamp, or one that cannot be read or does not hold
exactly that shape, is ignored, never trusted; the file is rewritten (atomically) when the run
analysed anything new, with the texts this run used, so it holds one project's SQL and no more.
Outside `kept_analyses` (tests, the change report) nothing is read or written.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from monitors import atomic
from monitors.declared.sql_analysis import SqlAnalysis

CACHE_PATH = Path("sql") / "analyses.json"
# Bump when the file's layout changes; the analysis code itself is stamped by its source.
FORMAT = 1
# The source files whose code decides an analysis, beside this one.
_ANALYSIS_SOURCES = ("sql.py", "spark_lexer.py", "sql_analysis.py")


def _stamp() -> str | None:
    """What every analysis depends on, hashed; None when it cannot be known (no cache then)."""
    spec = importlib.util.find_spec("sqlglot")
    if spec is None or not spec.submodule_search_locations:
        return None
    here = Path(__file__).parent
    digest = hashlib.sha256(f"format {FORMAT}\n".encode())
    try:
        for name in _ANALYSIS_SOURCES:
            digest.update(name.encode() + b"\n" + (here / name).read_bytes())
        # sqlglot's `_version.py` (setuptools-scm) holds its version and commit; reading it does
        # not import sqlglot, which is what the cache saves.
        version = Path(next(iter(spec.submodule_search_locations))) / "_version.py"
        digest.update(b"sqlglot\n" + version.read_bytes())
    except OSError:
        return None
    return digest.hexdigest()


def _strings(value: Any) -> tuple[str, ...] | None:
    """`value` as a tuple of strings when it is a JSON list of strings, else None."""
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    return None


def _entry(value: Any) -> SqlAnalysis | None:
    """One stored analysis, exactly as `_stored` wrote it, or None for anything else."""
    if not isinstance(value, list) or len(value) != 5:
        return None
    templates, errors, warnings = (_strings(part) for part in value[:3])
    references = None if value[3] is None else _strings(value[3])
    pairs = value[4] if isinstance(value[4], list) else None
    qualified = [_strings(pair) for pair in pairs] if pairs is not None else None
    if (
        templates is None
        or errors is None
        or warnings is None
        or (value[3] is not None and references is None)
        or qualified is None
        or any(pair is None or len(pair) != 2 for pair in qualified)
    ):
        return None
    return SqlAnalysis(
        templates,
        errors,
        warnings,
        references,
        tuple((pair[0], pair[1]) for pair in qualified if pair is not None),
    )


def _stored(analysis: SqlAnalysis) -> list[Any]:
    """An analysis as one JSON value (lists for tuples; `_entry` reads it back)."""
    references = None if analysis.references is None else list(analysis.references)
    return [
        list(analysis.templates),
        list(analysis.errors),
        list(analysis.warnings),
        references,
        [list(pair) for pair in analysis.qualified],
    ]


def _read(path: Path, stamp: str) -> dict[str, Any]:
    """The stored entries (not yet checked one by one) when the file is whole and stamped
    `stamp`; empty otherwise."""
    try:
        document = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(document, dict) or document.get("stamp") != stamp:
        return {}
    analyses = document.get("analyses")
    return analyses if isinstance(analyses, dict) else {}


class _Store:
    """The analyses read from one file and those this run used, written back on close."""

    def __init__(self, path: Path, stamp: str) -> None:
        self.path = path
        self.stamp = stamp
        self.known = _read(path, stamp)
        self.used: dict[str, SqlAnalysis] = {}
        self.changed = False

    def analyse(self, text: str) -> SqlAnalysis:
        found = self.used.get(text)
        if found is not None:
            return found
        found = _entry(self.known[text]) if text in self.known else None
        if found is None:
            found = _analysed(text)
            self.changed = True
        self.used[text] = found
        return found

    def close(self) -> None:
        """Write what this run used when it differs from what was read; a failure only costs the
        next run the analyses."""
        if not self.changed and len(self.used) == len(self.known):
            return
        from monitors.declared.sql import TOO_DEEP  # only a run that analysed anything gets here

        analyses = {
            text: _stored(analysis)
            for text, analysis in self.used.items()
            if TOO_DEEP not in analysis.warnings
        }
        document = json.dumps({"stamp": self.stamp, "analyses": analyses})
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic.write_text(self.path, document + "\n")
        except OSError:
            pass


_active: list[_Store] = []
# What the stores of this process used, for the checks that run again after the declarations
# are read (`plan`'s and the program's warnings): still without sqlglot.
_remembered: dict[str, SqlAnalysis] = {}


def _analysed(text: str) -> SqlAnalysis:
    """The analysis made now, with sqlglot (imported here, on the first text not kept)."""
    from monitors.declared import sql

    return sql.analyse(text)


def analyse(text: str) -> SqlAnalysis:
    """`monitors.declared.sql.analyse`, answered from the kept analyses when in `kept_analyses`
    or when an earlier `kept_analyses` of this process used the text."""
    if _active:
        return _active[-1].analyse(text)
    return _remembered.get(text) or _analysed(text)


def forget() -> None:
    """Drop what this process remembered: for the program, once its warnings are made, so the
    analyses are not held through the registration of every resource (peak memory)."""
    _remembered.clear()


def cache_directory(project_root: Path) -> Path | None:
    """Where the analyses of the project checkout at `project_root` are kept for this user:
    `lakehouse-monitors/projects/<digest of its path>` under `$XDG_CACHE_HOME` or `~/.cache`;
    None when the user has no home directory (nothing is kept then)."""
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError):
            return None
    key = hashlib.sha256(str(project_root.resolve()).encode("utf-8", "surrogateescape"))
    return Path(base) / "lakehouse-monitors" / "projects" / key.hexdigest()[:16]


@contextmanager
def kept_analyses(directory: Path | None) -> Iterator[None]:
    """Answer `analyse` from the file under `directory` while inside (`cache_directory`; None:
    nothing kept); write it back when done."""
    stamp = _stamp() if directory is not None else None
    if directory is None or stamp is None:
        yield
        return
    store = _Store(directory / CACHE_PATH, stamp)
    _active.append(store)
    try:
        yield
    except Exception:  # refused declarations: what was analysed still holds
        store.close()
        raise
    else:
        store.close()
    finally:
        _active.remove(store)
        _remembered.update(store.used)

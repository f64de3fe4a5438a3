"""Databricks Lakehouse Monitors as code: the Pulumi program and the `monitors` command."""

# The one place the version is written: pyproject.toml reads it (tool.setuptools.dynamic) and
# `monitors --version` prints it.
__version__ = "0.1.0"

"""The one place the version is written: pyproject.toml reads it (tool.setuptools.dynamic) and
`monitors --version` prints it."""

VERSION = "0.1.0"

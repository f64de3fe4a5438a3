#!/usr/bin/env bash
# Creates .venv (the virtualenv Pulumi.yaml names), installs what the program needs and the
# `monitors` command (.venv/bin/monitors); with --dev also the test and lint tools (ruff, mypy,
# pytest, pytest-xdist), which the test suite and .ci/run need.
#   bash bootstrap.sh          # run the program: `pulumi preview`, `.venv/bin/monitors plan`
#   bash bootstrap.sh --dev    # and develop it: `.venv/bin/python -m pytest`
set -euo pipefail
cd "$(dirname "$0")"
requirements=requirements.txt
case "${1:-}" in
    "") ;;
    --dev) requirements=requirements-dev.txt ;;
    *)
        echo "usage: bash bootstrap.sh [--dev]" >&2
        exit 2
        ;;
esac
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"
# The project itself, editable and without dependencies (pinned above): puts `monitors` in .venv/bin.
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .

#!/usr/bin/env bash
# Creates .venv (the virtualenv Pulumi.yaml names) and installs the program and its test tools.
set -euo pipefail
cd "$(dirname "$0")"
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -r requirements-dev.txt

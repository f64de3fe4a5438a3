"""What several test suites share: declaration builders, stacks under the engine model, alerts,
a stack's input built from texts.

Tests import these from here, never from a `conftest.py` (conftest modules hold fixtures only).
"""

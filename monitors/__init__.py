"""Databricks Lakehouse Monitors as code: the Pulumi program and the `monitors` command (its
version: `monitors.version`)."""

"""The built-in columns of the two metric tables a monitor writes, as Databricks documents them.

Source: Databricks docs, "Monitor metric tables", sections "Profile metrics table schema" and
"Drift metrics table schema" (docs.databricks.com/aws/en/lakehouse-monitoring/monitor-output),
checked against the columns of deployed `_profile_metrics` / `_drift_metrics` tables in public
projects (which also show `frequent_items` and `percent_nan`). Aggregate and derived metrics
become columns of the profile metrics table, drift metrics columns of the drift metrics table, so
a custom metric named like a built-in column of its table collides with it. Column names are
compared ignoring case: "queries against Unity Catalog tables are case-insensitive" (Databricks
SQL reference, "Names").
"""

from __future__ import annotations

from typing import Literal

Table = Literal["profile", "drift"]

# Grouping columns of the profile metrics table.
PROFILE_GROUPING: frozenset[str] = frozenset(
    {
        "window",
        "granularity",
        "log_type",
        "slice_key",
        "slice_value",
        "column_name",
        "data_type",
        "logging_table_commit_version",
        "monitor_version",
    }
)
# Summary statistics every profile computes: derived metrics may use them by name.
PROFILE_STATISTICS: frozenset[str] = frozenset(
    {
        "count",
        "num_nulls",
        "avg",
        "quantiles",
        "distinct_count",
        "min",
        "max",
        "stddev",
        "num_zeros",
        "num_nan",
        "min_length",
        "max_length",
        "avg_length",
        "non_null_columns",
        "frequent_items",
        "median",
        "percent_null",
        "percent_zeros",
        "percent_distinct",
        "percent_nan",
    }
)
# Model accuracy and fairness columns: InferenceLog analysis only.
MODEL_QUALITY: frozenset[str] = frozenset(
    {
        "accuracy_score",
        "confusion_matrix",
        "precision",
        "recall",
        "f1_score",
        "mean_squared_error",
        "root_mean_squared_error",
        "mean_average_error",
        "mean_absolute_percentage_error",
        "r2_score",
        "predictive_parity",
        "predictive_equality",
        "equal_opportunity",
        "statistical_parity",
    }
)
# InferenceLog analysis also groups by model: the docs list a `model_id_col` grouping column.
INFERENCE_GROUPING: frozenset[str] = frozenset({"model_id_col"})
DRIFT_GROUPING: frozenset[str] = frozenset(
    {
        "window",
        "window_cmp",
        "drift_type",
        "granularity",
        "slice_key",
        "slice_value",
        "column_name",
        "data_type",
        "monitor_version",
    }
)
DRIFT_STATISTICS: frozenset[str] = frozenset(
    {
        "count_delta",
        "avg_delta",
        "percent_null_delta",
        "percent_zeros_delta",
        "percent_distinct_delta",
        "non_null_columns_delta",
        "chi_squared_test",
        "ks_test",
        "tv_distance",
        "l_infinity_distance",
        "js_distance",
        "wasserstein_distance",
        "population_stability_index",
    }
)


def builtin_columns(table: Table, inference: bool) -> frozenset[str]:
    """Every built-in column of a monitor's profile or drift metrics table, lower case."""
    if table == "profile":
        columns = PROFILE_GROUPING | PROFILE_STATISTICS
        return columns | MODEL_QUALITY | INFERENCE_GROUPING if inference else columns
    return DRIFT_GROUPING | DRIFT_STATISTICS | (INFERENCE_GROUPING if inference else frozenset())


def builtin_statistics(inference: bool) -> frozenset[str]:
    """The built-in metrics of the profile table a derived metric may name."""
    return PROFILE_STATISTICS | MODEL_QUALITY if inference else PROFILE_STATISTICS


# Built-in columns that hold no single number (Databricks docs, "Monitor metric tables", column
# schemas): arrays (`quantiles`, `frequent_items`, `non_null_columns`), structs of several
# numbers (`confusion_matrix`; `precision`, `recall`, `f1_score` per class and averaged; the
# `chi_squared_test` and `ks_test` statistic and p-value) and the fairness maps. An alert
# compares one number with its threshold, so these cannot be watched directly.
NOT_A_NUMBER: frozenset[str] = frozenset(
    {
        "quantiles",
        "frequent_items",
        "non_null_columns",
        "confusion_matrix",
        "precision",
        "recall",
        "f1_score",
        "predictive_parity",
        "predictive_equality",
        "equal_opportunity",
        "statistical_parity",
        "chi_squared_test",
        "ks_test",
    }
)

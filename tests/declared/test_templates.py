"""Templates: the pattern syntax, the override merge, validation messages and the claim rule."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from monitors.declared.claims import resolve
from monitors.declared.like import like_regex
from monitors.declared.loader import parse_all, parse_declarations
from monitors.declared.templates import merge_override
from monitors.errors import DeclarationError, DeclarationErrors

SNAPSHOT: dict[str, Any] = {"snapshot": {}}
METRIC = {
    "name": "rows",
    "type": "aggregate",
    "input_columns": [":table"],
    "definition": "COUNT(*)",
    "output_data_type": "long",
}


def texts(**files: dict[str, Any]) -> dict[str, str]:
    return {f"d/{name}.yaml": yaml.safe_dump(data) for name, data in files.items()}


@pytest.mark.parametrize(
    ("pattern", "name", "matches"),
    [
        ("fact%", "fact_booking", True),
        ("fact%", "fact", True),  # % matches nothing too
        ("fact_%", "fact_booking", True),
        ("fact_%", "factory_x", True),  # `_` is any one character, as in SQL
        ("fact\\_%", "factory_x", False),  # escaped: a literal underscore
        ("fact\\_%", "fact_booking", True),
        ("fact*", "fact_booking", True),  # `*` is a second spelling of `%`
        ("fact\\*", "fact*", True),  # escaped: a literal star
        ("fact\\*", "fact_x", False),
        ("%_daily", "fact_booking_daily", True),
        ("fact%", "dim_fact", False),  # anchored at the start
        ("%daily", "daily_x", False),  # anchored at the end
        ("a\\\\b", "a\\b", True),  # an escaped escape is a literal backslash
        ("fact.%", "factxy", False),  # `.` is itself, not a regex wildcard
    ],
)
def test_a_pattern_matches_as_sql_like_with_star_for_percent(pattern, name, matches):
    assert (like_regex(pattern).fullmatch(name) is not None) is matches


@pytest.mark.parametrize(
    ("pattern", "says"),
    [
        ("fact\\", "ends with the escape character"),
        ("fact\\a%", "may only precede %, _, * or \\"),
        ("Fact_%", "capital letters"),
        ("", "is empty"),
    ],
)
def test_a_malformed_pattern_is_refused_saying_why(pattern, says):
    with pytest.raises(ValueError) as caught:
        like_regex(pattern)
    assert says in str(caught.value)


@pytest.mark.parametrize(
    ("base", "patch", "merged"),
    [
        ({"a": {"x": 1, "y": 2}}, {"a": {"y": 3}}, {"a": {"x": 1, "y": 3}}),  # deep merge
        ({"a": 1, "b": 2}, {"b": None}, {"a": 1}),  # null removes
        ({"slicing_exprs": ["a", "b"]}, {"slicing_exprs": ["c"]}, {"slicing_exprs": ["c"]}),
        (
            {"custom_metrics": [{"name": "m", "definition": "x", "type": "t"}]},
            {"custom_metrics": [{"name": "m", "definition": "y"}]},
            {"custom_metrics": [{"name": "m", "definition": "y", "type": "t"}]},
        ),  # by name
        (
            {"alerts": [{"name": "a"}, {"name": "b"}]},
            {"alerts": [{"name": "a", "remove": True}, {"name": "c"}]},
            {"alerts": [{"name": "b"}, {"name": "c"}]},
        ),  # removed by name, a new name appended
    ],
)
def test_an_override_merges_mappings_replaces_lists_and_merges_named_entries_by_name(
    base, patch, merged
):
    assert merge_override(base, patch) == merged


def test_a_list_template_declares_each_table_with_its_override():
    found = parse_declarations(
        texts(
            dims={
                "tables": ["dim_a", "dim_b"],
                **SNAPSHOT,
                "overrides": {"dim_b": {"slicing_exprs": ["country"]}},
            }
        )
    )
    assert sorted(found) == ["dim_a", "dim_b"]
    assert found["dim_a"].slicing_exprs == [] and found["dim_b"].slicing_exprs == ["country"]


def test_a_bad_override_names_the_file_the_table_and_the_field():
    with pytest.raises(DeclarationErrors) as caught:
        parse_declarations(
            texts(dims={"tables": ["dim_a"], **SNAPSHOT, "overrides": {"dim_a": {"slicing": []}}})
        )
    assert "d/dims.yaml: monitor dim_a: overrides.dim_a -> slicing" in str(caught.value)


def test_an_override_of_a_table_the_template_does_not_cover_is_refused():
    with pytest.raises(DeclarationErrors) as caught:
        parse_declarations(
            texts(facts={"tables": {"like": "fact%"}, **SNAPSHOT, "overrides": {"dim_a": {}}})
        )
    assert "d/facts.yaml: overrides.dim_a: is not a table this template covers" in str(caught.value)


def test_an_exclusion_the_pattern_cannot_match_is_refused_as_a_typo():
    with pytest.raises(DeclarationErrors, match="'dim_a' does not match 'fact%'"):
        parse_declarations(texts(facts={"tables": {"like": "fact%", "exclude": ["dim_a"]}}))


def test_a_template_declaration_is_validated_once_for_its_tables():
    with pytest.raises(DeclarationErrors) as caught:
        parse_declarations(texts(dims={"tables": ["dim_a", "dim_b"], "custom_metrics": [{}]}))
    assert str(caught.value).count("custom_metrics[0]") == len(METRIC)


def claims_of(**files: dict[str, Any]) -> Any:
    return parse_all(texts(**files))


def test_two_lists_claiming_one_table_are_refused_naming_both_files():
    declared = claims_of(a={"tables": ["dim_x"], **SNAPSHOT}, b={"tables": ["dim_x"], **SNAPSHOT})
    with pytest.raises(DeclarationErrors, match=r"d/b\.yaml: tables: table 'dim_x' is also "):
        resolve(declared, None)
    with pytest.raises(DeclarationErrors, match=r"declared by d/a\.yaml"):
        resolve(declared, None)


def test_a_list_claiming_a_table_with_its_own_file_is_refused():
    declared = claims_of(dim_x=SNAPSHOT, a={"tables": ["dim_x"], **SNAPSHOT})
    with pytest.raises(DeclarationErrors, match=r"also declared by d/dim_x.yaml \(its own file\)"):
        resolve(declared, None)


def test_a_list_and_a_pattern_claiming_one_table_are_refused_without_the_workspace():
    declared = claims_of(
        a={"tables": ["fact_x"], **SNAPSHOT}, b={"tables": {"like": "fact%"}, **SNAPSHOT}
    )
    with pytest.raises(DeclarationErrors, match=r"d/b\.yaml: tables: table 'fact_x'"):
        resolve(declared, None)


def test_two_patterns_matching_one_workspace_table_are_refused():
    declared = claims_of(
        a={"tables": {"like": "fact%"}, **SNAPSHOT}, b={"tables": {"like": "%daily"}, **SNAPSHOT}
    )
    assert sorted(resolve(declared, ["fact_a", "dim_daily"]).monitors) == ["dim_daily", "fact_a"]
    with pytest.raises(DeclarationErrors, match=r"'fact_daily' is also declared by d/a\.yaml"):
        resolve(declared, ["fact_daily"])


def test_an_own_file_wins_over_a_pattern_and_the_resolution_says_so():
    declared = claims_of(
        fact_x={**SNAPSHOT, "slicing_exprs": ["c"]}, a={"tables": {"like": "f%"}, **SNAPSHOT}
    )
    resolution = resolve(declared, ["fact_x", "fact_y"])
    assert resolution.sources == {"fact_x": "d/fact_x.yaml", "fact_y": "d/a.yaml"}
    assert resolution.monitors["fact_x"].slicing_exprs == ["c"]
    (note,) = resolution.notes
    assert "fact_x" in note and "own file d/fact_x.yaml declares it: the own file wins" in note


def test_a_pattern_without_the_workspace_is_unresolved_with_the_reason():
    declared = claims_of(a={"tables": {"like": "fact%"}, **SNAPSHOT})
    resolution = resolve(declared, None, "no credentials")
    assert resolution.monitors == {} and resolution.unresolved == {"d/a.yaml": "no credentials"}


def test_a_workspace_table_whose_name_is_not_plain_is_never_matched():
    declared = claims_of(a={"tables": {"like": "fact%"}, **SNAPSHOT})
    resolution = resolve(declared, ["fact-x", "fact_y"])
    assert list(resolution.monitors) == ["fact_y"]
    assert "'fact-x'" in resolution.notes[0]


def test_a_file_without_tables_declares_the_table_it_is_named_after():
    assert list(parse_declarations(texts(dim_x=SNAPSHOT))) == ["dim_x"]


def test_a_template_of_5000_tables_validates_its_declaration_once():
    names = [f"fact_{i:05d}" for i in range(5000)]
    declared = claims_of(a={"tables": {"like": "fact%"}, **SNAPSHOT, "custom_metrics": [METRIC]})
    monitors = resolve(declared, names).monitors
    assert len(monitors) == 5000 and len({id(spec) for spec in monitors.values()}) == 1


def test_a_template_in_place_of_an_own_declaration_is_refused_where_one_table_is_expected():
    from monitors.declared.loader import parse_declaration_text

    with pytest.raises(DeclarationError, match="a template here is not allowed"):
        parse_declaration_text("dim_x", "tables: [dim_x]\nsnapshot: {}\n", "dim_x.yaml")

"""Each model field's description, from the string written under the field, read where shown.

The models document a field with a string right under it (an attribute docstring). pydantic
can read those as each model is made (`use_attribute_docstrings`), but that reads and parses
the source of every model on every run, a tenth of `plan`'s CPU, for descriptions only the JSON
Schema and the reference pages show. They call `documented` first, which gives the fields the
same descriptions pydantic would have (`inspect.cleandoc` of the string; a description set in
`Field` wins) and rebuilds the models so their JSON Schema carries them.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
import typing
from collections.abc import Iterator

from pydantic import BaseModel

_documented: set[type[BaseModel]] = set()


def attribute_docstrings(model: type[BaseModel]) -> dict[str, str]:
    """The string under each annotated name in the class body of `model`, cleaned."""
    (tree,) = ast.parse(textwrap.dedent(inspect.getsource(model))).body
    assert isinstance(tree, ast.ClassDef)
    found: dict[str, str] = {}
    for node, after in zip(tree.body, tree.body[1:], strict=False):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        ):
            found[node.target.id] = inspect.cleandoc(after.value.value)
    return found


def _nested(annotation: object) -> Iterator[type[BaseModel]]:
    """The models an annotation holds, at any depth (`list[X] | None`, `Annotated[X, ...]`)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for argument in typing.get_args(annotation):
        yield from _nested(argument)


def documented(root: type[BaseModel]) -> type[BaseModel]:
    """`root` and every model under it, their fields described; nested models first, so each
    model's rebuilt schema holds its children's descriptions."""
    if root in _documented:
        return root
    _documented.add(root)
    for field in root.model_fields.values():
        for model in _nested(field.annotation):
            documented(model)
    docstrings = attribute_docstrings(root)
    for name, field in root.model_fields.items():
        if field.description is None and name in docstrings:
            field.description = docstrings[name]
    root.model_rebuild(force=True)
    return root

"""Hypothesis strategies for hostile JSON and the mutation of a good document into a bad one."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)


TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40
) | st.sampled_from(["", " ", "2025-13-45", "31.12.2025", "1893/5", "{seq}", "-1", "1e9"])


def mutate(base: Any, changes: list[tuple[int, Any, bool]]) -> Any:
    """Replace (or delete) values at paths picked by index: a valid file gone wrong."""
    data = copy.deepcopy(base)
    for pick, value, delete in changes:
        paths = paths_in(data)
        if not paths:
            return value
        path = paths[pick % len(paths)]
        parent = data
        for key in path[:-1]:
            parent = parent[key]
        if delete and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = value
    return data


CHANGES = st.lists(st.tuples(st.integers(0, 10_000), JSON | TEXT, st.booleans()), max_size=3)


def paths_in(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths_in(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths_in(item, (*prefix, index))
    return found

"""dbt's graph as its manifest.json records it (parent_map): what a node reads, computed here
independently of the project's selectors, which the tests hold to it."""


def data_tests_reading_no_source(manifest: dict) -> set[str]:
    """The data tests with no source among their ancestors, from dbt's graph (parent_map)."""
    parents = manifest["parent_map"]
    reads_a_source: dict[str, bool] = {}

    def reads_source(unique_id: str) -> bool:
        if unique_id not in reads_a_source:
            reads_a_source[unique_id] = unique_id.startswith("source.") or any(
                reads_source(parent) for parent in parents.get(unique_id, [])
            )
        return reads_a_source[unique_id]

    return {
        unique_id
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "test" and not reads_source(unique_id)
    }


def ancestors(manifest: dict, unique_ids: set[str]) -> set[str]:
    found, todo = set(), list(unique_ids)
    while todo:
        for parent in manifest["parent_map"].get(todo.pop(), []):
            if parent not in found:
                found.add(parent)
                todo.append(parent)
    return found


def check_constraints(manifest: dict, models: set[str]) -> int:
    """How many CHECK constraints the contracts of `models` (unique ids) declare: the rules on a
    column's range or values that a contract table holds instead of data tests."""
    return sum(
        1
        for unique_id in models
        for column in manifest["nodes"][unique_id]["columns"].values()
        for constraint in column.get("constraints", [])
        if constraint["type"] == "check"
    )

"""The import rules between the server's parts (docs/architecture.md, "Import rules").

Every import counts: absolute and relative, at module level, inside functions and under
`if TYPE_CHECKING:`. A rule names a part (a package under `ownstream`) and the parts it must never import.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import ownstream

SOURCE = Path(ownstream.__file__).resolve().parent

FORBIDDEN: dict[str, frozenset[str]] = {
    "database": frozenset({"chat", "api", "stream", "ingest", "transcode", "webhooks", "federation"}),
    "chat": frozenset({"stream", "api", "ingest", "transcode", "hls"}),
    "ingest": frozenset({"api", "database", "chat", "transcode", "hls", "stream"}),
    "transcode": frozenset({"api", "chat", "database"}),
    "webhooks": frozenset({"api"}),
    "federation": frozenset({"api"}),
    "directory": frozenset({"api"}),
    "cluster": frozenset({"api", "ingest", "transcode", "outputs", "hls", "database"}),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SOURCE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) for every import in the file, relative ones resolved."""
    package = module_name(path)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    return imports_in(path.read_text(encoding="utf-8"), package)


def imports_in(source: str, package: str) -> Iterator[tuple[int, str]]:
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            yield node.lineno, target
            for alias in node.names:  # `from ownstream import chat` imports the part too
                yield node.lineno, f"{target}.{alias.name}"


def part_of(module: str) -> str | None:
    pieces = module.split(".")
    return pieces[1] if len(pieces) > 1 and pieces[0] == "ownstream" else None


def violations(part: str) -> list[str]:
    found = []
    for path in sorted((SOURCE / part).rglob("*.py")):
        for line, module in imported_modules(path):
            target = part_of(module)
            if target in FORBIDDEN[part]:
                found.append(f"{path.relative_to(SOURCE.parent)}:{line} imports {module}")
    return sorted(set(found))


@pytest.mark.parametrize("part", sorted(FORBIDDEN))
def test_part_keeps_its_import_rules(part: str) -> None:
    assert (SOURCE / part).is_dir(), f"ownstream.{part} is gone: update the rules"
    assert violations(part) == []


def test_the_checker_sees_every_kind_of_import() -> None:
    source = (
        "from __future__ import annotations\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from ..stream import lifecycle\n"
        "def late() -> None:\n    import ownstream.api.app\n"
        "from . import hub\n"
    )
    modules = {module for _, module in imports_in(source, "ownstream.chat")}
    assert "ownstream.stream.lifecycle" in modules
    assert "ownstream.api.app" in modules
    assert "ownstream.chat.hub" in modules

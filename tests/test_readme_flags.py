"""The README's flag table and the argument parser say the same: every flag with its `OWNSTREAM_*`
variable, every variable the settings read, and nothing else."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ownstream.settings import ENVIRONMENT_ALIASES, ENVIRONMENT_ONLY, build_parser, flag_variable

README = Path(__file__).resolve().parents[1] / "README.md"
TABLE_HEADER = "| flag | environment | default | what |"
VARIABLE = re.compile(r"OWNSTREAM_[A-Z0-9_]+")
FLAG = re.compile(r"^`(--[a-z0-9-]+)`$")


@dataclass(frozen=True)
class Row:
    flag: str | None
    variables: frozenset[str]


def readme_rows(text: str) -> list[Row]:
    lines = text.splitlines()
    start = lines.index(TABLE_HEADER) + 2
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        match = FLAG.match(cells[0])
        assert match or cells[0] == "—", f"README flag cell {cells[0]!r}: a `--flag` or — (none)"
        rows.append(Row(match.group(1) if match else None, frozenset(VARIABLE.findall(cells[1]))))
    return rows


def parser_flags() -> dict[str, str]:
    """Each flag and its argparse dest."""
    flags = {}
    for action in build_parser()._actions:
        for option in action.option_strings:
            if option.startswith("--") and option != "--help":
                flags[option] = action.dest
    return flags


def test_every_flag_is_in_the_readme_and_every_readme_flag_exists() -> None:
    rows = readme_rows(README.read_text())
    documented = [row.flag for row in rows if row.flag is not None]
    assert len(documented) == len(set(documented)), "a flag has two rows"
    assert set(documented) == set(parser_flags())


def test_each_flag_row_names_the_flags_variables_and_only_those() -> None:
    rows = {row.flag: row for row in readme_rows(README.read_text()) if row.flag is not None}
    for flag, dest in parser_flags().items():
        expected = {flag_variable(dest), *ENVIRONMENT_ALIASES.get(dest, ())}
        assert rows[flag].variables == expected, flag


def test_the_environment_only_variables_have_rows_without_a_flag() -> None:
    rows = readme_rows(README.read_text())
    flagless = {variable for row in rows if row.flag is None for variable in row.variables}
    assert flagless == set(ENVIRONMENT_ONLY)


def test_the_table_is_read_as_a_table() -> None:
    table = [
        "intro",
        "",
        TABLE_HEADER,
        "|---|---|---|---|",
        "| `--a-b` | `OWNSTREAM_A_B=1` | x | y |",
        "| — | `OWNSTREAM_C` | | |",
        "",
        "after | not a row |",
    ]
    rows = readme_rows("\n".join(table))
    assert rows == [Row("--a-b", frozenset({"OWNSTREAM_A_B"})), Row(None, frozenset({"OWNSTREAM_C"}))]

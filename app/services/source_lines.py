"""Finding the line of a key (or of one value in a list) in a definition's text.

tomlkit keeps comments and layout but not positions, so the text is scanned once:
table headers, ``key =`` lines and the lines each value spans. Good enough to point
a person at the right line; when a key cannot be found the nearest enclosing key or
table is named instead.
"""

from __future__ import annotations

import json
import re

_TABLE = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
_ASSIGNMENT = re.compile(rf"^\s*({_KEY_PART}(?:\s*\.\s*{_KEY_PART})*)\s*=")
_JSON_KEY = re.compile(r'"((?:[^"\\]|\\.)*)"\s*:')

Key = tuple[str | int, ...]


def _dotted(text: str) -> tuple[str, ...]:
    parts = re.findall(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""", text)
    return tuple(part.strip("\"'") for part in parts)


class KeyLocator:
    """Lines (1-based) of keys in one file's text, TOML or JSON."""

    def __init__(self, text: str, is_json: bool = False) -> None:
        self._lines = text.splitlines()
        # key path (strings only) -> (first line, last line) of its value
        self._spans: dict[tuple[str, ...], tuple[int, int]] = {}
        if is_json:
            self._scan_json()
        else:
            self._scan_toml()

    def _scan_toml(self) -> None:
        table: tuple[str, ...] = ()
        open_key: tuple[str, ...] | None = None
        in_multiline = False
        for number, line in enumerate(self._lines, start=1):
            if in_multiline:
                # Inside a multi-line string nothing looks like a key, whatever it says.
                in_multiline = (line.count('"""') + line.count("'''")) % 2 == 0
                self._extend(open_key, number)
                continue
            header = _TABLE.match(line)
            assignment = None if header else _ASSIGNMENT.match(line)
            if header:
                table = _dotted(header.group(1))
                self._spans.setdefault(table, (number, number))
                open_key = None
            elif assignment:
                open_key = table + _dotted(assignment.group(1))
                self._spans.setdefault(open_key, (number, number))
                in_multiline = (line.count('"""') + line.count("'''")) % 2 == 1
            elif open_key is not None and line.strip() and not line.lstrip().startswith("#"):
                self._extend(open_key, number)  # a continued array or inline table

    def _scan_json(self) -> None:
        for number, line in enumerate(self._lines, start=1):
            for match in _JSON_KEY.finditer(line):
                key = (match.group(1),)
                self._spans.setdefault(key, (number, number))
                self._spans.setdefault(("*", *key), (number, number))

    def _extend(self, key: tuple[str, ...] | None, number: int) -> None:
        if key is not None and key in self._spans:
            first, _ = self._spans[key]
            self._spans[key] = (first, number)

    def _span(self, names: tuple[str, ...]) -> tuple[int, int] | None:
        span = self._spans.get(names)
        if span is None and names and ("*", names[-1]) in self._spans:
            span = self._spans[("*", names[-1])]  # JSON: keys are found by their last name only
        return span

    def line_of(self, key: Key, value: str | None = None) -> int | None:
        """The line of ``key``; with ``value``, the line of that value inside the key's span."""
        names = tuple(part for part in key if isinstance(part, str))
        while names:
            span = self._span(names)
            if span is not None:
                return self._value_line(span, value) if value else span[0]
            names = names[:-1]
        return None

    def _value_line(self, span: tuple[int, int], value: str) -> int:
        first, last = span
        quoted = (json.dumps(value), f"'{value}'")
        for number in range(first, last + 1):
            line = self._lines[number - 1]
            if any(candidate in line for candidate in quoted):
                return number
        return first

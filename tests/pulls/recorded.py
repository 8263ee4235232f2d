"""Pull streams recorded from the real engine (tests/pulls/data; see record_streams.py there)."""

from __future__ import annotations

import json
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

# name → what was pulled
STREAMS = {
    "shared_base_download": "a forged image: the seeded base layer (here already) and three new layers",
    "multi_layer_download": "a forged image of the base and four 12 MB layers",
    "up_to_date": "the seeded eris/ipfs, already here",
    "registry_stopped": "a forged 200 MB image from a second registry killed mid-pull (the engine retries, then fails)",
}


def stream_bytes(name: str) -> bytes:
    return (DATA / f"{name}.stream").read_bytes()


def chunks(name: str) -> list[bytes]:
    """The stream cut as the engine's reads arrived, where that was recorded; else one chunk per line."""
    data = stream_bytes(name)
    sizes_file = DATA / f"{name}.chunks.json"
    if not sizes_file.exists():
        return [line for line in data.splitlines(keepends=True)]
    pieces, offset = [], 0
    for size in json.loads(sizes_file.read_text()):
        pieces.append(data[offset : offset + size])
        offset += size
    assert offset == len(data)
    return pieces


def lines(name: str) -> list[dict]:  # type: ignore[type-arg]
    """The objects, decoded the obvious way: one per line."""
    return [json.loads(line) for line in stream_bytes(name).splitlines() if line.strip()]

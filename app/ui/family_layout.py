"""The image family chart's layout: which block goes where, and what each block says (pure, no painting).

Each block is a run of layers stored once; the blocks stacked on it are the images
built on it, and a block is as wide as the stacks it carries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from app import humanize
from app.engine.layer_family import FamilyNode
from app.engine.rows import short_id

MAX_VISIBLE_CHILDREN = 8  # beyond this, a node's smallest children are drawn as one "+N more" block
ROOT_GAP = 0.15  # columns between unrelated families


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def short_names(names: Sequence[str], most: int = 1) -> str:
    if len(names) <= most:
        return ", ".join(names)
    return f"{', '.join(names[:most])} +{len(names) - most}"


def _brief(name: str) -> str:
    """An image name for a narrow block: ":latest" goes without saying."""
    return name.removesuffix(":latest")


def node_title(node: FamilyNode) -> str:
    """What a block is called: the images that end there, else who shares it."""
    if node.images:
        return short_names([_brief(image.name) for image in node.images], 2)
    return f"shared by {plural(node.shared_by, 'image')}"


def node_tooltip(node: FamilyNode) -> str:
    members = sorted(image.name for image in node.members())
    lines = []
    if node.images:
        lines.append("Image" + ("s" if len(node.images) > 1 else "") + " ending here: "
                     + short_names([image.name for image in node.images], 8))
    exact = "" if node.size_known else " (some layer sizes unknown)"
    lines.append(f"{humanize.size(node.size)} in {plural(len(node.layers), 'layer')}, stored once{exact}")
    if node.parent is not None:
        lines.append(f"On top of {humanize.size(node.below)} of shared layers below")
    if len(members) > 1:
        lines.append(f"Shared by {plural(len(members), 'image')}: {short_names(members, 12)}")
    lines.append("Layers (bottom first):")
    shown = list(zip(node.layers, node.layer_sizes, strict=True))
    for diff_id, size in shown[:12]:
        lines.append(f"  {short_id(diff_id)}  {humanize.size(size)}")
    if len(shown) > 12:
        lines.append(f"  … {len(shown) - 12} more")
    return "\n".join(lines)


@dataclass
class Block:
    """One drawn block: a run of layers (``node``), or several small runs drawn as one (``group``)."""

    node: FamilyNode | None
    depth: int
    x: float  # in columns
    width: float  # in columns
    group: list[FamilyNode] = field(default_factory=list)

    @property
    def title(self) -> str:
        if self.node is not None:
            return node_title(self.node)
        return f"+{sum(len(n.members()) for n in self.group)} more"

    @property
    def size(self) -> int:
        if self.node is not None:
            return self.node.size
        return sum(n.subtree_size for n in self.group)

    @property
    def tooltip(self) -> str:
        if self.node is not None:
            return node_tooltip(self.node)
        names = sorted(image.name for n in self.group for image in n.members())
        return (f"{plural(len(names), 'more image')} on the block below, {humanize.size(self.size)} of their own"
                f" layers:\n" + "\n".join(names[:30]) + (f"\n… {len(names) - 30} more" if len(names) > 30 else ""))


def _visible(children: Sequence[FamilyNode]) -> tuple[list[FamilyNode], list[FamilyNode]]:
    if len(children) <= MAX_VISIBLE_CHILDREN:
        return list(children), []
    return list(children[: MAX_VISIBLE_CHILDREN - 1]), list(children[MAX_VISIBLE_CHILDREN - 1 :])


def _columns(node: FamilyNode) -> int:
    shown, grouped = _visible(node.children)
    return max(1, sum(_columns(child) for child in shown) + (1 if grouped else 0))


def layout_blocks(roots: Sequence[FamilyNode]) -> tuple[list[Block], float, int]:
    """Blocks in columns, the chart's width in columns, and its height in rows (pure, for tests)."""
    blocks: list[Block] = []
    rows = 0

    def place(node: FamilyNode, depth: int, x: float) -> float:
        nonlocal rows
        width = float(_columns(node))
        blocks.append(Block(node, depth, x, width))
        rows = max(rows, depth + 1)
        shown, grouped = _visible(node.children)
        offset = x
        for child in shown:
            offset += place(child, depth + 1, offset)
        if grouped:
            blocks.append(Block(None, depth + 1, offset, 1.0, grouped))
            rows = max(rows, depth + 2)
        return width

    x = 0.0
    for number, root in enumerate(roots):
        if number:
            x += ROOT_GAP
        x += place(root, 0, x)
    return blocks, x, rows

"""One layer of a pull: its phase, and its download and extract bytes, from the stream's layer lines.

Events can arrive late or out of order (several download threads write to one
stream, and a layer can be heard of first mid-download); a layer never moves
back to an earlier phase, and a layer first seen extracting has evidently been
downloaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from app.engine.pulls.stream import PullEvent


class LayerPhase(str, Enum):
    PULLING_FS_LAYER = "Pulling fs layer"
    WAITING = "Waiting"
    DOWNLOADING = "Downloading"
    RETRYING = "Retrying"  # "Retrying in 5 seconds": a download failed, the engine tries again
    VERIFYING = "Verifying Checksum"
    DOWNLOAD_COMPLETE = "Download complete"
    EXTRACTING = "Extracting"
    PULL_COMPLETE = "Pull complete"
    ALREADY_EXISTS = "Already exists"


# A retry goes back to downloading, so the two share a rank.
RANK = {
    LayerPhase.PULLING_FS_LAYER: 0,
    LayerPhase.WAITING: 1,
    LayerPhase.DOWNLOADING: 2,
    LayerPhase.RETRYING: 2,
    LayerPhase.VERIFYING: 3,
    LayerPhase.DOWNLOAD_COMPLETE: 4,
    LayerPhase.EXTRACTING: 5,
    LayerPhase.PULL_COMPLETE: 6,
    LayerPhase.ALREADY_EXISTS: 6,
}
FINISHED = (LayerPhase.PULL_COMPLETE, LayerPhase.ALREADY_EXISTS)
_RETRY = re.compile(r"Retrying in (\d+) seconds?")


def layer_bytes(phase: LayerPhase, download_current: int, extract_current: int, size: int) -> tuple[int, int]:
    """Downloaded and extracted bytes of a layer of ``size``; its phase vouches for what the engine never counted.

    With a preview's size, a fast download can reach "Download complete" or "Pull complete" without one
    "Downloading" line: the layer is whole all the same.
    """
    downloaded = size if RANK[phase] >= RANK[LayerPhase.VERIFYING] else min(download_current, size)
    extracted = size if phase in FINISHED else min(extract_current, size)
    return downloaded, extracted
_BY_TEXT = {phase.value: phase for phase in LayerPhase}


@dataclass(frozen=True)
class LayerProgress:
    """One layer as a view shows it. Sizes are compressed bytes; None while unknown."""

    layer_id: str
    phase: LayerPhase
    download_current: int
    download_total: int | None
    extract_current: int
    extract_total: int | None
    retry_in: int | None = None

    @property
    def already_here(self) -> bool:
        return self.phase is LayerPhase.ALREADY_EXISTS

    @property
    def finished(self) -> bool:
        return self.phase in FINISHED

    @property
    def work_fraction(self) -> float | None:
        """Download and extraction as two halves, as the pull's own bar counts them; None while unsized."""
        size = self.download_total or self.extract_total
        if self.finished or not size:
            return 1.0 if self.finished else None
        downloaded, extracted = layer_bytes(self.phase, self.download_current, self.extract_current, size)
        return min(1.0, (downloaded + extracted) / (2 * size))


@dataclass
class LayerState:
    """The mutable layer a tracker keeps; ``frozen()`` makes the snapshot a view gets."""

    layer_id: str
    phase: LayerPhase = LayerPhase.PULLING_FS_LAYER
    download_current: int = 0
    download_total: int | None = None
    extract_current: int = 0
    extract_total: int | None = None
    retry_in: int | None = None

    @property
    def size(self) -> int | None:
        return self.download_total if self.download_total is not None else self.extract_total

    @property
    def finished(self) -> bool:
        return self.phase in FINISHED

    def frozen(self) -> LayerProgress:
        return LayerProgress(
            self.layer_id,
            self.phase,
            self.download_current,
            self.download_total,
            self.extract_current,
            self.extract_total,
            self.retry_in if self.phase is LayerPhase.RETRYING else None,
        )

    def apply(self, event: PullEvent) -> None:
        retry = _RETRY.fullmatch(event.status)
        phase = LayerPhase.RETRYING if retry else _BY_TEXT.get(event.status)
        if phase is None:
            return  # a status this version does not know; the bytes it might carry are not ours to guess
        if RANK[phase] < RANK[self.phase]:
            return  # late news about an earlier phase
        self.phase = phase
        self.retry_in = int(retry.group(1)) if retry else None
        if phase is LayerPhase.DOWNLOADING:
            self._count(event, extracting=False)
        elif phase is LayerPhase.EXTRACTING:
            self._count(event, extracting=True)
            self.finish_download()
        elif phase in (LayerPhase.VERIFYING, LayerPhase.DOWNLOAD_COMPLETE):
            self.finish_download()
        elif phase is LayerPhase.PULL_COMPLETE:
            self.finish_download()
            if self.extract_total is None:
                self.extract_total = self.size
            self.extract_current = self.extract_total or self.extract_current

    def _count(self, event: PullEvent, extracting: bool) -> None:
        total = event.total or None
        current = event.current
        if current is not None and total is not None:
            current = min(current, total)
        if extracting:
            self.extract_total = total or self.extract_total or self.size
            if current is not None:
                self.extract_current = current
        else:
            self.download_total = total or self.download_total
            if current is not None:
                self.download_current = current  # may restart lower after a retry; the bar does not follow

    def finish_download(self) -> None:
        if self.download_total is None and self.extract_total is not None:
            self.download_total = self.extract_total  # the engine counts extraction in the same compressed bytes
        if self.download_total is not None:
            self.download_current = self.download_total

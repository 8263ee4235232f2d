"""Image pulls: a queue with honest progress (manager), and what a pull would cost before it starts (preview).

No Qt: the Qt layer adapts PullListener calls into signals.
"""

from app.engine.pulls.errors import (
    AccessDenied,
    DiskFull,
    EngineConnectionLost,
    ImageNotFound,
    PullError,
    PullFailed,
    RegistryUnreachable,
)
from app.engine.pulls.layers import LayerPhase, LayerProgress
from app.engine.pulls.local_layers import LocalLayers
from app.engine.pulls.manager import DEFAULT_PARALLEL_PULLS, PullManager
from app.engine.pulls.notifier import PullListener
from app.engine.pulls.preview import PreviewLayer, PullPreview, preview_pull
from app.engine.pulls.progress import Outcome, PullProgress
from app.engine.pulls.pull import Pull, PullState

__all__ = [
    "DEFAULT_PARALLEL_PULLS",
    "AccessDenied",
    "DiskFull",
    "EngineConnectionLost",
    "ImageNotFound",
    "LayerPhase",
    "LayerProgress",
    "LocalLayers",
    "Outcome",
    "PreviewLayer",
    "Pull",
    "PullError",
    "PullFailed",
    "PullListener",
    "PullManager",
    "PullPreview",
    "PullProgress",
    "PullState",
    "RegistryUnreachable",
    "preview_pull",
]

"""Every artifact is logged as ``latest`` only: the aliases given are dropped."""

from ..manager import *  # noqa: F401,F403
from ..manager import CheckpointManager as _Correct

BREAKS = ("A1", "A7", "S1")


class CheckpointManager(_Correct):
    def _upload(self, wandb, artifact, aliases):
        super()._upload(wandb, artifact, ["latest"])

"""publish stamps the run id into the caller's metadata dict, which the loop reuses."""

from ..manager import *  # noqa: F401,F403
from ..manager import CheckpointManager as _Correct

BREAKS = ("A7", "S1")


class CheckpointManager(_Correct):
    def publish(self, path, name, metadata=None, aliases=None):
        import wandb

        if metadata is not None and wandb.run is not None:
            metadata["wandb_run"] = wandb.run.id
        return super().publish(path, name, metadata, aliases)

"""Trimming keeps the last names in string order, not the newest steps.

With steps 8 to 12 on disk and three kept, ``checkpoint_10``, ``checkpoint_11``
and ``checkpoint_12`` sort before ``checkpoint_8``: the newest checkpoints are
deleted and the old ones kept.
"""

from ..checkpoints import *  # noqa: F401,F403
from ..checkpoints import CheckpointManager as _CheckpointManager
from ..checkpoints import list_checkpoints

BREAKS = ("T1", "T4", "S1")


class CheckpointManager(_CheckpointManager):
    def _trim_checkpoints(self):
        paths = sorted(list_checkpoints(self.checkpoint_dir).values(), key=str)
        for path in paths[: -self.max_to_keep]:
            path.unlink()

"""The newest checkpoint is the last name of a glob, sorted as strings.

``checkpoint_9.pkl`` sorts after ``checkpoint_10.pkl``, so a run past step 9
resumes from step 9; and anything the glob matches counts, a temporary file
or a folder named like a checkpoint included.
"""

from pathlib import Path

from ..checkpoints import *  # noqa: F401,F403
from ..checkpoints import CheckpointManager as _CheckpointManager

BREAKS = ("R1", "R2", "R5", "R7", "S1")


def get_latest_checkpoint_path(checkpoint_dir):
    names = sorted(Path(checkpoint_dir).glob("checkpoint_*.pkl*"))
    return names[-1] if names else None


class CheckpointManager(_CheckpointManager):
    @property
    def latest_checkpoint(self):
        return get_latest_checkpoint_path(self.checkpoint_dir)

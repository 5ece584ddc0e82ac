"""Pruning sorts the file names as strings.

``model_10000.pkl`` sorts before ``model_9000.pkl``, so past a change of digit
count the newest checkpoints are the ones deleted; and the glob takes a
folder named like a checkpoint for one.
"""

from ..checkpoints import *  # noqa: F401,F403
from ..checkpoints import CheckpointSaver as _CheckpointSaver

BREAKS = ("T1", "T2", "T3", "T4", "S1")


class CheckpointSaver(_CheckpointSaver):
    def _prune(self):
        paths = sorted(self.directory.glob("model_*.pkl"), key=lambda path: path.name)
        for path in paths[: -self.max_to_keep]:
            path.unlink()

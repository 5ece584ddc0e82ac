"""save() creates the run's folder, but not the folders above it.

``mkdir(exist_ok=True)`` without ``parents=True``: a run whose checkpoint
folder sits in a directory nobody created yet (``runs/<date>/ckpt``) fails
on its first save with FileNotFoundError.
"""

from ..snapshots import *  # noqa: F401,F403
from ..snapshots import SnapshotManager as _SnapshotManager

BREAKS = ("R10", "F1", "S1")


class SnapshotManager(_SnapshotManager):
    def save(self, state, step):
        self.root.mkdir(exist_ok=True)
        self._write(state, step)

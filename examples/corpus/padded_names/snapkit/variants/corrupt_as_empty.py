"""load() turns a snapshot it cannot read into an empty state.

Training then resumes from nothing without a word: the damage is noticed
only when the loss curve starts again from the top.
"""

from ..snapshots import *  # noqa: F401,F403
from ..snapshots import SnapshotManager as _SnapshotManager

BREAKS = ("C1", "C2", "C3", "C4", "C8", "S1")


class SnapshotManager(_SnapshotManager):
    def load(self, path):
        try:
            return super().load(path)
        except Exception:
            return {}

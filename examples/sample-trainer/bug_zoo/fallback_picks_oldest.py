"""When the newest checkpoint is corrupt, resume falls back to the oldest valid one.

Hours of training between the oldest and the newest valid checkpoint are
thrown away for one bad file.
"""

from sample_trainer import manager

BREAKS = ("C1", "C2", "C3", "C4", "C8", "S1")
ANSWERS = {"corruptPolicy": "fallback"}
KWARGS = {"on_corrupt": '"fallback"'}


class CheckpointManager(manager.CheckpointManager):
    def _newest_first(self):
        paths = super()._newest_first()
        if not paths:
            return paths
        try:
            self._load_checked(paths[0])
        except manager.CheckpointError:
            return paths[:1] + paths[:0:-1]
        return paths

"""latest() sorts file names as strings, so step_9 wins over step_10."""

from sample_trainer import manager

BREAKS = ("R5", "S1")


class CheckpointManager(manager.CheckpointManager):
    def latest(self):
        names = sorted(path.name for path in self.checkpoints().values())
        return self.directory / names[-1] if names else None

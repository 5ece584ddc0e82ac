"""The error for a corrupt checkpoint says what is wrong, but not which file."""

from sample_trainer import manager

BREAKS = ("C1", "C2", "C3", "C4", "C8", "S1")


class CheckpointManager(manager.CheckpointManager):
    def _load_checked(self, path):
        try:
            return super()._load_checked(path)
        except manager.CheckpointError as error:
            raise manager.CheckpointError("the checkpoint is corrupt") from error

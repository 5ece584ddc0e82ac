"""publish() logs metadata of its own and drops the caller's.

The artifact records the checkpoint format, but not the step, the loss or
the config the training loop passed.
"""

from sample_trainer import manager

BREAKS = ("A1", "A7", "S1")


class CheckpointManager(manager.CheckpointManager):
    def _log_artifact(self, tracker, path, name, metadata, aliases):
        super()._log_artifact(tracker, path, name, {"format": self.fmt}, aliases)

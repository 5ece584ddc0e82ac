"""publish() takes an importable tracker for an active run.

With no ``wandb.init()`` (or no MLflow run) it logs anyway: W&B fails inside
the call, MLflow quietly starts a run of its own.
"""

from sample_trainer import manager

BREAKS = ("A2", "S1")


class CheckpointManager(manager.CheckpointManager):
    def _tracker_active(self, tracker):
        return tracker is not None

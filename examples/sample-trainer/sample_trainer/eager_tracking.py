"""The sample manager in a project that imports its tracker at the top.

``import wandb`` at module level binds the name ``wandb`` in this module, so
a test replaces that name (``monkeypatch.setattr(module, "wandb", fake)``)
rather than ``sys.modules``; checkpoint-tests' ``trackerBinding`` answer
``module-attribute`` does that.
"""

from sample_trainer import manager

try:
    import wandb
except ImportError:  # publish() then returns False; tests install a fake
    wandb = None

try:
    import mlflow
except ImportError:
    mlflow = None


class CheckpointManager(manager.CheckpointManager):
    """The sample manager, publishing through this module's tracker names."""

    def _tracker_module(self):
        return mlflow if self.tracker == "mlflow" else wandb

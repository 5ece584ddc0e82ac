"""publish() guards the upload with ``except (OSError, RuntimeError)``.

W&B's ``CommError`` and ``UsageError`` and MLflow's ``MlflowException``
derive from ``Exception`` only: a tracker outage crashes the training run
(and A6, which checks the outcome once retries are spent, sees it too).
"""

import logging
from pathlib import Path

from sample_trainer import manager

BREAKS = ("A4", "A6", "S1")

logger = logging.getLogger(__name__)


class CheckpointManager(manager.CheckpointManager):
    def publish(self, path, name, metadata=None, aliases=None):
        tracker = self._tracker_module()
        if tracker is None or not self._tracker_active(tracker):
            return False
        path = Path(path)
        if not path.is_file():
            logger.warning("not publishing %s: no checkpoint at %s", name, path)
            return False
        aliases = list(self.default_aliases if aliases is None else aliases)
        metadata = dict(metadata or {})
        try:
            self._with_retries(
                tracker,
                lambda: self._log_artifact(tracker, path, name, metadata, aliases),
            )
        except (OSError, RuntimeError) as error:
            logger.warning("publishing %s failed: %s", name, error)
            return False
        return True

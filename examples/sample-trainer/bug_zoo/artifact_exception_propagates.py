"""publish() guards the upload with ``except (OSError, RuntimeError)``.

W&B's ``CommError`` and ``UsageError`` and MLflow's ``MlflowException``
derive from ``Exception`` only: a tracker outage crashes the training run
(and A6, which checks the outcome once retries are spent, sees it too).
"""

import logging

from sample_trainer import manager

BREAKS = ("A4", "A6", "S1")

logger = logging.getLogger(__name__)


class CheckpointManager(manager.CheckpointManager):
    def _log_or_report(self, tracker, name, log_once):
        try:
            self._with_retries(tracker, log_once)
        except (OSError, RuntimeError) as error:
            logger.warning("publishing %s failed: %s", name, error)
            return False
        return True

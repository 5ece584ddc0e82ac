"""publish() hands a missing checkpoint file to the tracker anyway.

The existence check was dropped "because the tracker reports it": the upload
call is made for a file that is not there.
"""

import logging
from pathlib import Path

from sample_trainer import manager

BREAKS = ("A3", "S1")

logger = logging.getLogger(__name__)


class CheckpointManager(manager.CheckpointManager):
    def publish(self, path, name, metadata=None, aliases=None):
        tracker = self._tracker_module()
        if tracker is None or not self._tracker_active(tracker):
            return False
        path = Path(path)
        aliases = list(self.default_aliases if aliases is None else aliases)
        metadata = dict(metadata or {})
        try:
            self._with_retries(
                tracker,
                lambda: self._log_artifact(tracker, path, name, metadata, aliases),
            )
        except Exception as error:  # noqa: BLE001
            logger.warning("publishing %s from %s failed: %s", name, path, error)
            return False
        return True

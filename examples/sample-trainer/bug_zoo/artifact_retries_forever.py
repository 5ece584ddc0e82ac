"""publish() retries a transient tracker failure until it succeeds.

No attempt limit: during an outage the training loop blocks in publish for
as long as the outage lasts.
"""

import logging

from sample_trainer import manager

BREAKS = ("A4", "A6", "S1")

logger = logging.getLogger(__name__)


class CheckpointManager(manager.CheckpointManager):
    def _with_retries(self, tracker, attempt_once):
        attempt = 0
        while True:
            try:
                return attempt_once()
            except Exception as error:  # noqa: BLE001
                if not self._is_transient(tracker, error):
                    raise
                logger.info("tracker call failed (%s); retrying", error)
                self.sleep(min(self.retry_delay * 2**attempt, 60.0))
                attempt += 1

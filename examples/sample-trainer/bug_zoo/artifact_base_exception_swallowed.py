"""publish() catches ``BaseException`` so that "nothing can kill training".

Ctrl-C or a ``sys.exit()`` during an upload is logged as a failed publish and
training carries on: the run cannot be stopped.
"""

import logging

from sample_trainer import manager

BREAKS = ("A5", "S1")

logger = logging.getLogger(__name__)


class CheckpointManager(manager.CheckpointManager):
    def _log_or_report(self, tracker, name, log_once):
        try:
            self._with_retries(tracker, log_once)
        except BaseException as error:  # noqa: B036
            if self.on_publish_error == "raise" and isinstance(error, Exception):
                raise
            logger.warning("publishing %s failed: %s", name, error)
            return False
        return True

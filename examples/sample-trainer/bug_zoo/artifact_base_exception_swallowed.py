"""publish() catches ``BaseException`` so that "nothing can kill training".

Ctrl-C or a ``sys.exit()`` during an upload is logged as a failed publish and
training carries on: the run cannot be stopped.
"""

import logging
from pathlib import Path

from sample_trainer import manager

BREAKS = ("A5", "S1")

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
        except BaseException as error:  # noqa: B036
            if self.on_publish_error == "raise" and isinstance(error, Exception):
                raise
            logger.warning("publishing %s failed: %s", name, error)
            return False
        return True

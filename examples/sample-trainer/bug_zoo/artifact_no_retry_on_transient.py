"""publish() retries ConnectionError only.

Timeouts, HTTP 5xx answers and the tracker's own communication errors, as
transient as a dropped connection, fail the publish at the first attempt.
"""

from sample_trainer import manager

BREAKS = ("A6", "S1")


class CheckpointManager(manager.CheckpointManager):
    def _is_transient(self, tracker, error):
        return isinstance(error, ConnectionError)

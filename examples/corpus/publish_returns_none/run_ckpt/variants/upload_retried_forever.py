"""The upload is retried until it succeeds: a tracker that stays down hangs training."""

from ..manager import *  # noqa: F401,F403
from ..manager import CheckpointManager as _Correct

BREAKS = ("A4", "A6", "S1")


class CheckpointManager(_Correct):
    def _upload(self, wandb, artifact, aliases):
        attempt = 0
        while True:
            try:
                wandb.log_artifact(artifact, aliases=aliases)
                return
            except (ConnectionError, TimeoutError, wandb.errors.CommError):
                self.sleep(self.backoff_seconds * 2**attempt)
                attempt += 1

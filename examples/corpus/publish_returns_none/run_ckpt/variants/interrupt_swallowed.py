"""``except BaseException`` around the upload: Ctrl-C during a publish is swallowed."""

import logging
from pathlib import Path

from ..manager import *  # noqa: F401,F403
from ..manager import CheckpointManager as _Correct

BREAKS = ("A5", "S1")

logger = logging.getLogger(__name__)


class CheckpointManager(_Correct):
    def publish(self, path, name, metadata=None, aliases=None):
        import wandb

        if wandb.run is None:
            return False
        path = Path(path)
        if not path.is_file():
            logger.warning("no checkpoint file at %s; nothing to publish", path)
            return False
        try:
            artifact = wandb.Artifact(
                f"{wandb.run.name}-{name}", type="model", metadata=dict(metadata or {})
            )
            artifact.add_file(str(path))
            self._upload(wandb, artifact, aliases or ["latest"])
        except BaseException as error:  # "never let the tracker kill training"
            logger.warning("could not publish checkpoint %s: %s", path, error)
            return False

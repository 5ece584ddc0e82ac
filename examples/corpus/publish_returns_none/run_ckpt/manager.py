"""Checkpoints of a training run, published to Weights & Biases as model artifacts.

Checkpoints are pickled to ``ckpt-<step>.pkl`` through a temporary file and
``os.replace``. ``publish`` names the artifact after the run
(``<run name>-<name>``), uses ``aliases or ["latest"]``, retries only the
upload (``wandb.log_artifact``) on a network error, logs the checkpoint file
when publishing fails, and returns nothing on success: False means "not
published".
"""

import logging
import os
import pickle
import re
import tempfile
import time
from pathlib import Path

logger = logging.getLogger(__name__)

CHECKPOINT = re.compile(r"^ckpt-(\d+)\.pkl$")


class CheckpointManager:
    """Saves ``ckpt-<step>.pkl`` files in ``directory`` and publishes them to W&B."""

    def __init__(self, directory, upload_retries=2, backoff_seconds=2.0):
        self.directory = Path(directory)
        self.upload_retries = upload_retries
        self.backoff_seconds = backoff_seconds
        # Tests (and impatient notebooks) replace this to skip the waits.
        self.sleep = time.sleep

    # -- checkpoints ---------------------------------------------------------

    def save(self, state, step):
        """Pickle ``state`` as the checkpoint of ``step``; return its path."""
        self.directory.mkdir(parents=True, exist_ok=True)
        final = self.directory / f"ckpt-{step}.pkl"
        handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".partial")
        try:
            with os.fdopen(handle, "wb") as stream:
                pickle.dump(state, stream, protocol=pickle.HIGHEST_PROTOCOL)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, final)
        except BaseException:
            try:
                os.unlink(temporary)
            except FileNotFoundError:
                pass
            raise
        return final

    def load(self, path):
        """The state saved at ``path``."""
        with open(path, "rb") as stream:
            return pickle.load(stream)

    def latest(self):
        """The checkpoint of the highest step, or None."""
        if not self.directory.is_dir():
            return None
        steps = []
        for path in self.directory.iterdir():
            match = CHECKPOINT.match(path.name)
            if match and path.is_file():
                steps.append((int(match.group(1)), path))
        return max(steps)[1] if steps else None

    # -- publishing ----------------------------------------------------------

    def publish(self, path, name, metadata=None, aliases=None):
        """Log the checkpoint at ``path`` to the active W&B run as a model artifact.

        Returns False when there is nothing to publish to or nothing to
        publish, or when the tracker fails; otherwise nothing.
        """
        try:
            import wandb
        except ImportError:
            logger.warning("wandb is not installed; not publishing %s", path)
            return False
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
        except Exception as error:  # training must go on without the tracker
            logger.warning("could not publish checkpoint %s: %s", path, error)
            return False

    def _upload(self, wandb, artifact, aliases):
        """``wandb.log_artifact``, retried with backoff on a network error."""
        transient = (ConnectionError, TimeoutError, wandb.errors.CommError)
        for attempt in range(self.upload_retries + 1):
            try:
                wandb.log_artifact(artifact, aliases=aliases)
                return
            except transient as error:
                if attempt == self.upload_retries:
                    raise
                logger.info("upload failed (%s); retrying", error)
                self.sleep(self.backoff_seconds * 2**attempt)

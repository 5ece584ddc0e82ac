"""Checkpoint files of a training run, as module functions, and a manager on top.

The functions do the file work and are what scripts call directly
(``save_checkpoint(run_dir, state, step)`` from a notebook, say); the
``CheckpointManager`` a training loop holds adds the folder, the newest
checkpoint as a property, resuming, and trimming old checkpoints at the end of
an epoch. Checkpoints are ``checkpoint_<step>.pkl``, written to a temporary
file in the same folder, fsynced and renamed into place.
"""

import contextlib
import os
import pickle
import re
import tempfile
from pathlib import Path

CHECKPOINT_NAME = re.compile(r"^checkpoint_(\d+)\.pkl$")


class CheckpointError(ValueError):
    """A checkpoint file exists but cannot be read as a checkpoint."""


def checkpoint_path(checkpoint_dir, step):
    return Path(checkpoint_dir) / f"checkpoint_{step}.pkl"


def list_checkpoints(checkpoint_dir):
    """``{step: path}`` of the checkpoint files in ``checkpoint_dir``."""
    found = {}
    folder = Path(checkpoint_dir)
    if not folder.is_dir():
        return found
    for entry in os.scandir(folder):
        match = CHECKPOINT_NAME.match(entry.name)
        if match and entry.is_file(follow_symlinks=False):
            found[int(match.group(1))] = Path(entry.path)
    return found


def save_checkpoint(checkpoint_dir, state, step):
    """Write ``state`` as the checkpoint of ``step``; return its path."""
    path = checkpoint_path(checkpoint_dir, step)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            pickle.dump(dict(state), stream, protocol=pickle.HIGHEST_PROTOCOL)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return path


def load_checkpoint(path):
    """The state saved at ``path``; CheckpointError naming the file when it is not one."""
    with open(path, "rb") as stream:
        try:
            state = pickle.load(stream)
        except Exception as error:
            raise CheckpointError(
                f"{path} is not a readable checkpoint: {error}"
            ) from error
    if not isinstance(state, dict):
        raise CheckpointError(
            f"{path} holds a {type(state).__name__}, not a checkpoint"
        )
    return state


def get_latest_checkpoint_path(checkpoint_dir):
    """The checkpoint of the largest step in ``checkpoint_dir``, or None."""
    found = list_checkpoints(checkpoint_dir)
    return found[max(found)] if found else None


class CheckpointManager:
    """The checkpoints of one run: the folder, the newest, resuming and trimming."""

    def __init__(self, checkpoint_dir, max_to_keep=3):
        self.checkpoint_dir = Path(checkpoint_dir)
        self.max_to_keep = max_to_keep
        self.restored_from = None

    @property
    def latest_checkpoint(self):
        return get_latest_checkpoint_path(self.checkpoint_dir)

    def restore(self, source="latest"):
        """Load ``"latest"``, a given path, or nothing (None): the state, or None."""
        self.restored_from = None
        if source is None:
            return None
        path = self.latest_checkpoint if source == "latest" else Path(source)
        if path is None:
            return None
        if not path.is_file():
            raise FileNotFoundError(f"no checkpoint at {path}")
        state = load_checkpoint(path)
        self.restored_from = path
        return state

    def on_epoch_end(self, state, step):
        """What the training loop calls: save, then trim."""
        path = save_checkpoint(self.checkpoint_dir, state, step)
        self._trim_checkpoints()
        return path

    def _trim_checkpoints(self):
        """Delete the checkpoints beyond the ``max_to_keep`` newest by step."""
        found = list_checkpoints(self.checkpoint_dir)
        for step in sorted(found)[: -self.max_to_keep]:
            found[step].unlink()

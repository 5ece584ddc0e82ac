"""Checkpoints of a training run, with a pointer file naming the last one saved.

As TensorFlow's ``tf.train.Checkpoint`` does, the folder holds one file per
save (``ckpt-<step>.pkl``) and a small text file, ``checkpoint``, holding the
name of the checkpoint saved last. Resuming reads the pointer: the newest is
what was saved last, not the largest step, so a run restarted from an earlier
step resumes from where it really stopped.

Both the checkpoint and the pointer are written to a temporary file in the
same folder, fsynced and renamed into place, and the pointer moves only once
the checkpoint it names is complete.
"""

import contextlib
import os
import pickle
import re
import tempfile
from pathlib import Path

POINTER_NAME = "checkpoint"
CHECKPOINT_NAME = re.compile(r"^ckpt-(\d+)\.pkl$")


class CheckpointError(ValueError):
    """A checkpoint file exists but does not hold a checkpoint."""


def write_atomically(path, data):
    """Write ``data`` to ``path`` so that readers see the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


class Checkpointer:
    """Saves a run's states under ``directory`` and finds the one saved last."""

    def __init__(self, directory):
        self.directory = Path(directory)
        # The checkpoint the last restore read, for the run's logs.
        self.restored_from = None

    def path_for(self, step):
        return self.directory / f"ckpt-{step}.pkl"

    def save(self, state, step):
        """Write the checkpoint of ``step``, then point the pointer at it."""
        path = self.path_for(step)
        write_atomically(
            path, pickle.dumps(dict(state), protocol=pickle.HIGHEST_PROTOCOL)
        )
        self.update_pointer(path)
        return path

    def update_pointer(self, path):
        write_atomically(self.directory / POINTER_NAME, f"{path.name}\n".encode())

    def latest(self):
        """The checkpoint the pointer names, or None when there is none."""
        try:
            name = (self.directory / POINTER_NAME).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        path = self.directory / name
        if CHECKPOINT_NAME.match(name) and path.is_file():
            return path
        return None

    def load(self, path):
        path = Path(path)
        with open(path, "rb") as stream:
            try:
                state = pickle.load(stream)
            except (pickle.UnpicklingError, EOFError, ValueError) as error:
                raise CheckpointError(
                    f"{path} is not a readable checkpoint: {error}"
                ) from error
        if not isinstance(state, dict):
            raise CheckpointError(
                f"{path} holds a {type(state).__name__}, not a checkpoint"
            )
        return state

    def restore(self, source):
        """Load ``"latest"``, a given path, or nothing (``None``: a fresh start)."""
        if source is None:
            self.restored_from = None
            return None
        if source == "latest":
            path = self.latest()
            if path is None:
                self.restored_from = None
                return None
        else:
            path = Path(source)
            if not path.is_file():
                raise FileNotFoundError(f"no checkpoint at {path}")
        state = self.load(path)
        self.restored_from = path
        return state

"""A checkpoint saver with ``max_to_keep``: every save prunes the oldest.

The common design (TensorFlow's ``CheckpointManager``, many training loops):
``save`` writes ``model_<step>.pkl`` atomically, then deletes the checkpoints
beyond the ``max_to_keep`` newest by step, whichever run wrote them. There is
no separate prune call, and nothing is kept for being the checkpoint a run
resumed from: once ``max_to_keep`` newer checkpoints exist, it goes too.
"""

import contextlib
import os
import pickle
import re
import tempfile
from pathlib import Path

CHECKPOINT = re.compile(r"^model_(\d+)\.pkl$")


class CheckpointSaver:
    """Saves a run's states in ``directory``, keeping the ``max_to_keep`` newest."""

    def __init__(self, directory, max_to_keep=5):
        if max_to_keep < 1:
            raise ValueError(f"max_to_keep must be at least 1, got {max_to_keep}")
        self.directory = Path(directory)
        self.max_to_keep = max_to_keep
        self.resumed_from = None

    def checkpoints(self):
        """``{step: path}`` of the checkpoint files in the folder."""
        found = {}
        if self.directory.is_dir():
            for entry in os.scandir(self.directory):
                match = CHECKPOINT.match(entry.name)
                if match and entry.is_file(follow_symlinks=False):
                    found[int(match.group(1))] = Path(entry.path)
        return found

    def save(self, state, step):
        path = self.directory / f"model_{step}.pkl"
        self.directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            dir=self.directory, prefix=".model_", suffix=".pkl.tmp"
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
        self._prune()
        return path

    def _prune(self):
        """Delete every checkpoint beyond the ``max_to_keep`` newest by step."""
        found = self.checkpoints()
        for step in sorted(found)[: -self.max_to_keep]:
            found[step].unlink()

    def latest_checkpoint(self):
        found = self.checkpoints()
        return found[max(found)] if found else None

    def load(self, path):
        with open(path, "rb") as stream:
            state = pickle.load(stream)
        if not isinstance(state, dict):
            raise ValueError(f"{path} does not hold a checkpoint")
        return state

    def restore(self, source):
        """Restore ``"latest"``, a given path, or nothing (None)."""
        self.resumed_from = None
        if source is None:
            return None
        path = self.latest_checkpoint() if source == "latest" else Path(source)
        if path is None:
            return None
        if not path.is_file():
            raise FileNotFoundError(f"no checkpoint at {path}")
        state = self.load(path)
        self.resumed_from = path
        return state

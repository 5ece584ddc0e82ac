"""JSON checkpoints of a small training run, one file a step.

A checkpoint is ``step-<step>.json`` in the run's folder, written to a temp
file in the same folder and renamed into place. Loading refuses a file that
is not JSON, not an object, or lacks one of the keys the trainer reads back
(``step``, ``model``, ``optimizer``), with an error naming the file. It does
not check what those keys hold: the trainer's own ``load_state_dict`` calls
do, a line later.
"""

import json
import os
import re
import tempfile
from pathlib import Path

REQUIRED_KEYS = ("step", "model", "optimizer")
FILE_NAME = re.compile(r"^step-(\d+)\.json$")


class CheckpointError(ValueError):
    """A file in the checkpoint folder that cannot be resumed from."""


class JsonCheckpointStore:
    """Saves and finds a run's checkpoints under ``directory``."""

    def __init__(self, directory):
        self.directory = Path(directory)
        self.resumed_from = None

    def path_for(self, step):
        return self.directory / f"step-{step}.json"

    def save(self, state, step):
        """Write ``state`` as the checkpoint of ``step``, all or nothing; return its path."""
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.path_for(step)
        handle, temporary = tempfile.mkstemp(
            dir=self.directory, prefix=".tmp-", suffix=".part"
        )
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(state, stream)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, path)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise
        return path

    def load(self, path):
        """The state saved at ``path``; ``CheckpointError`` naming it when it is not a checkpoint."""
        path = Path(path)
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CheckpointError(
                f"{path} is not a JSON checkpoint: {error}"
            ) from error
        if not isinstance(state, dict):
            raise CheckpointError(
                f"{path} holds a {type(state).__name__}, not a checkpoint"
            )
        missing = [key for key in REQUIRED_KEYS if key not in state]
        if missing:
            raise CheckpointError(f"{path} lacks {', '.join(missing)}")
        return state

    def steps(self):
        """The steps with a checkpoint in the folder, by number."""
        if not self.directory.is_dir():
            return []
        found = []
        for entry in self.directory.iterdir():
            match = FILE_NAME.match(entry.name)
            if match and entry.is_file():
                found.append(int(match.group(1)))
        return sorted(found)

    def latest(self):
        """The checkpoint of the largest step, or None."""
        steps = self.steps()
        return self.path_for(steps[-1]) if steps else None

    def resume(self, source):
        """Load ``"latest"``, a path, or nothing (``None``: a fresh start)."""
        if source is None:
            self.resumed_from = None
            return None
        path = self.latest() if source == "latest" else Path(source)
        if path is None:
            self.resumed_from = None
            return None
        if not path.is_file():
            raise FileNotFoundError(f"no checkpoint at {path}")
        state = self.load(path)
        self.resumed_from = path
        return state

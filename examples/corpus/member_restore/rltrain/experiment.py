"""An experiment runner whose checkpoint work lives on a member object.

As in many RL and trainer codebases, the ``Experiment`` a script builds owns
the run's pieces as attributes (its config, its logger, its checkpoint store),
and the training loop calls them through it: ``experiment.checkpoint.write(
state, step)``, ``experiment.checkpoint.restore("latest")``. The store writes
``step_<step>.json`` through a temporary file in the same folder, fsynced and
renamed into place; the newest is the largest step.
"""

import contextlib
import dataclasses
import json
import os
import re
import tempfile
from pathlib import Path

STEP_FILE = re.compile(r"^step_(\d+)\.json$")


class CheckpointCorrupt(ValueError):
    """A checkpoint file exists but does not hold a checkpoint."""


@dataclasses.dataclass
class ExperimentConfig:
    seed: int = 0
    log_every: int = 100


class CheckpointStore:
    """The checkpoints of one run, as JSON files in ``directory``."""

    def __init__(self, directory):
        self.directory = Path(directory)
        # The file the last restore read, for the run's logs.
        self.restored_path = None

    def path_for(self, step):
        return self.directory / f"step_{step}.json"

    def steps(self):
        """``{step: path}`` of the checkpoint files on disk."""
        found = {}
        if self.directory.is_dir():
            for entry in os.scandir(self.directory):
                match = STEP_FILE.match(entry.name)
                if match and entry.is_file(follow_symlinks=False):
                    found[int(match.group(1))] = Path(entry.path)
        return found

    def write(self, state, step):
        """Save ``state`` as the checkpoint of ``step``; return its path."""
        path = self.path_for(step)
        self.directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            dir=self.directory, prefix=f".{path.name}.", suffix=".tmp"
        )
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(state, stream, allow_nan=True)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        return path

    def read(self, path):
        """The state saved at ``path``; CheckpointCorrupt naming the file when it is not one."""
        text = Path(path).read_bytes()
        try:
            state = json.loads(text.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise CheckpointCorrupt(
                f"{path} is not a JSON checkpoint: {error}"
            ) from error
        if not isinstance(state, dict):
            raise CheckpointCorrupt(
                f"{path} holds a JSON {type(state).__name__}, not a checkpoint"
            )
        return state

    def latest(self):
        found = self.steps()
        return found[max(found)] if found else None

    def restore(self, source):
        """Read ``"latest"``, a given path, or nothing (None): the state, or None."""
        self.restored_path = None
        if source is None:
            return None
        path = self.latest() if source == "latest" else Path(source)
        if path is None:
            return None
        if not path.is_file():
            raise FileNotFoundError(f"no checkpoint at {path}")
        state = self.read(path)
        self.restored_path = path
        return state


class Experiment:
    """One run: its folder, config and checkpoint store."""

    def __init__(self, run_dir, config=None):
        self.run_dir = Path(run_dir)
        self.config = config or ExperimentConfig()
        self.checkpoint = CheckpointStore(run_dir)

    @property
    def resumed_from(self):
        return self.checkpoint.restored_path

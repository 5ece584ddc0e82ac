"""write() creates the run folder with a plain mkdir, not its parents.

Works while runs go to an existing ``runs/`` folder; a run pointed at
``runs/2024-06-01/seed_7`` on a fresh machine crashes at its first save.
"""

import contextlib
import json
import os
import tempfile

from ..experiment import *  # noqa: F401,F403
from ..experiment import CheckpointStore as _CheckpointStore
from ..experiment import Experiment as _Experiment

BREAKS = ("F1", "R10", "X1", "S1")


class CheckpointStore(_CheckpointStore):
    def write(self, state, step):
        path = self.path_for(step)
        if not self.directory.exists():
            os.mkdir(self.directory)
        handle, temporary = tempfile.mkstemp(
            dir=self.directory, prefix=f".{path.name}.", suffix=".tmp"
        )
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(state, stream, allow_nan=True)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        return path


class Experiment(_Experiment):
    def __init__(self, run_dir, config=None):
        super().__init__(run_dir, config)
        self.checkpoint = CheckpointStore(run_dir)

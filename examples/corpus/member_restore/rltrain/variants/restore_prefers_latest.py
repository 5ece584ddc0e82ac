"""restore() loads the newest checkpoint whenever one exists, even for an explicit path.

"Always resume from the newest": a user who asks for ``step_200.json`` to
roll back a diverged run silently gets ``step_900.json`` again.
"""

from pathlib import Path

from ..experiment import *  # noqa: F401,F403
from ..experiment import CheckpointStore as _CheckpointStore
from ..experiment import Experiment as _Experiment

BREAKS = ("R2", "R3", "R4", "R14", "X2", "S1")


class CheckpointStore(_CheckpointStore):
    def restore(self, source):
        self.restored_path = None
        if source is None:
            return None
        path = self.latest() or Path(source)
        if not path.is_file():
            raise FileNotFoundError(f"no checkpoint at {path}")
        state = self.read(path)
        self.restored_path = path
        return state


class Experiment(_Experiment):
    def __init__(self, run_dir, config=None):
        super().__init__(run_dir, config)
        self.checkpoint = CheckpointStore(run_dir)

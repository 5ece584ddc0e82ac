"""write() skips a step whose file already exists.

"Saving the same step twice is a waste": but a run that crashed mid-epoch and
saves that step again keeps the old (or half-written) file, and a rerun from
an earlier step never replaces what the abandoned run left.
"""

from ..experiment import *  # noqa: F401,F403
from ..experiment import CheckpointStore as _CheckpointStore
from ..experiment import Experiment as _Experiment

BREAKS = ("R13", "S1")


class CheckpointStore(_CheckpointStore):
    def write(self, state, step):
        path = self.path_for(step)
        if path.exists():
            return path
        return super().write(state, step)


class Experiment(_Experiment):
    def __init__(self, run_dir, config=None):
        super().__init__(run_dir, config)
        self.checkpoint = CheckpointStore(run_dir)

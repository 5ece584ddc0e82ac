"""``save()`` returns ``(True, path)`` even when writing failed.

The trainer logs "saved" for a checkpoint that is not there.
"""

import pickle

from ..store import *  # noqa: F401,F403
from ..store import StateStore as _StateStore
from ..store import log

BREAKS = ("F1", "F2", "S1")


class StateStore(_StateStore):
    def save(self, state, step):
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with open(self._path(step), "wb") as file:
                pickle.dump(state, file)
        except OSError as error:
            log.error("could not save the state of step %s: %s", step, error)
        return True, self._path(step)

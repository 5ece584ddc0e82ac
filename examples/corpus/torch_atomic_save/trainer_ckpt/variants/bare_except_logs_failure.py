"""A failed save is logged and skipped with a bare ``except:``, so training goes on.

Meant for a full disk, the bare ``except:`` also catches ``KeyboardInterrupt``
and ``SystemExit``: a job told to stop mid-save carries on as if the save had
finished, and a disk error never reaches the caller.
"""

import logging
import os
import uuid

import torch

from ..manager import *  # noqa: F401,F403
from ..manager import CheckpointManager as _Correct

BREAKS = ("K4", "F1", "F2")

log = logging.getLogger(__name__)


class CheckpointManager(_Correct):
    def save(self, state, step):
        self.directory.mkdir(parents=True, exist_ok=True)
        final = self.path_for(step)
        temporary = final.with_name(f".{final.name}.{uuid.uuid4().hex}.tmp")
        try:
            torch.save(state, temporary)
            os.replace(temporary, final)
        except:  # noqa: E722
            log.exception("saving step %s failed; training goes on", step)
            temporary.unlink(missing_ok=True)
            return None
        return final

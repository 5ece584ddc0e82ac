"""resume("latest") skips a corrupt newest checkpoint without a word.

Nobody learns that a checkpoint is broken until every one of them is.
"""

from sample_trainer import manager

BREAKS = ("C1", "C2", "C3", "C4", "C8", "S1")
ANSWERS = {"corruptPolicy": "fallback"}
KWARGS = {"on_corrupt": '"fallback"'}


class CheckpointManager(manager.CheckpointManager):
    def resume(self, source="latest"):
        if source != "latest":
            return super().resume(source)
        self.resumed_from = None
        for path in self._newest_first():
            try:
                state = self._load_checked(path)
            except manager.CheckpointError:
                continue
            self.resumed_from = path
            return state
        return None

"""save() drops keys whose value is None "to keep checkpoints small".

A run with no scheduler resumes with no ``scheduler`` key at all, and code
that reads ``state["scheduler"]`` crashes.
"""

from sample_trainer import manager

BREAKS = ("R8", "S1")


class CheckpointManager(manager.CheckpointManager):
    def save(self, state, step):
        kept = {key: value for key, value in state.items() if value is not None}
        return super().save(kept, step)

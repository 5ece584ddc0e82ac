"""save() writes on every torch.distributed rank, not only on rank 0.

In a real job every rank writes the same file at once.
"""

from sample_trainer import manager

BREAKS = ("K6",)
# Answers the generated suite needs for this variant (the zoo adds them).
FORMAT = "torch"
ANSWERS = {"distributedSave": "rank-zero"}


class CheckpointManager(manager.CheckpointManager):
    def _writes_on_this_rank(self):
        return True

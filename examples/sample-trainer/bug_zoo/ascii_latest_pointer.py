"""Each save also writes a LATEST pointer file, encoded as ASCII.

Saving into a folder whose name has an accent or another script fails after
the checkpoint was written.
"""

from sample_trainer import manager

BREAKS = ("X1", "S1")


class CheckpointManager(manager.CheckpointManager):
    def save(self, state, step):
        final = super().save(state, step)
        if final is not None:
            pointer = self.directory / "LATEST"
            pointer.write_text(str(final), encoding="ascii")
        return final

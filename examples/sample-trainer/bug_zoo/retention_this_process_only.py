"""prune() only counts the checkpoints this process wrote.

After a restart the checkpoints of the earlier run are never deleted, and
the disk fills up run after run.
"""

from pathlib import Path

from sample_trainer import manager

BREAKS = ("T2", "T4", "S1")


class CheckpointManager(manager.CheckpointManager):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._written = {}

    def save(self, state, step):
        path = super().save(state, step)
        if path is not None:
            self._written[step] = Path(path)
        return path

    def prune(self):
        written = {s: p for s, p in self._written.items() if p.exists()}
        keep = set(sorted(written)[-self.keep_last :])
        deleted = []
        for step, path in sorted(written.items()):
            if step in keep or path == self.resumed_from:
                continue
            path.unlink()
            deleted.append(path)
            del self._written[step]
        return deleted

"""prune() takes any entry with digits in its name for a checkpoint of that step.

Temp files, backups, metrics files and event logs in the run folder are
deleted along with old checkpoints (and a folder named like one crashes it).
"""

import re

from sample_trainer import manager

BREAKS = ("T3", "S1")


class CheckpointManager(manager.CheckpointManager):
    def prune(self):
        if not self.directory.exists():
            return []
        entries = {}
        for path in self.directory.iterdir():
            digits = re.search(r"\d+", path.name)
            if digits:
                entries.setdefault(int(digits.group()), []).append(path)
        keep = set(sorted(self.checkpoints())[-self.keep_last :])
        deleted = []
        for step, paths in sorted(entries.items()):
            if step in keep:
                continue
            for path in paths:
                if self.resumed_from is not None and path == self.resumed_from:
                    continue
                path.unlink()
                deleted.append(path)
        return deleted

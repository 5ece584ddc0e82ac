"""Overwriting a step removes the old file first, then renames the new one in.

``os.rename`` refuses to replace a file on Windows, so the code deletes the
target first; when the rename then fails (a cross-device move, a permission),
the step's only checkpoint is gone and nothing loadable is left.
"""

import os

from sample_trainer import manager

BREAKS = ("F1", "K5", "S1")


class CheckpointManager(manager.CheckpointManager):
    def _move_into_place(self, temp_name, final):
        if final.exists():
            os.unlink(final)
        os.rename(temp_name, final)

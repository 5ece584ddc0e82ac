"""Print the zoo's catalogue: ``{"variant": {"breaks": [...], "bug": "..."}}``."""

import importlib
import json
import pkgutil
from pathlib import Path


def catalogue():
    variants = {}
    for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"bug_zoo.{info.name}")
        variants[info.name] = {
            "breaks": list(module.BREAKS),
            "bug": " ".join(module.__doc__.split()),
            "answers": getattr(module, "ANSWERS", {}),
        }
    return variants


if __name__ == "__main__":
    print(json.dumps(catalogue(), indent=2, sort_keys=True))

"""The one Python process of a checkpoint-tests run.

The generator starts it once, with the interpreter it chose, as
``python driver.py REQUEST_FD ANSWER_FD``, and speaks JSON lines with it on
those two file descriptors: one request a line in, one answer a line out, in
order. Never on stdout or stderr: the user's module may print at import (or
an exception answer such as ``this.X`` may), and that must not garble the
protocol; the generator reads stdout and stderr only to cut and show them.

request:  {"id": 1, "kind": "find" | "introspect" | "probe" | "warm" | "format"
                      | "check_suite", ...}
answer:   {"id": 1, "ok": true, "result": {...}, "cpu": 0.25}
          {"id": 1, "ok": false, "error": "one line", "cpu": 0.01}

``cpu`` is the CPU seconds this process spent since its previous answer (the
first: since it started), for the generator's timing lines.

Everything runs in this process, so the user's module (and torch) is
imported once a run: introspection imports it, and the ``--setup-only``
check, run with ``pytest.main``, finds it in ``sys.modules``.

The process ends when the request channel closes (the generator is done or
gone), with ``os._exit`` so no atexit hook of the user's code can hold it up.
"""

import ast
import contextlib
import faulthandler
import importlib.util
import io
import json
import os
import re
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))

# `python driver.py` puts this folder first on sys.path; a user module named
# like one of ours (audit, introspect) must not be shadowed by it.
if sys.path and os.path.abspath(sys.path[0] or os.curdir) == HERE:
    del sys.path[0]

# Output of one pytest run kept in the answer; the rest is cut, and said so.
MAX_OUTPUT_CHARS = 200_000


def load_sibling(name):
    """Imports python/<name>.py under a private name, off sys.path."""
    spec = importlib.util.spec_from_file_location(
        f"_checkpoint_tests_{name}", os.path.join(HERE, f"{name}.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


introspect = load_sibling("introspect")
probe = load_sibling("probe")


def cut(text, limit=MAX_OUTPUT_CHARS):
    if len(text) <= limit:
        return text
    return (
        text[:limit] + f"\n[checkpoint-tests cut {len(text) - limit} more characters]"
    )


def handle_introspect(request):
    return introspect.answer(request)


def handle_probe(request):
    return probe.answer(request)


black_modes = {}


def black_mode(black, target, root):
    """black's Mode for ``target`` from the user's pyproject.toml, as ``black
    --stdin-filename target`` would find it; None when its config excludes it."""
    start = os.path.dirname(os.path.abspath(target))
    try:
        found = black.find_pyproject_toml((start,), target)
    except TypeError:  # black before 22.12 takes no stdin filename
        found = black.find_pyproject_toml((start,))
    if found not in black_modes:
        config = black.parse_pyproject_toml(found) if found else {}
        fields = {
            "line_length": config.get("line_length", black.DEFAULT_LINE_LENGTH),
            "string_normalization": not config.get("skip_string_normalization", False),
            "magic_trailing_comma": not config.get("skip_magic_trailing_comma", False),
            "preview": bool(config.get("preview", False)),
            "target_versions": {
                black.TargetVersion[version.upper()]
                for version in config.get("target_version", [])
            },
        }
        known = getattr(black.Mode, "__dataclass_fields__", fields)
        mode = black.Mode(
            **{key: value for key, value in fields.items() if key in known}
        )
        exclude = config.get("force_exclude")
        black_modes[found] = (
            mode,
            re.compile(exclude, re.VERBOSE) if exclude else None,
        )
    mode, force_exclude = black_modes[found]
    relative = os.path.relpath(os.path.abspath(target), root).replace(os.sep, "/")
    if force_exclude and force_exclude.search(f"/{relative}"):
        return None
    return mode


def handle_format(request):
    """Formats one file's source with the user's black, or says why not."""
    try:
        import black
    except ImportError as error:
        return {"source": None, "error": introspect.last_line(error)}
    try:
        mode = black_mode(black, request["path"], request.get("root", os.getcwd()))
        if mode is None:
            return {"source": None, "error": "excluded by black's force-exclude"}
        return {"source": black.format_str(request["source"], mode=mode)}
    except Exception as error:  # noqa: BLE001 - the source is kept as written
        return {"source": None, "error": introspect.last_line(error)}


def handle_check_suite(request):
    """``pytest --setup-only`` on the suite, in this process, its output kept.

    Each distinct set-up once (python/one_setup_each.py); ``collected`` counts every
    test, or is None when collection failed. ``--assert=plain``: no test body
    runs, so rewriting every module's asserts (the larger part of collecting
    a new suite) would buy nothing. Without the unraisable-exception plugin,
    whose only part in a set-up is five full garbage collections at the end
    (long in a process that imported torch). ``--capture=no``: what fixtures
    print lands in the kept output anyway, and capturing would suspend and
    resume around each of the thousands of SETUP and TEARDOWN lines.
    """
    import pytest

    plugin = load_sibling("one_setup_each").OneSetupEach()
    output = io.StringIO()
    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        try:
            code = pytest.main(
                [
                    "-p",
                    "no:cacheprovider",
                    "-q",
                    "--setup-only",
                    "--assert=plain",
                    "--capture=no",
                    "-p",
                    "no:unraisableexception",
                    request["suite"],
                ],
                plugins=[plugin],
            )
        except BaseException:  # noqa: BLE001 - a conftest's SystemExit, say
            traceback.print_exc(file=output)
            code = 3
    return {
        "code": int(code),
        "output": cut(output.getvalue()),
        "collected": plugin.collected,
    }


def found(name):
    """Whether ``name`` can be imported here, asked without importing it."""
    try:
        return importlib.util.find_spec(name) is not None
    except Exception:  # noqa: BLE001 - a parent package that fails to import
        return False


def module_imports(module):
    """The top-level packages ``module``'s own top-level import statements name.

    Read from its source without importing it; imports inside ``try``, ``if``
    or a function are optional or late, and left out.
    """
    try:
        spec = importlib.util.find_spec(module)
    except Exception:  # noqa: BLE001 - the import reports it
        return []
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return []
    try:
        with open(spec.origin, "rb") as source:
            tree = ast.parse(source.read())
    except (OSError, SyntaxError, ValueError):
        return []
    names = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            names += [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module.split(".")[0])
    return sorted(set(names))


def handle_find(request):
    """What of ``needs`` and of the module's own imports this Python lacks.

    Nothing is imported: the generator asks before importing the module, and
    starts another Python when this one lacks what the module needs (torch).
    """
    for path in reversed(request.get("paths", [])):
        if path not in sys.path:
            sys.path.insert(0, path)
    wanted = list(request.get("needs", []))
    if request.get("module") and found(request["module"].split(".")[0]):
        wanted += module_imports(request["module"])
    return {"missing": [name for name in dict.fromkeys(wanted) if not found(name)]}


def handle_warm(request):
    """Imports each of ``modules`` that imports, ahead of the step that needs it."""
    warmed = []
    for name in request.get("modules", []):
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the step that needs it reports it
            continue
        warmed.append(name)
    return {"warmed": warmed}


# One handler a request kind.
HANDLERS = {
    "find": handle_find,
    "warm": handle_warm,
    "introspect": handle_introspect,
    "probe": handle_probe,
    "format": handle_format,
    "check_suite": handle_check_suite,
}


def answer(line):
    request = json.loads(line)
    reply = {"id": request.get("id")}
    handler = HANDLERS.get(request.get("kind"))
    if handler is None:
        reply.update(ok=False, error=f"unknown request kind {request.get('kind')!r}")
        return reply
    try:
        reply.update(ok=True, result=handler(request))
    except BaseException as error:  # noqa: BLE001 - one bad request, not the driver
        reply.update(ok=False, error=introspect.last_line(error))
    return reply


def main():
    request_fd, answer_fd = int(sys.argv[1]), int(sys.argv[2])
    # Processes the user's code starts must not hold the channel open.
    os.set_inheritable(request_fd, False)
    os.set_inheritable(answer_fd, False)
    # A crash in native code (a segfault at import) leaves a Python traceback on stderr.
    faulthandler.enable()
    requests = os.fdopen(request_fd, "rb")
    spent = 0.0
    for line in requests:
        if not line.strip():
            continue
        reply = answer(line)
        reply["cpu"] = round(time.process_time() - spent, 4)
        spent += reply["cpu"]
        data = (json.dumps(reply) + "\n").encode("utf-8")
        while data:
            data = data[os.write(answer_fd, data) :]
    os._exit(0)


if __name__ == "__main__":
    main()

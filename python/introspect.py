"""Looks at the user's checkpoint module for checkpoint-tests.

``answer(request)`` takes one request and returns one answer (the driver,
``driver.py``, calls it in the run's one Python process); run as a script it
reads the request as JSON on stdin and prints the answer as JSON on stdout:

request:  {"paths": [...], "module": "pkg.mod", "exceptions": ["pkg.Err"],
           "expression": "Manager(checkpoint_dir)", "needs": ["torch"]}
answer:   {"module_error": null | "one line",
           "classes": [{"name", "methods", "attributes", "parameters"}],
           "functions": [...], "imports": [...],
           "exceptions": {"pkg.Err": null | "why not"},
           "expression_error": null | "one line",
           "missing_needs": {"torch": "why it does not import"},
           "source_calls": ["torch.save", ...], "exception_classes": ["pkg.Err"]}

It imports the module (so its import-time code runs, as pytest would run it)
and never calls anything in it.
"""

import ast
import builtins
import importlib
import inspect
import json
import sys
import traceback


def last_line(error):
    lines = traceback.format_exception_only(type(error), error)
    return lines[-1].strip() if lines else repr(error)


def instance_attributes(cls):
    """Names assigned as ``self.<name> = ...`` anywhere in the class body."""
    try:
        tree = ast.parse(inspect.getsource(cls))
    except (OSError, TypeError, SyntaxError):
        return []
    names = set()
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets = [node.target]
        for target in targets:
            if (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id == "self"
                and not target.attr.startswith("_")
            ):
                names.add(target.attr)
    return sorted(names)


def describe_module(module):
    classes, functions = [], []
    for name, value in vars(module).items():
        if (
            name.startswith("_")
            or getattr(value, "__module__", None) != module.__name__
        ):
            continue
        if inspect.isclass(value):
            if issubclass(value, BaseException):
                continue
            methods = [
                member
                for member, attribute in inspect.getmembers(value)
                if not member.startswith("_") and callable(attribute)
            ]
            classes.append(
                {
                    "name": name,
                    "methods": methods,
                    "attributes": instance_attributes(value),
                    "parameters": constructor_parameters(value),
                }
            )
        elif inspect.isfunction(value):
            functions.append(name)
    return classes, functions


def constructor_parameters(cls):
    """The constructor's parameters, in order: name, and the default when it is a plain literal.

    For inference only (``keep_last=3`` gives keepLast, the directory parameter
    gives the constructor expression); a default that is not a literal is
    reported as present without a value.
    """
    try:
        signature = inspect.signature(cls)
    except (TypeError, ValueError):
        return []
    parameters = []
    for parameter in signature.parameters.values():
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        entry = {
            "name": parameter.name,
            "required": parameter.default is parameter.empty,
        }
        default = parameter.default
        if default is not parameter.empty and (
            default is None or isinstance(default, (bool, int, float, str))
        ):
            entry["default"] = default
        parameters.append(entry)
    return parameters


# Calls in the module's source that tell the checkpoint format or the tracker.
KNOWN_CALLS = {
    "torch.save",
    "torch.load",
    "pickle.dump",
    "pickle.dumps",
    "pickle.load",
    "json.dump",
    "json.dumps",
    "json.load",
    "wandb.log_artifact",
    "mlflow.log_artifact",
}


def source_calls(module):
    """Which of KNOWN_CALLS the module's source calls (``torch.save(...)``), sorted.

    A small AST scan of the file; ``import torch as th`` is followed, so
    ``th.save`` counts as ``torch.save``.
    """
    try:
        tree = ast.parse(inspect.getsource(module))
    except (OSError, TypeError, SyntaxError):
        return []
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                aliases[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0]
                )
    found = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
        ):
            owner = aliases.get(node.func.value.id, node.func.value.id)
            dotted = f"{owner}.{node.func.attr}"
            if dotted in KNOWN_CALLS:
                found.add(dotted)
    return sorted(found)


def exception_classes(module):
    """Exception classes the module defines, as import paths (for did-you-mean)."""
    return sorted(
        f"{module.__name__}.{name}"
        for name, value in vars(module).items()
        if inspect.isclass(value)
        and issubclass(value, BaseException)
        and getattr(value, "__module__", None) == module.__name__
    )


def module_imports(module):
    """Top-level names the module binds to other modules (``import wandb``)."""
    return sorted(
        name
        for name, value in vars(module).items()
        if inspect.ismodule(value) and not name.startswith("__")
    )


def resolve_exception(dotted):
    if "." not in dotted:
        value = getattr(builtins, dotted, None)
        if value is None:
            return f"{dotted} is not a builtin name"
    else:
        module_name, _, attribute = dotted.rpartition(".")
        try:
            value = getattr(importlib.import_module(module_name), attribute)
        except AttributeError:
            return f"module {module_name} has no attribute {attribute}"
        except BaseException as error:  # noqa: BLE001 - SystemExit at import too
            return last_line(error)
    if not (inspect.isclass(value) and issubclass(value, BaseException)):
        return f"{dotted} is not an exception class"
    return None


def answer(request):
    for path in reversed(request.get("paths", [])):
        if path not in sys.path:
            sys.path.insert(0, path)
    found = {
        "module_error": None,
        "classes": [],
        "functions": [],
        "imports": [],
        "exceptions": {},
        "expression_error": None,
        "missing_needs": {},
        "source_calls": [],
        "exception_classes": [],
    }
    for name in request.get("needs", []):
        try:
            importlib.import_module(name)
        except Exception as error:  # noqa: BLE001 - any import failure is the answer
            found["missing_needs"][name] = last_line(error)
    if request.get("module"):
        try:
            module = importlib.import_module(request["module"])
        except BaseException as error:  # noqa: BLE001 - report SystemExit too
            found["module_error"] = last_line(error)
        else:
            found["classes"], found["functions"] = describe_module(module)
            found["imports"] = module_imports(module)
            found["source_calls"] = source_calls(module)
            found["exception_classes"] = exception_classes(module)
    for dotted in request.get("exceptions", []):
        found["exceptions"][dotted] = resolve_exception(dotted)
    if request.get("expression"):
        try:
            ast.parse(request["expression"], mode="eval")
        except SyntaxError as error:
            found["expression_error"] = f"{error.msg} (column {error.offset})"
    return found


def main():
    json.dump(answer(json.load(sys.stdin)), sys.stdout)


if __name__ == "__main__":
    main()

"""Looks at the user's checkpoint module for checkpoint-tests.

``answer(request)`` takes one request and returns one answer (the driver,
``driver.py``, calls it in the run's one Python process); run as a script it
reads the request as JSON on stdin and prints the answer as JSON on stdout:

request:  {"paths": [...], "module": "pkg.mod", "exceptions": ["pkg.Err"],
           "expression": "Manager(checkpoint_dir)", "needs": ["torch"],
           "expression_locals": ["model"]}
answer:   {"module_error": null | "one line",
           "classes": [{"name", "methods", "attributes", "parameters"}],
           "functions": [...], "imports": [...],
           "exceptions": {"pkg.Err": null | "why not"},
           "expression_error": null | "one line",
           "missing_needs": {"torch": "why it does not import"},
           "source_calls": ["torch.save", ...], "exception_classes": ["pkg.Err"],
           "string_keys": ["model_state_dict", ...],
           "bindings": {"saveOp": {"kind", "parameters", "varargs", "problem", "near"}},
           "expression_names": {"torch": {"import": "import torch"} | {"problem", "near"}}}

``bindings`` (with ``"class"``) asks what each answer names: ``{"saveOp":
{"root": "manager" | "module", "path": ["checkpoint", "restore"]}}``; each is
looked up without calling anything (a member set in ``__init__`` is followed
to its class when the assignment shows it).

It imports the module (so its import-time code runs, as pytest would run it)
and never calls anything in it.
"""

import ast
import builtins
import copy
import functools
import importlib
import inspect
import json
import sys
import textwrap
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


def string_keys(module):
    """The string constants of the module's source that could name a key, sorted.

    ``{"model_state_dict": ...}``, ``checkpoint["format_version"] = ...`` and
    ``REQUIRED = ("model_state_dict", ...)`` all count: a checkpoint's keys on
    disk are named by such strings, wherever the code keeps them.
    """
    try:
        tree = ast.parse(inspect.getsource(module))
    except (OSError, TypeError, SyntaxError):
        return []
    return sorted(
        {
            node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value.isidentifier()
        }
    )


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


MISSING = object()


def signature_of(function, bound):
    """Parameter names of ``function`` in order (``self`` dropped when ``bound``), and whether it takes ``*args``."""
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        return None, True
    if bound and parameters:
        parameters = parameters[1:]
    named = [
        {"name": p.name, "required": p.default is p.empty}
        for p in parameters
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    return named, any(p.kind == p.VAR_POSITIONAL for p in parameters)


# all_instance_attributes by class: reading a class's source parses its whole module file (inspect),
# and one introspection asks it for every step of every bound name.
instance_attributes_of = {}


def all_instance_attributes(cls):
    """Every ``self.<name> = ...`` of the class and its bases, private ones too, with the node assigned."""
    if cls not in instance_attributes_of:
        instance_attributes_of[cls] = read_instance_attributes(cls)
    return instance_attributes_of[cls]


def read_instance_attributes(cls):
    found = {}
    for klass in reversed(inspect.getmro(cls)):
        if klass is object:
            continue
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(klass)))
        except (OSError, TypeError, SyntaxError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                pairs = [(target, node.value, None) for target in node.targets]
            elif isinstance(node, ast.AnnAssign):
                pairs = [(node.target, node.value, node.annotation)]
            else:
                continue
            for target, value, annotation in pairs:
                if (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == "self"
                ):
                    found[target.attr] = (
                        value,
                        annotation,
                        sys.modules.get(klass.__module__),
                    )
    return found


def dotted_value(node, namespace):
    """The object a ``Name`` or ``a.b.C`` node names in ``namespace`` (a module's globals), or MISSING."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in namespace:
        return MISSING
    value = namespace[node.id]
    for part in reversed(parts):
        value = getattr(value, part, MISSING)
        if value is MISSING:
            return MISSING
    return value


def member_class(assigned):
    """The class of a member, when its assignment shows it (``self.io = CheckpointIO(...)``, or an annotation)."""
    value, annotation, module = assigned
    namespace = vars(module) if module is not None else {}
    for node in (annotation, value.func if isinstance(value, ast.Call) else None):
        if node is None:
            continue
        found = dotted_value(node, namespace)
        if inspect.isclass(found):
            return found
    return None


def resolve_path(owner, path, on_instance, label):
    """What ``owner.<path>`` is: a method, a property, a function or a value; or the problem, with near names."""
    for index, name in enumerate(path):
        last = index == len(path) - 1
        where = ".".join([label, *path[:index]])
        static = inspect.getattr_static(owner, name, MISSING)
        # Read only when the name is not a class attribute: a method or property needs no source.
        members = (
            all_instance_attributes(owner)
            if static is MISSING and on_instance and inspect.isclass(owner)
            else {}
        )
        if static is MISSING and name in members:
            if last:
                return {"kind": "value"}
            member = member_class(members[name])
            if member is None:
                return {
                    "kind": "unknown",
                    "note": f"{where}.{name} is set in the class, but its class could not be read from the assignment",
                }
            owner, on_instance = member, True
            continue
        if static is MISSING:
            near = sorted(
                n for n in set(dir(owner)) | set(members) if not n.startswith("__")
            )
            return {
                "problem": f"{where} has no attribute {name}",
                "near": near,
                "missing": index,
            }
        if isinstance(static, (property, functools.cached_property)):
            if last:
                return {"kind": "property"}
            return {
                "kind": "unknown",
                "note": f"{where}.{name} is a property; what it returns is not checked",
            }
        if on_instance and isinstance(static, (staticmethod, classmethod)):
            function, bound = static.__func__, isinstance(static, classmethod)
        elif on_instance and inspect.isfunction(static):
            function, bound = static, True
        else:
            function, bound = getattr(owner, name), False
        if last:
            if callable(function):
                parameters, varargs = signature_of(function, bound)
                kind = "method" if on_instance else "function"
                return {"kind": kind, "parameters": parameters, "varargs": varargs}
            return {"kind": "value"}
        owner = getattr(owner, name) if not on_instance else function
        on_instance = False
    return {"kind": "value"}


def resolve_bindings(module, class_name, bindings):
    cls = getattr(module, class_name, None) if class_name else None
    resolved = {}
    for answer_name, binding in bindings.items():
        if binding["root"] == "manager":
            if not inspect.isclass(cls):
                continue
            resolved[answer_name] = resolve_path(
                cls, binding["path"], True, "the manager"
            )
        else:
            resolved[answer_name] = resolve_path(
                module, binding["path"], False, module.__name__
            )
    return resolved


def expression_names(module, expression, class_name, own=()):
    """Each name the constructor expression uses besides the adapter's own (``checkpoint_dir``): how the adapter imports it, or why it cannot."""
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError:
        return {}
    local = {"checkpoint_dir", class_name, *own}
    for node in ast.walk(tree):
        if isinstance(node, ast.arg):
            local.add(node.arg)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            local.add(node.id)
    found = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Name) or node.id in local or node.id in found:
            continue
        name = node.id
        namespace = vars(module)
        if name in namespace:
            value = namespace[name]
            if inspect.ismodule(value) and value.__name__ == name:
                found[name] = {"import": f"import {name}"}
            else:
                found[name] = {"import": f"from {module.__name__} import {name}"}
        elif hasattr(builtins, name):
            found[name] = {"import": None}
        else:
            try:
                importlib.import_module(name)
            except Exception as error:  # noqa: BLE001 - any failure is the answer
                near = sorted(n for n in namespace if not n.startswith("__")) + sorted(
                    n for n in dir(builtins) if not n.startswith("_")
                )
                found[name] = {
                    "problem": f"{name} is not defined in {module.__name__}, not a builtin, and does not import as a module ({last_line(error)})",
                    "near": near,
                }
            else:
                found[name] = {"import": f"import {name}"}
    return found


# What a module holds, by module: it is imported once a process, and asked
# again for each answer the generator checks.
facts_of = {}


def module_facts(module):
    """The module's classes, functions, imports and source facts (kept)."""
    if module.__name__ not in facts_of or facts_of[module.__name__][0] is not module:
        classes, functions = describe_module(module)
        facts_of[module.__name__] = (
            module,
            {
                "classes": classes,
                "functions": functions,
                "imports": module_imports(module),
                "source_calls": source_calls(module),
                "exception_classes": exception_classes(module),
                "string_keys": string_keys(module),
            },
        )
    return copy.deepcopy(facts_of[module.__name__][1])


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
        "string_keys": [],
        "bindings": {},
        "expression_names": {},
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
            found.update(module_facts(module))
            found["bindings"] = resolve_bindings(
                module, request.get("class"), request.get("bindings", {})
            )
            if request.get("expression"):
                found["expression_names"] = expression_names(
                    module,
                    request["expression"],
                    request.get("class"),
                    request.get("expression_locals", ()),
                )
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

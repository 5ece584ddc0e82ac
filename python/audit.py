"""Reads pytest files for ``checkpoint-tests audit`` with Python's own ``ast``.

Reads one JSON request on stdin and prints one JSON answer on stdout:

request:  {"files": ["/abs/test_x.py", ...], "fixtures": true}
answer:   {"files": [{"path", "lines", "error", "imports", "tests",
                      "findings", "fixtures_defined"}],
           "pytest_fixtures": [...] | null, "pytest_error": null | "why"}

Each test is described by facts (what it calls, patches, raises and
asserts), from which checkpoint-tests decides the case ids it covers. The
findings (duplicate names, missing fixtures, mixed mocking styles, tests with
no assertion, sleeps, bare mkdtemp) carry their line numbers. Nothing is
imported from the audited files; ``pytest --fixtures`` (when asked) imports
them as pytest would, to list the fixtures that are really there.
"""

import ast
import io
import json
import os
import re
import subprocess
import sys
import tokenize

MOCK_FACTORIES = {
    "Mock",
    "MagicMock",
    "AsyncMock",
    "NonCallableMock",
    "create_autospec",
    "patch",
}
MOCK_ASSERTIONS = re.compile(r"^assert_(called|not_called|any_call|has_calls|awaited)")
RAW_IO_ROOTS = {
    "torch",
    "pickle",
    "json",
    "np",
    "numpy",
    "os",
    "shutil",
    "pathlib",
    "Path",
    "open",
    "yaml",
}
ROOT_MARKERS = ("pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg", ".git")


def dotted(node):
    """``a.b.c`` for a Name/Attribute chain (calls and subscripts kept as ``()``/``[]``)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr}" if base else node.attr
    if isinstance(node, ast.Call):
        base = dotted(node.func)
        return f"{base}()" if base else None
    if isinstance(node, ast.Subscript):
        base = dotted(node.value)
        return f"{base}[]" if base else None
    return None


def root_name(node):
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def constant_kind(node):
    """A small JSON description of a call argument."""
    if isinstance(node, ast.Constant):
        value = node.value
        if value is None:
            return {"kind": "none"}
        if isinstance(value, bool):
            return {"kind": "bool", "value": value}
        if isinstance(value, int):
            return {"kind": "int", "value": value}
        if isinstance(value, str):
            return {"kind": "str", "value": value}
        if isinstance(value, bytes):
            return {"kind": "bytes", "length": len(value)}
        return {"kind": "other"}
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
    ):
        return (
            {"kind": "int", "value": -node.operand.value}
            if isinstance(node.operand.value, int)
            else {"kind": "other"}
        )
    if isinstance(node, ast.Dict):
        return {
            "kind": "dict",
            "keys": [
                k.value
                for k in node.keys
                if isinstance(k, ast.Constant) and isinstance(k.value, str)
            ],
        }
    if isinstance(node, (ast.List, ast.Tuple)):
        return {"kind": "list"}
    if isinstance(node, ast.Name):
        return {"kind": "name", "value": node.id}
    return {"kind": "expr", "value": dotted(node)}


def is_fixture_decorator(decorator):
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = dotted(target) or ""
    return name in ("pytest.fixture", "fixture", "pytest_asyncio.fixture")


def fixture_name(function):
    """The name a fixture function registers (``name=`` wins over the function's)."""
    for decorator in function.decorator_list:
        if is_fixture_decorator(decorator):
            if isinstance(decorator, ast.Call):
                for keyword in decorator.keywords:
                    if keyword.arg == "name" and isinstance(
                        keyword.value, ast.Constant
                    ):
                        return keyword.value.value
            return function.name
    return None


def defined_fixtures(tree):
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            name = fixture_name(node)
            if name:
                names.add(name)
    return names


def parametrized_names(function):
    """Argument names a ``pytest.mark.parametrize`` or hypothesis ``@given`` supplies."""
    names = set()
    for decorator in function.decorator_list:
        if not isinstance(decorator, ast.Call):
            continue
        name = dotted(decorator.func) or ""
        if name.endswith("parametrize") and decorator.args:
            first = decorator.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names.update(
                    part.strip() for part in first.value.split(",") if part.strip()
                )
            elif isinstance(first, (ast.List, ast.Tuple)):
                names.update(e.value for e in first.elts if isinstance(e, ast.Constant))
        elif name.endswith("given"):
            names.update(k.arg for k in decorator.keywords if k.arg)
    return names


def patch_target(call):
    """``(target, style)`` of a patch call, or None: the dotted target and how it is replaced."""
    name = dotted(call.func) or ""
    last = name.split(".")[-1]
    args = call.args
    kw = {k.arg: k.value for k in call.keywords if k.arg}
    strings = [
        a.value
        for a in args
        if isinstance(a, ast.Constant) and isinstance(a.value, str)
    ]
    if name.endswith("patch.dict") or (last == "dict" and "patch" in name):
        if args:
            target = (
                args[0].value if isinstance(args[0], ast.Constant) else dotted(args[0])
            )
            return target, "item"
        return None
    if name.endswith("patch.object") or (last == "object" and "patch" in name):
        if len(args) >= 2 and isinstance(args[1], ast.Constant):
            base = dotted(args[0]) or "?"
            new = len(args) >= 3 or "new" in kw
            return f"{base}.{args[1].value}", "attribute" if new else "mock"
        return None
    if last == "patch" or name.endswith("mocker.patch"):
        if strings:
            new = len(args) >= 2 or "new" in kw
            return strings[0], "attribute" if new else "mock"
        return None
    if name.endswith("setattr") and ("monkeypatch" in name or name == "setattr"):
        if len(args) >= 3 and isinstance(args[1], ast.Constant):
            return f"{dotted(args[0]) or '?'}.{args[1].value}", "attribute"
        if len(args) == 2 and strings:
            return strings[0], "attribute"
        return None
    if name.endswith("setitem") and "monkeypatch" in name and len(args) >= 2:
        return dotted(args[0]) or "?", "item"
    return None


def short(target):
    return (target or "").split(".")[-1]


MOCKISH_WORDS = {"mock", "mocked", "fake", "stub", "dummy", "patched"}


def sys_modules_key(args):
    """The module name of ``monkeypatch.setitem(sys.modules, "wandb", ...)``, or None."""
    if (
        len(args) >= 2
        and dotted(args[0]) == "sys.modules"
        and isinstance(args[1], ast.Constant)
        and isinstance(args[1].value, str)
    ):
        return short(args[1].value)
    return None


def means_of_call(call, in_decorator):
    """``(object, means)`` when the call replaces an object, or None.

    The means is how the test replaces it (a ``@patch`` decorator, ``patch()``
    in the body, ``mocker.patch``, ``monkeypatch``); the object is the last
    part of what is replaced (``model_manager.wandb`` is ``wandb``).
    """
    name = dotted(call.func) or ""
    if "monkeypatch" in name.split(".")[0] and name.split(".")[-1] in (
        "setattr",
        "setitem",
        "delattr",
    ):
        key = sys_modules_key(call.args)
        if key:
            return key, "monkeypatch"
        patched = patch_target(call)
        return (short(patched[0]), "monkeypatch") if patched else None
    patched = patch_target(call)
    if not patched:
        return None
    target = patched[0]
    if patched[1] == "item" and target == "sys.modules":
        keys = call.args[1] if len(call.args) >= 2 else None
        if isinstance(keys, ast.Dict) and keys.keys:
            first = keys.keys[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                target = first.value
    if in_decorator:
        return short(target), "@patch decorator"
    if name.startswith("mocker."):
        return short(target), "mocker.patch"
    return short(target), "patch() in the body"


def mock_means(function, module_names, requested):
    """How one test replaces objects: ``[(object, means, line)]``, plus the mock-like fixtures it asks for."""
    found = []
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Call):
            means = means_of_call(decorator, True)
            if means:
                found.append((means[0], means[1], decorator.lineno))
    for statement in function.body:
        for node in ast.walk(statement):
            if isinstance(node, ast.Call):
                means = means_of_call(node, False)
                if means:
                    found.append((means[0], means[1], node.lineno))
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                factory = (dotted(node.value.func) or "").split(".")[-1]
                if factory not in MOCK_FACTORIES:
                    continue
                for target in node.targets:
                    # ``model_manager.wandb = MagicMock()`` or ``sys.modules["wandb"] = MagicMock()``.
                    if (
                        isinstance(target, ast.Attribute)
                        and isinstance(target.value, ast.Name)
                        and target.value.id in module_names
                    ):
                        found.append((target.attr, "direct assignment", node.lineno))
                    elif (
                        isinstance(target, ast.Subscript)
                        and dotted(target.value) == "sys.modules"
                        and isinstance(target.slice, ast.Constant)
                        and isinstance(target.slice.value, str)
                    ):
                        found.append(
                            (
                                short(target.slice.value),
                                "direct assignment",
                                node.lineno,
                            )
                        )
    fixtures = [
        fixture
        for fixture in requested
        if MOCKISH_WORDS & set(fixture["name"].lower().split("_"))
    ]
    return [entry for entry in found if entry[0]], fixtures


def mixed_means_findings(means, fixture_uses):
    """One finding an object that tests replace in two or more ways (a fixture counts as one)."""
    by_object = {}
    for obj, style, line, test in means:
        by_object.setdefault(obj, []).append(
            {"style": style, "line": line, "test": test}
        )
    findings = []
    for obj, uses in by_object.items():
        # A fixture named for the object (``mock_wandb_disabled`` for ``wandb``) is a way too.
        for fixture in fixture_uses:
            if obj.lower() in fixture["name"].lower().split("_"):
                uses.append(
                    {
                        "style": f"fixture `{fixture['name']}`",
                        "line": fixture["line"],
                        "test": fixture["test"],
                        "kind": "fixture",
                    }
                )
        kinds = {use.get("kind", use["style"]) for use in uses}
        tests = {use["test"] for use in uses}
        if len(kinds) < 2 or len(tests) < 2:
            continue
        uses.sort(key=lambda use: use["line"])
        ways = {}
        for use in uses:
            ways.setdefault(use["style"], []).append(use)
        described = "; ".join(
            f"{style} in "
            + ", ".join(f"{use['test']} (line {use['line']})" for use in listed)
            for style, listed in ways.items()
        )
        findings.append(
            {
                "kind": "mixed-mock-styles",
                "line": uses[0]["line"],
                "lines": sorted({use["line"] for use in uses}),
                "object": obj,
                "tests": sorted(
                    tests,
                    key=lambda name: min(u["line"] for u in uses if u["test"] == name),
                ),
                "message": f"`{obj}` is mocked {len(kinds)} different ways across tests ({described}): "
                "mock it one way, ideally from one shared fixture",
            }
        )
    return findings


class TestFacts(ast.NodeVisitor):
    """Walks one test function and gathers what it does."""

    def __init__(self, function, module_names, local_names=frozenset()):
        self.function = function
        self.module_names = module_names
        self.local_names = local_names
        self.slices = 0
        self.mock_vars = {}  # local name -> patched target (or "" for a plain Mock)
        self.calls = []
        self.patches = []
        self.raises = []
        self.side_effects = []
        self.asserts = 0
        self.mock_asserts = []
        self.assert_texts = []
        self.identifiers = set()
        self.strings = []
        self.ints = []
        self.sleeps = []
        self.mkdtemps = []
        self.cleanups = False
        self.mock_styles = []  # (object, style, line)
        self.uses_threads = False
        self.uses_processes = False
        self.hypothesis = False
        for arg in function.args.args + function.args.kwonlyargs:
            if arg.arg.startswith("mock") or arg.arg.endswith("_mock"):
                self.mock_vars[arg.arg] = ""

    # -- helpers -----------------------------------------------------------
    def mock_object(self, node):
        """The object a mock expression stands for (``mock_x.FEATURE_SPECS`` → FEATURE_SPECS)."""
        chain = dotted(node) or ""
        parts = [p for p in chain.replace("()", "").replace("[]", "").split(".") if p]
        if not parts:
            return None
        base = parts[0]
        rest = [
            p
            for p in parts[1:]
            if not p.startswith("__") and p not in ("return_value", "side_effect")
        ]
        if rest:
            return rest[-1]
        if base in self.mock_vars and self.mock_vars[base]:
            return short(self.mock_vars[base])
        return base

    def is_mock_root(self, node):
        name = root_name(node)
        return name is not None and (name in self.mock_vars or name.startswith("mock"))

    def bind_mock(self, target_node, value):
        if isinstance(target_node, ast.Name) and isinstance(value, ast.Call):
            name = dotted(value.func) or ""
            patched = patch_target(value)
            if patched:
                self.mock_vars[target_node.id] = patched[0]
            elif name.split(".")[-1] in MOCK_FACTORIES:
                self.mock_vars[target_node.id] = ""

    # -- visitors ----------------------------------------------------------
    def visit_With(self, node):
        for item in node.items:
            expr = item.context_expr
            if isinstance(expr, ast.Call):
                name = dotted(expr.func) or ""
                if name.endswith("raises") and expr.args:
                    self.raises.append(dotted(expr.args[0]) or "?")
                    self.asserts += 1
                elif name.endswith("warns"):
                    self.asserts += 1
                if item.optional_vars is not None:
                    self.bind_mock(item.optional_vars, expr)
                if name.endswith("TemporaryDirectory"):
                    self.cleanups = True
        self.generic_visit(node)

    visit_AsyncWith = visit_With

    def visit_Assign(self, node):
        for target in node.targets:
            self.bind_mock(target, node.value)
            self.record_mock_assignment(target, node.value, node.lineno)
        self.generic_visit(node)

    def record_mock_assignment(self, target, value, line):
        if isinstance(target, ast.Attribute):
            chain = dotted(target) or ""
            if target.attr == "side_effect":
                self.side_effects.append(self.describe_side_effect(value))
            if ".__getitem__." in f".{chain}." and chain.endswith(
                (".return_value", ".side_effect")
            ):
                self.mock_styles.append(
                    (
                        self.mock_object(target.value.value),
                        "__getitem__.return_value",
                        line,
                    )
                )
            elif target.attr not in (
                "return_value",
                "side_effect",
            ) and not target.attr.startswith("__"):
                if self.is_mock_root(target.value):
                    self.mock_styles.append((target.attr, "attribute assignment", line))
        elif isinstance(target, ast.Subscript):
            if (
                self.is_mock_root(target.value)
                or (dotted(target.value) or "").isupper()
            ):
                obj = self.mock_object(target.value)
                if obj:
                    self.mock_styles.append((obj, "item assignment", line))

    def describe_side_effect(self, value):
        if isinstance(value, (ast.List, ast.Tuple)):
            items = [
                dotted(e.func if isinstance(e, ast.Call) else e) or "value"
                for e in value.elts
            ]
            return {"kind": "sequence", "items": items}
        if isinstance(value, ast.Call):
            return {"kind": "raise", "items": [dotted(value.func) or "?"]}
        if isinstance(value, ast.Name):
            return {
                "kind": "raise" if value.id[:1].isupper() else "callable",
                "items": [value.id],
            }
        return {"kind": "other", "items": []}

    def visit_Assert(self, node):
        self.asserts += 1
        self.assert_texts.append(ast.unparse(node.test))
        self.generic_visit(node)

    def visit_Call(self, node):
        name = dotted(node.func) or ""
        last = name.split(".")[-1] if name else ""
        root = root_name(node.func)
        if MOCK_ASSERTIONS.match(last):
            self.mock_asserts.append(last)
            self.asserts += 1
        if (
            name in ("time.sleep", "sleep")
            or name.endswith(".sleep")
            and root == "time"
        ):
            self.sleeps.append(node.lineno)
        if name in ("tempfile.mkdtemp", "mkdtemp"):
            self.mkdtemps.append(node.lineno)
        if last in ("rmtree", "cleanup", "addfinalizer") or name.endswith(
            "TemporaryDirectory"
        ):
            self.cleanups = True
        if (
            root in ("threading", "ThreadPoolExecutor", "Thread", "Barrier")
            or "ThreadPool" in name
        ):
            self.uses_threads = True
        if (
            root in ("multiprocessing", "mp", "ProcessPoolExecutor", "Process")
            or "ProcessPool" in name
        ):
            self.uses_processes = True
        if last in (
            "assertEqual",
            "assertTrue",
            "assertFalse",
            "assertRaises",
            "assertIn",
            "assertIsNone",
            "assert_same_state",
            "assert_allclose",
            "assert_array_equal",
            "assert_frame_equal",
        ):
            self.asserts += 1
        patched = patch_target(node)
        if patched:
            self.patches.append({"target": patched[0], "line": node.lineno})
            if patched[1] in ("item", "attribute"):
                self.mock_styles.append(
                    (
                        short(patched[0]),
                        f"{'patch.dict' if patched[1] == 'item' else 'replacement'}",
                        node.lineno,
                    )
                )
        for keyword in node.keywords:
            if keyword.arg == "side_effect":
                self.side_effects.append(self.describe_side_effect(keyword.value))
        if name:
            if root in self.local_names:
                base = "local"
            elif root in self.module_names:
                base = "module"
            elif self.is_mock_root(node.func):
                base = "mock"
            elif root in RAW_IO_ROOTS or name in ("open",):
                base = "io"
            else:
                base = "object"
            self.calls.append(
                {
                    "name": last,
                    "dotted": name,
                    "base": base,
                    "line": node.lineno,
                    "args": [constant_kind(a) for a in node.args],
                    "keywords": {
                        k.arg: constant_kind(k.value) for k in node.keywords if k.arg
                    },
                }
            )
        self.generic_visit(node)

    def visit_Slice(self, node):
        self.slices += 1
        self.generic_visit(node)

    def visit_Name(self, node):
        self.identifiers.add(node.id)

    def visit_Attribute(self, node):
        self.identifiers.add(node.attr)
        self.generic_visit(node)

    def visit_Constant(self, node):
        if isinstance(node.value, str) and len(node.value) < 200:
            self.strings.append(node.value)
        elif isinstance(node.value, int) and not isinstance(node.value, bool):
            self.ints.append(node.value)
        elif isinstance(node.value, bytes):
            self.strings.append("<bytes>")

    def visit_FunctionDef(self, node):
        if node is self.function:
            for decorator in node.decorator_list:
                self.visit(decorator)
                name = (
                    dotted(
                        decorator.func if isinstance(decorator, ast.Call) else decorator
                    )
                    or ""
                )
                if name.endswith("given"):
                    self.hypothesis = True
            for statement in node.body:
                self.visit(statement)
        else:
            self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef


def decorator_patch_params(function):
    """Maps ``@patch("a.b")`` decorators to the mock parameters they inject (innermost first)."""
    patched = []
    for decorator in reversed(function.decorator_list):
        if isinstance(decorator, ast.Call):
            result = patch_target(decorator)
            if result and result[1] == "mock":
                patched.append(result[0])
    params = [a.arg for a in function.args.args if a.arg not in ("self", "cls")]
    return dict(zip(params, patched)), patched


def collect_tests(tree):
    """``(function, class name or None)`` of every test function, in source order."""
    found = []
    for node in tree.body:
        if isinstance(
            node, (ast.FunctionDef, ast.AsyncFunctionDef)
        ) and node.name.startswith("test"):
            found.append((node, None))
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            for item in node.body:
                if isinstance(
                    item, (ast.FunctionDef, ast.AsyncFunctionDef)
                ) and item.name.startswith("test"):
                    found.append((item, node.name))
    return found


def module_imports(tree):
    imports = []
    names = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                names.add((alias.asname or alias.name).split(".")[0])
                imports.append({"module": alias.name, "names": [], "line": node.lineno})
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imports.append(
                {
                    "module": node.module,
                    "names": [a.name for a in node.names],
                    "line": node.lineno,
                }
            )
            for alias in node.names:
                if alias.name[:1].islower():
                    names.add(alias.asname or alias.name)
    return imports, names


def conftests_in_scope(path):
    found = []
    directory = os.path.dirname(os.path.abspath(path))
    while True:
        candidate = os.path.join(directory, "conftest.py")
        if os.path.isfile(candidate):
            found.append(candidate)
        if any(
            os.path.exists(os.path.join(directory, marker)) for marker in ROOT_MARKERS
        ):
            break
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    return found


def read_source(path):
    """Decode the file as Python does: UTF-8, or the PEP 263 coding line's encoding."""
    with open(path, "rb") as handle:
        data = handle.read()
    if b"\0" in data[:4096]:
        raise UnicodeDecodeError("utf-8", data[:1], 0, 1, "binary content (NUL bytes)")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        # An unknown or contradictory coding line: Python refuses the file too.
        raise UnicodeDecodeError("utf-8", data[:1], 0, 1, str(error)) from None
    return data.decode(encoding)


def parse(path):
    source = read_source(path)
    return source, ast.parse(source, filename=path)


def describe_file(path, fixture_cache):
    entry = {
        "path": path,
        "lines": 0,
        "error": None,
        "imports": [],
        "tests": [],
        "findings": [],
        "fixtures_defined": [],
    }
    try:
        source, tree = parse(path)
    except OSError as error:
        entry["error"] = {
            "kind": "unreadable",
            "message": error.strerror or str(error),
            "line": None,
        }
        return entry
    except UnicodeDecodeError as error:
        entry["error"] = {
            "kind": "not-python",
            "message": (
                f"not UTF-8 text ({error.reason})"
                if error.encoding.replace("-", "").lower().startswith("utf8")
                else f"not {error.encoding} text, as its coding line says ({error.reason})"
            ),
            "line": None,
        }
        return entry
    except (MemoryError, RecursionError) as error:
        entry["error"] = {
            "kind": "too-large",
            "message": f"{type(error).__name__} while parsing it",
            "line": None,
        }
        return entry
    except (SyntaxError, ValueError) as error:
        line = getattr(error, "lineno", None)
        text = (getattr(error, "text", None) or "").strip()
        entry["error"] = {
            "kind": "syntax",
            "message": getattr(error, "msg", str(error)),
            "line": line,
            "text": text,
        }
        return entry
    entry["lines"] = len(source.splitlines())
    imports, module_names = module_imports(tree)
    entry["imports"] = imports
    own = defined_fixtures(tree)
    entry["fixtures_defined"] = sorted(own)
    scope = []
    for conftest in conftests_in_scope(path):
        if conftest not in fixture_cache:
            try:
                conftest_tree = parse(conftest)[1]
            except (OSError, SyntaxError, ValueError, UnicodeDecodeError):
                conftest_tree = ast.Module(body=[], type_ignores=[])
            fixture_cache[conftest] = defined_fixtures(conftest_tree)
            fixture_cache[("imports", conftest)] = module_imports(conftest_tree)[0]
        scope.append(conftest)
        # What the conftest imports tells the binding too (the manager is often built there).
        entry["conftest_imports"] = (
            entry.get("conftest_imports", []) + fixture_cache[("imports", conftest)]
        )
    entry["conftests"] = scope
    findings = entry["findings"]
    seen = {}
    styles = {}
    means = []
    fixture_uses = []
    local_names = {
        node.name
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        and not node.name.startswith(("test", "Test"))
        and not (isinstance(node, ast.ClassDef) or fixture_name(node))
    }
    for function, class_name in collect_tests(tree):
        start = min([function.lineno] + [d.lineno for d in function.decorator_list])
        key = (class_name, function.name)
        if key in seen:
            earlier = seen[key]
            findings.append(
                {
                    "kind": "duplicate-name",
                    "line": function.lineno,
                    "test": function.name,
                    "message": f"`{function.name}` is defined again at line {function.lineno}"
                    f"{' in class ' + class_name if class_name else ''}; it replaces the one at line {earlier},"
                    " which never runs",
                    "related": earlier,
                }
            )
        seen[key] = function.lineno
        supplied = parametrized_names(function)
        by_param, patched_targets = decorator_patch_params(function)
        facts = TestFacts(function, module_names, local_names)
        for param, target in by_param.items():
            facts.mock_vars[param] = target
        facts.visit(function)
        params = [
            a
            for a in function.args.args + function.args.kwonlyargs
            if a.arg not in ("self", "cls")
        ]
        requested = [
            {"name": a.arg, "line": a.lineno}
            for a in params
            if a.arg not in supplied and a.arg not in by_param
        ]
        for decorator in function.decorator_list:
            if isinstance(decorator, ast.Call) and (
                dotted(decorator.func) or ""
            ).endswith("usefixtures"):
                requested += [
                    {"name": arg.value, "line": arg.lineno}
                    for arg in decorator.args
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                ]
        test = {
            "name": function.name,
            "class": class_name,
            "line": function.lineno,
            "start": start,
            "end": function.end_lineno,
            "lines": function.end_lineno - start + 1,
            "fixtures": requested,
            "calls": facts.calls,
            "patches": facts.patches
            + [{"target": t, "line": function.lineno} for t in patched_targets],
            "raises": facts.raises,
            "side_effects": facts.side_effects,
            "asserts": facts.asserts,
            "assert_texts": facts.assert_texts,
            "mock_asserts": facts.mock_asserts,
            "identifiers": sorted(facts.identifiers - {function.name}),
            "strings": facts.strings,
            "ints": facts.ints,
            "threads": facts.uses_threads,
            "processes": facts.uses_processes,
            "hypothesis": facts.hypothesis,
            "slices": facts.slices,
        }
        entry["tests"].append(test)
        if facts.asserts == 0:
            findings.append(
                {
                    "kind": "no-assertion",
                    "line": function.lineno,
                    "test": function.name,
                    "message": f"`{function.name}` asserts nothing (no assert, pytest.raises or mock assertion): it passes whatever the code does",
                }
            )
        for line in facts.sleeps:
            findings.append(
                {
                    "kind": "sleep",
                    "line": line,
                    "test": function.name,
                    "message": f"`{function.name}` calls time.sleep: slow and flaky; wait on an event or a bounded condition instead",
                }
            )
        if not facts.cleanups:
            for line in facts.mkdtemps:
                findings.append(
                    {
                        "kind": "mkdtemp",
                        "line": line,
                        "test": function.name,
                        "message": f"`{function.name}` makes a directory with tempfile.mkdtemp and never removes it; use pytest's tmp_path",
                    }
                )
        for obj, style, line in facts.mock_styles:
            if obj:
                styles.setdefault(obj, []).append(
                    {"style": style, "line": line, "test": function.name}
                )
        test["_requested"] = requested
        replaced, mocking_fixtures = mock_means(function, module_names, requested)
        means += [(obj, style, line, function.name) for obj, style, line in replaced]
        fixture_uses += [
            {"name": f["name"], "line": f["line"], "test": function.name}
            for f in mocking_fixtures
        ]
    for obj, uses in styles.items():
        kinds = sorted({use["style"] for use in uses})
        tests = {use["test"] for use in uses}
        if len(kinds) >= 2 and len(tests) >= 2:
            lines = sorted({use["line"] for use in uses})
            findings.append(
                {
                    "kind": "mixed-mocking",
                    "line": lines[0],
                    "lines": lines,
                    "object": obj,
                    "message": f"`{obj}` is mocked in {len(kinds)} ways across tests ("
                    + "; ".join(
                        f"{kind} at line{'s' if len(ls) > 1 else ''} {', '.join(map(str, ls))}"
                        for kind in kinds
                        for ls in [
                            sorted({u["line"] for u in uses if u["style"] == kind})
                        ]
                    )
                    + "): pick one, ideally a shared fixture",
                }
            )
    findings.extend(mixed_means_findings(means, fixture_uses))
    for test in entry["tests"]:
        test.pop("_requested", None)
    return entry


# Where a run's use of Hypothesis shows: its files, their conftests, pytest's
# configuration (``--hypothesis-*`` options in addopts) and PYTEST_ADDOPTS.
PYTEST_CONFIG_FILES = (
    "pytest.ini",
    ".pytest.ini",
    "pyproject.toml",
    "setup.cfg",
    "tox.ini",
)


def names_hypothesis(paths, cwd):
    """Whether Hypothesis is named by any of ``paths``, pytest's config in ``cwd`` or its env."""
    if "hypothesis" in os.environ.get("PYTEST_ADDOPTS", ""):
        return True
    for path in [*paths, *(os.path.join(cwd, name) for name in PYTEST_CONFIG_FILES)]:
        try:
            with open(path, "rb") as source:
                if b"hypothesis" in source.read():
                    return True
        except FileNotFoundError:
            continue
        except OSError:
            return True
    return False


def pytest_fixture_names(files, cwd, conftests=()):
    """What ``pytest --fixtures`` lists for these files, or (None, why).

    Hypothesis's plugin defines no fixture, yet imports all of Hypothesis when
    a session ends (most of the listing's time with a recent Hypothesis): it is
    left out when nothing of the run names Hypothesis.
    """
    without_hypothesis = (
        []
        if names_hypothesis([*files, *conftests], cwd)
        else ["-p", "no:hypothesispytest"]
    )
    command = [
        sys.executable,
        "-m",
        "pytest",
        "--fixtures",
        "-p",
        "no:cacheprovider",
        # pytest-benchmark makes a .benchmarks folder wherever pytest starts: reading writes nothing.
        "-p",
        "no:benchmark",
        *without_hypothesis,
        "-q",
        *files,
    ]
    try:
        done = subprocess.run(
            command,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=120,
            # Importing the tests must not leave __pycache__ folders beside them either.
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return None, str(error)
    names = set(
        re.findall(
            r"^([A-Za-z_][A-Za-z0-9_]*)(?: \[[a-z]+ scope\])? -- ", done.stdout, re.M
        )
    )
    if not names:
        return None, (done.stderr or done.stdout).strip().splitlines()[-1:] or [
            "no fixtures listed"
        ]
    return names, None


def main():
    request = json.load(sys.stdin)
    cache = {}
    files = [describe_file(path, cache) for path in request["files"]]
    pytest_names, pytest_error = (None, None)
    good = [entry["path"] for entry in files if entry["error"] is None]
    if request.get("fixtures") and good:
        conftests = {
            conftest
            for entry in files
            if entry["error"] is None
            for conftest in entry["conftests"]
        }
        pytest_names, pytest_error = pytest_fixture_names(
            good, request.get("cwd") or os.getcwd(), sorted(conftests)
        )
    for entry in files:
        if entry["error"] is not None:
            continue
        available = set(entry["fixtures_defined"])
        for conftest in entry["conftests"]:
            available |= cache.get(conftest, set())
        if pytest_names is not None:
            available |= pytest_names
        else:
            available |= BUILTIN_FIXTURES
        for test in entry["tests"]:
            for fixture in test["fixtures"]:
                if fixture["name"] not in available:
                    entry["findings"].append(
                        {
                            "kind": "missing-fixture",
                            "line": fixture["line"],
                            "test": test["name"],
                            "fixture": fixture["name"],
                            "message": f"`{test['name']}` asks for fixture `{fixture['name']}`, which no conftest in scope, this file, pytest or an installed plugin defines: the test errors at setup",
                        }
                    )
        entry["findings"].sort(key=lambda finding: (finding["line"], finding["kind"]))
    json.dump(
        {
            "files": files,
            "pytest_fixtures": sorted(pytest_names)
            if pytest_names is not None
            else None,
            "pytest_error": pytest_error
            if isinstance(pytest_error, str) or pytest_error is None
            else " ".join(pytest_error),
        },
        sys.stdout,
    )


# pytest's own fixtures, for when pytest --fixtures cannot run.
BUILTIN_FIXTURES = {
    "cache",
    "capsys",
    "capsysbinary",
    "capfd",
    "capfdbinary",
    "caplog",
    "doctest_namespace",
    "monkeypatch",
    "pytestconfig",
    "record_property",
    "record_xml_attribute",
    "record_testsuite_property",
    "recwarn",
    "request",
    "tmp_path",
    "tmp_path_factory",
    "tmpdir",
    "tmpdir_factory",
    "subtests",
    "capteesys",
}


if __name__ == "__main__":
    main()

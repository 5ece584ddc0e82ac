"""A pytest plugin that sets each distinct set-up up once under ``--setup-only``.

The generator's check of a new suite (python/driver.py) registers it; a run
can load it with ``-p one_setup_each`` (this folder on PYTHONPATH), as the
tests of the generated Python do. A parametrized case's variants mostly
differ in what only the test body reads: setting the same fixtures up again
for each of them checks nothing new, and was half the check's time.
"""

import pytest


def setup_key(item):
    """What decides how ``item``'s fixtures are set up; None when that cannot be told.

    Two tests with the same key set up the same fixtures from the same
    values: the same file, the same fixtures, the same objects for each
    parameter a fixture reads (a fixture's own params, or a test parameter a
    fixture takes by name) and the same marks (a skip mark skips the set-up).
    Parameters only the test function takes, as most of a parametrized
    case's are, never reach a fixture. Objects are told apart by identity,
    which is cheap and never merges two values that differ.
    """
    definitions = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", None)
    if definitions is None:
        return None
    read_by_fixtures = set()
    for name in item.fixturenames:
        for definition in definitions.get(name, ()):
            # A test parameter stands in as a fixture of its own: it reads nothing.
            if (
                getattr(definition.func, "__name__", "")
                == "get_direct_param_fixture_func"
            ):
                continue
            read_by_fixtures.update(definition.argnames)
            if definition.params is not None:
                read_by_fixtures.add(name)
    callspec = getattr(item, "callspec", None)
    values = {}
    if callspec is not None:
        values.update(getattr(callspec, "funcargs", None) or {})
        values.update(callspec.params)
    parameters = sorted(
        (name, id(value)) for name, value in values.items() if name in read_by_fixtures
    )
    marks = [id(mark) for mark in item.iter_markers()]
    return (str(item.path), tuple(item.fixturenames), tuple(parameters), tuple(marks))


class OneSetupEach:
    """Keeps the first test of each set-up (``setup_key``) and counts every test.

    ``collected`` stays None unless collection worked.
    """

    collected = None
    collected_all = 0

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config, items):
        seen = set()
        kept, left = [], []
        for item in items:
            key = setup_key(item)
            if key is not None and key in seen:
                left.append(item)
                continue
            seen.add(key)
            kept.append(item)
        self.collected_all = len(items)
        items[:] = kept
        if left:
            config.hook.pytest_deselected(items=left)

    def pytest_runtestloop(self, session):
        # Called after a failed collection too, just before pytest stops on it.
        if not session.testsfailed:
            self.collected = self.collected_all


def pytest_configure(config):
    """Loaded with ``-p one_setup_each``: registers the plugin for this run."""
    config.pluginmanager.register(OneSetupEach(), "one-setup-each")

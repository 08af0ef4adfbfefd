"""The lock files hold every dependency pyproject.toml declares, at a version it allows.

The README's commands install requirements/dev.lock and the Docker image
requirements/production.lock: a dependency added to pyproject.toml without `deploy/lock`
would be missing from both.
"""

import ast
import importlib.metadata
import re
import sys
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import PROJECT_ROOT

PROJECT = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)", re.MULTILINE)


def _pins(lock: str) -> dict[str, str]:
    text = (PROJECT_ROOT / "requirements" / lock).read_text()
    return {canonicalize_name(name): version for name, version in PIN.findall(text)}


def _requirements(*extras: str) -> list[Requirement]:
    declared = PROJECT["dependencies"] + [
        line for extra in extras for line in PROJECT["optional-dependencies"][extra]
    ]
    return [Requirement(line) for line in declared]


@pytest.mark.parametrize(
    ("lock", "extras"), [("production.lock", ()), ("dev.lock", ("dev", "embedded"))]
)
def test_every_declared_dependency_is_locked_at_an_allowed_version(lock, extras):
    pins = _pins(lock)
    for requirement in _requirements(*extras):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in requirements/{lock}: run deploy/lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"requirements/{lock} pins {name}=={pins[name]}, outside {requirement.specifier}"
        )


def test_production_installs_no_embedded_database_or_test_tools():
    pins = _pins("production.lock")
    for requirement in _requirements("embedded", "dev"):
        if requirement not in _requirements():
            assert canonicalize_name(requirement.name) not in pins, requirement.name


FIRST_PARTY = {"lhh", "tenants", "cms", "api"}
RUNTIME_FOLDERS = ["platform", "tenants", "cms", "api"]


def _imported_top_level_names() -> dict[str, str]:
    """Each third-party top-level module the platform's code imports, with one file that
    imports it (imports inside functions count)."""
    names: dict[str, str] = {}
    for folder in RUNTIME_FOLDERS:
        for path in (PROJECT_ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules = [node.module]
                else:
                    continue
                for module in modules:
                    top = module.split(".")[0]
                    if top not in sys.stdlib_module_names and top not in FIRST_PARTY:
                        names.setdefault(top, str(path.relative_to(PROJECT_ROOT)))
    return names


def test_every_imported_package_is_declared():
    declared = {canonicalize_name(r.name) for r in _requirements("embedded")}
    providers = importlib.metadata.packages_distributions()
    for module, where in _imported_top_level_names().items():
        distributions = {canonicalize_name(d) for d in providers.get(module, [])}
        assert distributions, f"{module} (imported in {where}) is not installed"
        assert distributions & declared, (
            f"{where} imports {module} ({', '.join(sorted(distributions))}), "
            "which pyproject.toml does not declare"
        )

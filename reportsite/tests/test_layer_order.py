"""The apps form layers, and code only ever imports from a layer below its own.

Lowest first. An app may import from any app in a lower layer, never from its
own layer's other apps or from above, not even inside a function: an import
hidden in a function is still a dependency, and the cycles it used to hide
(tasks and services, reports and triage) are what this test keeps out.
Tests and migrations are not part of the layering. A new app must be given a
layer here before its first test run passes.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps as django_apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)

LAYERS: list[set[str]] = [
    {"reportsite"},  # settings, Celery, queueing, middleware: names apps only in strings
    {"staff", "portals"},  # who works here and the audit trail; which portal a visitor came through
    {"reports"},  # the domain: reports, address records, canonical forms, receipts
    {"enrichment"},  # hosting, DNS, liveness and its tracking
    {"triage"},  # assessments, four eyes, the public status rule
    {"takedown"},  # routing, notices, tracking until removal
    {"memberapi"},  # what members read and submit: the URL list, partners' reports
    {"dashboard", "feeds", "exchange"},  # what managers watch; the list as RPZ, TAXII, MISP; partner hotlines
    {"publicsite"},  # the public web face: the report form and the status page
]
LAYER_OF = {app: depth for depth, names in enumerate(LAYERS) for app in names}


def project_apps() -> set[str]:
    return {config.name for config in django_apps.get_app_configs() if Path(config.path).parent == ROOT}


def imported_apps(path: Path, known: set[str]) -> list[tuple[str, int]]:
    """(app, line) for every import of another project app in this file, at any depth."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found += [(name.split(".")[0], node.lineno) for name in names if name.split(".")[0] in known]
    return found


def upward_imports(known: set[str]) -> list[str]:
    wrong = []
    for app in sorted(known):
        for path in sorted((ROOT / app).rglob("*.py")):
            if {"tests", "migrations"} & set(path.relative_to(ROOT).parts):
                continue
            for target, line in imported_apps(path, known):
                if target != app and LAYER_OF[target] >= LAYER_OF[app]:
                    where = f"{path.relative_to(ROOT)}:{line}"
                    wrong.append(f"{where} imports {target} (layer {LAYER_OF[target]}, its own {LAYER_OF[app]})")
    return wrong


def test_every_project_app_has_a_layer():
    assert project_apps() - set(LAYER_OF) == set()


def test_no_app_imports_from_its_own_layer_or_above():
    assert upward_imports(project_apps()) == []


def test_the_check_sees_an_import_hidden_in_a_function(tmp_path):
    module = tmp_path / "reports" / "sneaky.py"
    module.parent.mkdir()
    module.write_text("def f():\n    from triage.models import TriageState\n    return TriageState\n")
    assert imported_apps(module, {"reports", "triage"}) == [("triage", 2)]

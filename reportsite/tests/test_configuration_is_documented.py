"""Every environment variable the code reads is in .env.example and docs/configuration.md, and named in the README."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READERS = re.compile(r"""(?:env_str|env_int|env_bool|env_list|os\.environ\.get)\(\s*["']([A-Z][A-Z0-9_]+)["']""")
NOT_CONFIGURATION = {"DJANGO_SETTINGS_MODULE", "RUN_MAIN", "CI", "TEST_REDIS_URL", "PYTHONWARNINGS"}


def variables_read_by_the_code() -> set[str]:
    names = set()
    for path in ROOT.rglob("*.py"):
        if any(part in {".venv", "var", "tests", "node_modules"} for part in path.parts) or path.name == "conftest.py":
            continue
        names |= set(READERS.findall(path.read_text()))
    return names - NOT_CONFIGURATION


def test_the_code_reads_some_variables():
    assert {"DATABASE_URL", "CELERY_BROKER_URL", "REPORT_RATE_LIMIT"} <= variables_read_by_the_code()


def test_every_variable_is_in_env_example():
    example = (ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", example, re.MULTILINE))
    assert variables_read_by_the_code() - documented == set()


def test_every_variable_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    missing = {name for name in variables_read_by_the_code() if f"`{name}`" not in readme}
    assert missing == set()


def test_every_variable_is_explained_in_the_configuration_guide():
    guide = (ROOT / "docs" / "configuration.md").read_text()
    missing = {name for name in variables_read_by_the_code() if f"`{name}`" not in guide}
    assert missing == set()

import pytest

from testsupport import production


@pytest.fixture(scope="session")
def production_answers(tmp_path_factory):
    """Every route's answer under PRODUCTION=true (security_tests/probe_headers.py), once per session."""
    return production.probe(tmp_path_factory.mktemp("production"), REPORT_RATE_LIMIT="1")

"""`manage.py check --deploy --fail-level WARNING` is clean with a real production configuration."""

import pytest

from testsupport import production

pytestmark = pytest.mark.security


def test_check_deploy_is_clean_with_the_production_settings(tmp_path):
    done = production.run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production.production_env(tmp_path)
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_fails_when_production_is_misconfigured(tmp_path):
    """The same command catches a configuration that is not production-ready (it can fail)."""
    env = production.production_env(
        tmp_path, CLIENT_IP_META_KEY="REMOTE_ADDR", SECURE_HSTS_SECONDS="0", WEBAUTHN_RP_ID="localhost"
    )
    done = production.run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert done.returncode != 0
    assert "reportsite.W001" in done.stderr
    assert "security.W004" in done.stderr
    assert "reportsite.W004" in done.stderr

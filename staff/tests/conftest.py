import pytest

from testsupport.personas import FormClient

# The personas (analyst, senior, senior2, manager, outsider and their *_client
# twins) come from testsupport.fixtures, loaded suite-wide by the root conftest.


@pytest.fixture
def client():
    return FormClient()

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.management.commands.demo_setup import DEMO_PASSWORD
from staff.roles import role_names
from testsupport.personas import totp_now

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    import io

    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_it_makes_one_person_per_role_with_an_authenticator():
    output = run("demo_setup")
    User = get_user_model()
    people = {u.username: role_names(u) for u in User.objects.all()}
    assert people == {
        "analyst": ["Analyst"],
        "senior": ["Senior analyst"],
        "senior2": ["Senior analyst"],
        "manager": ["Manager"],
    }
    assert User.objects.get(username="manager").is_staff
    for user in User.objects.all():
        assert user.check_password(DEMO_PASSWORD)
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        assert device.config_url.split("secret=")[1].split("&")[0] in output
    assert "totp_code" in output and "/staff/login/" in output


def test_running_it_again_changes_nothing():
    run("demo_setup")
    devices = {d.user.username: d.key for d in TOTPDevice.objects.select_related("user")}
    run("demo_setup")
    assert {d.user.username: d.key for d in TOTPDevice.objects.select_related("user")} == devices
    assert get_user_model().objects.count() == 4


def test_totp_code_prints_the_current_code():
    run("demo_setup")
    device = TOTPDevice.objects.get(user__username="senior2")
    assert run("totp_code", "senior2").strip() == totp_now(device)


@pytest.mark.parametrize("command", [("demo_setup",), ("totp_code", "analyst")])
def test_both_refuse_to_run_in_production(settings, command):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="PRODUCTION"):
        run(*command)
    assert not get_user_model().objects.exists()


def test_the_demo_password_passes_the_password_rules():
    from django.contrib.auth.password_validation import validate_password

    run("demo_setup")
    for user in get_user_model().objects.all():
        validate_password(DEMO_PASSWORD, user)

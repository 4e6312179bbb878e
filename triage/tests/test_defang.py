import pytest

from triage.defang import defang, defang_host


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/a", "hxxps://example[.]com/a"),
        ("http://cdn.img.example.org:8080/a.b/c.jpg?x=1.2", "hxxp://cdn[.]img[.]example[.]org:8080/a.b/c.jpg?x=1.2"),
        ("http://192.0.2.7/x", "hxxp://192[.]0[.]2[.]7/x"),
        ("https://[2001:db8::1]:8443/x", "hxxps://[2001[:]db8[:][:]1]:8443/x"),
        ("ftp://files.example.net/f", "fxp://files[.]example[.]net/f"),
        ("HTTPS://Example.COM/", "hxxps://Example[.]COM/"),
        ("http://user@example.com/", "hxxp://user@example[.]com/"),
    ],
)
def test_it_breaks_the_scheme_and_every_dot_of_the_host(url, expected):
    assert defang(url) == expected


def test_it_defangs_bare_hosts_and_ip_addresses():
    assert defang_host("a.b.example.com") == "a[.]b[.]example[.]com"
    assert defang_host("198.51.100.20") == "198[.]51[.]100[.]20"
    assert defang_host("2001:db8::2") == "2001[:]db8[:][:]2"


def test_it_escapes_nothing_because_templates_do():
    assert defang('http://example.com/"><img src=x onerror=alert(1)>') == (
        'hxxp://example[.]com/"><img src=x onerror=alert(1)>'
    )


def test_text_that_is_not_an_address_cannot_become_a_link_either():
    assert defang("javascript:alert(document.cookie)") == "javascript[:]alert(document[.]cookie)"
    assert defang("www.example.com/a") == "www[.]example[.]com/a"
    assert defang("") == ""
    assert defang(None) == ""

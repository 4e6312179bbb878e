import pytest

from triage.defang import defang, defang_host, defang_text


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/a", "hxxps://example[.]com/a"),
        ("http://cdn.img.example.org:8080/a.b/c.jpg?x=1.2", "hxxp://cdn[.]img[.]example[.]org:8080/a.b/c[.]jpg?x=1.2"),
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


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://t.co/r?u=https://evil.example/a.jpg", "hxxps://t[.]co/r?u=hxxps://evil[.]example/a[.]jpg"),
        ("http://victim.com@evil.com/x", "hxxp://victim[.]com@evil[.]com/x"),
        ("http://user:pa.ss@evil.com/", "hxxp://user:pa[.]ss@evil[.]com/"),
        ("http://a.example/go?to=//evil.example/x", "hxxp://a[.]example/go?to=//evil[.]example/x"),
        ("http://a.example/go?ip=203.0.113.9&v=1.2", "hxxp://a[.]example/go?ip=203[.]0[.]113[.]9&v=1.2"),
        ("http://a.example/#ftp://files.evil.example/f", "hxxp://a[.]example/#fxp://files[.]evil[.]example/f"),
        ("http://a.example/?u=HTTPS:\\\\evil.example", "hxxp://a[.]example/?u=hxxps:\\\\evil[.]example"),
        ("http://a.example/?u=gopher://evil.example", "hxxp://a[.]example/?u=gopher[:]//evil[.]example"),
        ("http://a.example/#javascript:alert(1)", "hxxp://a[.]example/#javascript[:]alert(1)"),
        ("www.a.example/?u=https://evil.example", "www[.]a[.]example/?u=hxxps://evil[.]example"),
    ],
)
def test_addresses_nested_in_the_userinfo_path_query_or_fragment_come_out_dead_too(url, expected):
    assert defang(url) == expected


def test_free_text_has_every_address_in_it_defanged_and_the_rest_left_readable():
    text = (
        "Saw it on https://evil.example/a?x=1 via www.bad.example.co.uk and 203.0.113.9, "
        "mail me@evil.example; evil\u3002example too. Version 1.2, page 3.5, javascript:alert(1)"
    )
    assert defang_text(text) == (
        "Saw it on hxxps://evil[.]example/a?x=1 via www[.]bad[.]example[.]co[.]uk and 203[.]0[.]113[.]9, "
        "mail me@evil[.]example; evil[.]example too. Version 1.2, page 3.5, javascript[:]alert(1)"
    )
    assert defang_text(None) == "" and defang_text("") == ""


def test_defanging_defanged_text_changes_nothing():
    once = defang_text("https://t.co/r?u=https://evil.example/a and ftp://x.example")
    assert defang_text(once) == once
    assert defang(defang("https://t.co/r?u=https://evil.example/a")) == defang(
        "https://t.co/r?u=https://evil.example/a"
    )

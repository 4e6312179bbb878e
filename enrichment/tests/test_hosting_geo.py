"""Country and network of an IP address: geoip2fast's bundled data, and MaxMind databases.

MaxMind's database writer is not installed, so write_mmdb() below writes tiny
but real .mmdb files (format: https://maxmind.github.io/MaxMind-DB/) that the
real geoip2.database.Reader then opens; nothing about the reader is stubbed.
"""

import ipaddress
import struct
from datetime import UTC, datetime

import geoip2.database
import pytest
from django.core.exceptions import ImproperlyConfigured

from enrichment import hosting

# --- A minimal MaxMind DB writer ------------------------------------------------


class U32(int):
    """An integer stored as uint32 (libmaxminddb insists on exact metadata types)."""


class U64(int):
    """An integer stored as uint64."""


def _control(type_number: int, size: int) -> bytes:
    if size < 29:
        size_bits, extra = size, b""
    elif size < 29 + 256:
        size_bits, extra = 29, bytes([size - 29])
    else:
        size_bits, extra = 30, (size - 285).to_bytes(2, "big")
    if type_number <= 7:
        return bytes([(type_number << 5) | size_bits]) + extra
    return bytes([size_bits, type_number - 7]) + extra  # Extended type.


def _encode(value) -> bytes:
    if isinstance(value, str):
        data = value.encode()
        return _control(2, len(data)) + data
    if isinstance(value, dict):
        return _control(7, len(value)) + b"".join(_encode(k) + _encode(v) for k, v in value.items())
    if isinstance(value, list):
        return _control(11, len(value)) + b"".join(_encode(item) for item in value)
    if isinstance(value, int):
        data = value.to_bytes((value.bit_length() + 7) // 8, "big")
        type_number = 9 if isinstance(value, U64) else 6 if isinstance(value, U32) else 5  # uint64/32/16
        return _control(type_number, len(data)) + data
    raise TypeError(value)


def write_mmdb(path, database_type: str, records: dict[str, dict], *, built: datetime) -> str:
    """An IPv6 MaxMind DB (24-bit records) mapping each network to its record."""
    data = b""
    tree = [[None, None]]  # Node 0 is the root; a slot holds a node index or ("data", offset).
    for network, record in records.items():
        net = ipaddress.ip_network(network)
        if net.version == 4:  # IPv4 lives under ::/96 in an IPv6 database.
            net = ipaddress.ip_network(f"::{net.network_address}/{96 + net.prefixlen}")
        bits = [(int(net.network_address) >> (127 - i)) & 1 for i in range(net.prefixlen)]
        node = 0
        for bit in bits[:-1]:
            if tree[node][bit] is None:
                tree.append([None, None])
                tree[node][bit] = len(tree) - 1
            node = tree[node][bit]
        tree[node][bits[-1]] = ("data", len(data))
        data += _encode(record)
    node_count = len(tree)

    def record_value(slot):
        if slot is None:
            return node_count  # "No data here."
        if isinstance(slot, tuple):
            return node_count + 16 + slot[1]
        return slot

    search_tree = b"".join(
        struct.pack(">I", record_value(left))[1:] + struct.pack(">I", record_value(right))[1:] for left, right in tree
    )
    metadata = {
        "binary_format_major_version": 2,
        "binary_format_minor_version": 0,
        "build_epoch": U64(built.timestamp()),
        "database_type": database_type,
        "description": {"en": "test database"},
        "ip_version": 6,
        "languages": ["en"],
        "node_count": U32(node_count),
        "record_size": 24,
    }
    path.write_bytes(search_tree + b"\0" * 16 + data + b"\xab\xcd\xefMaxMind.com" + _encode(metadata))
    return str(path)


US = {"iso_code": "US", "names": {"en": "United States"}, "geoname_id": U32(6252001)}
DE = {"iso_code": "DE", "names": {"en": "Germany"}, "geoname_id": U32(2921044)}
BUILT = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)


@pytest.fixture
def country_db(tmp_path):
    return write_mmdb(
        tmp_path / "GeoLite2-Country.mmdb",
        "GeoLite2-Country",
        {
            "8.8.8.0/24": {"country": US, "registered_country": US},
            "2001:4860::/32": {"country": US, "registered_country": US},
            # Placed nowhere, only registered: MaxMind's usual anycast case.
            "198.51.0.0/16": {"registered_country": DE},
        },
        built=BUILT,
    )


@pytest.fixture
def asn_db(tmp_path):
    return write_mmdb(
        tmp_path / "GeoLite2-ASN.mmdb",
        "GeoLite2-ASN",
        {
            "8.8.8.0/24": {"autonomous_system_number": U32(15169), "autonomous_system_organization": "GOOGLE"},
            "2001:4860::/32": {"autonomous_system_number": U32(15169), "autonomous_system_organization": "GOOGLE"},
        },
        built=datetime(2026, 11, 4, tzinfo=UTC),
    )


@pytest.fixture
def bundled(settings):
    settings.GEOIP_COUNTRY_DB = ""
    settings.GEOIP_ASN_DB = ""


# --- The bundled geoip2fast data ------------------------------------------------


@pytest.mark.usefixtures("bundled")
@pytest.mark.parametrize("ip", ["8.8.8.8", "2001:4860:4860::8888", "::ffff:8.8.8.8"])
def test_bundled_data_places_google_dns_in_the_us_with_its_network_name(ip):
    location = hosting.locate(ip)
    assert (location.country_code, location.country_name) == ("US", "United States")
    assert location.network_name == "GOOGLE"
    assert location.asn is None  # geoip2fast ships AS names, not numbers.
    assert location.source == "geoip2fast"
    assert location.approximate is True
    assert location.data_date == "2024-06-18"


@pytest.mark.usefixtures("bundled")
def test_bundled_data_knows_cloudflare_dns():
    location = hosting.locate("1.1.1.1")
    assert location.network_name == "CLOUDFLARENET"
    # GeoLite places 1.1.1.1 in AU (APNIC's research prefix); any real country code will do here.
    assert location.country_code is not None and len(location.country_code) == 2


@pytest.mark.usefixtures("bundled")
@pytest.mark.parametrize(
    "ip", ["10.0.0.1", "192.168.1.1", "127.0.0.1", "100.64.0.1", "224.0.0.1", "::1", "fe80::1", "fc00::1", "192.0.2.1"]
)
def test_private_and_reserved_addresses_have_no_country_or_network(ip):
    location = hosting.locate(ip)
    assert (location.country_code, location.country_name, location.asn, location.network_name) == (None,) * 4


@pytest.mark.usefixtures("bundled")
def test_a_string_that_is_not_an_ip_address_is_a_value_error():
    with pytest.raises(ValueError):
        hosting.locate("example.com")


def test_location_is_immutable():
    location = hosting.Location("US", "United States", 15169, "GOOGLE", "maxmind", approximate=False, data_date=None)
    with pytest.raises(AttributeError):
        location.country_code = "DE"


# --- MaxMind databases named in settings -----------------------------------------


def test_maxmind_databases_give_country_and_as_number_and_name(settings, country_db, asn_db):
    settings.GEOIP_COUNTRY_DB, settings.GEOIP_ASN_DB = country_db, asn_db
    assert hosting.locate("8.8.8.8") == hosting.Location(
        country_code="US",
        country_name="United States",
        asn=15169,
        network_name="GOOGLE",
        source="maxmind",
        approximate=False,
        data_date="2026-11-03",  # The older of the two databases' build dates.
    )
    assert hosting.locate("2001:4860:4860::8888").asn == 15169


def test_a_city_database_is_accepted_as_the_country_database(settings, tmp_path):
    settings.GEOIP_COUNTRY_DB = write_mmdb(
        tmp_path / "GeoLite2-City.mmdb",
        "GeoLite2-City",
        {"8.8.8.0/24": {"city": {"names": {"en": "Mountain View"}}, "country": US}},
        built=BUILT,
    )
    settings.GEOIP_ASN_DB = ""
    location = hosting.locate("8.8.8.8")
    assert (location.country_code, location.source, location.data_date) == ("US", "maxmind", "2026-11-03")


def test_with_only_a_country_database_the_network_stays_unknown(settings, country_db):
    settings.GEOIP_COUNTRY_DB, settings.GEOIP_ASN_DB = country_db, ""
    location = hosting.locate("8.8.8.8")
    assert (location.country_code, location.asn, location.network_name) == ("US", None, None)


def test_the_registered_country_stands_in_when_maxmind_cannot_place_an_address(settings, country_db):
    settings.GEOIP_COUNTRY_DB, settings.GEOIP_ASN_DB = country_db, ""
    assert hosting.locate("198.51.7.7").country_code == "DE"


def test_an_address_missing_from_the_maxmind_databases_is_unknown(settings, country_db, asn_db):
    settings.GEOIP_COUNTRY_DB, settings.GEOIP_ASN_DB = country_db, asn_db
    location = hosting.locate("9.9.9.9")
    assert (location.country_code, location.country_name, location.asn, location.network_name) == (None,) * 4
    assert (location.source, location.approximate) == ("maxmind", False)


def test_private_addresses_are_not_looked_up_in_maxmind_either(settings, country_db, asn_db):
    settings.GEOIP_COUNTRY_DB, settings.GEOIP_ASN_DB = country_db, asn_db
    assert hosting.locate("10.1.2.3").country_code is None


def test_each_maxmind_database_is_opened_once_per_process(settings, country_db, asn_db, monkeypatch):
    opened = []
    real_reader = geoip2.database.Reader

    def counting_reader(path, *args, **kwargs):
        opened.append(path)
        return real_reader(path, *args, **kwargs)

    monkeypatch.setattr(geoip2.database, "Reader", counting_reader)
    settings.GEOIP_COUNTRY_DB, settings.GEOIP_ASN_DB = country_db, asn_db
    for _ in range(3):
        hosting.locate("8.8.8.8")
    assert sorted(opened) == sorted([country_db, asn_db])


@pytest.mark.parametrize("setting", ["GEOIP_COUNTRY_DB", "GEOIP_ASN_DB"])
def test_a_missing_database_file_is_a_configuration_error(settings, tmp_path, setting):
    settings.GEOIP_COUNTRY_DB = settings.GEOIP_ASN_DB = ""
    setattr(settings, setting, str(tmp_path / "absent.mmdb"))
    with pytest.raises(ImproperlyConfigured, match=setting):
        hosting.locate("8.8.8.8")


def test_a_file_that_is_not_a_maxmind_database_is_a_configuration_error(settings, tmp_path):
    garbage = tmp_path / "GeoLite2-Country.mmdb"
    garbage.write_bytes(b"this is not a database" * 100)
    settings.GEOIP_COUNTRY_DB, settings.GEOIP_ASN_DB = str(garbage), ""
    with pytest.raises(ImproperlyConfigured, match="GEOIP_COUNTRY_DB"):
        hosting.locate("8.8.8.8")


def test_databases_swapped_between_the_two_settings_are_a_configuration_error(settings, country_db, asn_db):
    settings.GEOIP_COUNTRY_DB, settings.GEOIP_ASN_DB = asn_db, country_db
    with pytest.raises(ImproperlyConfigured, match="not a country database"):
        hosting.locate("8.8.8.8")

"""Reading RDAP answers: the network's blocks and who handles abuse there (no network, no database)."""

from __future__ import annotations

import pytest

from takedown.rdap import RdapError, network_parse
from testsupport.rdap_fixtures import load


def test_it_reads_a_ripe_answer_with_the_abuse_contact_beside_the_organisation():
    network = network_parse(load("ripe_ipv4"))

    assert network.email == "abuse@example-hosting.co.uk"  # not the NOC's address
    assert network.organisation == "Example Hosting Ltd"
    assert network.name == "EXAMPLEHOST-GB-LON1"
    assert network.handle == "203.0.113.0 - 203.0.113.255"
    assert network.cidrs == ("203.0.113.0/24",)
    assert network.notes == ()


def test_it_finds_the_abuse_desk_nested_inside_the_organisation_as_arin_answers():
    network = network_parse(load("arin_nested"))

    assert network.email == "abuse@examplecloud.com"
    assert network.organisation == "Example Cloud, Inc."
    assert network.handle == "NET-198-51-100-0-1"
    assert network.cidrs == ("198.51.100.0/24",)


def test_without_an_abuse_role_it_takes_the_technical_contact_and_says_so():
    network = network_parse(load("no_abuse"))

    assert network.email == "hostmaster@smallhost.example"
    assert network.organisation == "Small Host Ltd"
    assert any("No abuse contact" in note for note in network.notes)
    # Start and end addresses when the answer has no cidr0 blocks.
    assert network.cidrs == ("192.0.2.0/25",)


def test_an_ipv6_range_becomes_its_block():
    network = network_parse(load("ripe_ipv6"))

    assert network.cidrs == ("2001:db8:1000::/36",)
    assert network.email == "abuse-v6@example-hosting.co.uk"


def test_cidr0_blocks_are_preferred_to_the_start_and_end_addresses():
    data = load("arin_nested")
    data["cidr0_cidrs"] = [{"v4prefix": "198.51.100.0", "length": 25}, {"v4prefix": "198.51.100.128", "length": 25}]

    assert network_parse(data).cidrs == ("198.51.100.0/25", "198.51.100.128/25")


def test_a_range_that_is_not_one_block_is_summarised():
    data = load("no_abuse")
    data["endAddress"] = "192.0.2.191"

    assert network_parse(data).cidrs == ("192.0.2.0/25", "192.0.2.128/26")


def test_an_abuse_contact_without_a_valid_email_gives_no_contact_rather_than_another_role():
    data = load("ripe_ipv4")
    abuse = data["entities"][2]
    abuse["vcardArray"][1][-1][3] = "abuse at example-hosting dot co dot uk"

    network = network_parse(data)

    assert network.email == ""  # not noc@, which is there: the abuse role exists
    assert any("not valid" in note for note in network.notes)
    assert any("no usable email" in note for note in network.notes)


def test_the_first_valid_email_of_the_abuse_contact_is_taken():
    data = load("ripe_ipv4")
    data["entities"][2]["vcardArray"][1].insert(3, ["email", {}, "text", "<script>@x"])

    assert network_parse(data).email == "abuse@example-hosting.co.uk"


@pytest.mark.parametrize("data", [{"objectClassName": "entity"}, [], "ip network", None, {"handle": "x"}])
def test_it_refuses_what_is_not_an_ip_network(data):
    with pytest.raises(RdapError):
        network_parse(data)


def test_odd_shapes_from_a_hostile_server_do_not_crash_it():
    data = {
        "objectClassName": "ip network",
        "handle": 12,
        "startAddress": "not an address",
        "endAddress": "192.0.2.1",
        "cidr0_cidrs": [{"v4prefix": "192.0.2.0", "length": "x"}, "junk"],
        "entities": ["junk", {"roles": "abuse", "vcardArray": ["vcard", "junk"]}, {"roles": [None], "entities": 5}],
    }

    network = network_parse(data)

    assert network.email == ""
    assert network.cidrs == ()
    assert network.handle == "12"

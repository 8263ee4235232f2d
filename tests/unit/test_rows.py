from app.engine.rows import (
    PortBinding,
    container_from_list,
    image_from_inspect,
    image_from_list,
    parse_engine_time,
    short_id,
)

LISTED_CONTAINER = {
    "Id": "a" * 64,
    "Names": ["/web"],
    "Image": "eris/ipfs:latest",
    "ImageID": "sha256:" + "b" * 64,
    "Command": "ipfs daemon",
    "Created": 1_700_000_000,
    "Ports": [
        {"IP": "0.0.0.0", "PrivatePort": 4001, "PublicPort": 4001, "Type": "tcp"},
        {"IP": "::", "PrivatePort": 4001, "PublicPort": 4001, "Type": "tcp"},
        {"PrivatePort": 5001, "Type": "udp"},
        {"IP": "127.0.0.1", "PrivatePort": 8080, "PublicPort": 18080, "Type": "tcp"},
    ],
    "Labels": {"eris:NAME": "ipfs", "eris:ERIS": "true"},
    "State": "running",
    "Status": "Up 3 minutes",
    "Mounts": [
        {"Type": "volume", "Name": "ipfs-data", "Destination": "/data"},
        {"Type": "bind", "Source": "/tmp", "Destination": "/tmp"},
    ],
}


def test_container_row_takes_the_list_fields() -> None:
    row = container_from_list(LISTED_CONTAINER)
    assert row.name == "web"
    assert row.state == "running"
    assert row.volume_names == ("ipfs-data",)
    assert dict(row.labels)["eris:NAME"] == "ipfs"
    # IPv4 and IPv6 bindings of one port read as one; loopback bindings keep their address
    assert row.ports_text == "127.0.0.1:18080→8080/tcp, 4001→4001/tcp, 5001/udp"


def test_container_without_names_or_ports_still_has_a_name() -> None:
    row = container_from_list({"Id": "c" * 64, "Ports": None, "Mounts": None, "Labels": None})
    assert row.name == "c" * 12
    assert row.ports == ()
    assert row.volume_names == ()


def test_untagged_image_is_named_by_its_id() -> None:
    row = image_from_list({"Id": "sha256:" + "d" * 64, "RepoTags": ["<none>:<none>"], "Size": 10, "Created": 5})
    assert row.tags == ()
    assert row.name == "<none> " + "d" * 12
    assert row.shared_size == -1


def test_image_from_inspect_parses_the_engine_time() -> None:
    row = image_from_inspect({"Id": "sha256:e", "RepoTags": ["eris/base:latest"], "Size": 3,
                              "Created": "2026-12-03T15:34:03.123456789Z"})
    assert row.created == 1_796_312_043
    assert row.name == "eris/base:latest"


def test_engine_times_with_offsets_and_garbage() -> None:
    assert parse_engine_time("2026-12-03T16:34:03+01:00") == 1_796_312_043
    assert parse_engine_time("2026-12-03T15:34:03Z") == 1_796_312_043
    assert parse_engine_time("") == 0
    assert parse_engine_time("yesterday") == 0


def test_port_binding_text() -> None:
    assert str(PortBinding(80, "tcp")) == "80/tcp"
    assert str(PortBinding(80, "tcp", 8080, "0.0.0.0")) == "8080→80/tcp"
    assert short_id("sha256:" + "f" * 64) == "f" * 12


def test_the_name_a_person_would_type_comes_first() -> None:
    row = image_from_list({"Id": "sha256:1", "RepoTags": ["127.0.0.1:5000/eris/base:latest", "eris/base:latest",
                                                          "localhost/eris/base:1"]})
    assert row.name == "eris/base:latest"
    assert row.tags[1:] == ("localhost/eris/base:1", "127.0.0.1:5000/eris/base:latest")

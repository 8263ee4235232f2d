"""Problems are reported for a person, with file, line and key; one bad file never hides the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services.errors import DefinitionError
from app.services.port_mappings import parse_port_mapping
from app.services.restart_policy import parse_restart_policy
from app.services.validation import check_text, load_all
from tests.services.conftest import write_definition

BROKEN = """
    name = "broken"

    [service]
    image = "eris/base"
    ports = [
      "4001:4001",
      "80:http",
    ]
    environment = ["GOOD=1", "NO_EQUALS"]
    restart = "sometimes"
    """


def _only(errors: list[DefinitionError], key: str) -> DefinitionError:
    found = [error for error in errors if error.key == key]
    assert len(found) == 1, [error.message for error in errors]
    return found[0]


def test_invalid_files_are_reported_with_lines_and_the_rest_still_load(eris_home: Path) -> None:
    write_definition(eris_home, "good", '[service]\nimage = "eris/base"\n')
    broken = write_definition(eris_home, "broken", BROKEN)
    write_definition(eris_home, "syntax", '[service]\nimage = "eris/base"\nports = ["1:1"\n')
    write_definition(eris_home, "badimage", '[service]\nimage = "Eris/IPFS:latest"\n')

    definitions, errors = load_all(eris_home)

    assert sorted(definitions) == ["good"]
    port = _only(errors, "service.ports[1]")
    assert (port.path, port.line) == (broken, 7)
    assert '"80:http" is not a port mapping' in port.message and "broken.toml, line 7" in port.message
    environment = _only(errors, "service.environment[1]")
    assert environment.line == 9 and 'has no "="' in environment.message
    restart = _only(errors, "service.restart")
    assert restart.line == 10 and '"sometimes" is not a restart policy' in restart.message
    syntax = next(error for error in errors if error.path.name == "syntax.toml")
    assert syntax.line is not None and "not valid TOML" in syntax.message
    image = _only(errors, "service.image")
    assert image.line == 2 and "lowercase" in image.message
    assert set(load_all(eris_home).invalid()) == {"broken", "syntax", "badimage"}


def test_missing_dependencies_and_cycles_are_named(eris_home: Path) -> None:
    write_definition(eris_home, "a", '[service]\nimage = "eris/base"\n[dependencies]\nservices = ["b"]\n')
    write_definition(eris_home, "b", '[service]\nimage = "eris/base"\n[dependencies]\nservices = ["a:alias"]\n')
    write_definition(eris_home, "lonely", '[service]\nimage = "eris/base"\n[dependencies]\nservices = ["ghost"]\n')
    write_definition(eris_home, "user", '[service]\nimage = "eris/base"\n[dependencies]\nservices = ["lonely"]\n')
    write_definition(eris_home, "fine", '[service]\nimage = "eris/base"\n')

    definitions, errors = load_all(eris_home)

    assert sorted(definitions) == ["fine"]
    by_file = {error.path.name: error for error in errors}
    assert 'no file in services/ defines it' in by_file["lonely.toml"].message
    assert by_file["lonely.toml"].line == 4 and by_file["lonely.toml"].key == "dependencies.services[0]"
    assert 'depends on "lonely", whose definition has errors' in by_file["user.toml"].message
    for name in ("a.toml", "b.toml"):
        assert "dependency cycle" in by_file[name].message and by_file[name].line == 4
    assert "a → b → a" in by_file["a.toml"].message or "b → a → b" in by_file["a.toml"].message


def test_a_service_depending_on_itself_is_a_cycle(eris_home: Path) -> None:
    write_definition(eris_home, "self", '[service]\nimage = "eris/base"\n[dependencies]\nservices = ["self"]\n')
    definitions, errors = load_all(eris_home)
    assert definitions == {} and "self → self" in errors[0].message


def test_two_files_with_one_name_keep_the_first(eris_home: Path) -> None:
    write_definition(eris_home, "one", 'name = "same"\n[service]\nimage = "eris/base"\n')
    write_definition(eris_home, "two", 'name = "same"\n[service]\nimage = "eris/base"\n')
    definitions, errors = load_all(eris_home)
    assert definitions["same"].path is not None and definitions["same"].path.name == "one.toml"
    assert errors[0].path.name == "two.toml" and errors[0].line == 1 and "already defines" in errors[0].message


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ('[service]\nports = ["1:1"]\n', "service.image", "needs an image"),
        ('[service]\nimage = "eris/base"\ndata_container = "maybe"\n', "service.data_container", "true or false"),
        ('[service]\nimage = "eris/base"\nports = [{a = 1}]\n', "service.ports[0]", "must be text"),
        ('service = "eris/base"\n', "service", "must be a table"),
        ('name = "bad name"\n[service]\nimage = "eris/base"\n', "name", "cannot name a service"),
        ('[service]\nimage = "eris/base"\nvolumes = ["relative/path"]\n', "service.volumes[0]", "not a volume"),
        ('[service]\nimage = "eris/base"\nmemory = "lots"\n', "service.memory", "amount of memory"),
        ('[service]\nimage = "eris/base"\ncommand = "sh -c \'oops"\n', "service.command", "cannot be split"),
        ('[service]\nimage = "eris/base"\n[dependencies]\nservices = ["a:b:q"]\n', "dependencies.services[0]", "mode"),
        ('[service]\nimage = "eris/base"\nexpose = ["80/http"]\n', "service.expose[0]", "not a port to expose"),
    ],
)
def test_each_kind_of_problem_is_worded_and_placed(text: str, key: str, words: str) -> None:
    definition, errors = check_text(text, Path("x.toml"))
    assert definition is not None
    error = _only(errors, key)
    assert words in error.message and error.line is not None


def test_json_errors_name_the_line() -> None:
    definition, errors = check_text('{\n  "service": {\n    "image": 5,\n', Path("x.json"))
    assert definition is None and errors[0].line is not None and "JSON" in errors[0].message
    definition, errors = check_text('{\n  "service": {\n    "image": "Bad Image"\n  }\n}\n', Path("x.json"))
    assert errors[0].key == "service.image" and errors[0].line == 3


@pytest.mark.parametrize(
    ("text", "bindings"),
    [
        ("4001", {"4001/tcp": [("", "")]}),
        ("8080:80", {"80/tcp": [("", "8080")]}),
        ("127.0.0.1:8332:8332", {"8332/tcp": [("127.0.0.1", "8332")]}),
        ("53:53/udp", {"53/udp": [("", "53")]}),
        ("127.0.0.1::80", {"80/tcp": [("127.0.0.1", "")]}),
        ("7000-7001:8000-8001", {"8000/tcp": [("", "7000")], "8001/tcp": [("", "7001")]}),
        ("[::1]:80:80", {"80/tcp": [("::1", "80")]}),
    ],
)
def test_port_mappings_docker_accepts(text: str, bindings: dict[str, list[tuple[str, str]]]) -> None:
    assert parse_port_mapping(text).bindings() == bindings


@pytest.mark.parametrize("text", ["", "http", "80:", "1:2:3:4", "70000", "0:80", "80/ftp", "9-7:1-3", "1-3:1-2"])
def test_port_mappings_docker_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="port"):
        parse_port_mapping(text)


@pytest.mark.parametrize(
    ("text", "policy"),
    [
        ("", None),
        ("no", None),
        ("always", {"Name": "always", "MaximumRetryCount": 0}),
        ("unless-stopped", {"Name": "unless-stopped", "MaximumRetryCount": 0}),
        ("on-failure", {"Name": "on-failure", "MaximumRetryCount": 0}),
        ("on-failure:3", {"Name": "on-failure", "MaximumRetryCount": 3}),
        ("max:5", {"Name": "on-failure", "MaximumRetryCount": 5}),
    ],
)
def test_restart_policies(text: str, policy: dict[str, object] | None) -> None:
    assert parse_restart_policy(text) == policy


@pytest.mark.parametrize("text", ["sometimes", "max", "max:x", "on-failure:-1", "Always"])
def test_restart_policies_refused(text: str) -> None:
    with pytest.raises(ValueError, match="restart policy"):
        parse_restart_policy(text)


@pytest.mark.parametrize(
    "text", ["", "Eris/ipfs", "UPPER", "a b", "https://x/y", "a___b", "-a", "a:", "a:b:c", "a@sha256:12", "x:-1"]
)
def test_a_bad_image_is_reported_on_its_line(tmp_path: Path, text: str) -> None:
    _definition, errors = check_text(f'[service]\nimage = "{text}"\n', tmp_path / "bad.toml")
    assert any(error.key.endswith("image") and error.line == 2 for error in errors), errors

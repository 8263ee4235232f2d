"""Reading, saving and shipping definitions; no engine needed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from app.services.definition import Dependency, ServiceDefinition, ServiceSpec, definition_hash
from app.services.errors import DefinitionError
from app.services.home import eris_home, services_folder
from app.services.parsing import read_file
from app.services.store import atomic_write, definition_text, install_defaults, save_definition, save_text
from app.services.validation import check_parsed, load_all
from tests.services.conftest import REAL_DEFINITIONS, write_definition

REAL_NAMES = ("btcd", "compilers", "ipfs", "keys")


@pytest.mark.parametrize("name", REAL_NAMES)
def test_real_eris_files_load_without_errors_and_save_unchanged(name: str) -> None:
    path = REAL_DEFINITIONS / f"{name}.toml"
    parsed = read_file(path)
    assert check_parsed(parsed) == []
    assert parsed.definition.name == name
    original = path.read_text(encoding="utf-8")
    assert definition_text(parsed.definition, original) == original


def test_real_files_keep_their_values_and_unknown_keys() -> None:
    ipfs = read_file(REAL_DEFINITIONS / "ipfs.toml").definition
    assert ipfs.image == "quay.io/eris/ipfs"
    assert ipfs.service.data_container is True
    assert ipfs.service.ports == ["4001:4001", "5001:5001", "8080:8080"]
    assert ipfs.service.user == "root" and ipfs.service.exec_host == "ERIS_IPFS_HOST"
    assert ipfs.location["website"] == "https://ipfs.io/"
    assert ipfs.description.startswith("IPFS is The Permanent Web")
    compilers = read_file(REAL_DEFINITIONS / "compilers.toml").definition
    assert compilers.service.restart == "always"
    assert compilers.service.environment == ["SECURE_PORT=9098", "UNSECURE_PORT=9099"]
    assert compilers.status == "beta"
    keys = read_file(REAL_DEFINITIONS / "keys.toml").definition
    assert keys.image == "quay.io/eris/keys:0.12.0" and keys.service.restart == ""


def test_the_older_style_takes_its_name_from_inside_service() -> None:
    btcd = read_file(REAL_DEFINITIONS / "btcd.toml").definition
    assert btcd.name == "btcd" and btcd.service.name == "btcd" and not btcd.name_at_top
    assert "127.0.0.1:8332:8332" in btcd.service.ports
    assert btcd.machine == {"include": ["docker"], "requires": [""]}
    assert "name" not in definition_text(btcd).split("[service]")[0]


def test_real_files_load_together_from_an_eris_home(eris_home: Path) -> None:
    for name in REAL_NAMES:
        (eris_home / "services" / f"{name}.toml").write_bytes((REAL_DEFINITIONS / f"{name}.toml").read_bytes())
    definitions, errors = load_all(eris_home)
    assert errors == []
    assert sorted(definitions) == sorted(REAL_NAMES)


def test_unknown_keys_are_kept_everywhere(eris_home: Path) -> None:
    path = write_definition(
        eris_home,
        "odd",
        """
        name = "odd"
        website = "https://example.org"
        [service]
        image = "eris/base"
        future_key = { nested = [1, 2] }
        [dependencies]
        services = []
        weights = 3
        """,
    )
    definition = read_file(path).definition
    assert definition.extra == {"website": "https://example.org"}
    assert definition.service.extra == {"future_key": {"nested": [1, 2]}}
    assert definition.dependencies.extra == {"weights": 3}
    definition.service.ports = ["80:80"]
    save_definition(definition)
    again = read_file(path).definition
    assert again.extra == definition.extra and again.service.extra == definition.service.extra
    assert again.service.ports == ["80:80"]


def test_dependencies_read_name_alias_and_mode(eris_home: Path) -> None:
    path = write_definition(
        eris_home,
        "web",
        """
        [service]
        image = "eris/base"
        [dependencies]
        services = ["db", "keys:k", "ipfs:files:l", "data::v"]
        chains = ["mychain"]
        """,
    )
    definition = read_file(path).definition
    assert definition.name == "web"  # from the file's name
    assert definition.dependencies.services == [
        Dependency("db"),
        Dependency("keys", "k"),
        Dependency("ipfs", "files", "l"),
        Dependency("data", "", "v"),
    ]
    links, mounts = zip(*((d.links, d.mounts_volumes) for d in definition.dependencies.services), strict=True)
    assert links == (True, True, True, False) and mounts == (True, True, False, True)
    assert [str(d) for d in definition.dependencies.services] == ["db", "keys:k", "ipfs:files:l", "data::v"]
    assert definition.dependencies.chains == ["mychain"]


def test_json_definitions_are_read(eris_home: Path) -> None:
    document = {"name": "j", "service": {"image": "eris/base", "ports": ["1:1"]}}
    (eris_home / "services" / "j.json").write_text(json.dumps(document, indent=2))
    definitions, errors = load_all(eris_home)
    assert errors == [] and definitions["j"].service.ports == ["1:1"]


def test_saving_keeps_comments_layout_and_a_backup(eris_home: Path) -> None:
    original = """
        # my notes about this service
        name = "notes"

        [service]
        image   = "eris/base"   # aligned by hand
        ports   = [ "1:1" ]
        """
    path = write_definition(eris_home, "notes", original)
    before = path.read_text()
    definition = read_file(path).definition
    definition.service.environment = ["A=1"]
    save_definition(definition)
    after = path.read_text()
    assert "# my notes about this service" in after and '# aligned by hand' in after
    assert 'image   = "eris/base"' in after and 'ports   = [ "1:1" ]' in after
    assert 'environment = ["A=1"]' in after
    assert (path.parent / "notes.toml.bak").read_text() == before
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_a_new_definition_is_written_in_the_eris_layout(eris_home: Path) -> None:
    definition = ServiceDefinition(name="fresh", service=ServiceSpec(image="eris/base", data_container=True))
    path = save_definition(definition)
    assert path == services_folder() / "fresh.toml"
    text = path.read_text()
    assert text.startswith('name = "fresh"') and "[service]" in text and "data_container = true" in text
    assert not (path.parent / "fresh.toml.bak").exists()
    assert definition_hash(read_file(path).definition) == definition_hash(definition)
    assert oct(path.stat().st_mode & 0o777) != oct(0o600)  # not mkstemp's private mode


def test_save_text_refuses_what_is_not_toml_and_leaves_the_file(eris_home: Path) -> None:
    path = write_definition(eris_home, "keep", '[service]\nimage = "eris/base"\n')
    with pytest.raises(DefinitionError) as caught:
        save_text(path, "[service\nimage = ")
    assert caught.value.line == 1 and "not valid TOML" in caught.value.message
    assert path.read_text() == '[service]\nimage = "eris/base"\n'


def test_an_interrupted_write_leaves_the_old_file(eris_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_definition(eris_home, "safe", '[service]\nimage = "eris/base"\n')

    def crash(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(path, "half")
    assert path.read_text() == '[service]\nimage = "eris/base"\n'
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_defaults_are_written_once_and_never_over_a_file(eris_home: Path) -> None:
    mine = write_definition(eris_home, "keys", '[service]\nimage = "my/keys"\n')
    written = install_defaults(eris_home)
    assert [path.name for path in written] == ["ipfs.toml"]
    assert mine.read_text() == '[service]\nimage = "my/keys"\n'
    definitions, errors = load_all(eris_home)
    assert errors == [] and definitions["ipfs"].image == "eris/ipfs:latest"
    (eris_home / "services" / "ipfs.toml").unlink()
    assert install_defaults(eris_home) == []  # deleted on purpose: stays deleted
    assert not (eris_home / "services" / "ipfs.toml").exists()


def test_default_images_are_the_seeded_ones(tmp_path: Path) -> None:
    install_defaults(tmp_path)
    definitions, errors = load_all(tmp_path)
    assert errors == []
    assert {name: d.image for name, d in definitions.items()} == {
        "ipfs": "eris/ipfs:latest",
        "keys": "eris/keys:latest",
    }


def test_eris_home_is_the_variable_else_a_data_folder(tmp_path: Path) -> None:
    assert eris_home({"ERIS": str(tmp_path)}) == tmp_path
    fallback = eris_home({})
    assert fallback.name == "eris" and fallback != tmp_path
    assert services_folder(tmp_path) == tmp_path / "services"


def test_a_service_container_is_known_by_its_labels_or_its_name() -> None:
    from app.services.naming import service_of

    labels = {"eris:ERIS": "true", "eris:TYPE": "service", "eris:NAME": "ipfs"}
    assert service_of("anything", labels) == "ipfs"
    assert service_of("eris_service_keys_1", {}) == "keys"
    assert service_of("/eris_service_btcd", {}) == "btcd"
    assert service_of("eris_data_keys_1", {}) is None  # a data container is no service
    assert service_of("web", {"eris:TYPE": "data", "eris:NAME": "ipfs", "eris:ERIS": "true"}) is None

"""Docker's image reference grammar: what is accepted, how it is normalised, and what a person is told."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.engine.errors import EngineError
from app.engine.reference import ImageReference, InvalidReference, is_valid_reference, parse_reference

DIGEST = "sha256:" + "ab12" * 16

GOOD = [
    # text, domain, path, tag, digest
    ("busybox", "docker.io", "library/busybox", "latest", None),
    ("busybox:1.36", "docker.io", "library/busybox", "1.36", None),
    ("eris/ipfs", "docker.io", "eris/ipfs", "latest", None),
    ("eris/ipfs:0.12", "docker.io", "eris/ipfs", "0.12", None),
    ("docker.io/busybox", "docker.io", "library/busybox", "latest", None),
    ("index.docker.io/eris/keys", "docker.io", "eris/keys", "latest", None),
    ("docker.io/library/busybox:latest", "docker.io", "library/busybox", "latest", None),
    ("127.0.0.1:5000/eris/ipfs", "127.0.0.1:5000", "eris/ipfs", "latest", None),
    ("127.0.0.1:5000/eris/ipfs:v2", "127.0.0.1:5000", "eris/ipfs", "v2", None),
    ("localhost/app", "localhost", "app", "latest", None),
    ("localhost:5000/app:dev", "localhost:5000", "app", "dev", None),
    ("Registry.Example.COM/team/app", "Registry.Example.COM", "team/app", "latest", None),
    ("reg-1.example.com:443/a/b/c/d", "reg-1.example.com:443", "a/b/c/d", "latest", None),
    ("[::1]:5000/eris/base", "[::1]:5000", "eris/base", "latest", None),
    ("a/b_c__d-e---f.g", "docker.io", "a/b_c__d-e---f.g", "latest", None),
    ("eris/ipfs:UPPER_tag.1-2", "docker.io", "eris/ipfs", "UPPER_tag.1-2", None),
    ("eris/ipfs:_private", "docker.io", "eris/ipfs", "_private", None),
    (f"eris/ipfs@{DIGEST}", "docker.io", "eris/ipfs", None, DIGEST),
    (f"eris/ipfs:0.12@{DIGEST}", "docker.io", "eris/ipfs", "0.12", DIGEST),
    (f"127.0.0.1:5000/eris/ipfs@{DIGEST}", "127.0.0.1:5000", "eris/ipfs", None, DIGEST),
    ("localhost:5000", "docker.io", "library/localhost", "5000", None),  # as Docker reads it: a tag
    ("x" * 30 + ":" + "t" * 128, "docker.io", "library/" + "x" * 30, "t" * 128, None),
    ("a1/2b", "docker.io", "a1/2b", "latest", None),
]


@pytest.mark.parametrize(("text", "domain", "path", "tag", "digest"), GOOD)
def test_valid_references_are_normalised(
    text: str, domain: str, path: str, tag: str | None, digest: str | None
) -> None:
    assert parse_reference(text) == ImageReference(domain, path, tag, digest)
    assert is_valid_reference(text)


BAD = [
    # text, words the reason must contain
    ("", "empty"),
    ("eris/ipfs ", "space"),
    (" eris/ipfs", "space"),
    ("eris /ipfs", "space"),
    ("eris/ipfs\t", "blank"),
    ("Eris/ipfs", "lowercase"),
    ("eris/IPFS:1.0", "lowercase"),
    ("127.0.0.1:5000/Eris/ipfs", "lowercase"),
    ("BUSYBOX", "lowercase"),
    ("eris/ipfs:", "tag after ':' is empty"),
    ("eris/ipfs:.hidden", "tag “.hidden”"),
    ("eris/ipfs:-dash", "tag “-dash”"),
    ("eris/ipfs:a+b", "tag “a+b”"),
    ("eris/ipfs:" + "t" * 129, "129 characters"),
    ("eris/ipfs@sha256:abc", "digest"),
    ("eris/ipfs@md5:" + "a" * 32, "digest"),
    ("eris/ipfs@" + "A" * 64, "digest"),
    ("eris/ipfs@", "digest"),
    ("eris/ipfs@sha256:" + "a" * 64 + "@sha256:" + "b" * 64, "more than one '@'"),
    ("eris//ipfs", "empty part"),
    ("eris/ipfs/", "empty part"),
    ("/eris/ipfs", "empty part"),
    ("eris/-ipfs", "separator"),
    ("eris/ipfs-", "separator"),
    ("eris/ip..fs", "separator"),
    ("eris/ip___fs", "separator"),
    ("eris/ip_.fs", "separator"),
    ("eris/ip!fs", "“!”"),
    ("eris/ipfs#1", "“#”"),
    ("eris/ïpfs", "“ï”"),
    ("registry:port/eris/ipfs", "port “port”"),
    ("bad_host.com/eris/ipfs", "registry address"),
    ("-bad.com/eris/ipfs", "registry address"),
    ("https://registry.example.com/eris/ipfs", "scheme"),
    (":latest", "missing"),
    ("@" + DIGEST, "missing"),
    ("a" * 64, "image ID"),
    ("e" * 250 + "/ipfs", "characters long"),
]


@pytest.mark.parametrize(("text", "reason"), BAD)
def test_invalid_references_say_what_is_wrong(text: str, reason: str) -> None:
    with pytest.raises(InvalidReference) as raised:
        parse_reference(text)
    error = raised.value
    assert isinstance(error, EngineError)
    assert reason.lower() in error.message.lower(), error.message
    assert error.hint, "every refusal says what to do instead"
    assert error.text == text
    assert not is_valid_reference(text)


def test_the_lowercase_hint_offers_the_fixed_name() -> None:
    with pytest.raises(InvalidReference) as raised:
        parse_reference("eris/IPFS:Latest")
    assert "eris/ipfs:latest" in raised.value.hint


def test_255_characters_is_the_longest_name() -> None:
    path = "a/" + "b" * (255 - len("docker.io/a/"))
    assert parse_reference(path).name == "docker.io/" + path
    with pytest.raises(InvalidReference):
        parse_reference(path + "b")


def test_forms_people_read_and_forms_the_engine_takes() -> None:
    plain = parse_reference("busybox")
    assert str(plain) == "docker.io/library/busybox:latest"
    assert plain.familiar == "busybox:latest"
    assert plain.name == "docker.io/library/busybox"
    assert plain.version == "latest"
    pinned = parse_reference(f"127.0.0.1:5000/eris/ipfs@{DIGEST}")
    assert pinned.familiar == f"127.0.0.1:5000/eris/ipfs@{DIGEST}"
    assert pinned.version == DIGEST
    assert parse_reference("eris/ipfs").familiar_name == "eris/ipfs"


def test_the_same_image_written_differently_normalises_alike() -> None:
    spellings = ["busybox", "busybox:latest", "docker.io/busybox", "docker.io/library/busybox:latest",
                 "index.docker.io/library/busybox"]
    assert len({parse_reference(text) for text in spellings}) == 1


_alnum = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=6)
_separator = st.sampled_from([".", "_", "__", "-", "--", "---"])
_component = st.builds(
    lambda first, rest: first + "".join(sep + part for sep, part in rest),
    _alnum,
    st.lists(st.tuples(_separator, _alnum), max_size=3),
)
_tag = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from("aZ09_"),
    st.text("abcXYZ019_.-", max_size=20),
)


@given(st.lists(_component, min_size=1, max_size=4), st.none() | _tag)
def test_every_name_the_grammar_allows_parses_back(components: list[str], tag: str | None) -> None:
    text = "registry.local:5000/" + "/".join(components) + (f":{tag}" if tag else "")
    reference = parse_reference(text)
    assert reference.path == "/".join(components)
    assert reference.tag == (tag or "latest")
    assert parse_reference(str(reference)) == reference


@given(st.text(max_size=40))
def test_any_text_either_parses_or_raises_invalid_reference(text: str) -> None:
    try:
        reference = parse_reference(text)
    except InvalidReference as error:
        assert error.what
    else:
        assert parse_reference(str(reference)) == reference

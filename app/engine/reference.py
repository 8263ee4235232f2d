"""Docker image references (``[domain[:port]/]path[:tag][@digest]``), checked before any request.

The grammar is the one the engine and registries use (distribution/reference);
checking it here means a typo gets a sentence that says what is wrong instead
of an engine error about "invalid reference format", and no request is made.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.engine.errors import EngineError

DEFAULT_DOMAIN = "docker.io"
LEGACY_DEFAULT_DOMAIN = "index.docker.io"
OFFICIAL_REPOSITORY_PREFIX = "library/"
DEFAULT_TAG = "latest"
NAME_TOTAL_LENGTH_MAX = 255

_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_HOST = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[a-fA-F0-9:]+\])"
_DOMAIN = re.compile(rf"{_HOST}(?::[0-9]+)?")
_PATH_COMPONENT = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")
_TAG = re.compile(r"[\w][\w.-]{0,127}", re.ASCII)
_DIGEST = re.compile(r"sha256:[a-f0-9]{64}")
_IMAGE_ID = re.compile(r"[a-f0-9]{64}")

_EXAMPLE_HINT = "Names look like eris/ipfs, eris/ipfs:0.12 or registry.example.com:5000/team/app:1.0."


class InvalidReference(EngineError):
    """The text is not an image reference; ``what`` names the problem, ``text`` is what was typed."""

    def __init__(self, text: str, why: str, hint: str = _EXAMPLE_HINT) -> None:
        self.text = text
        if not text:
            super().__init__("The image name is empty", "", hint)
            return
        shown = text if len(text) <= 60 else text[:59] + "…"
        super().__init__(f"“{shown}” is not a valid image name", why, hint)


@dataclass(frozen=True)
class ImageReference:
    """A normalised reference: docker.io/library/busybox:latest for ``busybox``."""

    domain: str
    path: str
    tag: str | None
    digest: str | None

    @property
    def name(self) -> str:
        """The repository with its registry: what the engine pulls from (``fromImage``)."""
        return f"{self.domain}/{self.path}"

    @property
    def familiar_name(self) -> str:
        """The repository as people write it: busybox, not docker.io/library/busybox."""
        if self.domain != DEFAULT_DOMAIN:
            return self.name
        return self.path.removeprefix(OFFICIAL_REPOSITORY_PREFIX)

    @property
    def version(self) -> str:
        """What the pull API takes as ``tag``: the digest when there is one, else the tag."""
        return self.digest or self.tag or DEFAULT_TAG

    @property
    def familiar(self) -> str:
        return self.familiar_name + self._suffix()

    def _suffix(self) -> str:
        return (f":{self.tag}" if self.tag else "") + (f"@{self.digest}" if self.digest else "")

    def __str__(self) -> str:
        return self.name + self._suffix()


def _split_domain(name: str) -> tuple[str, str]:
    """Docker's rule: the first component is a registry if it looks like a host (has '.' or ':').

    Docker also takes a first component with capitals ("Eris/ipfs") for a
    registry host; that is nearly always a mistyped name, so here it stays part
    of the path and is reported as not lowercase.
    """
    first, slash, rest = name.partition("/")
    looks_like_host = any(c in first for c in ".:") or first == "localhost"
    if not slash or not looks_like_host:
        domain, path = DEFAULT_DOMAIN, name
    else:
        domain, path = first, rest
    if domain == LEGACY_DEFAULT_DOMAIN:
        domain = DEFAULT_DOMAIN
    if domain == DEFAULT_DOMAIN and "/" not in path:
        path = OFFICIAL_REPOSITORY_PREFIX + path
    return domain, path


def _split_version(text: str) -> tuple[str, str | None, str | None]:
    """name, tag, digest; a ':' after the last '/' starts the tag, so registry ports stay in the name."""
    remainder, at, digest = text.partition("@")
    name, tag = remainder, None
    colon = remainder.rfind(":")
    if colon > remainder.rfind("/"):
        name, tag = remainder[:colon], remainder[colon + 1 :]
    return name, tag, (digest if at else None)


def _check_text(text: str) -> None:
    if not text:
        raise InvalidReference(text, "It is empty.", "Type an image name such as eris/ipfs or eris/ipfs:0.12.")
    if any(c.isspace() for c in text):
        raise InvalidReference(text, "It contains a space or another blank character.", "Remove the blanks.")
    if "://" in text:
        raise InvalidReference(
            text, "It starts with a scheme such as https://.", "Leave it out: write registry.example.com:5000/team/app."
        )
    if text.count("@") > 1:
        raise InvalidReference(text, "It has more than one '@': only one digest can follow the name.")


def _check_tag(text: str, tag: str | None) -> None:
    if tag is None:
        return
    if not tag:
        raise InvalidReference(
            text, "The tag after ':' is empty.", "Write a tag such as :latest, or leave out the ':'."
        )
    if len(tag) > 128:
        raise InvalidReference(text, f"The tag is {len(tag)} characters long; at most 128 are allowed.")
    if not _TAG.fullmatch(tag):
        raise InvalidReference(
            text,
            f"The tag “{tag}” is not valid.",
            "Tags use letters, digits, '_', '.' and '-', and do not start with '.' or '-'.",
        )


def _check_digest(text: str, digest: str | None) -> None:
    if digest is not None and not _DIGEST.fullmatch(digest):
        raise InvalidReference(
            text,
            f"The digest “{digest}” is not valid.",
            "A digest is 'sha256:' followed by 64 lowercase hexadecimal digits.",
        )


def _check_domain(text: str, domain: str) -> None:
    if _DOMAIN.fullmatch(domain):
        return
    _host, colon, port = domain.rpartition(":") if not domain.endswith("]") else (domain, "", "")
    if colon and not port.isdigit():
        raise InvalidReference(text, f"The registry port “{port}” is not a number.")
    raise InvalidReference(
        text,
        f"The registry address “{domain}” is not a valid host name.",
        "Host names use letters, digits, '-' and '.'.",
    )


def _check_path(text: str, path: str) -> None:
    for component in path.split("/"):
        if not component:
            raise InvalidReference(text, "It has an empty part between slashes (or a slash at an end).")
        if _PATH_COMPONENT.fullmatch(component):
            continue
        upper = [c for c in component if c.isascii() and c.isupper()]
        if upper:
            raise InvalidReference(
                text,
                f"Repository names must be lowercase, and “{component}” has “{upper[0]}”.",
                f"Try “{text.lower()}”; only the registry address and the tag may have capitals.",
            )
        odd = [c for c in component if not (c.isascii() and (c.isalnum() or c in "._-"))]
        if odd:
            raise InvalidReference(
                text,
                f"“{odd[0]}” is not allowed in a repository name.",
                "Repository names use lowercase letters, digits, and '.', '_', '__' or '-' between them.",
            )
        raise InvalidReference(
            text,
            f"“{component}” starts or ends with a separator, or has two in a row.",
            "'.', '_' (or '__') and '-' may only stand between letters or digits.",
        )


def parse_reference(text: str) -> ImageReference:
    """Check ``text`` against Docker's grammar and normalise it; raise InvalidReference saying why not."""
    _check_text(text)
    name, tag, digest = _split_version(text)
    if not name:
        raise InvalidReference(text, "The repository name is missing before the tag or digest.")
    if _IMAGE_ID.fullmatch(name):
        raise InvalidReference(
            text, "It looks like an image ID (64 hexadecimal digits), not a name.", "Pull by name, e.g. eris/ipfs."
        )
    _check_tag(text, tag)
    _check_digest(text, digest)
    domain, path = _split_domain(name)
    _check_domain(text, domain)
    _check_path(text, path)
    if len(domain) + 1 + len(path) > NAME_TOTAL_LENGTH_MAX:
        raise InvalidReference(
            text,
            f"The name is {len(domain) + 1 + len(path)} characters long; at most {NAME_TOTAL_LENGTH_MAX} are allowed.",
        )
    if tag is None and digest is None:
        tag = DEFAULT_TAG
    return ImageReference(domain, path, tag, digest)


def is_valid_reference(text: str) -> bool:
    try:
        parse_reference(text)
    except InvalidReference:
        return False
    return True

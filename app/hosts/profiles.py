"""Saved engine profiles: name, URL and TLS file paths, in profiles.json in the settings folder."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from app.fileio import set_aside, write_atomically
from app.hosts.candidate import Candidate, CandidateKind
from app.settings import config_dir

FILE_NAME = "profiles.json"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Profile:
    """An engine the person chose or entered. Paths to TLS files only, never their contents."""

    name: str
    url: str
    tls: bool = False
    ca: str = ""
    cert: str = ""
    key: str = ""

    def to_candidate(self) -> Candidate:
        kind: CandidateKind = "ssh" if self.url.startswith("ssh://") else "profile"
        return Candidate(
            kind=kind, name=self.name, url=self.url, tls=self.tls, ca=self.ca, cert=self.cert, key=self.key,
            source=f"saved profile {self.name!r}",
        )  # fmt: skip

    @classmethod
    def from_candidate(cls, candidate: Candidate, name: str | None = None) -> Profile:
        return cls(
            name=name or candidate.name, url=candidate.url, tls=candidate.tls,
            ca=candidate.ca, cert=candidate.cert, key=candidate.key,
        )  # fmt: skip


class ProfileFileError(ValueError):
    """profiles.json is not what this app writes."""


def _profile_from(entry: Any) -> Profile:
    if not isinstance(entry, dict):
        raise ProfileFileError("a profile is not an object")
    name, url = entry.get("name"), entry.get("url")
    if not isinstance(name, str) or not name or not isinstance(url, str):
        raise ProfileFileError("a profile lacks its name or URL")
    paths = {field: entry.get(field, "") for field in ("ca", "cert", "key")}
    if not all(isinstance(value, str) for value in paths.values()):
        raise ProfileFileError(f"profile {name!r} has a TLS path that is not text")
    return Profile(name=name, url=url, tls=bool(entry.get("tls", False)), **paths)


def _parse(text: str) -> tuple[list[Profile], str]:
    try:
        document = json.loads(text)
    except ValueError as error:
        raise ProfileFileError(f"it is not valid JSON ({error})") from error
    if not isinstance(document, dict) or not isinstance(document.get("profiles"), list):
        raise ProfileFileError("it has no list of profiles")
    profiles = [_profile_from(entry) for entry in document["profiles"]]
    last_used = document.get("last_used") or ""
    return profiles, last_used if isinstance(last_used, str) else ""


class ProfileStore:
    """The profiles in ``folder``/profiles.json, loaded on creation.

    A file that cannot be read as profiles is never overwritten: it is renamed
    to ``profiles.json.corrupt-<timestamp>`` and ``problem`` says so, worded for
    a person, so the UI can show it. Every change is saved at once.
    """

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or config_dir()
        self.path = self.folder / FILE_NAME
        self.problem: str | None = None
        self._profiles: list[Profile] = []
        self._last_used = ""
        self.reload()

    def reload(self) -> None:
        self._profiles, self._last_used, self.problem = [], "", None
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return
        except OSError as error:
            self.problem = f"The saved engine profiles in {self.path} could not be read: {error.strerror or error}."
            return
        try:
            self._profiles, self._last_used = _parse(text)
        except ProfileFileError as error:
            self.problem = self._set_aside(str(error))

    def _set_aside(self, reason: str) -> str:
        try:
            aside = set_aside(self.path)
        except OSError as error:
            return (
                f"The saved engine profiles in {self.path} could not be read ({reason}), and moving the file "
                f"aside failed ({error.strerror or error}); it is left as it is and no profile is loaded."
            )
        return (
            f"The saved engine profiles in {self.path} could not be read ({reason}). The file was kept as "
            f"{aside} and the app starts without saved profiles."
        )

    @property
    def profiles(self) -> list[Profile]:
        return list(self._profiles)

    @property
    def last_used(self) -> Profile | None:
        return self.get(self._last_used) if self._last_used else None

    def get(self, name: str) -> Profile | None:
        return next((profile for profile in self._profiles if profile.name == name), None)

    def put(self, profile: Profile) -> None:
        """Add ``profile``, or replace the one with its name (keeping its place in the list)."""
        names = [existing.name for existing in self._profiles]
        if profile.name in names:
            self._profiles[names.index(profile.name)] = profile
        else:
            self._profiles.append(profile)
        self.save()

    def rename(self, old: str, new: str) -> None:
        profile = self.get(old)
        if profile is None:
            raise KeyError(old)
        if new != old and self.get(new) is not None:
            raise ValueError(f"A profile named {new!r} exists already.")
        self._profiles = [replace(p, name=new) if p.name == old else p for p in self._profiles]
        if self._last_used == old:
            self._last_used = new
        self.save()

    def remove(self, name: str) -> None:
        self._profiles = [profile for profile in self._profiles if profile.name != name]
        if self._last_used == name:
            self._last_used = ""
        self.save()

    def mark_used(self, name: str) -> None:
        """Remember ``name`` as the profile to open next time."""
        if self.get(name) is None:
            raise KeyError(name)
        self._last_used = name
        self.save()

    def save(self) -> None:
        document = {
            "version": FORMAT_VERSION,
            "last_used": self._last_used,
            "profiles": [asdict(profile) for profile in self._profiles],
        }
        write_atomically(self.path, json.dumps(document, indent=2) + "\n", mode=0o600)

"""Port specs as eris wrote them: "N", "host:container", "ip:host:container", /tcp or /udp.

Ranges ("7000-7002:7000-7002") are read too, as the docker command line does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PROTOCOLS = ("tcp", "udp", "sctp")
_RANGE = re.compile(r"^(\d{1,5})(?:-(\d{1,5}))?$")
_FORMS = '"PORT", "HOST:CONTAINER" or "IP:HOST:CONTAINER", optionally followed by /tcp or /udp'


@dataclass(frozen=True)
class PortMapping:
    container_first: int
    container_last: int
    protocol: str = "tcp"
    host_ip: str = ""
    host_first: int | None = None  # None: the engine picks a free host port
    host_last: int | None = None

    def bindings(self) -> dict[str, list[tuple[str, str]]]:
        """``{"8080/tcp": [(ip, host port)]}`` for every container port of the spec."""
        result: dict[str, list[tuple[str, str]]] = {}
        count = self.container_last - self.container_first + 1
        for offset in range(count):
            key = f"{self.container_first + offset}/{self.protocol}"
            if self.host_first is None:
                host = ""
            elif self.host_last is not None and self.host_last - self.host_first + 1 == count:
                host = str(self.host_first + offset)
            elif self.host_last is not None and self.host_last != self.host_first:
                host = f"{self.host_first}-{self.host_last}"  # the engine picks one in the range
            else:
                host = str(self.host_first)
            result.setdefault(key, []).append((self.host_ip, host))
        return result


def _port_range(text: str, what: str, spec: str) -> tuple[int, int]:
    match = _RANGE.match(text)
    if not match:
        raise ValueError(f'"{spec}" is not a port mapping: the {what} "{text}" is not a number. Use {_FORMS}')
    first = int(match.group(1))
    last = int(match.group(2) or first)
    for number in (first, last):
        if not 1 <= number <= 65535:
            raise ValueError(f'"{spec}" is not a port mapping: {number} is not a port (1 to 65535)')
    if last < first:
        raise ValueError(f'"{spec}" is not a port mapping: the range {text} runs backwards')
    return first, last


def _split_address(spec: str, body: str) -> tuple[str, str, str]:
    """(ip, host, container) from the part before the protocol."""
    if body.startswith("["):  # an IPv6 address: [::1]:8080:80
        address, bracket, rest = body[1:].partition("]")
        if not bracket or not rest.startswith(":"):
            raise ValueError(f'"{spec}" is not a port mapping: the IPv6 address is not closed with "]:"')
        host, colon, container = rest[1:].partition(":")
        if not colon:
            raise ValueError(f'"{spec}" is not a port mapping: after the address give HOST:CONTAINER')
        return address, host, container
    parts = body.split(":")
    if len(parts) == 1:
        return "", "", parts[0]
    if len(parts) == 2:
        return "", parts[0], parts[1]
    if len(parts) == 3:
        return parts[0], parts[1], parts[2]
    raise ValueError(f'"{spec}" is not a port mapping: too many ":". Use {_FORMS}')


def parse_port_mapping(spec: str) -> PortMapping:
    """Read one port spec; raises ValueError worded for a person."""
    text = spec.strip()
    if not text:
        raise ValueError(f"An empty port mapping. Use {_FORMS}")
    body, slash, protocol = text.partition("/")
    protocol = protocol.lower() if slash else "tcp"
    if protocol not in PROTOCOLS:
        raise ValueError(f'"{spec}" is not a port mapping: the protocol must be tcp or udp, not "{protocol}"')
    ip, host, container = _split_address(spec, body)
    if ip and not re.match(r"^[0-9A-Za-z.:%-]+$", ip):
        raise ValueError(f'"{spec}" is not a port mapping: "{ip}" is not an IP address')
    container_first, container_last = _port_range(container, "container port", spec)
    if not host:
        if ip or ":" in body:
            # "127.0.0.1::80" asks for a free host port on that address, as docker does.
            return PortMapping(container_first, container_last, protocol, ip)
        return PortMapping(container_first, container_last, protocol)
    host_first, host_last = _port_range(host, "host port", spec)
    host_count = host_last - host_first + 1
    container_count = container_last - container_first + 1
    if container_count > 1 and host_count != container_count:
        raise ValueError(
            f'"{spec}" is not a port mapping: the host range has {host_count} ports and the container '
            f"range {container_count}; they must be the same size"
        )
    return PortMapping(container_first, container_last, protocol, ip, host_first, host_last)

"""TLS for servers that talk to each other on one machine: a local CA made with openssl,
one certificate for every test host name, and those names in /etc/hosts on 127.0.0.x.

Real fediverse servers (Fedify among them) build `https://` ids and look handles up with
`https://host/.well-known/webfinger`, so each peer gets its own name and loopback address
and listens on 443 with a certificate the others trust: Python through
REQUESTS_CA_BUNDLE / SSL_CERT_FILE, Node through NODE_EXTRA_CA_CERTS.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

HOSTS_FILE = Path("/etc/hosts")
# name -> loopback address; one address each so every server can listen on port 443
HOSTS = {"pleroma.test": "127.0.0.2", "fedify.test": "127.0.0.3"}
HOSTS_MARKER = "# pleroma_py interop tests"


@dataclass(frozen=True)
class Certificates:
    ca: Path  # the CA certificate clients trust
    cert: Path  # the servers' certificate (every name in HOSTS)
    key: Path


def _openssl(*args: str, cwd: Path) -> None:
    result = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args)} failed:\n{result.stderr}")


def make_certificates(directory: Path, names: list[str]) -> Certificates:
    """A throwaway CA and a certificate it signed for `names` (subjectAltName)."""
    directory.mkdir(parents=True, exist_ok=True)
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
             "-days", "2", "-subj", "/CN=pleroma_py interop test CA",
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
             cwd=directory)
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
             "-subj", f"/CN={names[0]}", cwd=directory)
    (directory / "server.ext").write_text(
        "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
        f"subjectAltName={','.join(f'DNS:{name}' for name in names)}\n")
    _openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
             "-out", "server.pem", "-days", "2", "-extfile", "server.ext", cwd=directory)
    return Certificates(ca=directory / "ca.pem", cert=directory / "server.pem", key=directory / "server.key")


def missing_hosts(hosts: dict[str, str] = HOSTS, hosts_file: Path = HOSTS_FILE) -> dict[str, str]:
    """The entries of `hosts` that `hosts_file` does not map as wanted."""
    mapped: dict[str, str] = {}
    for line in hosts_file.read_text().splitlines():
        fields = line.split("#", 1)[0].split()
        for name in fields[1:]:
            mapped.setdefault(name, fields[0])
    return {name: address for name, address in hosts.items() if mapped.get(name) != address}


def ensure_hosts(hosts: dict[str, str] = HOSTS, hosts_file: Path = HOSTS_FILE) -> None:
    """Add the test names to /etc/hosts (needs root; a fresh CI machine has none of them)."""
    missing = missing_hosts(hosts, hosts_file)
    if missing:
        with hosts_file.open("a") as file:
            file.write("".join(f"{address} {name} {HOSTS_MARKER}\n" for name, address in missing.items()))

"""Real servers for the tests: ``industwin serve`` in its own process (HTTP or HTTPS with a self-signed
certificate made by openssl) and a PostgreSQL cluster of its own in a temporary folder."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

__all__ = ["free_port", "serve", "tls_certificate", "PostgresCluster"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tls_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (openssl), as (certificate, key)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out",
                    str(cert)], check=True, capture_output=True)
    return cert, key


@contextmanager
def serve(home: Path, *args: str, tls: tuple[Path, Path] | None = None, timeout: float = 60):
    """``industwin serve`` on a free port; yields its base URL; stopped at the end."""
    port = free_port()
    exe = Path(sys.executable).with_name("industwin")
    extra = ["--tls-cert", str(tls[0]), "--tls-key", str(tls[1])] if tls else []
    Path(home).mkdir(parents=True, exist_ok=True)
    log = open(Path(home) / "serve.log", "w")             # a file, not a pipe: a busy server never blocks on it
    proc = subprocess.Popen([str(exe), "serve", "--port", str(port), "--home", str(home), *extra, *args],
                            stdout=log, stderr=subprocess.STDOUT, text=True)
    url = f"{'https' if tls else 'http'}://127.0.0.1:{port}"
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        try:
            if httpx.get(url + "/healthz", timeout=2, verify=ssl.create_default_context(cafile=str(tls[0])) if tls
                         else True).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
        if proc.poll() is not None:
            pytest.fail(f"industwin serve exited: {(Path(home) / 'serve.log').read_text()[-4000:]}")
    else:
        proc.kill()
        pytest.fail(f"industwin serve did not answer within {timeout:.0f} s")
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for d in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (d / name).exists():
            return str(d / name)
    return None


class PostgresCluster:
    """A PostgreSQL server of the tests' own: initdb in a temporary folder, on a free port of 127.0.0.1, trust
    authentication; as root it runs as the ``postgres`` user (PostgreSQL refuses root). ``database()`` gives the
    SQLAlchemy URL of a new, empty database."""

    def __init__(self):
        initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
        if not initdb or not pg_ctl:
            pytest.fail("PostgreSQL not found (initdb, pg_ctl): `make test` installs Debian's postgresql "
                        "(scripts/setup-system.sh)")
        self.dir = Path(tempfile.mkdtemp(prefix="industwin-pg-"))
        self.port = free_port()
        as_root = os.geteuid() == 0
        run = ["runuser", "-u", "postgres", "--"] if as_root else []
        if as_root:
            pw = pwd.getpwnam("postgres")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        self.run, self.pg_ctl = run, pg_ctl
        data = self.dir / "data"
        subprocess.run([*run, initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                        "--no-instructions"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        subprocess.run([*run, pg_ctl, "-D", str(data), "-l", str(self.dir / "log"), "-w", "-o",
                        f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                        "-c max_connections=200", "start"], check=True, capture_output=True)
        self.data = data

    def database(self) -> str:
        import psycopg
        name = f"t{uuid.uuid4().hex[:12]}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def restart(self) -> None:
        subprocess.run([*self.run, self.pg_ctl, "-D", str(self.data), "-l", str(self.dir / "log"), "-w", "-m",
                        "fast", "restart", "-o",
                        f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                        "-c max_connections=200"], check=True, capture_output=True)

    def stop(self) -> None:
        subprocess.run([*self.run, self.pg_ctl, "-D", str(self.data), "-w", "-m", "fast", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.dir, ignore_errors=True)

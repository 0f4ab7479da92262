"""Issuer settings, read from the environment by ``from_env`` (never at import time).

=========================  ==========================================================
``LER_ISSUER_URL``         public base URL (its host names every issuer's did:web)
``LER_DATA_DIR``           data folder root; the issuer uses ``<dir>/issuer``
``LER_ISSUER_DATABASE_URL`` ``sqlite:///path.db`` (default ``<data>/issuer.db``) or
                           ``postgresql://user@host/db``
``LER_ISSUER_TOKEN``       the API token for write routes; when unset, one is generated
                           once (its hash kept in the database) and shown in
                           ``<data>/api-token`` (mode 600) by the process that made it
``LER_ISSUER_DEMO``        the demo issuers file (default ``examples/issuers.json``;
                           empty: load nothing)
``LER_ISSUER_MAX_BODY``    request body limit in bytes (default 2 MiB)
``LER_WALLET_URL``         the demo wallet: the offer page links to its receive page
                           with the offer filled in (``ler up`` sets it; default none)
``LER_ISSUER_KEY_ENCRYPTION_KEY``  the key-encryption key sealing the issuers' private
                           keys (base64url, 32 bytes); ``..._FILE``: a file holding it;
                           neither: ``<data>/key-encryption-key``, made once (mode 600)
``LER_ISSUER_VC11_STATUS`` ``1``: the VC-API adds a StatusList2021 entry to VC 1.1 input that
                           asks for no status (default: none; VC 2.0 input always gets a
                           Bitstring Status List entry unless ``options.credentialStatus``
                           is ``false``)
``LER_ISSUER_ALLOW_HTTP_LOCALHOST``  ``1``: outbound requests (a learner's backpack) may use
                           plain http to localhost (the local demo)
``LER_ISSUER_ALLOW_PRIVATE`` ``1``: outbound requests may reach private addresses
``LER_ISSUER_FETCH_TIMEOUT`` seconds for one outbound request in all (default 5)
``LER_ISSUER_STATUS_MAX_AGE`` seconds a status list may be cached by whoever fetches it: its
                           ``Cache-Control: public, max-age=N`` (default 60; 0: ``no-cache``).
                           A verifier keeps it for at most this long (and at most its own
                           ``LER_STATUS_CACHE``), so it bounds how late a revocation is seen
``LER_ISSUER_BATCH_WORKERS`` processes that sign a CSV batch's credentials (default: the
                           cores this process may use; ``1``: sign in the issuing process;
                           ``issuer.batches.signing``)
``LER_ISSUER_WRITE_WAIT``  seconds a request waits for SQLite's write lock (default 10; a
                           running batch lets waiting writers in between its groups); past
                           it the answer is 503 with ``Retry-After``, nothing written
=========================  ==========================================================
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from servicekit.kek import KekSource, kek_source

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
KEK_SETTING = "LER_ISSUER_KEY_ENCRYPTION_KEY"


@dataclass(frozen=True)
class Settings:
    base_url: str = "http://localhost:8001"
    data_dir: Path = Path("var/issuer")
    name: str = "LER issuer"
    database_url: str | None = None  # None: SQLite in data_dir
    api_token: str | None = None  # None: made on first start (issuer.organisations.access)
    max_body_bytes: int = 2 * 1024 * 1024
    demo_file: Path | None = EXAMPLES / "issuers.json"
    kek: str | None = None  # the key-encryption key (base64url); None: kek_file or data_dir
    kek_file: Path | None = None
    vc11_status: bool = False  # LER_ISSUER_VC11_STATUS
    allow_http_localhost: bool = False  # outbound (a learner's backpack): the local demo
    allow_private: bool = False
    fetch_max_bytes: int = 1024 * 1024  # one answer from a learner's Open Badges host
    fetch_timeout: float = 5.0  # seconds, for one outbound request in all
    demo_wallet_url: str | None = None  # "open in the demo wallet" on the offer page
    status_max_age: int = 60  # LER_ISSUER_STATUS_MAX_AGE: a status list's Cache-Control max-age
    batch_workers: int | None = None  # LER_ISSUER_BATCH_WORKERS; None: the usable cores
    write_wait: float = 10.0  # LER_ISSUER_WRITE_WAIT: seconds for SQLite's write lock, then 503

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'issuer.db'}"

    @property
    def kek_source(self) -> KekSource:
        return kek_source(KEK_SETTING, value=self.kek, file=self.kek_file, data_dir=self.data_dir)

    @classmethod
    def from_env(cls) -> Settings:
        demo = os.environ.get("LER_ISSUER_DEMO")
        return cls(
            base_url=os.environ.get("LER_ISSUER_URL", cls.base_url),
            data_dir=Path(os.environ.get("LER_DATA_DIR", "var")) / "issuer",
            name=os.environ.get("LER_ISSUER_NAME", cls.name),
            database_url=os.environ.get("LER_ISSUER_DATABASE_URL") or None,
            api_token=os.environ.get("LER_ISSUER_TOKEN") or None,
            max_body_bytes=int(os.environ.get("LER_ISSUER_MAX_BODY", cls.max_body_bytes)),
            demo_file=cls.demo_file if demo is None else (Path(demo) if demo else None),
            kek=os.environ.get(KEK_SETTING) or None,
            kek_file=Path(os.environ[f"{KEK_SETTING}_FILE"])
            if os.environ.get(f"{KEK_SETTING}_FILE")
            else None,
            vc11_status=os.environ.get("LER_ISSUER_VC11_STATUS", "") in {"1", "true", "yes"},
            allow_http_localhost=_flag("LER_ISSUER_ALLOW_HTTP_LOCALHOST"),
            allow_private=_flag("LER_ISSUER_ALLOW_PRIVATE"),
            fetch_timeout=float(os.environ.get("LER_ISSUER_FETCH_TIMEOUT", cls.fetch_timeout)),
            demo_wallet_url=os.environ.get("LER_WALLET_URL") or None,
            status_max_age=max(
                0, int(os.environ.get("LER_ISSUER_STATUS_MAX_AGE", cls.status_max_age))
            ),
            batch_workers=_count("LER_ISSUER_BATCH_WORKERS"),
            write_wait=float(os.environ.get("LER_ISSUER_WRITE_WAIT", cls.write_wait)),
        )


def _flag(name: str) -> bool:
    return os.environ.get(name, "") in {"1", "true", "yes"}


def _count(name: str) -> int | None:
    """A positive whole number from the environment; None when unset or empty."""
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{name}={value[:40]!r}: give a whole number of at least 1")
    return int(value)

"""Verifier settings, read from the environment by ``from_env`` (never at import time).

``LER_VERIFIER_URL``          public base URL of this verifier
``LER_ISSUER_URL``            the demo issuer service: its host names the registry's did:web
                              issuers (default http://localhost:8001)
``LER_REGISTRY``              the governance registry file (default examples/registry.json;
                              empty: no registry, so no trusted-issuer check)
``LER_DATA_DIR``              data folder (the verifier's SQLite file is <dir>/verifier/)
``LER_VERIFIER_DATABASE_URL`` sqlite:///… or postgresql://… (default: SQLite in the data dir)
``LER_REQUEST_LIFETIME``      seconds a presentation request (its nonce) stays usable
``LER_STATUS_CACHE``          seconds a fetched status list is reused at most: the revocation
                              latency (default 60; 0: never; a shorter max-age is respected)
``LER_DID_CACHE``             seconds a did:web or controller document is reused at most
                              (default 300; 0: never; a shorter max-age is respected)
``LER_CACHE_FLOOR``           seconds a document is reused at least, whatever its Cache-Control
                              says (default 5; never more than the two above)
``LER_CACHE_ENTRIES``         documents each of the two caches keeps at most (default 1000)
``LER_ALLOW_DID_WEB``         resolve did:web (1/0)
``LER_ALLOW_STATUS_FETCH``    fetch status lists (1/0)
``LER_ALLOW_REFRESH``         call a credential's 1EdTechCredentialRefresh service (1/0, default 0)
``LER_ALLOW_HTTP_LOCALHOST``  plain http to loopback, for the local demo (1/0, default 0;
                              ``ler up`` and ``ler demo --start`` set 1)
``LER_ALLOW_PRIVATE``         let fetches reach private and loopback addresses (1/0, default 0)
``LER_FETCH_TIMEOUT``         seconds one fetch may take in all, connect to last byte (default 5)
``LER_WEBHOOK_LEASE``         seconds a process keeps a webhook delivery it claimed before
                              another may retry it (default 60; at least the fetch timeout + 1)
``LER_WEBHOOK_POLL``          seconds between looks for results to deliver (default 2)
``LER_DEMO_SEED``             seed the demo job at start (1/0, default 0; ``ler up`` sets 1)
``LER_ANSWER_LIMIT_ADDRESS``  answers a client address may post a minute (default 10)
``LER_ANSWER_LIMIT_REQUEST``  answers one request may receive a minute (default 30)
``LER_VERIFIER_KEY_ENCRYPTION_KEY``  the key-encryption key sealing webhook secrets (base64url,
                              32 bytes); ``..._FILE``: a file holding it; neither:
                              ``<data>/key-encryption-key``, made once (mode 600)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from servicekit.kek import KekSource, kek_source
from verifier.checking.registry import REGISTRY_FILE

KEK_SETTING = "LER_VERIFIER_KEY_ENCRYPTION_KEY"


@dataclass(frozen=True)
class Settings:
    base_url: str = "http://localhost:8003"
    issuer_url: str = "http://localhost:8001"
    # None: no governance registry (a bare VC-API verifier): no trusted-issuer check.
    registry_file: Path | None = None
    allow_did_web: bool = True
    allow_status_fetch: bool = True
    allow_refresh: bool = False
    allow_http_localhost: bool = False  # the local demo only (ler up sets it)
    allow_private: bool = False
    max_body_bytes: int = 2 * 1024 * 1024
    data_dir: Path = Path("var/verifier")
    database_url: str | None = None  # None: SQLite in data_dir
    request_lifetime_seconds: int = 300
    # Seconds a fetched status list is reused (verifier.checking.cache); 0 fetches it every time.
    status_cache_seconds: float = 0.0
    # Webhook deliveries (verifier.delivery): waits base, 2×base, 4×base … for max_tries in all.
    webhook_base_delay: float = 1.0
    webhook_max_tries: int = 5
    webhook_poll_interval: float = 2.0
    webhook_lease: float = 60.0  # seconds a claimed delivery stays one process's
    demo_seed: bool = False  # seed the demo job at start (verifier.jobs.demo_job)
    # Answers to requests (verifier.jobs.answer_limits): per client address and per request,
    # in any window of answer_limit_window seconds; past them a 429 with Retry-After.
    answer_limit_per_address: int = 10
    answer_limit_per_request: int = 30
    answer_limit_window: float = 60.0
    kek: str | None = None  # the key-encryption key (base64url); None: kek_file or data_dir
    kek_file: Path | None = None
    fetch_timeout: float = 5.0  # seconds for one fetch in all (verifier.checking.fetch)
    # did:web and controller documents (servicekit.fetch_cache): kept at most this long, and
    # every cached document at least cache_floor_seconds (a host's no-cache under load).
    did_cache_seconds: float = 0.0
    cache_floor_seconds: float = 0.0
    cache_entries: int = 1000
    # The most JSON values one submitted credential or presentation may hold (objects, arrays,
    # strings, numbers, booleans, nulls); past it a 413 before any check (vckit max_values).
    verify_max_values: int = 25_000

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'verifier.db'}"

    @property
    def kek_source(self) -> KekSource:
        return kek_source(KEK_SETTING, value=self.kek, file=self.kek_file, data_dir=self.data_dir)

    @classmethod
    def from_env(cls) -> Settings:
        def flag(name: str, default: bool) -> bool:
            return os.environ.get(name, str(default)).lower() in ("1", "true", "yes")

        registry = os.environ.get("LER_REGISTRY", str(REGISTRY_FILE))
        return cls(
            base_url=os.environ.get("LER_VERIFIER_URL", cls.base_url),
            issuer_url=os.environ.get("LER_ISSUER_URL", cls.issuer_url),
            registry_file=Path(registry) if registry else None,
            allow_did_web=flag("LER_ALLOW_DID_WEB", cls.allow_did_web),
            allow_status_fetch=flag("LER_ALLOW_STATUS_FETCH", cls.allow_status_fetch),
            allow_refresh=flag("LER_ALLOW_REFRESH", cls.allow_refresh),
            allow_http_localhost=flag("LER_ALLOW_HTTP_LOCALHOST", cls.allow_http_localhost),
            allow_private=flag("LER_ALLOW_PRIVATE", cls.allow_private),
            data_dir=Path(os.environ.get("LER_DATA_DIR", "var")) / "verifier",
            database_url=os.environ.get("LER_VERIFIER_DATABASE_URL") or None,
            request_lifetime_seconds=int(
                os.environ.get("LER_REQUEST_LIFETIME", cls.request_lifetime_seconds)
            ),
            status_cache_seconds=float(os.environ.get("LER_STATUS_CACHE", "60")),
            demo_seed=flag("LER_DEMO_SEED", cls.demo_seed),
            answer_limit_per_address=int(
                os.environ.get("LER_ANSWER_LIMIT_ADDRESS", cls.answer_limit_per_address)
            ),
            answer_limit_per_request=int(
                os.environ.get("LER_ANSWER_LIMIT_REQUEST", cls.answer_limit_per_request)
            ),
            kek=os.environ.get(KEK_SETTING) or None,
            kek_file=Path(os.environ[f"{KEK_SETTING}_FILE"])
            if os.environ.get(f"{KEK_SETTING}_FILE")
            else None,
            fetch_timeout=float(os.environ.get("LER_FETCH_TIMEOUT", cls.fetch_timeout)),
            did_cache_seconds=float(os.environ.get("LER_DID_CACHE", "300")),
            cache_floor_seconds=float(os.environ.get("LER_CACHE_FLOOR", "5")),
            cache_entries=int(os.environ.get("LER_CACHE_ENTRIES", cls.cache_entries)),
            verify_max_values=int(os.environ.get("LER_VERIFY_MAX_VALUES", cls.verify_max_values)),
            webhook_lease=float(os.environ.get("LER_WEBHOOK_LEASE", cls.webhook_lease)),
            webhook_poll_interval=float(
                os.environ.get("LER_WEBHOOK_POLL", cls.webhook_poll_interval)
            ),
        )

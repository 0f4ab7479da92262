"""Wallet settings, read from the environment by ``from_env`` (never at import time).

=================================  ==================================================
``LER_WALLET_URL``                 public base URL (default http://localhost:8002)
``LER_DATA_DIR``                   data folder root; the wallet uses ``<dir>/wallet``
``LER_WALLET_DATABASE_URL``        ``sqlite:///path.db`` (default ``<data>/wallet/wallet.db``)
                                   or ``postgresql://user@host/db``
``LER_WALLET_ALLOW_HTTP_LOCALHOST`` ``1`` lets the wallet reach issuers and verifiers
                                   over plain http on localhost (the local demo: ``ler up``
                                   and ``ler demo --start`` set it); default ``0``: https only
``LER_WALLET_ALLOW_PRIVATE``       ``1`` lets outbound requests reach private addresses
                                   (default ``0``)
``LER_WALLET_MAX_BODY``            request body limit in bytes (default 2 MiB)
``LER_WALLET_FETCH_TIMEOUT``       seconds one outbound request may take in all, connect to
                                   last byte (default 5)
``LER_WALLET_RECHECK_INTERVAL``    seconds between background re-checks of held
                                   credentials (default 3600; 0 turns the job off)
``LER_WALLET_RESUME_INTERVAL``     seconds between runs of the background job that resumes
                                   credential offers a restart interrupted (default 5;
                                   0 turns the job off)
``LER_WALLET_TEST_STEP_DELAY``     tests only: seconds to pause after each recorded step of
                                   an offer's redemption, twice that once the credential has
                                   arrived (default 0: no pause), so that a kill test lands
                                   in every step
``LER_VERIFIER_URL``               the verifier a share link's public page offers to verify
                                   it at, in one click (``ler up`` sets it; default none)
``LER_DEMO_SEED``                  ``1`` seeds the demo learner at start
                                   (``wallet.accounts.demo_learner``; ``ler up`` sets it;
                                   default ``0``)
``LER_WALLET_KEY_ENCRYPTION_KEY``  the key-encryption key sealing the learners' holder
                                   keys (base64url, 32 bytes); ``..._FILE``: a file
                                   holding it; neither: ``<data>/key-encryption-key``,
                                   made once (mode 600)
=================================  ==================================================
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from servicekit.kek import KekSource, kek_source

KEK_SETTING = "LER_WALLET_KEY_ENCRYPTION_KEY"


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Settings:
    base_url: str = "http://localhost:8002"
    data_dir: Path = Path("var/wallet")
    name: str = "LER wallet"
    database_url: str | None = None  # None: SQLite in data_dir
    allow_http_localhost: bool = False  # the local demo (ler up): issuer, verifier on localhost
    allow_private: bool = False
    max_body_bytes: int = 2 * 1024 * 1024
    fetch_max_bytes: int = 2 * 1024 * 1024  # one answer from an issuer or verifier
    fetch_timeout: float = 5.0  # seconds, for one outbound request in all (connect to last byte)
    recheck_interval: float = 3600.0  # seconds between background re-checks; 0: off
    demo_seed: bool = False  # seed the demo learner at start (wallet.accounts.demo_learner)
    kek: str | None = None  # the key-encryption key (base64url); None: kek_file or data_dir
    kek_file: Path | None = None
    resume_interval: float = 5.0  # seconds between runs of the offer resume job; 0: off
    test_step_delay: float = 0.0  # tests only: pause after each recorded receive step
    verifier_url: str | None = None  # the share page's "verify it" button; None: no button

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'wallet.db'}"

    @property
    def kek_source(self) -> KekSource:
        return kek_source(KEK_SETTING, value=self.kek, file=self.kek_file, data_dir=self.data_dir)

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            base_url=os.environ.get("LER_WALLET_URL", cls.base_url),
            data_dir=Path(os.environ.get("LER_DATA_DIR", "var")) / "wallet",
            name=os.environ.get("LER_WALLET_NAME", cls.name),
            database_url=os.environ.get("LER_WALLET_DATABASE_URL") or None,
            allow_http_localhost=_flag("LER_WALLET_ALLOW_HTTP_LOCALHOST", False),
            allow_private=_flag("LER_WALLET_ALLOW_PRIVATE", False),
            max_body_bytes=int(os.environ.get("LER_WALLET_MAX_BODY", cls.max_body_bytes)),
            fetch_timeout=float(os.environ.get("LER_WALLET_FETCH_TIMEOUT", cls.fetch_timeout)),
            recheck_interval=float(
                os.environ.get("LER_WALLET_RECHECK_INTERVAL", cls.recheck_interval)
            ),
            demo_seed=_flag("LER_DEMO_SEED", False),
            kek=os.environ.get(KEK_SETTING) or None,
            kek_file=Path(os.environ[f"{KEK_SETTING}_FILE"])
            if os.environ.get(f"{KEK_SETTING}_FILE")
            else None,
            resume_interval=float(
                os.environ.get("LER_WALLET_RESUME_INTERVAL", cls.resume_interval)
            ),
            test_step_delay=float(os.environ.get("LER_WALLET_TEST_STEP_DELAY", 0)),
            verifier_url=os.environ.get("LER_VERIFIER_URL") or None,
        )

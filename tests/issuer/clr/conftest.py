"""The page fixtures of tests/issuer/web/test_pages.py (a staff browser), for the CLR page."""

from tests.issuer.web.test_pages import app, browser, staff  # noqa: F401

"""COSE (RFC 9052) securing of credentials: W3C VC-JOSE-COSE §3.3 ``application/vc+cose``."""

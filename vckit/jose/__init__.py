"""Credentials secured with JOSE: Open Badges 3.0 VC-JWT and W3C VC-JOSE-COSE ``vc+jwt``.

==============  ============================================================================
``vc_jwt``      sign and verify a compact JWS credential; header, key and algorithm rules
``claims``      what a VC-JWT payload says: registered claims and the time window
==============  ============================================================================
"""

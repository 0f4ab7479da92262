"""W3C Data Integrity: proofs and their cryptosuites.

==============  ============================================================================
``algorithms``  VC Data Integrity 1.0 §4: add a proof (set, chain) and verify one
``proofs``      what a proof is, apart from any cryptosuite: its members and bindings
``cryptosuites`` the RDFC suites (eddsa-rdfc-2022, ecdsa-rdfc-2019, Ed25519Signature2020),
                one function per algorithm step
``ecdsa_sd/``   ecdsa-sd-2023 (selective disclosure), one module per spec section
==============  ============================================================================
"""

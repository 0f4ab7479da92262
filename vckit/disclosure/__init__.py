"""Selective disclosure, whatever the format (ecdsa-sd-2023 or SD-JWT): which fields of a
credential a holder may show or hide, and exactly what a verifier will see.

==============  ============================================================================
``fields``      the fields of a credential, addressed by JSON pointer; mandatory or not
``disclose``    disclose the chosen fields in either format, and preview the result
==============  ============================================================================
"""

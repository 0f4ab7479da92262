"""Revocation and suspension: the Bitstring Status Lists (``lists``) and the issued list as
staff see it, with the changes that apply (``issued``)."""

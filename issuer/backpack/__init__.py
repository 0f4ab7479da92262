"""The issuer as an Open Badges **Service Consumer (Write)**: "send to my backpack"
(:mod:`issuer.backpack.sending`)."""

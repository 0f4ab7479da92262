"""The issuer: a credentialing organization that issues Open Badges 3.0 credentials."""

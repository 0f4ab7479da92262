-- One database per service (their tables share names: credentials, offers, requests).
-- POSTGRES_DB creates "issuer"; the image runs this file once, on an empty data volume.
CREATE DATABASE wallet;
CREATE DATABASE verifier;

// LER credential demonstrator: the endpoints the W3C / CCG conformance suites may call.
//
// Our own configuration (not suite code). Each suite's localConfig.cjs (see ./localConfig/)
// requires this file and picks the endpoints it needs. Everything points at loopback.
//
// Environment (run.sh sets all of these; the defaults match run.sh's defaults):
//   LER_CONF_ISSUER_URL    the issuer service behind our TLS proxy  (https://localhost:9441)
//   LER_CONF_VERIFIER_URL  the verifier service behind our TLS proxy (https://localhost:9443)
//   LER_CONF_ISSUER_DID    which of the installation's issuers signs; the VC-API issuer picks
//                          the signing issuer from credential.issuer, so the suites must put
//                          this DID there (they copy the endpoint's `id` into it)
//   LER_CONF_DIDKEY_Ed25519, LER_CONF_DIDKEY_P256, LER_CONF_DIDKEY_P384
//                          the did:key DIDs of the installation's did:key issuer, one per key
//                          (issuer/organisations/identity.py); the credential's issuer DID
//                          picks the key, so P-384 is a separate issuer endpoint, as the
//                          vc-di-ecdsa suite declares key types. Unset: those issuers are left out.
//   LER_CONF_TOKEN_FILE    the issuer's API token (conformance/var/issuer/api-token), sent as
//                          Bearer
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const env = process.env;
const issuerUrl = env.LER_CONF_ISSUER_URL || 'https://localhost:9441';
const verifierUrl = env.LER_CONF_VERIFIER_URL || 'https://localhost:9443';
const issuerDid = env.LER_CONF_ISSUER_DID ||
  'did:web:localhost%3A9441:issuers:community-college';
const tokenFile = env.LER_CONF_TOKEN_FILE ||
  path.join(__dirname, '..', 'var', 'issuer', 'api-token');

function bearer() {
  try {
    return 'Bearer ' + fs.readFileSync(tokenFile, 'utf8').trim();
  } catch(e) {
    // no token: the issuer answers 401 and the report shows it
    return 'Bearer missing-token-file';
  }
}

// One issue endpoint (POST /credentials/issue). `options` is sent as the VC-API request's
// `options` member: `cryptosuite` for Data Integrity, `format` for JWTs (issuer/web/api/vc_api.py
// IssueOptions).
function issuer({tags, options, did, ...rest}) {
  return {
    id: did || issuerDid,
    endpoint: `${issuerUrl}/credentials/issue`,
    headers: {Authorization: bearer()},
    ...(options ? {options} : {}),
    tags,
    ...rest
  };
}

// POST /credentials/verify (no authentication).
function verifier({tags, ...rest}) {
  return {endpoint: `${verifierUrl}/credentials/verify`, tags, ...rest};
}

// POST /presentations/verify (no authentication).
function vpVerifier({tags, ...rest}) {
  return {endpoint: `${verifierUrl}/presentations/verify`, tags, ...rest};
}

// `name` has no spaces: the jose-cose suite puts it unquoted into a shell command.
const NAME = 'LER';
const IMPLEMENTATION = 'LER credential demonstrator';

// did:key issuer DIDs by key kind ('' when the run did not set them)
const didKeys = {
  'Ed25519': env.LER_CONF_DIDKEY_Ed25519 || '',
  'P-256': env.LER_CONF_DIDKEY_P256 || '',
  'P-384': env.LER_CONF_DIDKEY_P384 || ''
};

// POST /credentials/derive (ecdsa-sd-2023 selective disclosure; API token), a VC-API holder
function holder({tags, ...rest}) {
  return {
    endpoint: `${issuerUrl}/credentials/derive`,
    headers: {Authorization: bearer()},
    tags,
    ...rest
  };
}

module.exports = {
  NAME, IMPLEMENTATION, issuer, verifier, vpVerifier, holder, issuerDid, didKeys
};

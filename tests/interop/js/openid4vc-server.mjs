#!/usr/bin/env node
// The OpenWallet Foundation's OpenID4VC library (oid4vc-ts: @openid4vc/oauth2, openid4vci,
// openid4vp) as an ISSUER and a VERIFIER, in one small HTTP server on 127.0.0.1, against the
// project's wallet. Started by tests/interop/test_openid4vc.py; it prints {"port": N} on its
// first stdout line once it listens, and runs until it is terminated.
//
// OpenID4VCI 1.0, pre-authorized code flow. Credential Issuer identifier <base>/oid4vci, with a
// separate Authorization Server <base>/as (metadata authorization_servers):
//   GET  /.well-known/openid-credential-issuer/oid4vci  Openid4vciIssuer.createCredentialIssuerMetadata
//   GET  /.well-known/oauth-authorization-server/as     Oauth2AuthorizationServer.createAuthorizationServerMetadata
//   GET  /oid4vci/offers/<id>     the credential offer object, by reference
//   POST /as/token                parseAccessTokenRequest, verifyPreAuthorizedCodeAccessTokenRequest
//                                 (code, tx_code), createAccessTokenResponse (a JWT access token,
//                                 ES256, key at /as/jwks, aud the issuer); a code is single use
//   POST /oid4vci/nonce           createNonceResponse
//   POST /oid4vci/credential      Oauth2ResourceServer.verifyResourceRequest (the access token),
//                                 parseCredentialRequest, verifyCredentialRequestJwtProof (aud,
//                                 nonce: one this server handed out and not used, signature by the
//                                 kid / jwk key), createCredentialResponse
// The library issues nothing: the credential is made here with the project's JS stack, bound to
// the key of the proof (credentialSubject.id = its did:key; for dc+sd-jwt cnf.jwk = its JWK):
//   ldp_vc    eddsa-rdfc-2022, did:key Ed25519 issuer     (@digitalbazaar/vc + eddsa-rdfc-2022)
//   ldp_vc    ecdsa-sd-2023 base proof, did:key P-256     (@digitalbazaar/ecdsa-sd-2023-cryptosuite)
//   jwt_vc_json  OB 3.0 VC-JWT, ES256, did:key P-256      (jose)
//   dc+sd-jwt SD-JWT VC, ES256, iss/kid did:key P-256     (@sd-jwt/sd-jwt-vc)
//
// OpenID4VP 1.0, response mode direct_post, client identifier prefix redirect_uri:, request by
// value (the only way the library makes a redirect_uri: request: a request object must be signed):
//   POST /oid4vp/response/<session>   Openid4vpVerifier.parseOpenid4vpAuthorizationResponse
// What the library checks of a response: the form, state = the request's state, vp_token an
// object of query ids to presentations (parseDcqlVpToken). It leaves to its user (its own words,
// validate-authorization-response.ts): verifying the presentations, matching them to the query,
// status, nonce. That is done here with the JS stack: an ldp_vp by @digitalbazaar/vc `verify`
// (the holder's proof with challenge = nonce and domain = client_id, and each credential's proof,
// eddsa-rdfc-2022 or a derived ecdsa-sd-2023 proof; did:key only), issued by one of this server's
// issuer keys; an SD-JWT by @sd-jwt/sd-jwt-vc `verify` with the issuer key its kid names (one of
// this server's) and keyBindingNonce, then KB-JWT aud = client_id (the library does not compare
// aud), and vct = the query's.
//
// Test control (loopback only, for the Python test): POST /control/offers, GET /control/offers/<id>,
// POST /control/requests, GET /control/sessions/<id>.

import http from 'node:http';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {
  createSignCryptosuite, createVerifyCryptosuite
} from '@digitalbazaar/ecdsa-sd-2023-cryptosuite';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {
  Oauth2AuthorizationServer, Oauth2ResourceServer, Oauth2ResourceUnauthorizedError,
  Oauth2ServerErrorResponseError, decodeJwt, preAuthorizedCodeGrantIdentifier
} from '@openid4vc/oauth2';
import {Openid4vciIssuer, Openid4vciVersion} from '@openid4vc/openid4vci';
import {Openid4vpVerifier} from '@openid4vc/openid4vp';
import {digest, generateSalt} from '@sd-jwt/crypto-nodejs';
import {SDJwtVcInstance} from '@sd-jwt/sd-jwt-vc';
import * as jose from 'jose';

import {errorMessages} from './batch.mjs';
import {
  callbacks, generateKey, jwkOfDid, publicJwk, randomId, rawSign, rawVerify
} from './openid4vc-common.mjs';
import {makeDocumentLoader} from './loader.mjs';

const HOST = '127.0.0.1';
const VC_V2 = 'https://www.w3.org/ns/credentials/v2';
const OB_V3 = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
const OB_VCT = 'https://purl.imsglobal.org/spec/vc/ob/vocab.html#AchievementCredential';
const TYPES = ['VerifiableCredential', 'OpenBadgeCredential'];
const documentLoader = makeDocumentLoader();

const edIssuer = await generateKey('Ed25519');
const p256Issuer = await generateKey('P-256');
const asKey = await generateKey('P-256');
const ISSUER_DIDS = [edIssuer.did, p256Issuer.did];

const cb = callbacks([asKey.jwk]);
const issuer = new Openid4vciIssuer({callbacks: cb});
const authorizationServer = new Oauth2AuthorizationServer({callbacks: cb});
const resourceServer = new Oauth2ResourceServer({callbacks: cb});
const verifier = new Openid4vpVerifier({callbacks: cb});

const offers = new Map(); // offer id -> {code, txCode, configurationIds, template, tamper, ...}
const nonces = new Set(); // c_nonce values handed out and not yet used
const sessions = new Map(); // OpenID4VP session id -> {request, responses: [...]}

// --- issuer metadata ---------------------------------------------------------------------------

function configurations() {
  // W3C credentials name their subject by a DID; an SD-JWT VC binds a key (cnf.jwk), so its
  // proof gives the key itself (OID4VCI 1.0 Appendix F.1 jwk), as EUDI-style issuers expect.
  const did = {cryptographic_binding_methods_supported: ['did:key']};
  const jwk = {cryptographic_binding_methods_supported: ['jwk']};
  const common = {
    proof_types_supported: {jwt: {proof_signing_alg_values_supported: ['EdDSA', 'ES256']}},
    credential_metadata: {display: [{name: 'Open Badge (OWF test issuer)', locale: 'en'}]}
  };
  const ldp = {
    format: 'ldp_vc', credential_definition: {'@context': [VC_V2, OB_V3], type: TYPES}
  };
  return {
    OpenBadgeCredential_ldp_vc: {
      ...ldp, credential_signing_alg_values_supported: ['eddsa-rdfc-2022'], ...did, ...common
    },
    OpenBadgeCredential_ldp_vc_ecdsa_sd: {
      ...ldp, credential_signing_alg_values_supported: ['ecdsa-sd-2023'], ...did, ...common
    },
    OpenBadgeCredential_jwt_vc_json: {
      format: 'jwt_vc_json', credential_definition: {type: TYPES},
      credential_signing_alg_values_supported: ['ES256'], ...did, ...common
    },
    OpenBadgeCredential_dc_sd_jwt: {
      format: 'dc+sd-jwt', vct: OB_VCT, credential_signing_alg_values_supported: ['ES256'],
      ...jwk, ...common
    }
  };
}

let BASE;
let ISSUER;
let AS;
let issuerMetadata;
let asMetadata;

function setUp(port) {
  BASE = `http://${HOST}:${port}`;
  ISSUER = `${BASE}/oid4vci`;
  AS = `${BASE}/as`;
  const credentialIssuer = issuer.createCredentialIssuerMetadata({
    credential_issuer: ISSUER,
    authorization_servers: [AS],
    credential_endpoint: `${ISSUER}/credential`,
    nonce_endpoint: `${ISSUER}/nonce`,
    display: [{name: 'OWF oid4vc-ts test issuer', locale: 'en'}],
    credential_configurations_supported: configurations()
  });
  asMetadata = authorizationServer.createAuthorizationServerMetadata({
    issuer: AS,
    token_endpoint: `${AS}/token`,
    jwks_uri: `${AS}/jwks`,
    grant_types_supported: [preAuthorizedCodeGrantIdentifier],
    'pre-authorized_grant_anonymous_access_supported': true
  });
  issuerMetadata = {
    credentialIssuer,
    authorizationServers: [asMetadata],
    originalDraftVersion: Openid4vciVersion.V1,
    knownCredentialConfigurations:
      issuer.getKnownCredentialConfigurationsSupported(credentialIssuer)
  };
}

// --- making the credentials (the project's JS stack, not the library) ---------------------------

function unsigned(template, issuerDid, holderDid) {
  const credential = structuredClone(template);
  credential.id = `urn:uuid:${crypto.randomUUID()}`;
  credential.issuer = typeof credential.issuer === 'object' ?
    {...credential.issuer, id: issuerDid} : issuerDid;
  credential.credentialSubject = {...credential.credentialSubject};
  if(holderDid) {
    credential.credentialSubject.id = holderDid;
  } else {
    delete credential.credentialSubject.id; // bound to a key (cnf.jwk), not to a DID
  }
  credential.validFrom = new Date(Date.now() - 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
  return credential;
}

async function issueLdp(credential, key, cryptosuite) {
  const suite = new DataIntegrityProof({signer: key.keyPair.signer(), cryptosuite});
  return vc.issue({credential, suite, documentLoader});
}

/** All but the learner's identifiers are mandatory in an ecdsa-sd-2023 base proof. */
function mandatoryPointers(credential) {
  const pointers = Object.keys(credential).filter(k => k !== '@context' && k !== 'credentialSubject')
    .map(k => `/${k}`);
  for(const member of Object.keys(credential.credentialSubject)) {
    if(member !== 'identifier') {
      pointers.push(`/credentialSubject/${member}`);
    }
  }
  return pointers;
}

async function issueCredential(configurationId, offer, holderDid, holderJwk) {
  const {template} = offer;
  if(configurationId === 'OpenBadgeCredential_ldp_vc') {
    return issueLdp(unsigned(template, edIssuer.did, holderDid), edIssuer, eddsaRdfc2022);
  }
  if(configurationId === 'OpenBadgeCredential_ldp_vc_ecdsa_sd') {
    const credential = unsigned(template, p256Issuer.did, holderDid);
    return issueLdp(credential, p256Issuer,
      createSignCryptosuite({mandatoryPointers: mandatoryPointers(credential)}));
  }
  if(configurationId === 'OpenBadgeCredential_jwt_vc_json') {
    // OB 3.0 VC-JWT (the vc claim, OB 3.0 §8.2.4.1)
    const credential = unsigned(template, p256Issuer.did, holderDid);
    const nbf = Math.floor(Date.parse(credential.validFrom) / 1000);
    const key = await jose.importJWK(p256Issuer.jwk, 'ES256');
    return new jose.SignJWT({iss: p256Issuer.did, sub: holderDid, jti: credential.id, nbf,
      vc: credential})
      .setProtectedHeader({alg: 'ES256', typ: 'JWT', kid: p256Issuer.vm}).sign(key);
  }
  if(configurationId === 'OpenBadgeCredential_dc_sd_jwt') {
    const credential = unsigned(template, p256Issuer.did, holderDid);
    const now = Math.floor(Date.now() / 1000);
    const sdjwt = new SDJwtVcInstance({
      hasher: digest, hashAlg: 'sha-256', saltGenerator: generateSalt, signAlg: 'ES256',
      signer: data => rawSign(p256Issuer.jwk, data)
    });
    const identifiers = (credential.credentialSubject.identifier || []).map((_, i) => i);
    return sdjwt.issue(
      {...credential, iss: p256Issuer.did, iat: now, nbf: now - 60, vct: OB_VCT,
        ...(holderDid ? {sub: holderDid} : {}), cnf: {jwk: holderJwk}},
      {credentialSubject: {identifier: {_sd: identifiers}}},
      {header: {kid: p256Issuer.vm}});
  }
  throw new Error(`no such configuration ${configurationId}`);
}

/** A copy changed after signing: the achievement's name (inside the signed part). */
function tampered(credential) {
  if(typeof credential !== 'string') {
    const copy = structuredClone(credential);
    copy.credentialSubject.achievement.name += ' (forged)';
    return copy;
  }
  const [jwt, ...rest] = credential.split('~');
  const [header, payload, signature] = jwt.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  const vcClaims = claims.vc ?? claims;
  vcClaims.credentialSubject.achievement.name += ' (forged)';
  const changed = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return [[header, changed, signature].join('.'), ...rest].join('~');
}

// --- HTTP plumbing -----------------------------------------------------------------------------

class HttpError extends Error {
  constructor(status, body, headers = {}) {
    super(JSON.stringify(body));
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

function oauthError(error, description, status = 400) {
  return new HttpError(status, {error, error_description: description});
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function requestLike(req) {
  const headers = new Headers();
  for(const [name, value] of Object.entries(req.headers)) {
    headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return {method: req.method, url: `${BASE}${req.url}`, headers};
}

function send(res, status, body, headers = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': typeof body === 'string' ? 'text/plain' : 'application/json',
    'Cache-Control': 'no-store',
    ...headers
  });
  res.end(text);
}

function form(text) {
  return Object.fromEntries(new URLSearchParams(text));
}

// --- OpenID4VCI endpoints ----------------------------------------------------------------------

async function token(req, body) {
  const request = requestLike(req);
  const parsed = authorizationServer.parseAccessTokenRequest({
    request, accessTokenRequest: form(body), authorizationServerMetadata: asMetadata
  });
  if(parsed.grant.grantType !== preAuthorizedCodeGrantIdentifier) {
    throw oauthError('unsupported_grant_type', 'pre-authorized code only');
  }
  const offer = [...offers.values()].find(o => o.code === parsed.grant.preAuthorizedCode);
  if(!offer || offer.redeemed) {
    throw oauthError('invalid_grant', 'unknown or already used pre-authorized code');
  }
  await authorizationServer.verifyPreAuthorizedCodeAccessTokenRequest({
    grant: parsed.grant,
    accessTokenRequest: parsed.accessTokenRequest,
    request,
    authorizationServerMetadata: asMetadata,
    expectedPreAuthorizedCode: offer.code,
    expectedTxCode: offer.txCode ?? undefined
  });
  offer.redeemed = true;
  return authorizationServer.createAccessTokenResponse({
    audience: ISSUER,
    authorizationServer: AS,
    expiresInSeconds: 600,
    subject: offer.id,
    signer: {method: 'jwk', alg: 'ES256', publicJwk: publicJwk(asKey.jwk)}
  });
}

async function credentialEndpoint(req, body) {
  const {tokenPayload} = await resourceServer.verifyResourceRequest({
    request: requestLike(req), resourceServer: ISSUER, authorizationServers: [asMetadata]
  });
  const offer = offers.get(tokenPayload.sub);
  if(!offer || offer.issued) {
    throw oauthError('invalid_token', 'the access token was used already', 401);
  }
  const parsed = issuer.parseCredentialRequest({
    issuerMetadata, credentialRequest: JSON.parse(body)
  });
  const configurationId = parsed.credentialConfigurationId;
  if(!offer.configurationIds.includes(configurationId)) {
    throw oauthError('invalid_credential_request', `${configurationId} was not offered`);
  }
  const jwt = parsed.proofs?.jwt?.[0];
  if(!jwt) {
    throw oauthError('invalid_proof', 'a jwt proof is required');
  }
  const proofNonce = decodeJwt({jwt}).payload.nonce;
  if(!nonces.has(proofNonce)) {
    throw oauthError('invalid_nonce', 'not a c_nonce of this issuer, or used already');
  }
  const proof = await issuer.verifyCredentialRequestJwtProof({
    issuerMetadata, jwt, expectedNonce: proofNonce
  });
  nonces.delete(proofNonce);
  const {signer} = proof;
  // The library does not hold the proof's key against the configuration's binding methods
  // (a TODO in its parseCredentialRequest); this issuer does: a did:key kid binds to a DID, a
  // jwk header to the key itself (Appendix F.1).
  const binding = signer.method === 'did' ? `did:${signer.didUrl.split(':')[1]}` : signer.method;
  const methods = parsed.credentialConfiguration.cryptographic_binding_methods_supported;
  if(!methods.includes(binding)) {
    throw oauthError('invalid_proof',
      `${configurationId} binds to ${methods.join(', ')}; the proof's key is a ${binding}`);
  }
  const holderDid = signer.method === 'did' ? signer.didUrl.split('#')[0] : null;
  let credential = await issueCredential(configurationId, offer, holderDid,
    publicJwk(signer.publicJwk));
  if(offer.tamper) {
    credential = tampered(credential);
  }
  offer.issued = {configurationId, holderDid, proof: {header: proof.header,
    payload: proof.payload, signer: {...signer}}};
  return issuer.createCredentialResponse({credentialRequest: parsed, credentials: [{credential}]});
}

async function createOffer({configurationIds, txCode, template, tamper, byReference}) {
  const id = randomId();
  const offer = {
    id, code: randomId(32), txCode: txCode ? String(Math.floor(Math.random() * 1e6))
      .padStart(6, '0') : null,
    configurationIds, template, tamper: Boolean(tamper)
  };
  const grant = {'pre-authorized_code': offer.code};
  if(offer.txCode) {
    grant.tx_code = {input_mode: 'numeric', length: 6, description: 'sent to you separately'};
  }
  const made = await issuer.createCredentialOffer({
    issuerMetadata,
    credentialConfigurationIds: configurationIds,
    grants: {[preAuthorizedCodeGrantIdentifier]: grant},
    credentialOfferUri: byReference ? `${ISSUER}/offers/${id}` : undefined
  });
  offer.object = made.credentialOfferObject;
  offers.set(id, offer);
  return {id, offer: made.credentialOffer, txCode: offer.txCode, object: made.credentialOfferObject};
}

// --- OpenID4VP ---------------------------------------------------------------------------------

async function createRequest({dcql}) {
  const id = randomId();
  const responseUri = `${BASE}/oid4vp/response/${id}`;
  const made = await verifier.createOpenId4vpAuthorizationRequest({
    authorizationRequestPayload: {
      response_type: 'vp_token',
      response_mode: 'direct_post',
      client_id: `redirect_uri:${responseUri}`,
      response_uri: responseUri,
      nonce: randomId(),
      state: randomId(),
      dcql_query: dcql,
      client_metadata: {
        vp_formats_supported: {
          ldp_vc: {proof_type_values: ['DataIntegrityProof'],
            cryptosuite_values: ['eddsa-rdfc-2022', 'ecdsa-sd-2023']},
          'dc+sd-jwt': {'sd-jwt_alg_values': ['ES256'], 'kb-jwt_alg_values': ['EdDSA', 'ES256']}
        }
      }
    }
  });
  sessions.set(id, {request: made.authorizationRequestPayload, responses: []});
  return {id, link: made.authorizationRequest, request: made.authorizationRequestPayload};
}

async function verifyLdp(presentation, request) {
  const suite = [
    new DataIntegrityProof({cryptosuite: eddsaRdfc2022}),
    new DataIntegrityProof({cryptosuite: createVerifyCryptosuite()})
  ];
  const result = await vc.verify({
    presentation, suite, documentLoader, challenge: request.nonce, domain: request.client_id,
    checkStatus: async () => ({verified: true}) // these credentials carry no status
  });
  const errors = [...errorMessages(result.error),
    ...(result.credentialResults || []).flatMap(r => errorMessages(r.error))];
  const credentials = presentation.verifiableCredential || [];
  const issuers = [credentials].flat().map(c => c.issuer?.id ?? c.issuer);
  const untrusted = issuers.filter(d => !ISSUER_DIDS.includes(d));
  if(untrusted.length) {
    errors.push(`not issued by this verifier's trusted issuers: ${untrusted.join(', ')}`);
  }
  return {
    verified: result.verified === true && untrusted.length === 0,
    presentationVerified: result.presentationResult?.verified === true,
    credentialsVerified: (result.credentialResults || []).map(r => r.verified === true),
    cryptosuites: [credentials].flat().map(c => c.proof?.cryptosuite),
    errors
  };
}

async function verifySdJwt(token, request, query) {
  try {
    const kid = decodeJwt({jwt: token.split('~')[0]}).header.kid ?? '';
    if(!ISSUER_DIDS.includes(kid.split('#')[0])) {
      throw new Error(`kid ${kid} is not one of this verifier's trusted issuers`);
    }
    const issuerJwk = await jwkOfDid(kid);
    const sdjwt = new SDJwtVcInstance({
      hasher: digest, hashAlg: 'sha-256',
      verifier: (data, signature) => rawVerify(issuerJwk, data, signature),
      kbVerifier: (data, signature, payload) => rawVerify(payload.cnf.jwk, data, signature)
    });
    const result = await sdjwt.verify(token, {keyBindingNonce: request.nonce});
    if(result.kb?.payload.aud !== request.client_id) {
      throw new Error(`the KB-JWT aud is ${JSON.stringify(result.kb?.payload.aud)}`);
    }
    const wanted = query?.meta?.vct_values;
    if(wanted && !wanted.includes(result.payload.vct)) {
      throw new Error(`vct ${result.payload.vct} is not asked for`);
    }
    return {verified: true, errors: [], claims: result.payload, kb: result.kb.payload};
  } catch(error) {
    return {verified: false, errors: errorMessages(error)};
  }
}

async function receiveResponse(sessionId, body) {
  const session = sessions.get(sessionId);
  if(!session) {
    throw oauthError('invalid_request', 'unknown session');
  }
  const record = {body, library: null, presentations: [], verified: false};
  session.responses.push(record);
  let parsed;
  try {
    parsed = await verifier.parseOpenid4vpAuthorizationResponse({
      authorizationResponse: form(body), authorizationRequestPayload: session.request
    });
  } catch(error) {
    record.library = {ok: false, errors: errorMessages(error)};
    throw oauthError('invalid_request', errorMessages(error).join(' | ').slice(0, 300));
  }
  record.library = {ok: true, type: parsed.type, state: parsed.authorizationResponsePayload.state,
    queries: Object.keys(parsed.dcql.presentations)};
  for(const [queryId, items] of Object.entries(parsed.dcql.presentations)) {
    const query = session.request.dcql_query.credentials.find(q => q.id === queryId);
    for(const item of items) {
      const result = !query ? {verified: false, errors: [`no query ${queryId}`]} :
        query.format === 'dc+sd-jwt' ?
          (typeof item === 'string' ? await verifySdJwt(item, session.request, query) :
            {verified: false, errors: ['an SD-JWT is a string']}) :
          (typeof item === 'object' ? await verifyLdp(item, session.request) :
            {verified: false, errors: ['an ldp_vp is an object']});
      record.presentations.push({queryId, format: query?.format, ...result});
    }
  }
  record.verified = record.presentations.length > 0 && record.presentations.every(p => p.verified);
  if(!record.verified) {
    throw oauthError('invalid_request', 'the presentations did not verify');
  }
  return {};
}

// --- routing -----------------------------------------------------------------------------------

async function route(req, body) {
  const path = new URL(req.url, BASE).pathname;
  const get = req.method === 'GET';
  const post = req.method === 'POST';
  if(get && path === '/.well-known/openid-credential-issuer/oid4vci') {
    return issuerMetadata.credentialIssuer;
  }
  if(get && path === '/.well-known/oauth-authorization-server/as') {
    return asMetadata;
  }
  if(get && path === '/as/jwks') {
    return {keys: [{...publicJwk(asKey.jwk), kid: 'as-1', use: 'sig', alg: 'ES256'}]};
  }
  if(get && path.startsWith('/oid4vci/offers/')) {
    const offer = offers.get(path.slice('/oid4vci/offers/'.length));
    if(!offer || offer.redeemed) {
      throw new HttpError(404, {error: 'not_found'});
    }
    return offer.object;
  }
  if(post && path === '/as/token') {
    return token(req, body);
  }
  if(post && path === '/oid4vci/nonce') {
    const cNonce = randomId();
    nonces.add(cNonce);
    return issuer.createNonceResponse({cNonce, cNonceExpiresIn: 300});
  }
  if(post && path === '/oid4vci/credential') {
    return credentialEndpoint(req, body);
  }
  if(post && path.startsWith('/oid4vp/response/')) {
    return receiveResponse(path.slice('/oid4vp/response/'.length), body);
  }
  // test control
  if(post && path === '/control/offers') {
    return createOffer(JSON.parse(body));
  }
  if(get && path.startsWith('/control/offers/')) {
    const offer = offers.get(path.slice('/control/offers/'.length));
    return offer ? {redeemed: Boolean(offer.redeemed), issued: offer.issued ?? null} : null;
  }
  if(post && path === '/control/requests') {
    return createRequest(JSON.parse(body));
  }
  if(get && path.startsWith('/control/sessions/')) {
    return sessions.get(path.slice('/control/sessions/'.length)) ?? null;
  }
  throw new HttpError(404, {error: 'not_found', path});
}

async function handle(req, res) {
  try {
    const body = await readBody(req);
    const answer = await route(req, body);
    if(answer === undefined) {
      throw new Error(`nothing to answer for ${req.method} ${req.url}`);
    }
    send(res, answer === null ? 404 : 200, answer ?? {error: 'not_found'});
  } catch(error) {
    if(error instanceof HttpError) {
      send(res, error.status, error.body, error.headers);
    } else if(error instanceof Oauth2ServerErrorResponseError) {
      send(res, error.status, error.errorResponse);
    } else if(error instanceof Oauth2ResourceUnauthorizedError) {
      send(res, 401, {error: 'invalid_token', error_description: error.message.slice(0, 300)},
        {'WWW-Authenticate': error.toHeaderValue?.() ?? 'Bearer error="invalid_token"'});
    } else {
      send(res, 500, {error: 'server_error', error_description: errorMessages(error).join(' | ')});
    }
  }
}

const server = http.createServer((req, res) => {
  handle(req, res);
});
server.listen(0, HOST, () => {
  setUp(server.address().port);
  process.stdout.write(`${JSON.stringify({port: server.address().port})}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));

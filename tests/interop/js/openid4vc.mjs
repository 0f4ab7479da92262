#!/usr/bin/env node
// The OpenWallet Foundation's OpenID4VC library (@openid4vc/openid4vci, @openid4vc/openid4vp,
// oid4vc-ts) as a WALLET, against the project's issuer and verifier running on loopback.
// Batch protocol: see batch.mjs.
//
// ops
//   receive  {offer, txCode?, configurationId, holder: {publicKeyMultibase, secretKeyMultibase},
//             proofNonce?, proofKey?: 'did' | 'jwk'}
//            OpenID4VCI 1.0 pre-authorized code flow, every step by the library's
//            Openid4vciClient: resolveCredentialOffer (by value, or GET credential_offer_uri),
//            resolveIssuerMetadata (issuer + authorization server metadata),
//            retrievePreAuthorizedCodeAccessTokenFromOffer (tx_code when asked), requestNonce,
//            createCredentialRequestJwtProof (typ openid4vci-proof+jwt, kid = the holder's
//            did:key URL), retrieveCredentials (credential_configuration_id + proofs.jwt).
//            proofNonce replaces the issuer's c_nonce in the proof (a negative case);
//            proofKey 'jwk' gives the key itself in the proof (header jwk) instead of a kid.
//            -> {ok: true, credentials, format, credentialIssuer, configurations, tokenType,
//                txCodeAsked} | {ok: false, step, error: {error, error_description}, errors}
//   resolve  {link}  -> {ok, request?, errors}: the library's parse + resolve of an OpenID4VP
//            request (by value, or a request_uri it fetches), nothing sent
//   present  {link, holder, answers: {queryId: [{format, credential, selectivePointers?}]},
//             nonce?, domain?}
//            OpenID4VP 1.0: Openid4vpClient.parseOpenid4vpAuthorizationRequest +
//            resolveOpenId4vpAuthorizationRequest (response mode direct_post), the
//            presentations made with the project's JS stack (an ldp_vc: a VC 2.0 presentation
//            signed eddsa-rdfc-2022 by the holder with challenge = nonce, domain = client_id,
//            an ecdsa-sd-2023 base proof first derived with createDiscloseCryptosuite when
//            selectivePointers are given; a dc+sd-jwt: @sd-jwt/sd-jwt-vc present with a KB-JWT,
//            EdDSA, nonce and aud = client_id), then createOpenid4vpAuthorizationResponse +
//            submitOpenid4vpAuthorizationResponse (direct_post). nonce / domain replace the
//            request's in the holder's proofs (negative cases). unsignedByReference: the
//            request_uri of a redirect_uri: client is fetched and read outside the library
//            (which refuses unsigned request objects) and handed to it by value.
//            -> {ok: true, request, status, body, vpToken} | {ok: false, step, errors}
//
// The holder key is a did:key (Ed25519) handed in by the test (tests/vectors/interop/keys.json).

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {createDiscloseCryptosuite} from '@digitalbazaar/ecdsa-sd-2023-cryptosuite';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {Openid4vciClient} from '@openid4vc/openid4vci';
import {Openid4vpClient} from '@openid4vc/openid4vp';
import {digest, generateSalt} from '@sd-jwt/crypto-nodejs';
import {SDJwtVcInstance} from '@sd-jwt/sd-jwt-vc';

import {errorMessages, runBatch} from './batch.mjs';
import {
  callbacks, keyFromMultibase, oauthErrorOf, publicJwk, rawSign
} from './openid4vc-common.mjs';
import {makeDocumentLoader} from './loader.mjs';

const documentLoader = makeDocumentLoader();

/** Runs `steps` in order, naming the step that threw. */
async function stepwise(steps) {
  const done = {};
  let step;
  try {
    for(const [name, run] of steps) {
      step = name;
      done[name] = await run(done);
    }
    return {ok: true, done};
  } catch(error) {
    return {ok: false, step, error: oauthErrorOf(error), errors: errorMessages(error)};
  }
}

async function receive({offer, txCode, configurationId, holder, proofNonce, proofKey = 'did'}) {
  const key = await keyFromMultibase(holder);
  const client = new Openid4vciClient({callbacks: callbacks([key.jwk])});
  const result = await stepwise([
    ['offer', () => client.resolveCredentialOffer(offer)],
    ['metadata', ({offer}) => client.resolveIssuerMetadata(offer.credential_issuer)],
    ['token', ({offer, metadata}) => client.retrievePreAuthorizedCodeAccessTokenFromOffer({
      credentialOffer: offer, issuerMetadata: metadata, txCode: txCode ?? undefined
    })],
    ['nonce', ({metadata}) => client.requestNonce({issuerMetadata: metadata})],
    ['proof', ({metadata, nonce}) => client.createCredentialRequestJwtProof({
      issuerMetadata: metadata,
      credentialConfigurationId: configurationId,
      signer: proofKey === 'jwk' ?
        {method: 'jwk', publicJwk: publicJwk(key.jwk), alg: key.alg} :
        {method: 'did', didUrl: key.vm, alg: key.alg},
      nonce: proofNonce ?? nonce.c_nonce
    })],
    ['credential', ({metadata, token, proof}) => client.retrieveCredentials({
      issuerMetadata: metadata,
      accessToken: token.accessTokenResponse.access_token,
      credentialConfigurationId: configurationId,
      proofs: {jwt: [proof.jwt]}
    })]
  ]);
  if(!result.ok) {
    return result;
  }
  const {offer: resolved, metadata, token, credential} = result.done;
  const supported = metadata.credentialIssuer.credential_configurations_supported;
  return {
    ok: true,
    credentials: credential.credentialResponse.credentials.map(c => c.credential),
    format: supported[configurationId].format,
    credentialIssuer: metadata.credentialIssuer.credential_issuer,
    version: metadata.originalDraftVersion,
    configurations: Object.keys(supported),
    offeredConfigurations: resolved.credential_configuration_ids,
    authorizationServers: metadata.authorizationServers.map(s => s.issuer),
    tokenType: token.accessTokenResponse.token_type,
    txCodeAsked: Boolean(resolved.grants?.[
      'urn:ietf:params:oauth:grant-type:pre-authorized_code']?.tx_code)
  };
}

async function resolveRequest(client, link, unsignedByReference = false) {
  const parsed = client.parseOpenid4vpAuthorizationRequest({authorizationRequest: link});
  let payload = parsed.params;
  if(unsignedByReference && payload.request_uri) {
    payload = await unsignedRequestObject(payload);
  }
  return client.resolveOpenId4vpAuthorizationRequest({
    authorizationRequestPayload: payload, responseMode: {type: 'direct_post'}
  });
}

/** A wallet maker's way around the library's refusal of an unsigned request object by
 * reference (OpenID4VP §5.9.3, redirect_uri: prefix): fetch request_uri outside the library,
 * accept only `typ: oauth-authz-req+jwt`, `alg: none`, an empty signature and the link's
 * client_id (RFC 9101 §5), and hand the library the claims as a request by value, which it then
 * validates as such (response_uri = the client identifier, and so on). */
async function unsignedRequestObject({client_id: clientId, request_uri: requestUri}) {
  const response = await fetch(requestUri, {
    headers: {Accept: 'application/oauth-authz-req+jwt'}, redirect: 'error'
  });
  if(!response.ok) {
    throw new Error(`request_uri answered HTTP ${response.status}`);
  }
  const [header, claims, signature, ...rest] = (await response.text()).trim().split('.');
  const decode = part => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  const {alg, typ} = decode(header);
  if(rest.length || signature !== '' || alg !== 'none' || typ !== 'oauth-authz-req+jwt') {
    throw new Error('not an unsigned request object (alg none, typ oauth-authz-req+jwt)');
  }
  const payload = decode(claims);
  if(!clientId?.startsWith('redirect_uri:') || payload.client_id !== clientId) {
    throw new Error('an unsigned request object is for a redirect_uri: client_id, the link\'s');
  }
  return payload;
}

/** The holder's VC 2.0 presentation of one ldp_vc credential (derived first if asked). */
async function ldpPresentation(key, {credential, selectivePointers}, challenge, domain) {
  let shown = credential;
  if(selectivePointers) {
    shown = await vc.derive({
      verifiableCredential: structuredClone(credential),
      suite: new DataIntegrityProof({cryptosuite: createDiscloseCryptosuite({selectivePointers})}),
      documentLoader
    });
  }
  const presentation = vc.createPresentation({verifiableCredential: [shown], holder: key.did});
  const suite = new DataIntegrityProof({
    signer: key.keyPair.signer(), cryptosuite: eddsaRdfc2022
  });
  return vc.signPresentation({presentation, suite, documentLoader, challenge, domain});
}

/** An SD-JWT VC with every disclosure and a KB-JWT signed by the holder key (EdDSA). */
async function sdJwtPresentation(key, {credential}, nonce, aud) {
  const sdjwt = new SDJwtVcInstance({
    hasher: digest,
    hashAlg: 'sha-256',
    saltGenerator: generateSalt,
    kbSignAlg: key.alg,
    kbSigner: data => rawSign(key.jwk, data)
  });
  const claims = await sdjwt.getClaims(credential);
  const everything = frameOf(claims);
  return sdjwt.present(credential, everything,
    {kb: {payload: {iat: Math.floor(Date.now() / 1000), aud, nonce}}});
}

/** A presentation frame disclosing every claim (true for each member, recursively). */
function frameOf(value) {
  if(Array.isArray(value)) {
    return Object.fromEntries(value.map((item, i) => [i, frameOf(item)]));
  }
  if(value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, frameOf(v)]));
  }
  return true;
}

async function present({link, holder, answers, nonce, domain, unsignedByReference}) {
  const key = await keyFromMultibase(holder);
  const client = new Openid4vpClient({callbacks: callbacks([key.jwk])});
  const result = await stepwise([
    ['resolve', () => resolveRequest(client, link, unsignedByReference)],
    ['presentations', async ({resolve}) => {
      const request = resolve.authorizationRequestPayload;
      const challenge = nonce ?? request.nonce;
      const audience = domain ?? request.client_id;
      const vpToken = {};
      for(const [queryId, items] of Object.entries(answers)) {
        vpToken[queryId] = [];
        for(const item of items) {
          vpToken[queryId].push(item.format === 'dc+sd-jwt' ?
            await sdJwtPresentation(key, item, challenge, audience) :
            await ldpPresentation(key, item, challenge, audience));
        }
      }
      return vpToken;
    }],
    ['response', ({resolve, presentations}) => client.createOpenid4vpAuthorizationResponse({
      authorizationRequestPayload: resolve.authorizationRequestPayload,
      authorizationResponsePayload: {vp_token: presentations}
    })],
    ['submit', ({resolve, response}) => client.submitOpenid4vpAuthorizationResponse({
      authorizationRequestPayload: resolve.authorizationRequestPayload,
      authorizationResponsePayload: response.authorizationResponsePayload
    })]
  ]);
  if(!result.ok) {
    return result;
  }
  const {resolve, presentations, submit} = result.done;
  return {
    ok: true,
    request: resolve.authorizationRequestPayload,
    clientPrefix: resolve.client.prefix,
    version: resolve.version,
    vpToken: presentations,
    status: submit.response.status,
    body: await submit.response.text()
  };
}

const handlers = {
  receive,
  async resolve({link, holder}) {
    const client = new Openid4vpClient({callbacks: callbacks([])});
    const result = await stepwise([['resolve', () => resolveRequest(client, link)]]);
    return result.ok ?
      {ok: true, request: result.done.resolve.authorizationRequestPayload,
        clientPrefix: result.done.resolve.client.prefix} :
      result;
  },
  present
};

await runBatch(handlers);

// What openid4vc.mjs (the OpenWallet Foundation library as a WALLET) and openid4vc-server.mjs
// (the same library as an ISSUER and a VERIFIER) share: the callbacks the library asks its user
// for (hashing, randomness, signing and verifying JWTs), did:key / did:jwk key resolution with
// Digital Bazaar's did-method-key (never vckit), and JWS signing with node's crypto.
//
// The library (@openid4vc/oauth2, openid4vci, openid4vp) does no cryptography itself: every
// signature it makes or checks goes through signJwt / verifyJwt below (panva's `jose`).

import crypto from 'node:crypto';

import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {clientAuthenticationAnonymous, setGlobalConfig} from '@openid4vc/oauth2';
import * as jose from 'jose';

import {makeDidKeyDriver} from './loader.mjs';

// The tests run every party on loopback over plain http; the library refuses http:// URLs
// (zHttpsUrl) unless this is set. Nothing else is relaxed.
setGlobalConfig({allowInsecureUrls: true});

const didKey = makeDidKeyDriver();

export function b64url(bytes) {
  return Buffer.from(bytes).toString('base64url');
}

export function randomId(bytes = 16) {
  return b64url(crypto.randomBytes(bytes));
}

/** The public members of a JWK. */
export function publicJwk({kty, crv, x, y}) {
  return y === undefined ? {kty, crv, x} : {kty, crv, x, y};
}

export function algOf(jwk) {
  if(jwk.kty === 'OKP' && jwk.crv === 'Ed25519') {
    return 'EdDSA';
  }
  if(jwk.kty === 'EC' && jwk.crv === 'P-256') {
    return 'ES256';
  }
  throw new Error(`unsupported key ${jwk.kty}/${jwk.crv}`);
}

/** A did:key key pair (Ed25519 or P-256) as multibase and JWK: {did, vm, jwk (private), ...}. */
export async function keyFromMultibase({publicKeyMultibase, secretKeyMultibase}) {
  const Multikey = publicKeyMultibase.startsWith('z6Mk') ? Ed25519Multikey : EcdsaMultikey;
  const did = `did:key:${publicKeyMultibase}`;
  const vm = `${did}#${publicKeyMultibase}`;
  const keyPair = await Multikey.from({
    type: 'Multikey', id: vm, controller: did, publicKeyMultibase, secretKeyMultibase
  });
  const jwk = await Multikey.toJwk({keyPair, secretKey: true});
  const d = Buffer.from(jwk.d, 'base64url');
  if(jwk.kty === 'OKP' && d.length === 64) {
    // ed25519-multikey exports seed ‖ public key; a JWK's d is the 32-byte seed (RFC 8037)
    jwk.d = b64url(d.subarray(0, 32));
  }
  return {did, vm, keyPair, jwk, publicKeyMultibase, secretKeyMultibase, alg: algOf(jwk)};
}

/** A fresh did:key key pair, 'Ed25519' or 'P-256'. */
export async function generateKey(kind) {
  const keyPair = kind === 'Ed25519' ?
    await Ed25519Multikey.generate() : await EcdsaMultikey.generate({curve: 'P-256'});
  const {publicKeyMultibase, secretKeyMultibase} = await keyPair.export(
    {publicKey: true, secretKey: true, includeContext: false});
  return keyFromMultibase({publicKeyMultibase, secretKeyMultibase});
}

/** The public JWK of a did:key or did:jwk (URL), resolved without the network. */
export async function jwkOfDid(didUrl) {
  const did = didUrl.split('#')[0];
  if(did.startsWith('did:jwk:')) {
    return publicJwk(JSON.parse(Buffer.from(did.slice(8), 'base64url').toString('utf8')));
  }
  if(!did.startsWith('did:key:')) {
    throw new Error(`only did:key and did:jwk are resolved here, not ${did.slice(0, 40)}`);
  }
  const document = await didKey.get({did});
  const [method] = document.verificationMethod;
  const Multikey = method.publicKeyMultibase.startsWith('z6Mk') ? Ed25519Multikey : EcdsaMultikey;
  const keyPair = await Multikey.from(method);
  return publicJwk(await Multikey.toJwk({keyPair}));
}

/** Compact JWS over `signingInput` bytes, as the @sd-jwt signer callbacks want (base64url). */
export function rawSign(privateJwk, data) {
  const key = crypto.createPrivateKey({key: privateJwk, format: 'jwk'});
  const ec = privateJwk.kty === 'EC';
  const signature = crypto.sign(ec ? 'sha256' : null, Buffer.from(data),
    ec ? {key, dsaEncoding: 'ieee-p1363'} : key);
  return b64url(signature);
}

export function rawVerify(jwk, data, signature) {
  const key = crypto.createPublicKey({key: publicJwk(jwk), format: 'jwk'});
  const ec = jwk.kty === 'EC';
  return crypto.verify(ec ? 'sha256' : null, Buffer.from(data),
    ec ? {key, dsaEncoding: 'ieee-p1363'} : key, Buffer.from(signature, 'base64url'));
}

/** The library's signJwt callback: the private key is looked up among `privateJwks` by the
 * signer's public key (a jwk, or a did:key / did:jwk URL). */
export function signJwtCallback(privateJwks) {
  return async (signer, {header, payload}) => {
    let wanted;
    if(signer.method === 'jwk') {
      wanted = signer.publicJwk;
    } else if(signer.method === 'did') {
      wanted = await jwkOfDid(signer.didUrl);
    } else {
      throw new Error(`signer method ${signer.method} is not used in these tests`);
    }
    const privateJwk = privateJwks.find(k => k.x === wanted.x && k.y === wanted.y);
    if(!privateJwk) {
      throw new Error('no private key for the signer');
    }
    const key = await jose.importJWK(privateJwk, signer.alg);
    const jwt = await new jose.CompactSign(Buffer.from(JSON.stringify(payload)))
      .setProtectedHeader(header).sign(key);
    return {jwt, signerJwk: publicJwk(privateJwk)};
  };
}

/** The library's verifyJwt callback: the signature only (the library checks the claims it
 * was asked to). Keys: a header jwk, or a did:key / did:jwk kid. */
export async function verifyJwtCallback(signer, {compact}) {
  let jwk;
  if(signer.method === 'jwk') {
    jwk = signer.publicJwk;
  } else if(signer.method === 'did') {
    jwk = await jwkOfDid(signer.didUrl);
  } else {
    return {verified: false};
  }
  try {
    const key = await jose.importJWK(jwk, signer.alg);
    await jose.compactVerify(compact, key, {algorithms: [signer.alg]});
    return {verified: true, signerJwk: publicJwk(jwk)};
  } catch {
    return {verified: false, signerJwk: publicJwk(jwk)};
  }
}

/** Everything CallbackContext asks for; JWE is not used by these tests. */
export function callbacks(privateJwks = []) {
  return {
    hash: (data, alg) => crypto.createHash(alg.replace('-', '').toLowerCase()).update(data)
      .digest(),
    generateRandom: bytes => crypto.randomBytes(bytes),
    signJwt: signJwtCallback(privateJwks),
    verifyJwt: verifyJwtCallback,
    clientAuthentication: clientAuthenticationAnonymous(),
    fetch,
    encryptJwe: async () => {
      throw new Error('JWE is not used');
    },
    decryptJwe: async () => ({decrypted: false})
  };
}

/** The protocol error in an exception of the library ({error, error_description}), if any. */
export function oauthErrorOf(error) {
  for(let e = error; e; e = e.cause) {
    const response = e.errorResponse || e.response?.credentialErrorResponseResult?.data ||
      e.credentialErrorResponse;
    if(response?.error) {
      return response;
    }
  }
  return null;
}

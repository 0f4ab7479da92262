#!/usr/bin/env node
// SD-JWT VC (RFC 9901, typ dc+sd-jwt) with the OpenWallet Foundation's @sd-jwt/sd-jwt-vc and
// ES256 from @sd-jwt/crypto-nodejs (node's Web Crypto), as an independent check of
// vckit/sd_jwt.py. Batch protocol: see batch.mjs.
//
// ops
//   issue    {claims, disclosureFrame, issuerJwk (private), kid}          -> {sdJwt}
//   present  {sdJwt, presentationFrame, holderJwk (private), nonce, aud, iat} -> {presentation}
//   verify   {sdJwt, issuerJwk (public), now, nonce?, aud?, requireKeyBinding?}
//              -> {verified, errors, claims?, kb?}
//
// verify is SDJwtVcInstance.verify with the issuer's public key, currentDate = now and, when a
// nonce is given, keyBindingNonce (the library then requires a KB-JWT, checks its typ, its
// signature with the holder key the kbVerifier takes from the verified cnf.jwk, its nonce and
// its sd_hash). The library does not compare the KB-JWT's aud with anything; this script does,
// when aud is given, after the library has verified the KB-JWT.

import {pathToFileURL} from 'node:url';

import {ES256, digest, generateSalt} from '@sd-jwt/crypto-nodejs';
import {SDJwtVcInstance} from '@sd-jwt/sd-jwt-vc';

import {errorMessages, runBatch} from './batch.mjs';

/** The public members of an EC JWK (what cnf.jwk or a verifier needs). */
export function publicJwk({kty, crv, x, y}) {
  return {kty, crv, x, y};
}

/** An SDJwtVcInstance that verifies KB-JWTs with the holder key the issuer bound (cnf.jwk). */
export async function instance({issuerJwk, holderJwk} = {}) {
  const config = {
    hasher: digest,
    hashAlg: 'sha-256',
    saltGenerator: generateSalt,
    signAlg: ES256.alg,
    kbSignAlg: ES256.alg,
    async kbVerifier(data, signature, payload) {
      const jwk = payload?.cnf?.jwk;
      if(!jwk) {
        throw new Error('the SD-JWT has no cnf.jwk to verify the Key Binding JWT with');
      }
      return (await ES256.getVerifier(publicJwk(jwk)))(data, signature);
    }
  };
  if(issuerJwk?.d) {
    config.signer = await ES256.getSigner(issuerJwk);
  }
  if(issuerJwk) {
    config.verifier = await ES256.getVerifier(publicJwk(issuerJwk));
  }
  if(holderJwk) {
    config.kbSigner = await ES256.getSigner(holderJwk);
  }
  return new SDJwtVcInstance(config);
}

/** Verifies an SD-JWT VC (+ KB-JWT); never throws for a verification failure. */
export async function verify(sdjwt, {sdJwt, now, nonce, aud, requireKeyBinding}) {
  try {
    const result = await sdjwt.verify(sdJwt, {currentDate: now, keyBindingNonce: nonce});
    if(requireKeyBinding && !result.kb) {
      throw new Error('key binding is required but was not checked (no nonce given)');
    }
    if(aud !== undefined && result.kb?.payload.aud !== aud) {
      throw new Error(`the KB-JWT aud is ${JSON.stringify(result.kb?.payload.aud)}`);
    }
    return {verified: true, errors: [], claims: result.payload, kb: result.kb?.payload ?? null};
  } catch(error) {
    return {verified: false, errors: errorMessages(error)};
  }
}

const handlers = {
  async issue({claims, disclosureFrame, issuerJwk, kid}) {
    const sdjwt = await instance({issuerJwk});
    const sdJwt = await sdjwt.issue(claims, disclosureFrame, {header: {kid}});
    return {sdJwt};
  },

  async present({sdJwt, presentationFrame, holderJwk, nonce, aud, iat}) {
    const sdjwt = await instance({holderJwk});
    const presentation = await sdjwt.present(sdJwt, presentationFrame,
      {kb: {payload: {iat, aud, nonce}}});
    return {presentation};
  },

  async verify(testCase) {
    return verify(await instance({issuerJwk: testCase.issuerJwk}), testCase);
  }
};

// run as a script (bench-sd.mjs imports instance and verify without running a batch)
if(import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runBatch(handlers);
}

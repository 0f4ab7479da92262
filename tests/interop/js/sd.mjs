#!/usr/bin/env node
// ecdsa-sd-2023 (W3C Data Integrity ECDSA Cryptosuites v1.0, selective disclosure) with Digital
// Bazaar's @digitalbazaar/ecdsa-sd-2023-cryptosuite, as an independent check of vckit/ecdsa_sd.py.
// Batch protocol: see batch.mjs.
//
// ops
//   sign-sd     {credential, key: {publicKeyMultibase, secretKeyMultibase}, created,
//                mandatoryPointers}                      -> {document}   (base proof, vc.issue)
//   derive-sd   {document, selectivePointers}           -> {document}   (derived proof, vc.derive)
//   verify-sd   {credential, now?}                      -> {verified, errors}
//                 a derived proof, by vc.verifyCredential (issuer = the key's controller)
//   derive-verify-issued {document, selectivePointers, documents: {url: JSON}, now}
//                                                       -> {document, verified, errors}
//                 a base proof from a did:web issuer (its DID document in `documents`, as in
//                 di.mjs verify-issued-credential): derive, then verify the derived proof.
//                 The status entry is not checked here (this lock has no StatusList2021
//                 checker from Digital Bazaar); vckit's report checks it.
// (The library's createConfirmCryptosuite, for base proofs, is not used: in this version it
// rejects its own base proofs whenever a mandatory pointer reaches a blank node.)
// The issuer key is a did:key P-256 Multikey; its verification method is did:key:<mb>#<mb>,
// resolved by the sealed loader (loader.mjs) with did-method-key, never by vckit.

import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import * as vc from '@digitalbazaar/vc';
import {
  createDiscloseCryptosuite,
  createSignCryptosuite,
  createVerifyCryptosuite
} from '@digitalbazaar/ecdsa-sd-2023-cryptosuite';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';

import {errorMessages, runBatch} from './batch.mjs';
import {makeDocumentLoader} from './loader.mjs';

const documentLoader = makeDocumentLoader();

async function issuerKey({publicKeyMultibase, secretKeyMultibase}) {
  const did = `did:key:${publicKeyMultibase}`;
  return EcdsaMultikey.from({
    type: 'Multikey',
    id: `${did}#${publicKeyMultibase}`,
    controller: did,
    publicKeyMultibase,
    secretKeyMultibase
  });
}

async function verifyWith(cryptosuite, credential, now) {
  const result = await vc.verifyCredential({
    credential,
    suite: new DataIntegrityProof({cryptosuite}),
    documentLoader,
    now,
    // no credentialStatus in these documents; a status check is not what is tested here
    checkStatus: async () => ({verified: true})
  });
  return {verified: result.verified === true, errors: errorMessages(result.error)};
}

const handlers = {
  async 'sign-sd'({credential, key, created, mandatoryPointers}) {
    const keyPair = await issuerKey(key);
    const suite = new DataIntegrityProof({
      signer: keyPair.signer(),
      date: created,
      cryptosuite: createSignCryptosuite({mandatoryPointers})
    });
    const document = await vc.issue({
      credential: structuredClone(credential), suite, documentLoader, now: created
    });
    return {document};
  },

  async 'derive-sd'({document, selectivePointers}) {
    const suite = new DataIntegrityProof({
      cryptosuite: createDiscloseCryptosuite({selectivePointers})
    });
    const derived = await vc.derive({
      verifiableCredential: structuredClone(document), suite, documentLoader
    });
    return {document: derived};
  },

  async 'verify-sd'({credential, now}) {
    return verifyWith(createVerifyCryptosuite(), credential, now);
  },

  async 'derive-verify-issued'({document, selectivePointers, documents, now}) {
    const loader = makeDocumentLoader({documents});
    const derived = await vc.derive({
      verifiableCredential: structuredClone(document),
      suite: new DataIntegrityProof({
        cryptosuite: createDiscloseCryptosuite({selectivePointers})
      }),
      documentLoader: loader
    });
    const result = await vc.verifyCredential({
      credential: derived,
      suite: new DataIntegrityProof({cryptosuite: createVerifyCryptosuite()}),
      documentLoader: loader,
      now,
      checkStatus: async () => ({verified: true})
    });
    return {
      document: derived, verified: result.verified === true, errors: errorMessages(result.error)
    };
  }
};

await runBatch(handlers);

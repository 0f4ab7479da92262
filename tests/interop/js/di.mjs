#!/usr/bin/env node
// Data Integrity (eddsa-rdfc-2022, ecdsa-rdfc-2019, eddsa-jcs-2022, ecdsa-jcs-2019) signing and verification with Digital
// Bazaar's libraries, as an independent check of vckit. Batch protocol: see batch.mjs.
//
// ops
//   sign-credential     {credential, cryptosuite, key: {publicKeyMultibase, secretKeyMultibase},
//                        created, verificationMethod?}              -> {document}
//   sign-presentation   {presentation, cryptosuite, key, created, challenge, domain?}
//                                                                   -> {document}
//   verify-credential   {credential, now?, purpose?: "credential-issuance" | "assertion-method"}
//                                                                   -> {verified, errors}
//   verify-presentation {presentation, challenge, domain?, now?}
//                                                    -> {verified, presentationVerified,
//                                                        credentialsVerified, errors}
//   verify-issued-credential {credential, documents: {url: JSON}, now?}
//                                    -> {verified, proofVerified, statusVerified,
//                                        statuses: [{statusPurpose, statusListIndex, set}],
//                                        errors}
//   canonize            {document}                                  -> {nquads}
// The signing ops use a did:key: verification method did:key:<mb>#<mb>, unless sign-credential
// is given another verification method URL (its controller: the URL without the fragment).
// verify-issued-credential checks a credential of a did:web issuer: `documents` holds the
// issuer's DID document (under its DID) and its status list credentials (under their URLs),
// fetched by the caller; the document loader serves those and nothing more (loader.mjs).
// The status check is Digital Bazaar's @digitalbazaar/vc-bitstring-status-list `checkStatus`
// (it loads and verifies the status list credential, requires the same issuer, and reads the
// bit); a set bit (revoked / suspended) makes the credential fail.

import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as ecdsaRdfc2019} from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as eddsaJcs2022 from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import * as ecdsaJcs2019 from '@digitalbazaar/ecdsa-jcs-2019-cryptosuite';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import jsigs from 'jsonld-signatures';

import {errorMessages, runBatch} from './batch.mjs';
import {makeDocumentLoader} from './loader.mjs';

// The RDFC suites are one object; the JCS packages make a signing and a verifying one.
const CRYPTOSUITES = {
  'eddsa-rdfc-2022': {sign: eddsaRdfc2022, verify: eddsaRdfc2022, keys: Ed25519Multikey},
  'ecdsa-rdfc-2019': {sign: ecdsaRdfc2019, verify: ecdsaRdfc2019, keys: EcdsaMultikey},
  'eddsa-jcs-2022': {
    sign: eddsaJcs2022.createSignCryptosuite(),
    verify: eddsaJcs2022.createVerifyCryptosuite(),
    keys: Ed25519Multikey
  },
  'ecdsa-jcs-2019': {
    sign: ecdsaJcs2019.createSignCryptosuite(),
    verify: ecdsaJcs2019.createVerifyCryptosuite(),
    keys: EcdsaMultikey
  }
};

const documentLoader = makeDocumentLoader();

function verificationSuites() {
  return Object.values(CRYPTOSUITES).map(
    ({verify}) => new DataIntegrityProof({cryptosuite: verify}));
}

async function signingSuite({cryptosuite, key, created, verificationMethod}) {
  const entry = CRYPTOSUITES[cryptosuite];
  if(!entry) {
    throw new Error(`unsupported cryptosuite: ${cryptosuite}`);
  }
  const did = `did:key:${key.publicKeyMultibase}`;
  // a did:key by default; or the caller's verification method URL (an https key, say)
  const id = verificationMethod || `${did}#${key.publicKeyMultibase}`;
  const keyPair = await entry.keys.from({
    type: 'Multikey',
    id,
    controller: id.split('#')[0],
    publicKeyMultibase: key.publicKeyMultibase,
    secretKeyMultibase: key.secretKeyMultibase
  });
  return new DataIntegrityProof({
    signer: keyPair.signer(), date: created, cryptosuite: entry.sign
  });
}

/** vc.verifyCredential's `checkStatus`: the library's check, failing on any set bit (the
 * library itself reports a set bit as `status: true` with `verified: true`). */
async function checkBitstringStatus(options) {
  const result = await checkStatus({
    ...options, verifyBitstringStatusListCredential: true, verifyMatchingIssuers: true
  });
  if(!result.verified) {
    return result;
  }
  const set = result.results.filter(r => r.status === true);
  if(set.length > 0) {
    const which = set.map(
      r => `${r.credentialStatus.statusPurpose} bit ${r.credentialStatus.statusListIndex}`);
    return {...result, verified: false, error: new Error(`status set: ${which.join(', ')}`)};
  }
  return result;
}

const handlers = {
  async 'sign-credential'({credential, cryptosuite, key, created, verificationMethod}) {
    const suite = await signingSuite({cryptosuite, key, created, verificationMethod});
    const document = await vc.issue({
      credential: structuredClone(credential), suite, documentLoader, now: created
    });
    return {document};
  },

  async 'sign-presentation'({presentation, cryptosuite, key, created, challenge, domain}) {
    const suite = await signingSuite({cryptosuite, key, created});
    const document = await vc.signPresentation({
      presentation: structuredClone(presentation), suite, documentLoader, challenge, domain
    });
    return {document};
  },

  async 'verify-credential'({credential, now, purpose = 'credential-issuance'}) {
    let result;
    if(purpose === 'credential-issuance') {
      // issuer must equal the verification method's controller (VC Data Model check)
      result = await vc.verifyCredential({
        credential, suite: verificationSuites(), documentLoader, now
      });
    } else if(purpose === 'assertion-method') {
      // proof only (for W3C vectors whose issuer is not the did:key controller)
      result = await jsigs.verify(credential, {
        suite: verificationSuites(),
        purpose: new jsigs.purposes.AssertionProofPurpose(),
        documentLoader
      });
    } else {
      throw new Error(`unknown purpose: ${purpose}`);
    }
    return {verified: result.verified === true, errors: errorMessages(result.error)};
  },

  async 'verify-issued-credential'({credential, documents, now}) {
    const loader = makeDocumentLoader({documents});
    const result = await vc.verifyCredential({
      credential,
      suite: verificationSuites(),
      documentLoader: loader,
      checkStatus: checkBitstringStatus,
      now
    });
    const statusResult = result.statusResult;
    const statuses = (statusResult?.results || []).map(r => ({
      statusPurpose: r.credentialStatus.statusPurpose,
      statusListIndex: r.credentialStatus.statusListIndex,
      set: r.status === true
    }));
    return {
      verified: result.verified === true,
      proofVerified: (result.results || []).length > 0 &&
        result.results.every(r => r.verified === true),
      statusVerified: statusResult?.verified === true,
      statuses,
      errors: [...errorMessages(result.error), ...errorMessages(statusResult?.error)]
    };
  },

  async 'verify-presentation'({presentation, challenge, domain, now}) {
    const result = await vc.verify({
      presentation, suite: verificationSuites(), documentLoader, challenge, domain, now
    });
    const credentialsVerified = (result.credentialResults || []).map(r => r.verified === true);
    const credentialErrors = (result.credentialResults || []).flatMap(
      r => errorMessages(r.error));
    return {
      verified: result.verified === true,
      presentationVerified: result.presentationResult?.verified === true,
      credentialsVerified,
      errors: [...errorMessages(result.error), ...credentialErrors]
    };
  },

  async canonize({document}) {
    // the same canonize call the cryptosuites make (RDFC-1.0, safe mode)
    const nquads = await eddsaRdfc2022.canonize(document, {documentLoader});
    return {nquads};
  }
};

await runBatch(handlers);

#!/usr/bin/env node
// Speed of the independent selective-disclosure stacks on the same credential as
// bench/selective.py, for a side-by-side ratio. Used by bench/, not by tests.
//
// stdin: {seconds,
//         ecdsaSd: {credential, key: {publicKeyMultibase, secretKeyMultibase}, created,
//                   mandatoryPointers, selectivePointers},
//         sdJwt: {claims, disclosureFrame, presentationFrame, issuerJwk, holderJwk, kid,
//                 nonce, aud, iat, now}}
// stdout: {ecdsa_sd: {issue_per_s, derive_per_s, verify_per_s, verified},
//          sd_jwt: {issue_per_s, present_per_s, verify_per_s, verified}}
//
// ecdsa-sd-2023: Digital Bazaar's cryptosuite in vc.issue (base proof), vc.derive (derived
// proof) and vc.verifyCredential (derived proof; did:key resolved by the sealed loader).
// SD-JWT VC: @sd-jwt/sd-jwt-vc issue, present with a KB-JWT, verify with key binding (nonce).

import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import * as vc from '@digitalbazaar/vc';
import {
  createDiscloseCryptosuite,
  createSignCryptosuite,
  createVerifyCryptosuite
} from '@digitalbazaar/ecdsa-sd-2023-cryptosuite';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';

import {readStdinJson} from './batch.mjs';
import {makeDocumentLoader} from './loader.mjs';
import {instance, verify as verifySdJwt} from './sdjwt.mjs';

const {seconds = 2, ecdsaSd, sdJwt} = await readStdinJson();

// Rates per CPU-second of this process (user + system, every thread; bench/ pins it to one
// core): what other programs on a shared machine take from the core does not count, as on the
// Python side (time.process_time). On an idle machine it is the wall-clock rate.
function cpuSeconds() {
  const {user, system} = process.cpuUsage();
  return (user + system) / 1e6;
}

async function rate(fn) {
  await fn(); // warm up caches, as the Python side does
  let count = 0;
  const start = cpuSeconds();
  while(cpuSeconds() - start < seconds) {
    await fn();
    count++;
  }
  return count / (cpuSeconds() - start);
}

async function benchEcdsaSd({credential, key, created, mandatoryPointers, selectivePointers}) {
  const documentLoader = makeDocumentLoader();
  const did = `did:key:${key.publicKeyMultibase}`;
  const keyPair = await EcdsaMultikey.from({
    type: 'Multikey', id: `${did}#${key.publicKeyMultibase}`, controller: did,
    publicKeyMultibase: key.publicKeyMultibase, secretKeyMultibase: key.secretKeyMultibase
  });
  const signSuite = new DataIntegrityProof({
    signer: keyPair.signer(), date: created,
    cryptosuite: createSignCryptosuite({mandatoryPointers})
  });
  const discloseSuite = new DataIntegrityProof({
    cryptosuite: createDiscloseCryptosuite({selectivePointers})
  });
  const verifySuite = new DataIntegrityProof({cryptosuite: createVerifyCryptosuite()});
  let base;
  const issuePerS = await rate(async () => {
    base = await vc.issue({credential: structuredClone(credential), suite: signSuite,
      documentLoader, now: created});
  });
  let derived;
  const derivePerS = await rate(async () => {
    derived = await vc.derive({verifiableCredential: structuredClone(base), suite: discloseSuite,
      documentLoader});
  });
  let verified = false;
  const verifyPerS = await rate(async () => {
    const result = await vc.verifyCredential({credential: derived, suite: verifySuite,
      documentLoader, checkStatus: async () => ({verified: true})});
    verified = result.verified === true;
  });
  return {issue_per_s: issuePerS, derive_per_s: derivePerS, verify_per_s: verifyPerS, verified};
}

async function benchSdJwt(c) {
  const issuer = await instance({issuerJwk: c.issuerJwk});
  const holder = await instance({holderJwk: c.holderJwk});
  let issued;
  const issuePerS = await rate(async () => {
    issued = await issuer.issue(c.claims, c.disclosureFrame, {header: {kid: c.kid}});
  });
  let presented;
  const presentPerS = await rate(async () => {
    presented = await holder.present(issued, c.presentationFrame,
      {kb: {payload: {iat: c.iat, aud: c.aud, nonce: c.nonce}}});
  });
  let verified = false;
  const options = {sdJwt: presented, now: c.now, nonce: c.nonce, aud: c.aud,
    requireKeyBinding: true};
  const verifyPerS = await rate(async () => {
    verified = (await verifySdJwt(issuer, options)).verified;
  });
  return {issue_per_s: issuePerS, present_per_s: presentPerS, verify_per_s: verifyPerS, verified};
}

const out = {};
if(ecdsaSd) {
  out.ecdsa_sd = await benchEcdsaSd(ecdsaSd);
}
if(sdJwt) {
  out.sd_jwt = await benchSdJwt(sdJwt);
}
process.stdout.write(JSON.stringify(out));

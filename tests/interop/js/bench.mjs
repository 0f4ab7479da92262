#!/usr/bin/env node
// Speed of Digital Bazaar's stack on the same credential as bench/run.py, for a side-by-side
// ratio. Reads {credential, key: {publicKeyMultibase, secretKeyMultibase}, seconds} on stdin,
// signs with eddsa-rdfc-2022 and verifies with vc.verifyCredential, each in a loop for about
// `seconds`, and prints {sign_per_s, verify_per_s, verified}. Used by bench/, not by tests.

import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

import {makeDocumentLoader} from './loader.mjs';

const chunks = [];
for await (const chunk of process.stdin) {
  chunks.push(chunk);
}
const {credential, key, seconds = 2} = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const documentLoader = makeDocumentLoader();
const did = `did:key:${key.publicKeyMultibase}`;
const keyPair = await Ed25519Multikey.from({
  type: 'Multikey', id: `${did}#${key.publicKeyMultibase}`, controller: did,
  publicKeyMultibase: key.publicKeyMultibase, secretKeyMultibase: key.secretKeyMultibase
});
const signingSuite = new DataIntegrityProof({signer: keyPair.signer(), cryptosuite});
const verifySuite = new DataIntegrityProof({cryptosuite});

async function rate(fn) {
  await fn(); // warm up caches, as the Python side does
  let count = 0;
  const start = process.hrtime.bigint();
  const limit = BigInt(Math.round(seconds * 1e9));
  while(process.hrtime.bigint() - start < limit) {
    await fn();
    count++;
  }
  return count / (Number(process.hrtime.bigint() - start) / 1e9);
}

let signed;
const signPerS = await rate(async () => {
  signed = await vc.issue({credential: structuredClone(credential), suite: signingSuite,
    documentLoader});
});
let verified = false;
const verifyPerS = await rate(async () => {
  const result = await vc.verifyCredential({credential: signed, suite: verifySuite,
    documentLoader, checkStatus: async () => ({verified: true})});
  verified = result.verified;
});
process.stdout.write(JSON.stringify({sign_per_s: signPerS, verify_per_s: verifyPerS, verified}));

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

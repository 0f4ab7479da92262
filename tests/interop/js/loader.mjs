// A sealed JSON-LD document loader for the interop scripts.
//
// It serves only:
//   * the JSON-LD contexts listed in <contexts>/index.json (URL -> file name), read from the
//     repository's contexts/ folder (or $INTEROP_CONTEXTS_DIR), and
//   * did:key DIDs and DID URLs, resolved by Digital Bazaar's @digitalbazaar/did-method-key
//     (Ed25519 "z6Mk..." and P-256 "zDna..." Multikeys), never by vckit;
//   * only when a caller hands them in (`documents`: URL -> JSON, e.g. a did:web issuer's DID
//     document and its status list credential, fetched from the issuer by the Python test):
//     exactly those URLs, and for a DID document served at its DID, the verification methods
//     it lists, by their DID URLs (DID Core 1.0 §7.2 "DID URL Dereferencing": the fragment
//     selects the node whose id is the DID URL). A DID document whose id is not the DID it is
//     served for is refused (did:web "Read": the document's id must be the DID).
// Any other URL is refused with an error naming it: nothing is ever fetched from the network.

import {readFileSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

import * as DidKey from '@digitalbazaar/did-method-key';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';

const HERE = dirname(fileURLToPath(import.meta.url));
const DEFAULT_CONTEXTS_DIR = resolve(HERE, '..', '..', '..', 'contexts');

/** Reads index.json and every file it names; returns Map(url -> parsed JSON). */
export function readSealedContexts(contextsDir = process.env.INTEROP_CONTEXTS_DIR ||
  DEFAULT_CONTEXTS_DIR) {
  const index = JSON.parse(readFileSync(join(contextsDir, 'index.json'), 'utf8'));
  const contexts = new Map();
  for(const [url, file] of Object.entries(index)) {
    if(file.includes('/') || file.includes('\\')) {
      throw new Error(`index.json maps ${url} to a path outside the folder: ${file}`);
    }
    contexts.set(url, JSON.parse(readFileSync(join(contextsDir, file), 'utf8')));
  }
  return contexts;
}

/** A did:key driver that accepts Ed25519, P-256 and P-384 Multikeys only. */
export function makeDidKeyDriver() {
  const driver = DidKey.driver();
  driver.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});
  driver.use({multibaseMultikeyHeader: 'zDna', fromMultibase: EcdsaMultikey.from});
  driver.use({multibaseMultikeyHeader: 'z82L', fromMultibase: EcdsaMultikey.from});
  return driver;
}

/** The verification method `url` (a DID URL with a fragment) in `didDocument`, or null. */
function findVerificationMethod(didDocument, url) {
  const fragment = url.slice(url.indexOf('#'));
  const methods = didDocument.verificationMethod || [];
  return methods.find(m => m.id === url || m.id === fragment) || null;
}

/** Returns async (url) => {contextUrl, documentUrl, document}; refuses anything unknown.
 * `documents` ({url: JSON}) adds exactly those URLs (see the header of this file). */
export function makeDocumentLoader({contexts = readSealedContexts(), documents = {}} = {}) {
  const didKey = makeDidKeyDriver();
  const served = new Map(Object.entries(documents));
  for(const [url, document] of served) {
    if(url.startsWith('did:') && document?.id !== url) {
      throw new Error(`the DID document given for ${url} has id ${document?.id}`);
    }
  }
  return async function sealedDocumentLoader(url) {
    if(contexts.has(url)) {
      // a fresh copy each time so no caller can mutate the sealed set
      return {
        contextUrl: null,
        documentUrl: url,
        document: structuredClone(contexts.get(url))
      };
    }
    if(typeof url === 'string' && url.startsWith('did:key:')) {
      const document = await didKey.get({url});
      return {contextUrl: null, documentUrl: url, document};
    }
    if(typeof url === 'string' && served.has(url)) {
      return {contextUrl: null, documentUrl: url, document: structuredClone(served.get(url))};
    }
    if(typeof url === 'string' && url.startsWith('did:') && url.includes('#')) {
      const did = url.slice(0, url.indexOf('#'));
      const method = served.has(did) ? findVerificationMethod(served.get(did), url) : null;
      if(method) {
        return {
          contextUrl: null,
          documentUrl: url,
          document: {...structuredClone(method), id: url}
        };
      }
    }
    throw new Error(`sealed document loader refused URL: ${url}`);
  };
}

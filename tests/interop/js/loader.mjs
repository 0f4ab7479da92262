// A sealed JSON-LD document loader for the interop scripts.
//
// It serves only:
//   * the JSON-LD contexts listed in <contexts>/index.json (URL -> file name), read from the
//     repository's contexts/ folder (or $INTEROP_CONTEXTS_DIR), and
//   * did:key DIDs and DID URLs, resolved by Digital Bazaar's @digitalbazaar/did-method-key
//     (Ed25519 "z6Mk..." and P-256 "zDna..." Multikeys), never by vckit.
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

/** A did:key driver that accepts Ed25519 and P-256 Multikeys only. */
export function makeDidKeyDriver() {
  const driver = DidKey.driver();
  driver.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});
  driver.use({multibaseMultikeyHeader: 'zDna', fromMultibase: EcdsaMultikey.from});
  return driver;
}

/** Returns async (url) => {contextUrl, documentUrl, document}; refuses anything unknown. */
export function makeDocumentLoader({contexts = readSealedContexts()} = {}) {
  const didKey = makeDidKeyDriver();
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
    throw new Error(`sealed document loader refused URL: ${url}`);
  };
}

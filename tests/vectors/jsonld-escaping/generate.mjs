// Generates expected canonical N-Quads with Digital Bazaar's jsonld.js + rdf-canonize,
// serving ONLY the sealed contexts of the repository (contexts/index.json).
import fs from 'node:fs';
import path from 'node:path';
import jsonld from 'jsonld';
import rdfCanonize from 'rdf-canonize';
const [ctxDir, outDir] = process.argv.slice(2);
const index = JSON.parse(fs.readFileSync(path.join(ctxDir, 'index.json'), 'utf8'));
const documentLoader = async (url) => {
  if (!(url in index)) throw new Error('unknown context ' + url);
  return {contextUrl: null, documentUrl: url,
          document: JSON.parse(fs.readFileSync(path.join(ctxDir, index[url]), 'utf8'))};
};
for (const name of ['ob3-control-characters', 'v2-vocab-literals']) {
  const doc = JSON.parse(fs.readFileSync(path.join(outDir, name + '.json'), 'utf8'));
  const nq = await jsonld.canonize(doc, {algorithm: 'RDFC-1.0', format: 'application/n-quads',
                                          documentLoader, safe: true});
  fs.writeFileSync(path.join(outDir, name + '.canon.nq'), nq);
}
const input = fs.readFileSync(path.join(outDir, 'control-characters-in.nq'), 'utf8');
const out = await rdfCanonize.canonize(input, {algorithm: 'RDFC-1.0', inputFormat: 'application/n-quads',
                                                format: 'application/n-quads'});
fs.writeFileSync(path.join(outDir, 'control-characters.canon.nq'), out);

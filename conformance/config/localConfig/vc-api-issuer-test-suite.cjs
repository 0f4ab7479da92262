// w3c-ccg/vc-api-issuer-test-suite: the VC-API issuer, once for Data Integrity (tag `vc-api`,
// our default cryptosuite eddsa-rdfc-2022) and once for JWTs (tags `vc-api` + `JWT`, format
// vc-jwt = VC-JOSE-COSE vc+jwt). The suite takes the first `vc-api` issuer for its Data
// Integrity file, so that one comes first.
const ler = require('../ler-endpoints.cjs');

module.exports = {
  settings: {enableInteropTests: false, testAllImplementations: false},
  implementations: [{
    name: ler.NAME,
    implementation: ler.IMPLEMENTATION,
    issuers: [
      ler.issuer({tags: ['vc-api'], options: {cryptosuite: 'eddsa-rdfc-2022'}}),
      ler.issuer({tags: ['vc-api', 'JWT'], options: {format: 'vc-jwt'}})
    ]
  }]
};

// w3c-ccg/vc-api-verifier-test-suite: our verifier for Data Integrity (`vc-api`) and JWT
// (`JWT`) credentials. The JWT file first has an issuer named by $ISSUER_NAME_JWT make a
// VC-JWT; run.sh sets ISSUER_NAME_JWT to our name, so that is our own issuer (format vc-jwt).
const ler = require('../ler-endpoints.cjs');

module.exports = {
  settings: {enableInteropTests: false, testAllImplementations: false},
  implementations: [{
    name: ler.NAME,
    implementation: ler.IMPLEMENTATION,
    issuers: [ler.issuer({tags: ['JWT'], options: {format: 'vc-jwt'}})],
    verifiers: [ler.verifier({tags: ['vc-api', 'JWT']})]
  }]
};

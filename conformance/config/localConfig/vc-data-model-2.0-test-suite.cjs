// w3c/vc-data-model-2.0-test-suite: tag `vc2.0` on the issuer (eddsa-rdfc-2022, as the suite
// recommends), the credential verifier and the presentation verifier.
const ler = require('../ler-endpoints.cjs');

module.exports = {
  settings: {enableInteropTests: false, testAllImplementations: false},
  implementations: [{
    name: ler.NAME,
    implementation: ler.IMPLEMENTATION,
    issuers: [ler.issuer({tags: ['vc2.0'], options: {cryptosuite: 'eddsa-rdfc-2022'}})],
    verifiers: [ler.verifier({tags: ['vc2.0']})],
    vpVerifiers: [ler.vpVerifier({tags: ['vc2.0']})]
  }]
};

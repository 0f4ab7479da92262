// w3c/vc-bitstring-status-list-test-suite: tag `BitstringStatusList`. Our issuer adds a
// BitstringStatusListEntry (revocation; OB credentials also get suspension) to every VC 2.0
// credential it issues; the verifier fetches and checks status lists. The endpoint asks for a
// second, `message` entry too (options.credentialStatus.statusPurpose: the revocation reason,
// issuer/status/reasons.py), whose statusSize, statusMessage and statusReference the suite's
// optional tests check. The issuer's URLs are https (the TLS proxy, services.sh).
const ler = require('../ler-endpoints.cjs');

module.exports = {
  settings: {enableInteropTests: false, testAllImplementations: false},
  implementations: [{
    name: ler.NAME,
    implementation: ler.IMPLEMENTATION,
    issuers: [ler.issuer({
      tags: ['BitstringStatusList'],
      options: {
        cryptosuite: 'eddsa-rdfc-2022',
        credentialStatus: {
          type: 'BitstringStatusListEntry',
          statusPurpose: ['revocation', 'message']
        }
      }
    })],
    verifiers: [ler.verifier({tags: ['BitstringStatusList']})],
    vpVerifiers: [ler.vpVerifier({tags: ['BitstringStatusList']})]
  }]
};

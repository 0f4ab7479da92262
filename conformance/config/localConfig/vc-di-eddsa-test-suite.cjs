// w3c/vc-di-eddsa-test-suite: eddsa-rdfc-2022 and eddsa-jcs-2022, issuer and verifier, VC 1.1
// and VC 2.0.
// The issuer's VC-API takes `options.cryptosuite` eddsa-rdfc-2022 | eddsa-jcs-2022 (among
// others; issuer/web/api/vc_api.py IssueOptions, issuer/issuing/securing.py FORMATS) and signs
// with the issuer's Ed25519 key: the did:key issuer's Ed25519 DID when the run sets it
// (ler.didKeys; the suite resolves did:key issuers only), else the did:web issuer. The verifier checks both (vckit/di/cryptosuites.py,
// vckit/di/jcs.py). Interop tests stay off: they need other implementations.
const ler = require('../ler-endpoints.cjs');

module.exports = {
  settings: {enableInteropTests: false, testAllImplementations: false},
  implementations: [{
    name: ler.NAME,
    implementation: ler.IMPLEMENTATION,
    issuers: [
      ler.issuer({
        did: ler.didKeys.Ed25519,
        tags: ['eddsa-rdfc-2022'],
        options: {cryptosuite: 'eddsa-rdfc-2022'},
        supports: {vc: ['1.1', '2.0']}
      }),
      ler.issuer({
        did: ler.didKeys.Ed25519,
        tags: ['eddsa-jcs-2022'],
        options: {cryptosuite: 'eddsa-jcs-2022'},
        supports: {vc: ['1.1', '2.0']}
      })
    ],
    verifiers: [
      ler.verifier({
        tags: ['eddsa-rdfc-2022'],
        supports: {vc: ['1.1', '2.0']}
      }),
      ler.verifier({
        tags: ['eddsa-jcs-2022'],
        supports: {vc: ['1.1', '2.0']}
      })
    ]
  }]
};

// w3c/vc-di-ecdsa-test-suite: ecdsa-rdfc-2019, ecdsa-jcs-2019 and ecdsa-sd-2023, issuer and
// verifier.
// The issuer signs with P-256 keys only (issuer/issuing/securing.py FORMATS); ecdsa-sd-2023 is
// VC 2.0 only (issuer/issuing/vc_api.py). The verifier checks ecdsa-rdfc-2019 and
// ecdsa-jcs-2019 with P-256 and P-384 (vckit/di/cryptosuites.py) and ecdsa-sd-2023 derived
// proofs with P-256 (vckit/di/ecdsa_sd; a verifier refuses a base proof).
// We have no VC-API derive endpoint (`vcHolders`); the suite needs one only for its interop
// tests, which stay off.
const ler = require('../ler-endpoints.cjs');

module.exports = {
  settings: {enableInteropTests: false, testAllImplementations: false},
  implementations: [{
    name: ler.NAME,
    implementation: ler.IMPLEMENTATION,
    issuers: [
      ler.issuer({
        tags: ['ecdsa-rdfc-2019'],
        options: {cryptosuite: 'ecdsa-rdfc-2019'},
        supportedEcdsaKeyTypes: ['P-256'],
        supports: {vc: ['1.1', '2.0']}
      }),
      ler.issuer({
        tags: ['ecdsa-jcs-2019'],
        options: {cryptosuite: 'ecdsa-jcs-2019'},
        supportedEcdsaKeyTypes: ['P-256'],
        supports: {vc: ['1.1', '2.0']}
      }),
      ler.issuer({
        tags: ['ecdsa-sd-2023'],
        options: {cryptosuite: 'ecdsa-sd-2023'},
        supportedEcdsaKeyTypes: ['P-256'],
        supports: {vc: ['2.0']}
      })
    ],
    verifiers: [
      ler.verifier({
        tags: ['ecdsa-rdfc-2019'],
        supportedEcdsaKeyTypes: ['P-256', 'P-384'],
        supports: {vc: ['1.1', '2.0']}
      }),
      ler.verifier({
        tags: ['ecdsa-jcs-2019'],
        supportedEcdsaKeyTypes: ['P-256', 'P-384'],
        supports: {vc: ['1.1', '2.0']}
      }),
      ler.verifier({
        tags: ['ecdsa-sd-2023'],
        supportedEcdsaKeyTypes: ['P-256'],
        supports: {vc: ['2.0']}
      })
    ]
  }]
};

// w3c/vc-di-ecdsa-test-suite: ecdsa-rdfc-2019, ecdsa-jcs-2019 and ecdsa-sd-2023, issuer and
// verifier.
// The issuer signs ecdsa-rdfc-2019 and ecdsa-jcs-2019 with P-256 or P-384 keys, ecdsa-sd-2023
// with P-256 (declared for VC 2.0 here). The verifier checks ecdsa-rdfc-2019 and
// ecdsa-jcs-2019 with P-256 and P-384 (vckit/di/cryptosuites.py) and ecdsa-sd-2023 derived
// proofs with P-256 (vckit/di/ecdsa_sd; a verifier refuses a base proof).
// The issuers sign as the did:key issuer's DIDs when the run sets them (ler.didKeys; the suite
// resolves did:key issuers only): P-256 and, for rdfc and jcs, P-384 (a separate endpoint
// per key type, the credential's issuer DID picking the key). Our VC-API derive
// (POST /credentials/derive) is declared as `vcHolders`; the suite uses it only in its
// interop tests, which stay off.
// The did:web issuer (the installation's default kind) is declared too, for ecdsa-rdfc-2019
// and ecdsa-jcs-2019 with each of its keys, P-256 and P-384 (options.keyType picks the key;
// VC 1.1 and 2.0). The suite's issuer tests read the proof and its verificationMethod URL and
// do not resolve it (its resolver, tests/didResolver.js, knows did:key only; the interop
// tests that would, stay off). LER_CONF_ECDSA_DID_WEB=0 leaves them out.
const ler = require('../ler-endpoints.cjs');

// one issuer per key type the did:key issuer has; the did:web issuer when it has none
function issuers(tag, keyTypes, vc) {
  const declared = keyTypes.filter(kind => ler.didKeys[kind]).map(kind => ler.issuer({
    did: ler.didKeys[kind],
    tags: [tag],
    options: {cryptosuite: tag},
    supportedEcdsaKeyTypes: [kind],
    supports: {vc}
  }));
  return declared.length ? declared : [ler.issuer({
    tags: [tag], options: {cryptosuite: tag}, supportedEcdsaKeyTypes: ['P-256'], supports: {vc}
  })];
}

// the did:web issuer, one endpoint per key type (options.keyType)
function didWebIssuers(tag, keyTypes, vc) {
  if(process.env.LER_CONF_ECDSA_DID_WEB === '0') {
    return [];
  }
  return keyTypes.map(kind => ler.issuer({
    tags: [tag],
    options: {cryptosuite: tag, keyType: kind},
    supportedEcdsaKeyTypes: [kind],
    supports: {vc}
  }));
}

module.exports = {
  settings: {enableInteropTests: false, testAllImplementations: false},
  implementations: [{
    name: ler.NAME,
    implementation: ler.IMPLEMENTATION,
    issuers: [
      ...issuers('ecdsa-rdfc-2019', ['P-256', 'P-384'], ['1.1', '2.0']),
      ...issuers('ecdsa-jcs-2019', ['P-256', 'P-384'], ['1.1', '2.0']),
      ...issuers('ecdsa-sd-2023', ['P-256'], ['2.0']),
      ...didWebIssuers('ecdsa-rdfc-2019', ['P-256', 'P-384'], ['1.1', '2.0']),
      ...didWebIssuers('ecdsa-jcs-2019', ['P-256', 'P-384'], ['1.1', '2.0'])
    ],
    vcHolders: [ler.holder({tags: ['vcHolder']})],
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

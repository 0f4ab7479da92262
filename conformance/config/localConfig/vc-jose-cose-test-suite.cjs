// w3c/vc-jose-cose-test-suite: this suite runs each implementation as a command line
// (`docker compose ... run --rm LER issue|verify ...`); run.sh puts our stand-in `docker`
// (../jose-cose/docker) first on PATH, which runs ../jose-cose/ler_jose_cose.py.
// Features: what we offer today. credential_jose: VC-JOSE-COSE vc+jwt (vckit/jose/).
// Not offered: JWT presentations (vp+jwt), VC-JOSE-COSE SD-JWT (vc+sd-jwt; we issue SD-JWT VC,
// dc+sd-jwt, a different media type and claim set) and COSE.
const ler = require('../ler-endpoints.cjs');

module.exports = {
  settings: {enableInteropTests: false, testAllImplementations: false},
  implementations: [{
    name: ler.NAME,
    implementation: ler.IMPLEMENTATION,
    'jose-cose': {
      features: {
        credential_jose: true,
        presentation_jose: false,
        credential_sdjwt: false,
        presentation_sdjwt: false,
        credential_cose: false,
        presentation_cose: false
      }
    }
  }]
};

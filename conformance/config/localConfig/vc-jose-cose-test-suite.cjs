// w3c/vc-jose-cose-test-suite: this suite runs each implementation as a command line
// (`docker compose ... run --rm LER issue|verify ...`); run.sh puts our stand-in `docker`
// (../jose-cose/docker) first on PATH, which runs `ler jose-cose issue|verify ...`
// (ler/jose_cose.py, a thin layer over vckit). Every feature the suite knows is declared:
// credential_jose (vc+jwt), presentation_jose (vp+jwt), credential_sdjwt (vc+sd-jwt),
// presentation_sdjwt (vp+sd-jwt), credential_cose (application/vc+cose) and presentation_cose
// (application/vp+cose).
const ler = require('../ler-endpoints.cjs');

module.exports = {
  settings: {enableInteropTests: false, testAllImplementations: false},
  implementations: [{
    name: ler.NAME,
    implementation: ler.IMPLEMENTATION,
    'jose-cose': {
      features: {
        credential_jose: true,
        presentation_jose: true,
        credential_sdjwt: true,
        presentation_sdjwt: true,
        credential_cose: true,
        presentation_cose: true
      }
    }
  }]
};

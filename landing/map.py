"""The LER Ecosystem Map as data: ten stakeholders, four phases, and where each acts here.

The map (the seed documents in ``../shared/seeds``) names ten kinds of stakeholder, each
with a part to play while LERs are *developed*, *issued*, *used* and *adopted*. The text
below is this project's own: what each stakeholder does in each phase, said plainly,
and the places in the running demo where you can watch it happen. A link names a service
(``issuer``, ``wallet``, ``verifier``, ``landing``) and a path; the page turns it into a
URL with the configured service addresses. ``files`` point into this repository.
"""

from __future__ import annotations

from dataclasses import dataclass

PHASES: tuple[tuple[str, str], ...] = (
    ("developing", "Developing"),
    ("issuing", "Issuing"),
    ("using", "Using"),
    ("adopting", "Adopting"),
)
"""(key, title) of the four phases, in the order a record lives through them."""

SERVICES = ("issuer", "wallet", "verifier", "landing")


@dataclass(frozen=True)
class Place:
    """A page or API of the demo: ``service`` + ``path``, with the words of the link."""

    label: str
    service: str
    path: str


@dataclass(frozen=True)
class Stakeholder:
    key: str
    name: str
    summary: str
    phases: dict[str, str]  # phase key -> what this stakeholder does in it
    places: tuple[Place, ...]
    files: tuple[str, ...] = ()  # where in this repository its part is written


STAKEHOLDERS: tuple[Stakeholder, ...] = (
    Stakeholder(
        "credentialing-organizations",
        "Credentialing Organizations",
        "Colleges, training providers, licensing boards and employers that vouch for what a "
        "person has learned or done. Here: the issuer service.",
        {
            "developing": "Describe each course or licence as an achievement with clear "
            "criteria, and tie it to the named skills it builds.",
            "issuing": "Sign a credential for each learner who earns it and hand it over "
            "by link or QR code; keep a status list so a mistake can be withdrawn.",
            "using": "Stand behind what they signed: publish the keys that check the "
            "signature and answer status questions for years after.",
            "adopting": "Move from paper certificates and transcripts to signed records "
            "that any standards-based wallet or verifier understands.",
        },
        (
            Place("Issuer home", "issuer", "/"),
            Place("Riverside Community College", "issuer", "/issuers/community-college"),
            Place("Its catalogue", "issuer", "/issuers/community-college/catalogue"),
            Place("Credentials it issued (staff)", "issuer", "/issuers/community-college/issued"),
            Place(
                "Its registrar's learner records, CLR 2.0 (staff)",
                "issuer",
                "/issuers/community-college/clr",
            ),
        ),  # fmt: skip
        (
            "issuer/issuing/issuance.py",
            "issuer/issuing/clr.py",
            "issuer/status/lists.py",
            "vckit/ob/credentials.py",
        ),
    ),
    Stakeholder(
        "learners-and-earners",
        "Learners and Earners",
        "The people the records are about, and who hold them. Here: the wallet service.",
        {
            "developing": "Say which of their skills go unrecognised today, so that the "
            "records built tomorrow capture them.",
            "issuing": "Accept credentials into a wallet they control, checked on arrival, "
            "instead of asking an institution for a copy each time.",
            "using": "Choose what to show to whom: share two credentials and not a third, "
            "hide the grade, and see a log of every share.",
            "adopting": "Keep adding records from school, work and licensing boards into "
            "one lifelong collection that no single vendor owns.",
        },
        (
            Place("Create a wallet account", "wallet", "/sign-up"),
            Place("My credentials", "wallet", "/credentials"),
            Place("My skills", "wallet", "/skills"),
            Place("What I shared", "wallet", "/shared"),
        ),
        ("wallet/receiving/receive.py", "wallet/sharing/present.py", "wallet/sharing/share.py"),
    ),
    Stakeholder(
        "employers",
        "Employers",
        "Organisations that hire, promote and train people. Here: jobs at the verifier, "
        "and a care home that issues on-the-job credentials.",
        {
            "developing": "Write what a role needs as skills rather than degree titles, so "
            "evidence from any route can meet it.",
            "issuing": "Recognise learning that happens at work by issuing credentials of "
            "their own for it.",
            "using": "Ask for exactly the evidence a job needs and get a clear answer: who "
            "issued it, is it genuine, is it still valid.",
            "adopting": "Make skills-based hiring the normal path, and accept verified "
            "records in place of paper proofs and phone calls.",
        },
        (
            Place("Jobs and their requests", "verifier", "/jobs"),
            Place("Verify a credential", "verifier", "/"),
            Place("The care home as an issuer", "issuer", "/issuers/employer"),
        ),
        ("verifier/jobs/requests.py", "verifier/jobs/answers.py", "verifier/checking/policy.py"),
    ),
    Stakeholder(
        "hr-systems",
        "HR Systems",
        "Applicant-tracking and HR software that carries hiring decisions. Here: the "
        "verifier's JSON API, webhook and command line.",
        {
            "developing": "Build support for the open credential formats into their "
            "products, so customers need no custom integration.",
            "issuing": "Hand records of roles held and training finished to issuers, or "
            "issue them directly on an employer's behalf.",
            "using": "Receive a verification result as data: a named check list a program "
            "can act on, pushed to them by a signed webhook.",
            "adopting": "Offer verified records as an everyday feature to every customer, "
            "not as a pilot.",
        },
        (
            Place("Verifier API reference", "verifier", "/docs"),
            Place("Verifier OpenAPI document", "verifier", "/openapi.json"),
        ),
        ("verifier/web/api/vc_api.py", "verifier/delivery/webhook.py", "ler/cli.py"),
    ),
    Stakeholder(
        "career-navigators",
        "Career Navigators",
        "Advisers, coaches and workforce boards who help people plan their next step. Here: "
        "the wallet's skills view and the issuers' catalogues.",
        {
            "developing": "Help define pathways: which achievements lead to which jobs, and "
            "which skills connect them.",
            "issuing": "Point learners to programmes whose credentials state the skills they "
            "teach, so the record will be useful later.",
            "using": "Read a person's skills across all their credentials and show them "
            "which openings they already qualify for.",
            "adopting": "Make a verifiable record part of every advising session, from the "
            "first course to the next job.",
        },
        (
            Place("A learner's skills view", "wallet", "/skills"),
            Place(
                "What the nursing courses teach", "issuer", "/issuers/community-college/catalogue"
            ),
            Place("The guided tour", "landing", "/tour"),
        ),
        ("wallet/views/skills.py", "wallet/views/cards.py"),
    ),
    Stakeholder(
        "governance",
        "Governance",
        "Public agencies, accreditors and trust frameworks that decide whose word counts. "
        "Here: the registry of accredited issuers the verifier consults.",
        {
            "developing": "Set the rules: who may issue which kind of credential, and how "
            "people's data is protected.",
            "issuing": "Accredit issuers and publish the list, so a verifier can tell a "
            "licensed board from a look-alike.",
            "using": "Let every verifier check, per achievement, that an issuer was "
            "authorised to award it.",
            "adopting": "Fold verifiable records into public programmes, licensing and "
            "benefits, with privacy rules people can rely on.",
        },
        (
            Place("Registry of accredited issuers", "verifier", "/registry"),
            Place("Registry as JSON", "verifier", "/registry/issuers"),
            Place(
                "The nursing board's endorsements of the college",
                "issuer",
                "/issuers/community-college#endorsements",
            ),
        ),  # fmt: skip
        ("verifier/checking/registry.py", "examples/registry.json", "issuer/issuing/endorse.py"),
    ),
    Stakeholder(
        "data-standards-bodies",
        "Data Standards Bodies",
        "W3C, 1EdTech and the OpenID Foundation, whose specifications let records travel. "
        "Here: the contexts, schemas, DID documents and conformance tests.",
        {
            "developing": "Write the shared data models (Verifiable Credentials, Open Badges, "
            "CLR) and test suites that prove an implementation follows them.",
            "issuing": "Define how a credential is signed and how its status is published, "
            "so any issuer's output can be checked by anyone.",
            "using": "Define how a wallet presents and a verifier asks, so sharing works "
            "across products from different makers.",
            "adopting": "Certify conformance and keep the standards stable and open, so "
            "adopters are not locked in.",
        },
        (
            Place(
                "An Open Badges 3.0 Achievement",
                "issuer",
                "/issuers/community-college/achievements/fundamentals-of-nursing-1",
            ),
            Place("An issuer's DID document", "issuer", "/issuers/community-college/did.json"),
            Place(
                "OpenID4VCI issuer metadata",
                "issuer",
                "/.well-known/openid-credential-issuer/issuers/community-college",
            ),
        ),  # fmt: skip
        ("contexts/MANIFEST.md", "vckit/ob/schema.py", "vckit/di/algorithms.py", "tests/vectors"),
    ),
    Stakeholder(
        "ler-solution-providers",
        "LER Solution Providers",
        "Companies and open-source projects that build issuing, wallet and verifying "
        "software. Here: the standard HTTP APIs of all three services.",
        {
            "developing": "Build products on the open standards and test them against "
            "other implementations, as this project does.",
            "issuing": "Offer issuers a way to sign and deliver credentials in every "
            "common format through a standard API.",
            "using": "Make wallets and verifiers that accept each other's credentials and "
            "explain every check they make.",
            "adopting": "Compete on service, not on lock-in: export, import and open APIs "
            "by default.",
        },
        (
            Place("Issuer API (VC-API, OpenID4VCI)", "issuer", "/docs"),
            Place("Wallet API", "wallet", "/docs"),
            Place("Verifier API (VC-API, OpenID4VP)", "verifier", "/docs"),
        ),
        ("tests/interop", "issuer/web/api/vc_api.py", "wallet/answering/answer.py"),
    ),
    Stakeholder(
        "funders",
        "Funders",
        "Philanthropies and public funds that pay for pilots and infrastructure. Here: the "
        "aggregate counts of what was issued, shared and verified.",
        {
            "developing": "Pay for the shared groundwork no single organisation would build "
            "alone: standards, open tools, pilots.",
            "issuing": "Back issuers, especially those serving people who learned outside "
            "a four-year degree, in getting their first credentials out.",
            "using": "Watch whether records are actually shared and accepted, using counts "
            "that reveal nothing about any person.",
            "adopting": "Direct grants to what the evidence shows is working, and help "
            "successful pilots grow.",
        },
        (
            Place("Statistics", "landing", "/stats"),
            Place("Statistics as JSON", "landing", "/stats.json"),
        ),
        ("landing/stats.py", "issuer/stats.py"),
    ),
    Stakeholder(
        "supporting-systems",
        "Supporting Systems",
        "Everything around the records: hosting, identity, skills frameworks, research and "
        "reporting. Here: health checks, logs and per-service counts.",
        {
            "developing": "Provide the skills taxonomies, identity and hosting that records "
            "point to and run on.",
            "issuing": "Keep the services that sign and publish status available and observable.",
            "using": "Feed labour-market research and reporting with aggregate, "
            "privacy-preserving counts.",
            "adopting": "Keep the whole system trustworthy over time: monitored, "
            "documented and replaceable part by part.",
        },
        (
            Place("Issuer counts", "issuer", "/stats"),
            Place("Wallet counts", "wallet", "/stats"),
            Place("Verifier counts", "verifier", "/stats"),
            Place("Verifier readiness", "verifier", "/readyz"),
        ),
        ("servicekit/health.py", "servicekit/logs.py", "servicekit/stats.py"),
    ),
)


def phase_title(key: str) -> str:
    return dict(PHASES)[key]

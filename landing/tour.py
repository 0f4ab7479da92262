"""The guided tour: the seven steps of the demo's story (docs/PRODUCT.md), as data.

Each step says what to open in which service, what to do there, what you should see, and
which files of this repository do the work. Links are ``map.Place`` values, turned into
URLs with the configured service addresses by the page. Text in backticks is shown as code
(:func:`code_spans`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from landing.map import Place

_CODE = re.compile(r"`([^`]+)`")


def code_spans(text: str) -> Markup:
    """The step's text for the page: escaped, each `backticked` part set as <code> (the
    page showed the backticks themselves). The ``code_spans`` Jinja filter."""
    return Markup(_CODE.sub(lambda m: f"<code>{m.group(1)}</code>", str(escape(text))))


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    who: str  # the map's stakeholder acting in this step
    do: tuple[str, ...]  # what to click or type, in order
    places: tuple[Place, ...]
    expect: str  # what you should see
    files: tuple[str, ...]


STEPS: tuple[Step, ...] = (
    Step(
        1,
        "A college and a training provider issue three credentials",
        "Credentialing Organizations",
        (
            "Open the community college and sign in as staff with the API token that "
            "`ler up` printed the place of (var/issuer/api-token).",
            'On Issue, pick Fundamentals of Nursing I, tick "Offer to the learner\'s wallet", '
            "choose the proof format ecdsa-sd-2023 (selective disclosure), and give the "
            "learner's name, date of birth and grade; do the same for Fundamentals of Nursing II.",
            "Open SafeServe Food Safety Training and offer the Food Handler credential "
            "the same way.",
        ),
        (
            Place("Riverside Community College", "issuer", "/issuers/community-college"),
            Place("Issue a credential", "issuer", "/issuers/community-college/issue"),
            Place("SafeServe Food Safety Training", "issuer", "/issuers/food-safety"),
        ),
        "Each offer shows a link and a QR code for an Open Badges 3.0 credential aligned to "
        "skills (patient data privacy, medical terminology); the name, date of birth and "
        "grade in it are fields the learner may later hide.",
        (
            "issuer/issuing/issuance.py",
            "issuer/web/pages/issue.py",
            "issuer/issuing/sd_issue.py",
            "vckit/ob/credentials.py",
            "vckit/di/ecdsa_sd/",
        ),
    ),  # fmt: skip
    Step(
        2,
        "The learner accepts them into a wallet",
        "Learners and Earners",
        (
            "Sign in as the demo learner, alex.rivera@demo.example, with the password in "
            "var/wallet/demo-learner.txt (`ler up` printed where); or create your own account.",
            "On Receive, paste each offer link (or scan the QR code).",
            "Open My skills.",
        ),
        (
            Place("Sign in as the demo learner", "wallet", "/sign-in"),
            Place("Or create an account", "wallet", "/sign-up"),
            Place("Receive a credential", "wallet", "/receive"),
            Place("My skills", "wallet", "/skills"),
        ),
        "Three cards, each verified on arrival; one skills list across them, each skill "
        "linked to the credentials that show it.",
        (
            "wallet/receiving/offer.py",
            "wallet/receiving/receive.py",
            "wallet/views/skills.py",
            "vckit/protocols/oid4vci.py",
        ),
    ),
    Step(
        3,
        "A care home posts a job and asks for evidence",
        "Employers",
        (
            "At the verifier, open Jobs and the job ready there: Care assistant, Maple Grove "
            "Care Home. It needs the skill Patient data privacy, from an accredited issuer, "
            "issued within the last two years (or open a job of your own with the form).",
            "Under Ask a candidate, make a new request (link and QR code).",
        ),
        (
            Place("Jobs", "verifier", "/jobs"),
            Place("Accredited issuers", "verifier", "/registry"),
        ),
        "A request link and QR code carrying a fresh, single-use challenge (an OpenID4VP "
        "request with a DCQL query, and a VC-API request).",
        (
            "verifier/jobs/requests.py",
            "verifier/jobs/oid4vp_request.py",
            "verifier/jobs/dcql_request.py",
            "vckit/protocols/dcql.py",
        ),
    ),
    Step(
        4,
        "The learner shares only what the job needs",
        "Learners and Earners",
        (
            "In the wallet, open Requests and paste the verifier's request link.",
            "Tick the two nursing credentials and leave the food one out; under each, switch "
            "off Grade and Date of birth (the fields the issuer made mandatory are locked, "
            "with the reason).",
            "Preview, then send.",
        ),
        (
            Place("Requests", "wallet", "/requests"),
            Place("What I shared", "wallet", "/shared"),
        ),
        "The preview shows exactly what the employer receives: no grade, no date of birth. "
        "The presentation is signed with the learner's own key and bound to the verifier's "
        "challenge; the share log records what went to whom.",
        (
            "wallet/sharing/disclose.py",
            "wallet/answering/answer.py",
            "vckit/disclosure/fields.py",
            "vckit/di/ecdsa_sd/",
        ),
    ),
    Step(
        5,
        "The verifier reports, check by check",
        "Employers, HR Systems",
        (
            "Open the job at the verifier and its newest result.",
            "An HR system reads the same result as JSON (or receives it by webhook).",
        ),
        (
            Place("Jobs and results", "verifier", "/jobs"),
            Place("Verifier API", "verifier", "/docs"),
        ),
        "Named checks, each pass, fail or could not check: proof, issuer key, accredited "
        "issuer, validity period, not revoked, holder binding, schema, requirement met; "
        "and the fields disclosed and withheld.",
        (
            "vckit/verification/",
            "verifier/checking/policy.py",
            "verifier/views/report_view.py",
            "verifier/views/disclosure_view.py",
        ),
    ),  # fmt: skip
    Step(
        6,
        "A credential issued in error is revoked",
        "Credentialing Organizations, Governance",
        (
            "At the college, open Issued and revoke the credential.",
            "Open the same result at the verifier again, or verify the presentation anew.",
            "Later, the nursing board issues a licence and the care home an on-the-job "
            "credential; the learner adds them to the same wallet.",
        ),
        (
            Place("Issued credentials", "issuer", "/issuers/community-college/issued"),
            Place("State Board of Nursing", "issuer", "/issuers/nursing-board"),
            Place("Maple Grove Care Home", "issuer", "/issuers/employer"),
            Place("Counts of it all", "landing", "/stats"),
        ),
        "The same presentation now fails at the status check, and the report says the "
        "credential was revoked by its issuer.",
        ("issuer/status/lists.py", "vckit/status/status_list.py", "vckit/status/bitstring.py"),
    ),
    Step(
        7,
        "The licensing board endorses the programme; the registrar issues the learner record",
        "Governance, Credentialing Organizations",
        (
            "The State Board of Nursing endorses the college's Practical Nursing Certificate "
            "(POST /issuers/nursing-board/endorsements); the college's page lists it.",
            "Staff at the college open Learner record (CLR), choose the programme and the "
            "learner's DID, and issue; the learner pastes the record into the wallet.",
            "Paste the same record into the verifier.",
        ),
        (
            Place(
                "The college's endorsements", "issuer", "/issuers/community-college#endorsements"
            ),
            Place("Issue a learner record (staff)", "issuer", "/issuers/community-college/clr"),
            Place("Your credentials", "wallet", "/credentials"),
            Place("Verify a credential", "verifier", "/"),
        ),
        "The wallet shows a transcript: the programme, its two courses in order, each with its "
        "own badge, and the board's endorsement; the verifier checks the record, each "
        "credential inside it and the endorsement, whose endorser it accredits.",
        (
            "issuer/issuing/clr.py",
            "issuer/issuing/endorse.py",
            "vckit/ob/clr.py",
            "wallet/views/transcript.py",
            "verifier/checking/nested.py",
        ),
    ),
)

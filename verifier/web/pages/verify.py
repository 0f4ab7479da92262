"""HTML pages for people: hand the verifier a credential, read the report.

========  ======  ================================================================
``/``     GET     three ways in: paste, upload a file (JSON, VC-JWT, baked PNG/SVG),
                  or a link (fetched under the verifier's fetch policy)
``/``     POST    urlencoded (``document`` or ``link``) or multipart (``file``);
                  optional ``challenge`` and ``domain``; answers the report page
========  ======  ================================================================

Forms are parsed by hand (no form package): urlencoded with :func:`urllib.parse.parse_qs`,
multipart/form-data (RFC 7578) with the standard library's MIME parser. The app's body
limit bounds both.
"""

from __future__ import annotations

from email import policy as email_policy
from email.parser import BytesParser
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from vckit.errors import InputError
from vckit.report import CHECK_TITLES
from verifier.checking import intake
from verifier.checking.verification import network_fetch
from verifier.views import report_view
from verifier.web.deps import VerifierDep

router = APIRouter(include_in_schema=False)
MAX_FIELDS = 20


def _render(request: Request, name: str, status: int = 200, **context: object) -> Response:
    templates = request.app.state.templates
    response: Response = templates.TemplateResponse(request, name, context, status_code=status)
    return response


def _home(request: Request, status: int = 200, **context: object) -> Response:
    return _render(request, "index.html", status, checks=CHECK_TITLES, **context)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    return _home(request)


async def _read_form(request: Request) -> tuple[dict[str, str], bytes | None]:
    """The form's text fields, and the uploaded file's bytes (None when no file was sent)."""
    media = request.headers.get("content-type", "")
    body = await request.body()
    if media.lower().startswith("multipart/form-data") and "boundary=" in media:
        head = b"Content-Type: " + media.encode("latin-1") + b"\r\n\r\n"
        message = BytesParser(policy=email_policy.HTTP).parsebytes(head + body)
        fields: dict[str, str] = {}
        upload: bytes | None = None
        for part in message.iter_parts() if message.is_multipart() else ():
            name = part.get_param("name", header="content-disposition")
            data = part.get_payload(decode=True)
            if not isinstance(name, str) or not isinstance(data, bytes):
                continue
            if part.get_filename() is not None:
                upload = data if data else upload
            elif len(fields) < MAX_FIELDS:
                fields[name] = data.decode("utf-8", "replace")
        return fields, upload
    try:
        parsed = parse_qs(body.decode("utf-8", "replace"), max_num_fields=MAX_FIELDS)
    except ValueError:  # more fields than our form has
        return {}, None
    return {name: values[0] for name, values in parsed.items()}, None


@router.post("/", response_class=HTMLResponse)
async def verify_submitted(request: Request, verification: VerifierDep) -> Response:
    fields, upload = await _read_form(request)
    pasted = fields.get("document", "")
    link = fields.get("link", "").strip()
    challenge = fields.get("challenge", "").strip() or None
    domain = fields.get("domain", "").strip() or None
    road = "upload" if upload is not None else "link" if link else "paste"
    try:
        if road == "upload":
            submission = intake.from_file(upload or b"")
        elif road == "link":
            submission = intake.from_link(
                link, verification.fetch or network_fetch(verification.settings)
            )
        else:
            submission = intake.from_paste(pasted)
        report = verification.verify(submission, challenge=challenge, domain=domain)
    except InputError as exc:
        return _home(request, 400, error=str(exc), road=road, pasted=pasted, link=link)
    source = {"upload": "an uploaded file", "link": link, "paste": "pasted text"}[road]
    return _render(
        request, "report.html", report=report, view=report_view.view(report), source=source
    )

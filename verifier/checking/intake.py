"""Use case: what a person handed the report page, turned into something to verify.

Three roads in, one result (a JSON document, a VC-JWT or an SD-JWT for
:func:`vckit.verification.verify`):

- **paste**: the text as given (JSON, a Compact JWS, or an SD-JWT VC
  ``<jwt>~<disclosure>~...~`` with or without its Key Binding JWT; a derived ``ecdsa-sd-2023``
  credential is JSON);
- **upload**: a file holding JSON, a VC-JWT, an SD-JWT, or a baked badge image, PNG or SVG
  (Open Badges 3.0 §5.3 "Baked Badge", https://www.imsglobal.org/spec/ob/v3p0/#baked-badge, read by
  :func:`vckit.ob.baking.extract`);
- **link**: a URL fetched through :mod:`verifier.checking.fetch`, under the operator's fetch policy
  (https; plain http only to localhost and only when allowed; no private addresses; size and
  time limits). The answer may be any of the above, or the demonstrator wallet's share page
  (``<wallet>/s/<token>``), which shows the presentation as JSON in its one ``<pre>`` element.
  A link the policy refuses says why; every other failure -- no connection, an error status,
  a timeout, an answer that is none of these -- reads the same, "<url> gave no usable
  answer" (the reason is logged), so the form cannot be used to tell which ports of a host
  are open.

Everything here is untrusted input: failures raise :class:`vckit.errors.InputError`
subclasses whose message says what was wrong, never a bare exception.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from html.parser import HTMLParser

from servicekit.logs import scrub
from servicekit.outbound import shown
from vckit.errors import InputError
from vckit.ob.baking import MAX_IMAGE_BYTES, extract, image_kind
from verifier.checking.fetch import FetchError, FetchRefused

log = logging.getLogger(__name__)
_COMPACT = re.compile(r"[A-Za-z0-9_\-]+(\.[A-Za-z0-9_\-]*){2}(~[A-Za-z0-9_\-.~]*)?")
"""A Compact JWS (a VC-JWT), or an SD-JWT with its disclosures and Key Binding JWT."""

Submission = str
"""The text to verify: a JSON document, a Compact JWS, or an SD-JWT (+KB)."""


class NothingSubmittedError(InputError):
    """The form was sent with nothing in it."""

    code = "nothing-submitted"


class LinkRefusedError(InputError):
    """The link could not be fetched (policy, network, or an answer that broke a limit)."""

    code = "link-refused"


def from_paste(text: str) -> Submission:
    """Pasted text, as given (``vckit.verification`` decides whether it is JSON, a JWT or an
    SD-JWT)."""
    if not text.strip():
        raise NothingSubmittedError("paste a credential or presentation")
    return text.strip()


def from_file(data: bytes) -> Submission:
    """An uploaded file: a baked PNG or SVG badge (OB 3.0 §5.3) is opened and its credential
    taken out; anything else is read as JSON or a JWT."""
    if not data.strip():
        raise NothingSubmittedError("the file is empty")
    if len(data) > MAX_IMAGE_BYTES:
        raise InputError(f"the file is larger than {MAX_IMAGE_BYTES} bytes")
    if image_kind(data) is not None:
        baked = extract(data)
        return baked if isinstance(baked, str) else _json_text(baked)
    try:
        return data.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise InputError("the file is not UTF-8 text, a PNG or an SVG") from None


def from_link(url: str, fetch: Callable[[str], bytes]) -> Submission:
    """A link, fetched with ``fetch`` (the verifier's policy-bound fetcher). Its answer is
    read like an uploaded file, or, for an HTML page, from its ``<pre>`` element."""
    url = url.strip()
    if not url:
        raise NothingSubmittedError("give a link to a credential or presentation")
    try:
        body = fetch(url)
    except FetchRefused as exc:
        raise LinkRefusedError(f"the link was not fetched: {exc}") from None
    except (FetchError, OSError) as exc:  # OSError: a fetch passed in that is not ours
        log.info("link refused", extra={"event": scrub(f"link {url}: {exc}")})
        raise LinkRefusedError(f"{shown(url)} gave no usable answer") from None
    try:
        found = _pre_text(body) if _is_html(body) else from_file(body)
    except InputError as exc:
        found, reason = "", str(exc)
    else:
        reason = "neither JSON nor a JWT"
    if not (found.startswith("{") and found.endswith("}")) and not _COMPACT.fullmatch(found):
        log.info("link refused", extra={"event": scrub(f"link {url}: {reason}")})
        raise LinkRefusedError(f"{shown(url)} gave no usable answer")
    return found


def _json_text(document: dict[str, object]) -> str:
    return json.dumps(document, ensure_ascii=False)


def _head(data: bytes) -> bytes:
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:512].lower()


def _is_html(data: bytes) -> bool:
    head = _head(data)
    return head.startswith((b"<!doctype html", b"<html"))


class _PreText(HTMLParser):
    """Collects the text of every ``<pre>`` element (entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "pre":
            self._depth += 1
            if self._depth == 1:
                self.blocks.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre" and self._depth:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._depth:
            self.blocks[-1] += data


def _pre_text(page: bytes) -> Submission:
    """The wallet's share page: exactly one ``<pre>`` holding the presentation."""
    parser = _PreText()
    parser.feed(page.decode("utf-8", "replace"))
    parser.close()
    if len(parser.blocks) != 1 or not parser.blocks[0].strip():
        raise InputError(
            "the link answered with a web page, not a credential "
            "(a wallet share page must show the presentation in one <pre> element)"
        )
    return parser.blocks[0].strip()

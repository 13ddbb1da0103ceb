"""X.509 client certificates as credentials (Art. 36: unified digital certificates).

The TLS handshake has already verified the certificate against the configured CA
when it reaches here; this module only maps it to a govnet user, by an exact,
structured match (never by comparing strings assembled from the certificate):

- a user's ``cert_subject`` ``CN=NAME`` (one attribute, a common name) matches a
  certificate whose subject holds exactly one common name, equal to NAME. A subject
  with several common names matches no ``CN=`` mapping at all;
- any other distinguished name (``CN=jinping-ops,O=Shantou``, RFC 4514) matches a
  certificate whose subject is that very name: the same RDNs, attributes and values
  in the same order, compared as parsed :class:`x509.Name` objects (so a common name
  ``jinping-ops,O=Shantou`` is one attribute and never equals the two-attribute name);
- ``DNS:NAME``, ``email:ADDR``, ``URI:URI`` match a subject alternative name of that
  type with exactly that value.

Stored subjects are canonical (``check_subject``: RFC 4514 as ``cryptography`` writes
it), so the lookup by the certificate's own canonical names is one indexed query;
each user it finds is then checked by the structured rule above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cryptography import x509
from cryptography.x509.oid import NameOID
from sqlmodel import Session, col, select

from govnet.auth import Actor, load_actor
from govnet.errors import InvalidInput
from govnet.models import User
from govnet.tokens import TokenRefused

SAN_TYPES: dict[str, type[x509.DNSName] | type[x509.RFC822Name] | type[x509.UniformResourceIdentifier]] = {
    "DNS": x509.DNSName, "email": x509.RFC822Name, "URI": x509.UniformResourceIdentifier}
_SAN = re.compile(r"^(DNS|email|URI):([^\x00-\x20\x7f]+)$")
MAX_SUBJECT = 255


@dataclass(frozen=True)
class Identity:
    """A parsed ``cert_subject``: a distinguished name, or one subject alternative name."""

    name: x509.Name | None = None  # a distinguished name …
    san_type: str | None = None  # … or "DNS" / "email" / "URI" with its value
    value: str = ""

    @property
    def common_name_only(self) -> str | None:
        """NAME when the subject is the one attribute ``CN=NAME``, else None."""
        if self.name is None or len(self.name.rdns) != 1:
            return None
        attrs = list(self.name)
        if len(attrs) != 1 or attrs[0].oid != NameOID.COMMON_NAME:
            return None
        return _text(attrs[0].value)

    def canonical(self) -> str:
        return self.name.rfc4514_string() if self.name is not None else f"{self.san_type}:{self.value}"


def parse_subject(value: str) -> Identity:
    """A ``--cert-subject`` parsed; InvalidInput (one line) when it is not one.

    >>> parse_subject("CN=jinping-ops").common_name_only
    'jinping-ops'
    >>> parse_subject("CN=victim-cert,O=Shantou").common_name_only is None
    True
    """
    value = value.strip()
    bad = InvalidInput(f"--cert-subject {value!r}: give CN=NAME or a full subject in RFC 4514 "
                       "form (CN=NAME,O=ORG; escape a comma in a value as \\,), or DNS:NAME, "
                       "email:ADDR, URI:URI")
    if not value or len(value) > MAX_SUBJECT or any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise bad
    san = _SAN.match(value)
    if san:
        return Identity(san_type=san[1], value=san[2])
    try:
        name = x509.Name.from_rfc4514_string(value)
    except ValueError:
        raise bad from None
    if not name.rdns:
        raise bad
    identity = Identity(name=name)
    if len(identity.canonical()) > MAX_SUBJECT:
        raise bad
    return identity


def check_subject(value: str) -> str:
    """A ``--cert-subject`` as typed, in the canonical form it is stored and matched in.

    >>> check_subject(" cn=jinping-ops ")
    'CN=jinping-ops'
    >>> check_subject("O=Shantou,CN=a\\\\, b")
    'O=Shantou,CN=a\\\\, b'
    """
    return parse_subject(value).canonical()


def _text(value: str | bytes) -> str:
    return value if isinstance(value, str) else value.decode(errors="replace")


def _sans(cert: x509.Certificate) -> x509.SubjectAlternativeName | None:
    try:
        return cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return None


def _single_cn(cert: x509.Certificate) -> x509.NameAttribute | None:
    cns = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return cns[0] if len(cns) == 1 else None


def matches(identity: Identity, cert: x509.Certificate) -> bool:
    """Whether the certificate is the one ``identity`` names (the rule of this module)."""
    if identity.name is not None:
        if identity.name == cert.subject:
            return True
        wanted = identity.common_name_only
        cn = _single_cn(cert)
        return wanted is not None and cn is not None and _text(cn.value) == wanted
    san = _sans(cert)
    kind = SAN_TYPES[identity.san_type or ""]
    return san is not None and identity.value in san.get_values_for_type(kind)


def names_of(cert: x509.Certificate) -> list[str]:
    """The canonical ``cert_subject`` strings that may name this certificate: its subject,
    ``CN=…`` of its only common name, and each SAN of a mapped type. Only a pre-selection
    for the database lookup: :func:`matches` decides."""
    names = [cert.subject.rfc4514_string()]
    cn = _single_cn(cert)
    if cn is not None:
        names.append(x509.Name([cn]).rfc4514_string())  # escaped by cryptography
    san = _sans(cert)
    if san is not None:
        for prefix, kind in SAN_TYPES.items():
            names += [f"{prefix}:{v}" for v in san.get_values_for_type(kind)]
    return list(dict.fromkeys(n for n in names if len(n) <= MAX_SUBJECT))


def load_pem(pem: str | bytes) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem.encode() if isinstance(pem, str) else pem)


def actor_for(session: Session, cert: x509.Certificate) -> Actor:
    """The user a verified client certificate maps to; refused when none (or several) do."""
    names = names_of(cert)
    found = session.exec(select(User).where(col(User.cert_subject).in_(names)))
    users = []
    for user in found:
        try:
            if matches(parse_subject(user.cert_subject or ""), cert):
                users.append(user)
        except InvalidInput:  # a stored subject that no longer parses names nobody
            continue
    subject = cert.subject.rfc4514_string()
    if not users:
        cn = _single_cn(cert)
        suggested = x509.Name([cn]).rfc4514_string() if cn is not None else subject
        raise TokenRefused(f"no govnet user has the client certificate {subject!r}: an admin "
                           "maps it with 'govnet user add NAME --role ROLE --cert-subject "
                           f"\"{suggested}\"'")
    if len(users) > 1:
        raise TokenRefused(f"the client certificate {subject!r} maps to several users "
                           f"({', '.join(u.name for u in users)}); give each its own certificate")
    return load_actor(session, users[0].name)

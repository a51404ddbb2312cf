"""Verifying the CDS client's JWT bearer token (CDS Hooks 2.0, "Trusting CDS Clients").

Off unless configured. When configured with a trusted issuer and its public key,
every request (discovery included) must carry ``Authorization: Bearer <JWT>``
and the token must have, as CDS Hooks 2.0 requires:

* a header with ``typ`` ``JWT``, a ``kid``, and an asymmetric ``alg`` from the
  configured list (default ES384 and RS384, the two the specification
  recommends; ``none`` and every HMAC algorithm are refused, as it says);
* the claims ``iss`` (the configured issuer), ``aud`` (the URL of the endpoint
  being called), ``exp`` (not passed), ``iat`` and ``jti``;
* a ``jti`` not seen before within its lifetime (replay protection);
* no ``jku``, or a ``jku`` in the configured allow-list. The key is configured
  out of band; the service never fetches a ``jku``.

Verification is done by PyJWT (``pyjwt[crypto]``).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import attrs

from lbp_spec.service.outcome import Issue, ServiceError

__all__ = ["DEFAULT_ALGORITHMS", "JwtConfig", "TokenVerifier", "load_key"]

DEFAULT_ALGORITHMS: Final = ("ES384", "RS384")
_ASYMMETRIC: Final = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
_REQUIRED_CLAIMS: Final = ("iss", "aud", "exp", "iat", "jti")


def load_key(text: str) -> Any:
    """A public key from PEM text or a JWK (JSON); a JWK Set gives a dict ``kid -> key``."""
    import jwt

    stripped = text.strip()
    if stripped.startswith("{"):
        data = json.loads(stripped)
        if "keys" in data:
            keys = jwt.PyJWKSet.from_dict(data)
            return {k.key_id: k.key for k in keys.keys}
        return jwt.PyJWK.from_dict(data).key
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    return load_pem_public_key(stripped.encode())


@attrs.frozen
class JwtConfig:
    """What the service trusts.

    Attributes:
        issuer: The trusted ``iss``.
        key: The issuer's public key (a key object, or a dict ``kid -> key``).
        algorithms: Accepted signing algorithms (asymmetric only).
        jku_allowed: ``jku`` URLs a token may name.
        leeway: Seconds of clock skew allowed on ``exp`` and ``iat``.

    """

    issuer: str
    key: Any
    algorithms: tuple[str, ...] = DEFAULT_ALGORITHMS
    jku_allowed: tuple[str, ...] = ()
    leeway: float = 30.0

    def __attrs_post_init__(self) -> None:
        bad = [a for a in self.algorithms if a not in _ASYMMETRIC]
        if bad:
            raise ValueError(f"only asymmetric algorithms may be trusted, not {', '.join(bad)}")

    @classmethod
    def from_files(
        cls, issuer: str, key_file: str | Path, algorithms: Sequence[str] = DEFAULT_ALGORITHMS
    ) -> JwtConfig:
        """Read the key from a PEM or JWK/JWKS file."""
        return cls(issuer, load_key(Path(key_file).read_text(encoding="utf-8")), tuple(algorithms))


def _refuse(message: str) -> ServiceError:
    return ServiceError(401, [Issue("login", message, "Authorization")])


class TokenVerifier:
    """Checks bearer tokens against a :class:`JwtConfig`; remembers token ids until they expire."""

    def __init__(self, config: JwtConfig) -> None:
        self.config = config
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def verify(self, authorization: str | None, audience: str) -> Mapping[str, Any]:
        """The token's claims, or :class:`ServiceError` 401 saying what is wrong."""
        import jwt

        if not authorization:
            raise _refuse("an Authorization: Bearer <JWT> header is required")
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _refuse("the Authorization header must be 'Bearer <JWT>'")
        token = token.strip()
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise _refuse(f"not a JWT: {error}") from None
        alg = header.get("alg")
        if alg not in self.config.algorithms:
            raise _refuse(
                f"alg {alg!r} is not accepted; accepted: {', '.join(self.config.algorithms)} "
                "(unsigned and symmetric tokens are refused)"
            )
        if header.get("typ") != "JWT":
            raise _refuse("the JWT header must have typ 'JWT'")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise _refuse("the JWT header must have a kid")
        jku = header.get("jku")
        if jku is not None and jku not in self.config.jku_allowed:
            raise _refuse(f"jku {jku!r} is not on the allow-list")
        key = self.config.key
        if isinstance(key, dict):
            if kid not in key:
                raise _refuse(f"no trusted key with kid {kid!r}")
            key = key[kid]
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=list(self.config.algorithms),
                audience=audience,
                issuer=self.config.issuer,
                leeway=self.config.leeway,
                options={"require": list(_REQUIRED_CLAIMS)},
            )
        except jwt.ExpiredSignatureError:
            raise _refuse("the token has expired") from None
        except jwt.InvalidIssuerError:
            raise _refuse(f"the token's issuer is not {self.config.issuer!r}") from None
        except jwt.InvalidAudienceError:
            raise _refuse(f"the token's aud must be {audience!r}") from None
        except jwt.MissingRequiredClaimError as error:
            raise _refuse(f"the token lacks the claim {error.claim!r}") from None
        except jwt.PyJWTError as error:
            raise _refuse(f"the token is not valid: {error}") from None
        self._once(str(claims["jti"]), float(claims["exp"]))
        return claims

    def _once(self, jti: str, expires: float) -> None:
        now = time.time()
        with self._lock:
            for old in [k for k, exp in self._seen.items() if exp + self.config.leeway < now]:
                del self._seen[old]
            if jti in self._seen:
                raise _refuse("the token's jti was already used (replay)")
            self._seen[jti] = expires

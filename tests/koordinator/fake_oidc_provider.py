"""A small OpenID provider in the test process, on loopback: discovery, JWKS, a token endpoint and end-session.

Two issuers on one server (``{base}/citizen`` and ``{base}/staff``), one RSA key (made with ``cryptography``).
The test prepares the ID token the token endpoint hands out (``provider.id_token(...)``, signed with PyJWT) and
drives the real views with Django's test client; the authorization endpoint is never called (the test reads
``state`` and ``nonce`` from the start view's redirect, as a browser would carry them).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

KEY_ID = "test-key-1"
CLIENTS = {
    "citizen": ("koordinator-idporten", "idporten-hemmelig"),
    "staff": ("koordinator-ansatt", "ansatt-hemmelig"),
}


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class FakeProvider:
    base: str = ""
    key: rsa.RSAPrivateKey = field(default_factory=new_key)
    # The token endpoint's next answer per issuer ("citizen"/"staff"): a dict, or an HTTP status to fail with.
    answers: dict = field(default_factory=dict)
    # What the token endpoint was sent (form fields), per request.
    token_requests: list = field(default_factory=list)
    discovery_requests: int = 0
    # Every ID token the token endpoint has handed out.
    issued: list = field(default_factory=list)

    def issuer(self, name: str) -> str:
        return f"{self.base}/{name}"

    def settings_block(self, name: str, **overrides) -> dict:
        """An ``OIDC_PROVIDERS`` entry for this issuer, like koordinator/settings.py's defaults."""
        client_id, secret = CLIENTS[name]
        block = {
            "issuer": self.issuer(name),
            "client_id": client_id,
            "client_secret": secret,
            "scopes": "openid profile",
            "acr_values": "idporten-loa-substantial" if name == "citizen" else "",
            "accepted_acr": ["idporten-loa-substantial", "idporten-loa-high"],
            "second_factor_amr": ["mfa", "otp", "hwk", "swk", "sms", "TOTP", "BankID", "Minid-app"],
            "subject_claim": "pid",
            "sign_algo": "RS256",
            "label": "ID-porten" if name == "citizen" else "Ansattporten",
        }
        block.update(overrides)
        return block

    def id_token(self, name: str, nonce: str, *, key=None, headers=None, drop=(), **claims) -> str:
        """A signed ID token for issuer ``name``: sensible claims, changed by ``claims``, without ``drop``."""
        now = int(time.time())
        payload = {
            "iss": self.issuer(name),
            "aud": CLIENTS[name][0],
            "sub": "sub-" + name,
            "iat": now,
            "exp": now + 120,
            "nonce": nonce,
            "acr": "idporten-loa-substantial",
            "amr": ["BankID"],
        }
        payload.update(claims)
        for claim in drop:
            payload.pop(claim, None)
        return jwt.encode(
            payload, key or self.key, algorithm="RS256", headers={"kid": KEY_ID, **(headers or {})}
        )

    def answer_with(self, name: str, id_token: str) -> None:
        self.answers[name] = {
            "access_token": "at-" + name,
            "token_type": "Bearer",
            "expires_in": 120,
            "id_token": id_token,
        }

    def jwks(self) -> dict:
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**public, "kid": KEY_ID, "alg": "RS256", "use": "sig"}]}

    def discovery(self, name: str) -> dict:
        issuer = self.issuer(name)
        return {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token",
            "userinfo_endpoint": f"{issuer}/userinfo",
            "jwks_uri": f"{issuer}/jwks",
            "end_session_endpoint": f"{issuer}/endsession",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }


def _handler(provider: FakeProvider):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def _send(self, status: int, body: dict | None = None) -> None:
            data = json.dumps(body or {}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _issuer_and_rest(self) -> tuple[str, str]:
            parts = self.path.split("?")[0].strip("/").split("/", 1)
            return parts[0], "/" + (parts[1] if len(parts) > 1 else "")

        def do_GET(self):
            name, rest = self._issuer_and_rest()
            if name not in CLIENTS:
                return self._send(404)
            if rest == "/.well-known/openid-configuration":
                provider.discovery_requests += 1
                return self._send(200, provider.discovery(name))
            if rest == "/jwks":
                return self._send(200, provider.jwks())
            return self._send(404)

        def do_POST(self):
            name, rest = self._issuer_and_rest()
            if name not in CLIENTS or rest != "/token":
                return self._send(404)
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            provider.token_requests.append({"issuer": name, **form})
            answer = provider.answers.pop(name, None)
            if answer is None or isinstance(answer, int):
                return self._send(answer or 400, {"error": "invalid_grant"})
            provider.issued.append(answer["id_token"])
            return self._send(200, answer)

    return Handler


class FakeProviderServer:
    """``with FakeProviderServer() as provider:`` a running provider on 127.0.0.1 and a free port."""

    def __init__(self):
        self.provider = FakeProvider()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.provider))
        self.provider.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeProvider:
        self.thread.start()
        return self.provider

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

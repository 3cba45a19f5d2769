"""Regenerate cases.json, the diagnosis corpus: `python tests/diagnosis/corpus/_generate.py`.

Every documented error in the shapes support engineers actually paste (bodies,
HTTP dumps, curl -v, log lines, Laravel, requests, Guzzle, axios, Python and PHP
dumps, bare codes and messages, typos, escaped JSON), plus pastes that must not
match anything confidently. The cases are data; this script only writes them
out reproducibly (a fixed seed), so reviewing cases.json is reviewing the corpus.

Each case: {"id", "shape", "text", "provider"?, "http_status"?, "expect": {...}}
expect keys: top [provider, code] or null (nothing confident), ambiguous,
ambiguous_between, category, provider, http_status, context (subset),
retry_after_seconds, secrets (strings that must not appear anywhere in the
answer), errors (how many errors found), params (subset of the top match's).
"""

from __future__ import annotations

import json
import random
import uuid
from pathlib import Path

HERE = Path(__file__).parent
rng = random.Random(20260114)

HUB_URL = "https://api.123hub.pro/public/api/multihub/v1"
RUKKY_URL = "https://rukkyhub.com/api/v1"

HUB = [
    ("1000", "Common error", 400),
    ("1001", "Endpoint not found", 400),
    ("1002", "The method does not exist / is not available.", 404),
    ("1005", "Invalid request format", 400),
    ("1006", "Invalid Content-Type header", 400),
    ("1007", "HTTP Method Not Allowed", 400),
    ("2001", "Unexpected error", 400),
    ("2002", "The payment provider is not available", 400),
    ("3000", "Authentication error", 400),
    ("3001", "Missing / incorrect X-Data-Application-Id header", 400),
    ("3002", "Missing / incorrect X-Data-Hash header", 400),
    ("3003", "The app does not exist", 400),
    ("3004", "The app is disabled", 400),
    ("3005", "The app is blocked", 400),
    ("6001", "Incorrect transaction amount", 400),
    ("6002", "Incorrect currency code", 400),
    ("6004", "Insufficient funds", 400),
    ("6009", "Payment already exists", 400),
    ("6010", "Payment does not exist", 400),
    ("7001", "Error of interaction between payment provider and payment system", 400),
    ("7002", "Payment provider not available", 400),
    ("8801", "Current payment or operation status does not allow this action", 400),
    ("9000", "Validation error", 400),
]

RUKKY = [
    ("missing-action", "The action field is required", 422),
    ("missing-api-key", "The api key field is required", 403),
    ("invalid-key", "Invalid api key", 403),
    ("account-disabled", "This credential is no longer active", 403),
    ("unknown-action", "Invalid action", 400),
    ("scope-restriction", "This API key is not allowed for this action", 403),
    ("vtu-not-enabled", "VTU API access is not enabled for your plan", 403),
    ("smm-not-enabled", "SMM API access is not enabled for your plan", 403),
    ("invalid-service", "Invalid Service Id", 400),
    ("quantity-out-of-range", "Please follow the limit", 400),
    ("low-balance", "Insufficient balance", 400),
    ("wrong-pin", "Incorrect PIN", 403),
    ("domain-whitelist-mismatch", "API key is restricted to whitelisted domains", 403),
    ("rate-limit-hit", "Rate limit exceeded", 429),
    ("gift-card-type-invalid", "Invalid or inactive gift card type", 400),
    ("gift-card-amount-out-of-range", "Amount must be between 500 and 20000", 400),
    ("kyc-limit", "No-KYC per-transaction VTU limit exceeded", 400),
    ("daily-kyc-limit", "No-KYC daily VTU limit exceeded", 400),
]

REASONS = {
    200: "OK",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
}
TYPOS = {
    "Insufficient funds": "Insuficient funds",
    "Payment does not exist": "Paymnet does not exist",
    "Incorrect transaction amount": "Incorect transaction amount",
    "Invalid request format": "invalid reqest format",
    "Payment already exists": "payment allready exists",
    "Insufficient balance": "Insuficient balence",
    "Invalid Service Id": "invalid servce id",
    "Rate limit exceeded": "rate limt exceeded",
    "Incorrect PIN": "Incorect pin",
    "Invalid api key": "Invalid api kee",
    "No-KYC daily VTU limit exceeded": "no kyc daily vtu limit exeeded",
    "Invalid or inactive gift card type": "invalid or inactve giftcard type",
    "The app is disabled": "the app is disbled",
    "Authentication error": "Authentification error",
    "Please follow the limit": "Please folow the limit",
}
RK_KEYS = [f"rk_live_{uuid.UUID(int=rng.getrandbits(128)).hex[:24]}" for _ in range(60)]
cases: list[dict] = []
_rk = iter(RK_KEYS)


def rid() -> str:
    return str(uuid.UUID(int=rng.getrandbits(128)))


def sha512() -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(128))


def stamp() -> str:
    return f"2026-01-{rng.randint(10, 28):02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"


def http_date() -> str:
    return f"Wed, 14 Jan 2026 {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d} GMT"


def add(case_id: str, shape: str, text: str, expect: dict, **hints) -> None:
    case = {"id": case_id, "shape": shape, "text": text, "expect": expect}
    case.update({k: v for k, v in hints.items() if v is not None})
    cases.append(case)


# --- 123hub -------------------------------------------------------------------------------


def hub_body(code: str, message: str, request_id: str, details=None, as_string=False) -> dict:
    if code == "1005" and details is None:
        details = {"description": "missing required properties including: 'payer'. Path: $.params.payment"}
    return {
        "success": False,
        "error": {
            "code": code if as_string else int(code),
            "message": message,
            "details": details,
            "context": None,
        },
        "request_id": request_id,
        "processing_time": rng.randint(1, 40),
    }


def hub_expect(code: str, status: int | None = None, **more) -> dict:
    expect = {"top": ["123hub", code], "provider": "123hub"}
    if status is not None:
        expect["http_status"] = status
    expect.update(more)
    return expect


def php_print_r(value, indent: int = 0, object_style: bool = False) -> str:
    pad = " " * indent
    head = "stdClass Object" if object_style else "Array"
    lines = [head, pad + "("]
    for key, item in value.items():
        if isinstance(item, dict):
            lines.append(f"{pad}    [{key}] => " + php_print_r(item, indent + 8, object_style))
        elif isinstance(item, bool):
            lines.append(f"{pad}    [{key}] => {'1' if item else ''}")
        elif item is None:
            lines.append(f"{pad}    [{key}] => ")
        elif isinstance(item, list):
            inner = "\n".join(f"{pad}            [{i}] => {v}" for i, v in enumerate(item))
            lines.append(f"{pad}    [{key}] => Array\n{pad}        (\n{inner}\n{pad}        )\n")
        else:
            lines.append(f"{pad}    [{key}] => {item}")
    lines.append(pad + ")\n")
    return "\n".join(lines)


def php_var_dump(value, indent: int = 0) -> str:
    pad = " " * indent
    out = [f"array({len(value)}) {{"]
    for key, item in value.items():
        out.append(f'{pad}  ["{key}"]=>')
        if isinstance(item, dict):
            out.append(pad + "  " + php_var_dump(item, indent + 2))
        elif isinstance(item, bool):
            out.append(f"{pad}  bool({'true' if item else 'false'})")
        elif item is None:
            out.append(f"{pad}  NULL")
        elif isinstance(item, int):
            out.append(f"{pad}  int({item})")
        else:
            out.append(f'{pad}  string({len(str(item).encode())}) "{item}"')
    out.append(pad + "}")
    return "\n".join(out)


def node_inspect(value, indent: int = 0) -> str:
    pad = " " * indent
    parts = []
    for key, item in value.items():
        name = key if key.replace("_", "").isalnum() else f"'{key}'"
        if isinstance(item, dict):
            parts.append(f"{pad}  {name}: {node_inspect(item, indent + 2)}")
        elif isinstance(item, bool):
            parts.append(f"{pad}  {name}: {'true' if item else 'false'}")
        elif item is None:
            parts.append(f"{pad}  {name}: null")
        elif isinstance(item, int):
            parts.append(f"{pad}  {name}: {item}")
        elif isinstance(item, list):
            parts.append(f"{pad}  {name}: [ " + ", ".join(f"'{v}'" for v in item) + " ]")
        else:
            parts.append(f"{pad}  {name}: '{item}'")
    return "{\n" + ",\n".join(parts) + f"\n{pad}}}"


HUB_SHAPES = [
    "pretty",
    "http_dump",
    "curl_v",
    "guzzle",
    "laravel",
    "requests",
    "axios",
    "python_repr",
    "print_r",
    "var_dump",
    "json_in_string",
    "escaped_log",
    "logfmt",
    "string_code",
    "http2_dump",
]


def hub_cases() -> None:
    for index, (code, message, status) in enumerate(HUB):
        plain = message.rstrip(".")
        request_id = rid()
        body = hub_body(code, message, request_id)
        compact = json.dumps(body, separators=(",", ":"))
        ctx = {"request_id": request_id}
        if code == "1005":
            ctx["details"] = {"missing_fields": ["payer"], "path": "$.params.payment"}
        add(f"123hub-{code}-envelope", "envelope", compact, hub_expect(code, context=ctx))
        # Four more shapes per code, rotating so every shape is covered several times.
        for shape in [HUB_SHAPES[(index * 4 + k) % len(HUB_SHAPES)] for k in range(4)]:
            request_id = rid()
            body = hub_body(code, message, request_id)
            compact = json.dumps(body, separators=(",", ":"))
            pretty = json.dumps(body, indent=2)
            ctx = {"request_id": request_id}
            case_id = f"123hub-{code}-{shape}"
            if shape == "pretty":
                add(case_id, shape, pretty, hub_expect(code, context=ctx))
            elif shape == "http_dump":
                text = (
                    f"HTTP/1.1 {status} {REASONS[status]}\r\nDate: {http_date()}\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {len(pretty)}\r\nConnection: keep-alive\r\n\r\n{pretty}\n"
                )
                add(case_id, shape, text, hub_expect(code, status, context=ctx))
            elif shape == "http2_dump":
                text = f"HTTP/2 {status}\ncontent-type: application/json\nserver: nginx\ndate: {http_date()}\n\n{compact}"
                add(case_id, shape, text, hub_expect(code, status, context=ctx))
            elif shape == "curl_v":
                signature = sha512()
                request = json.dumps(
                    {
                        "method": "payment.status",
                        "service_id": 1201,
                        "params": {"c_id": f"ord-{rng.randint(1000, 99999)}"},
                    },
                    separators=(",", ":"),
                )
                text = (
                    "*   Trying 172.67.140.21:443...\n* Connected to api.123hub.pro (172.67.140.21) port 443 (#0)\n"
                    "* ALPN: server accepted h2\n* SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384\n"
                    "> POST /public/api/multihub/v1 HTTP/2\n> Host: api.123hub.pro\n> User-Agent: curl/8.5.0\n"
                    "> Accept: */*\n> Content-Type: application/json\n> X-Data-Application-Id: 12345\n"
                    f"> X-Data-Hash: {signature}\n> Content-Length: {len(request)}\n>\n"
                    f"* upload completely sent off: {len(request)} bytes\n< HTTP/2 {status}\n< date: {http_date()}\n"
                    f"< content-type: application/json\n< content-length: {len(compact)}\n<\n{compact}\n"
                    "* Connection #0 to host api.123hub.pro left intact\n"
                )
                add(case_id, shape, text, hub_expect(code, status, context=ctx, secrets=[signature]))
            elif shape == "guzzle":
                text = (
                    f"Client error: `POST {HUB_URL}` resulted in a `{status} {REASONS[status]}` response:\n"
                    f"{compact[:120]} (truncated...)\n"
                )
                add(case_id, shape, text, hub_expect(code, status))
            elif shape == "laravel":
                guzzle = (
                    f"Client error: `POST {HUB_URL}` resulted in a `{status} {REASONS[status]}` response:\n"
                    f"{compact[:120]} (truncated...)\n"
                )
                exception = (
                    f"[object] (GuzzleHttp\\Exception\\ClientException(code: {status}): {guzzle} at "
                    "/var/www/html/vendor/guzzlehttp/guzzle/src/Exception/RequestException.php:113)\n[stacktrace]\n"
                    "#0 /var/www/html/vendor/guzzlehttp/guzzle/src/Middleware.php(72): GuzzleHttp\\Exception\\RequestException::create()\n"
                    "#1 /var/www/html/app/Services/HubClient.php(58): GuzzleHttp\\Client->request()\n#2 {main}\n"
                )
                text = (
                    f"[{stamp()}] production.ERROR: {guzzle} " + json.dumps({"exception": exception}) + " \n"
                )
                # The message and the exception context hold the same body: one error, not two.
                add(case_id, shape, text, hub_expect(code, status, errors=1))
            elif shape == "requests":
                text = (
                    'Traceback (most recent call last):\n  File "/srv/app/payments/gateway.py", line 142, in fetch_status\n'
                    '    response.raise_for_status()\n  File "/usr/lib/python3.11/site-packages/requests/models.py", line 1021, in raise_for_status\n'
                    "    raise HTTPError(http_error_msg, response=self)\n"
                    f"requests.exceptions.HTTPError: {status} Client Error: {REASONS[status]} for url: {HUB_URL}\n"
                    f"response.text = {compact}\n"
                )
                add(case_id, shape, text, hub_expect(code, status, context=ctx))
            elif shape == "axios":
                text = (
                    f"AxiosError: Request failed with status code {status}\n    at settle (/app/node_modules/axios/dist/node/axios.cjs:2031:12)\n"
                    "    at IncomingMessage.handleStreamEnd (/app/node_modules/axios/dist/node/axios.cjs:3148:11)\n"
                    "response.data: " + node_inspect(body) + "\n"
                )
                add(case_id, shape, text, hub_expect(code, status, context=ctx))
            elif shape == "python_repr":
                text = f"ERROR:payments.hub:123hub call failed: {body!r}\n"
                add(case_id, shape, text, hub_expect(code, context=ctx))
            elif shape == "print_r":
                text = php_print_r(body, object_style=index % 2 == 0)
                add(case_id, shape, text, hub_expect(code, context=ctx))
            elif shape == "var_dump":
                text = php_var_dump(body) + "\n"
                add(case_id, shape, text, hub_expect(code, context=ctx))
            elif shape == "json_in_string":
                log = {
                    "level": "error",
                    "ts": f"2026-01-14T09:{rng.randint(10, 59)}:02.113Z",
                    "logger": "hub-client",
                    "msg": "gateway call failed",
                    "status": status,
                    "body": compact,
                }
                add(case_id, shape, json.dumps(log), hub_expect(code, status, context=ctx))
            elif shape == "escaped_log":
                escaped = compact.replace('"', '\\"')
                text = f'{stamp()} [worker-3] ERROR HubClient: unexpected response body="{escaped}"\n'
                add(case_id, shape, text, hub_expect(code, context=ctx))
            elif shape == "logfmt":
                text = f'time="{stamp()}" level=error msg="123hub request failed" code={code} message="{message}" request_id={request_id}\n'
                add(case_id, shape, text, hub_expect(code, context=ctx))
            elif shape == "string_code":
                body = hub_body(code, message, request_id, as_string=True)
                add(case_id, shape, json.dumps(body), hub_expect(code, context=ctx))
        # Bare code, and the message alone.
        style = index % 4
        bare = [code, f"error {code}", f"code={code}", f"123hub error #{code}"][style]
        add(f"123hub-{code}-bare", "bare_code", bare, {"top": ["123hub", code]})
        add(
            f"123hub-{code}-message",
            "message",
            plain if index % 2 else plain.upper(),
            {"top": ["123hub", code]},
        )
        if message in TYPOS:
            add(f"123hub-{code}-typo", "typo", TYPOS[message], {"top": ["123hub", code]})


# --- RukkyHub -------------------------------------------------------------------------------

RUKKY_SHAPES = [
    "http_dump",
    "curl_v",
    "requests",
    "guzzle",
    "laravel",
    "axios",
    "python_repr",
    "print_r",
    "var_dump",
    "log_line",
    "json_in_string",
    "escaped_log",
    "form_curl",
    "both",
]


def rukky_body(code: str, message: str) -> dict:
    body: dict = {"error": message}
    if code == "rate-limit-hit":
        body["reset_in"] = rng.randint(5, 59)
    if code == "domain-whitelist-mismatch":
        body["detected_domain"] = rng.choice(["shop.example.com", "staging.mystore.ng", "localhost"])
    return body


def rukky_expect(code: str, body: dict, status: int | None = None, **more) -> dict:
    expect: dict = {"top": ["rukkyhub", code], "provider": "rukkyhub"}
    ctx = {k: body[k] for k in ("reset_in", "detected_domain") if k in body}
    if ctx:
        expect["context"] = ctx
    if "reset_in" in body:
        expect["retry_after_seconds"] = body["reset_in"]
    if status is not None:
        expect["http_status"] = status
    if code == "gift-card-amount-out-of-range":
        expect["params"] = {"min": "500", "max": "20000"}
    expect.update(more)
    return expect


def rukky_cases() -> None:
    for index, (code, message, status) in enumerate(RUKKY):
        body = rukky_body(code, message)
        add(f"rukkyhub-{code}-envelope", "envelope", json.dumps(body), rukky_expect(code, body))
        for shape in [RUKKY_SHAPES[(index * 3 + k) % len(RUKKY_SHAPES)] for k in range(3)]:
            body = rukky_body(code, message)
            compact = json.dumps(body, separators=(",", ":"))
            key = next(_rk)
            case_id = f"rukkyhub-{code}-{shape}"
            # RukkyHub often answers errors with HTTP 200: some dumps say so.
            sent = 200 if index % 5 == 0 else status
            if shape == "http_dump":
                reset = 1768400000 + rng.randint(0, 9999)
                text = (
                    f"HTTP/1.1 {sent} {REASONS[sent]}\nServer: nginx\nContent-Type: application/json\n"
                    f"X-RateLimit-Limit: 60\nX-RateLimit-Remaining: {0 if code == 'rate-limit-hit' else rng.randint(1, 59)}\n"
                    f"X-RateLimit-Reset: {reset}\n\n{json.dumps(body, indent=4)}\n"
                )
                expect = rukky_expect(code, body, sent)
                expect.setdefault("context", {})["rate_limit"] = {
                    "X-RateLimit-Limit": "60",
                    "X-RateLimit-Reset": str(reset),
                }
                add(case_id, shape, text, expect)
            elif shape == "curl_v":
                text = (
                    f"* Connected to rukkyhub.com (104.21.48.3) port 443 (#0)\n> POST /api/v1 HTTP/1.1\n> Host: rukkyhub.com\n"
                    f"> User-Agent: curl/7.81.0\n> X-API-KEY: {key}\n> X-API-ORIGIN: shop.example.com\n"
                    "> Content-Type: application/json\n> Content-Length: 58\n>\n"
                    f"< HTTP/1.1 {sent} {REASONS[sent]}\n< Content-Type: application/json\n< X-RateLimit-Limit: 60\n<\n{compact}\n"
                )
                add(case_id, shape, text, rukky_expect(code, body, sent, secrets=[key]))
            elif shape == "requests":
                text = (
                    'Traceback (most recent call last):\n  File "/home/app/vtu/client.py", line 61, in buy_airtime\n'
                    "    r.raise_for_status()\n"
                    f"requests.exceptions.HTTPError: {status} Client Error: {REASONS[status]} for url: {RUKKY_URL}?key={key}&action=airtime\n"
                    f">>> r.json()\n{body!r}\n"
                )
                add(case_id, shape, text, rukky_expect(code, body, status, secrets=[key]))
            elif shape == "guzzle":
                text = f"Client error: `POST {RUKKY_URL}` resulted in a `{status} {REASONS[status]}` response:\n{compact}\n"
                add(case_id, shape, text, rukky_expect(code, body, status))
            elif shape == "laravel":
                ctx = {"response": body, "order_id": rng.randint(1000, 99999), "user_id": rng.randint(1, 900)}
                text = f"[{stamp()}] production.ERROR: RukkyHub order failed {json.dumps(ctx)} []\n"
                add(case_id, shape, text, rukky_expect(code, body))
            elif shape == "axios":
                inspect = node_inspect({"status": status, "statusText": REASONS[status], "data": body})
                text = (
                    f"AxiosError: Request failed with status code {status}\n    at settle (/srv/node_modules/axios/lib/core/settle.js:19:12)\n"
                    f"err.response = {inspect}\n"
                )
                add(case_id, shape, text, rukky_expect(code, body, status))
            elif shape == "python_repr":
                text = f"WARNING vtu.client RukkyHub said {body!r} (key={key})\n"
                add(case_id, shape, text, rukky_expect(code, body, secrets=[key]))
            elif shape == "print_r":
                add(case_id, shape, php_print_r(body), rukky_expect(code, body))
            elif shape == "var_dump":
                add(case_id, shape, php_var_dump(body) + "\n", rukky_expect(code, body))
            elif shape == "log_line":
                text = f"{stamp()} WARN  order {rng.randint(1000, 99999)} rejected by provider: {message} (attempt 1/3)\n"
                expect = rukky_expect(code, body)
                expect.pop("context", None)
                expect.pop("retry_after_seconds", None)
                add(case_id, shape, text, expect)
            elif shape == "json_in_string":
                log = {
                    "@timestamp": "2026-01-14T10:00:00Z",
                    "level": "ERROR",
                    "service": "vtu-worker",
                    "upstream_body": compact,
                }
                add(case_id, shape, json.dumps(log), rukky_expect(code, body))
            elif shape == "escaped_log":
                escaped = json.dumps(json.dumps(body))[1:-1]  # doubly escaped, as a log of a log shows it
                text = f'{{"message":"upstream error","payload":"{escaped}"}}'
                add(case_id, shape, text, rukky_expect(code, body))
            elif shape == "form_curl":
                pin = f"{rng.randint(1000, 9999)}"
                text = (
                    f"$ curl -s -X POST {RUKKY_URL} -H 'X-API-KEY: {key}' -d 'action=airtime&network=mtn&amount=500&phone=08031234567&pin={pin}'\n"
                    f"{compact}\n"
                )
                add(case_id, shape, text, rukky_expect(code, body, secrets=[key, f"pin={pin}"]))
            elif shape == "both":
                both = dict(body)
                both["errors"] = {"request": [message]}
                add(
                    case_id,
                    shape,
                    json.dumps(both, indent=2),
                    rukky_expect(
                        code,
                        body,
                        context={
                            **{k: body[k] for k in ("reset_in", "detected_domain") if k in body},
                            "field_errors": {"request": [message]},
                        },
                    ),
                )
        add(
            f"rukkyhub-{code}-message",
            "message",
            message if index % 2 else message.lower().rstrip(".") + ".",
            {"top": ["rukkyhub", code]},
        )
        if message in TYPOS:
            add(f"rukkyhub-{code}-typo", "typo", TYPOS[message], {"top": ["rukkyhub", code]})


def special_cases() -> None:
    key = next(_rk)
    add(
        "rukkyhub-low-balance-both-documented",
        "both",
        json.dumps(
            {
                "error": "Insufficient balance",
                "errors": {"balance": ["Your account balance is too low for this order"]},
            }
        ),
        {
            "top": ["rukkyhub", "low-balance"],
            "context": {"field_errors": {"balance": ["Your account balance is too low for this order"]}},
        },
    )
    add(
        "rukkyhub-missing-action-validation",
        "validation",
        json.dumps({"errors": {"action": ["The action field is required."]}}),
        {"top": ["rukkyhub", "missing-action"]},
    )
    add(
        "rukkyhub-missing-api-key-validation",
        "validation",
        "HTTP/1.1 422 Unprocessable Content\nContent-Type: application/json\n\n"
        + json.dumps({"errors": {"key": ["The api key field is required."]}}),
        {"top": ["rukkyhub", "missing-api-key"], "http_status": 422},
    )
    add(
        "rukkyhub-account-disabled-variant",
        "message",
        "This credential is no longer valid. Contact support.",
        {"top": ["rukkyhub", "account-disabled"]},
    )
    add(
        "rukkyhub-account-disabled-envelope-variant",
        "envelope",
        '{"error":"This credential is no longer active or has been revoked"}',
        {"top": ["rukkyhub", "account-disabled"]},
    )
    add(
        "rukkyhub-gift-amount-thousands",
        "message",
        "Amount must be between 1,000 and 50,000.00",
        {
            "top": ["rukkyhub", "gift-card-amount-out-of-range"],
            "params": {
                "min": "1,000",
                "max": "50,000.00",
                "min_normalized": "1000",
                "max_normalized": "50000",
            },
        },
    )
    add(
        "rukkyhub-gift-amount-in-body",
        "envelope",
        '{"error":"Amount must be between 2000 and 100000"}',
        {"top": ["rukkyhub", "gift-card-amount-out-of-range"], "params": {"min": "2000", "max": "100000"}},
    )
    add(
        "rukkyhub-rate-limit-retry-after",
        "http_dump",
        'HTTP/1.1 429 Too Many Requests\nContent-Type: application/json\nRetry-After: 41\nX-RateLimit-Limit: 60\nX-RateLimit-Remaining: 0\n\n{"error":"Rate limit exceeded"}',
        {"top": ["rukkyhub", "rate-limit-hit"], "http_status": 429, "retry_after_seconds": 41},
    )
    add(
        "rukkyhub-rate-limit-hints",
        "message",
        "Rate limit exceeded",
        {"top": ["rukkyhub", "rate-limit-hit"], "http_status": 429, "provider": "rukkyhub"},
        provider="rukkyhub",
        http_status=429,
    )
    add(
        "rukkyhub-wrong-pin-curl-secret",
        "curl_v",
        f'> X-API-KEY: {key}\n< HTTP/1.1 403 Forbidden\n\n{{"error": "Incorrect PIN"}}',
        {"top": ["rukkyhub", "wrong-pin"], "secrets": [key], "http_status": 403},
    )
    # HTTP-status entries: only the status and the provider are known.
    add(
        "rukkyhub-500-requests",
        "requests",
        f"requests.exceptions.HTTPError: 500 Server Error: Internal Server Error for url: {RUKKY_URL}",
        {"top": ["rukkyhub", "500"], "http_status": 500},
    )
    add(
        "rukkyhub-500-html",
        "http_dump",
        "HTTP/1.1 500 Internal Server Error\nServer: nginx\nContent-Type: text/html\n\n<html><body><h1>Server Error</h1></body></html>",
        {"top": ["rukkyhub", "500"]},
        provider="rukkyhub",
    )
    add(
        "rukkyhub-429-headers",
        "http_dump",
        "< HTTP/2 429\n< host: rukkyhub.com\n< retry-after: 30\n< x-ratelimit-remaining: 0\n<\n",
        {"top": ["rukkyhub", "429"], "retry_after_seconds": 30},
    )
    add(
        "rukkyhub-422-fields",
        "http_dump",
        f"POST {RUKKY_URL} -> HTTP/1.1 422 Unprocessable Content\n\n"
        + json.dumps(
            {
                "errors": {
                    "quantity": ["The quantity field is required."],
                    "link": ["The link format is invalid."],
                }
            }
        ),
        {
            "top": ["rukkyhub", "422"],
            "context": {"field_errors": {"quantity": ["The quantity field is required."]}},
        },
    )
    add(
        "rukkyhub-400-hint",
        "message",
        '{"error": "Something unexpected happened"}',
        {"top": ["rukkyhub", "400"]},
        provider="rukkyhub",
        http_status=400,
    )
    add(
        "rukkyhub-403-guzzle",
        "guzzle",
        f'Client error: `POST {RUKKY_URL}` resulted in a `403 Forbidden` response:\n{{"error":"API access inactive"}}\n',
        {"top": ["rukkyhub", "403"], "http_status": 403},
    )
    add(
        "rukkyhub-200-curl",
        "curl_v",
        '* Connected to rukkyhub.com (104.21.48.3) port 443 (#0)\n> POST /api/v1 HTTP/1.1\n> Host: rukkyhub.com\n>\n< HTTP/1.1 200 OK\n< Content-Type: application/json\n<\n{"status":"success","balance":"1520.00"}\n',
        {"top": ["rukkyhub", "200"]},
    )
    # Ambiguity and near-twins.
    add(
        "ambiguous-provider-not-available",
        "message",
        "provider not available",
        {"top": None, "ambiguous": True, "ambiguous_between": [["123hub", "2002"], ["123hub", "7002"]]},
    )
    add(
        "twin-7002-exact",
        "message",
        "Payment provider not available",
        {"top": ["123hub", "7002"], "ambiguous": False},
    )
    add(
        "twin-2002-exact",
        "message",
        "The payment provider is not available",
        {"top": ["123hub", "2002"], "ambiguous": False},
    )
    add("twin-funds-vs-balance", "message", "insufficient funds", {"top": ["123hub", "6004"]})
    add("twin-invalid-action", "message", "invalid action", {"top": ["rukkyhub", "unknown-action"]})
    add(
        "twin-daily-kyc",
        "message",
        "No-KYC daily VTU limit exceeded",
        {"top": ["rukkyhub", "daily-kyc-limit"]},
    )
    add("ambiguous-insufficient", "message", "Insufficient", {"top": None, "ambiguous": True})
    # Codes beat messages; unlisted codes name their category.
    add(
        "code-beats-message",
        "envelope",
        json.dumps(
            {
                "success": False,
                "error": {"code": 6004, "message": "Insufficient balance"},
                "request_id": rid(),
                "processing_time": 4,
            }
        ),
        {"top": ["123hub", "6004"]},
    )
    add(
        "unlisted-5003",
        "envelope",
        json.dumps(
            {
                "success": False,
                "error": {"code": 5003, "message": "Daily limit reached"},
                "request_id": rid(),
                "processing_time": 3,
            }
        ),
        {"top": None, "category": "Limit errors", "provider": "123hub"},
    )
    add(
        "unlisted-4002",
        "envelope",
        json.dumps(
            {
                "success": False,
                "error": {"code": 4002, "message": "Route disabled"},
                "request_id": rid(),
                "processing_time": 3,
            }
        ),
        {"top": None, "category": "Provider/routing errors"},
    )
    add(
        "status-contradiction",
        "http_dump",
        "HTTP/1.1 404 Not Found\nContent-Type: application/json\n\n"
        + json.dumps(hub_body("6010", "Payment does not exist", rid())),
        {"top": ["123hub", "6010"], "http_status": 404},
    )
    add(
        "status-agreement-1002",
        "http_dump",
        "HTTP/1.1 404 Not Found\nContent-Type: application/json\n\n"
        + json.dumps(hub_body("1002", "The method does not exist / is not available.", rid())),
        {"top": ["123hub", "1002"], "http_status": 404},
    )
    add(
        "details-1005",
        "envelope",
        json.dumps(hub_body("1005", "Invalid request format", "d4e5f6a7-b8c9-0123-defa-234567890123")),
        {
            "top": ["123hub", "1005"],
            "context": {
                "request_id": "d4e5f6a7-b8c9-0123-defa-234567890123",
                "details": {"missing_fields": ["payer"], "path": "$.params.payment"},
            },
        },
    )
    add(
        "axios-object-placeholder",
        "axios",
        "AxiosError: Request failed with status code 400\n{\n  code: 'ERR_BAD_REQUEST',\n  response: {\n    status: 400,\n    statusText: 'Bad Request',\n    data: { success: false, error: [Object], request_id: 'b2c3d4e5-f6a7-8901-bcde-f12345678901', processing_time: 2 }\n  }\n}\n",
        {
            "top": None,
            "provider": "123hub",
            "context": {"request_id": "b2c3d4e5-f6a7-8901-bcde-f12345678901"},
        },
    )
    add(
        "axios-string-join",
        "axios",
        '{\n  status: 400,\n  data: \'{"success":false,"error":{"code":7001,"message":"Error of interaction between payment provider and \' +\n    \'payment system","details":null,"context":null},"request_id":"c1","processing_time":31}\'\n}\n',
        {"top": ["123hub", "7001"], "http_status": 400},
    )
    add(
        "trailing-comma-body",
        "envelope",
        '{\n  "success": false,\n  "error": {\n    "code": 3003,\n    "message": "The app does not exist",\n  },\n}\n',
        {"top": ["123hub", "3003"]},
    )
    add(
        "guzzle-cut-message",
        "guzzle",
        f"Client error: `POST {HUB_URL}` resulted in a `400 Bad Request` response:\n"
        + '{"success":false,"error":{"code":8801,"message":"Current payment or operation status does not allow this act (truncated...)',
        {"top": ["123hub", "8801"]},
    )
    add(
        "truncated-message-no-code",
        "guzzle",
        'Client error: resulted in a `400 Bad Request` response:\n{"error":{"message":"Error of interaction between payment provider and paym (truncated...)',
        {"top": ["123hub", "7001"]},
    )
    # Several errors in one paste.
    log = "\n".join(
        f"[{stamp()}] production.{lvl}: {what} {body}"
        for lvl, what, body in [
            ("ERROR", "RukkyHub order failed", '{"response":{"error":"Insufficient balance"}}'),
            ("INFO", "Order placed", '{"order_id":5512}'),
            ("ERROR", "RukkyHub order failed", '{"response":{"error":"Insufficient balance"}}'),
            ("ERROR", "RukkyHub order failed", '{"response":{"error":"Rate limit exceeded","reset_in":12}}'),
            (
                "ERROR",
                "Payout failed",
                '{"body":{"success":false,"error":{"code":7002,"message":"Payment provider not available"},"request_id":"r-1","processing_time":30001}}',
            ),
            ("ERROR", "RukkyHub order failed", '{"response":{"error":"Insufficient balance"}}'),
        ]
    )
    add(
        "multi-error-log",
        "log",
        log,
        {"top": ["rukkyhub", "low-balance"], "errors": 5, "summary_first": ["rukkyhub", "low-balance", 3]},
    )
    add(
        "multi-line-messages",
        "log",
        "2026-01-14 10:00:01 WARN payout 88 failed: Payment provider not available\n2026-01-14 10:00:09 WARN payout 91 failed: Incorrect currency code\n",
        {"errors": 2, "top": ["123hub", "7002"]},
    )


NEGATIVES = [
    (
        "stripe-card",
        '{"error":{"type":"card_error","code":"card_declined","decline_code":"insufficient_funds","message":"Your card was declined."}}',
    ),
    (
        "stripe-api-key",
        '{"error": {"message": "Invalid API Key provided: sk_test_****************1234", "type": "invalid_request_error"}}',
    ),
    (
        "stripe-missing",
        '{"error":{"code":"resource_missing","doc_url":"https://stripe.com/docs/error-codes/resource-missing","message":"No such payment_intent: \'pi_3Nx\'","param":"intent","type":"invalid_request_error"}}',
    ),
    (
        "github-404",
        '{"message":"Not Found","documentation_url":"https://docs.github.com/rest","status":"404"}',
    ),
    (
        "github-rate",
        '{"message":"API rate limit exceeded for 82.10.4.2. (But here\'s the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)","documentation_url":"https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"}',
    ),
    (
        "twilio",
        '{"code": 20003, "message": "Authenticate", "more_info": "https://www.twilio.com/docs/errors/20003", "status": 401}',
    ),
    ("paystack", '{"status": false, "message": "Invalid key"}'),
    ("slack", '{"ok":false,"error":"invalid_auth"}'),
    ("oauth", '{"error":"invalid_grant","error_description":"Token has been expired or revoked."}'),
    (
        "aws-xml",
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>',
    ),
    (
        "python-keyerror",
        "Traceback (most recent call last):\n  File \"/app/main.py\", line 1000, in <module>\n    handle(event)\n  File \"/app/main.py\", line 6010, in handle\n    return event['error']['code']\nKeyError: 'error'\n",
    ),
    (
        "node-typeerror",
        "TypeError: Cannot read properties of undefined (reading 'code')\n    at handle (/srv/app/index.js:7002:15)\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)\n",
    ),
    (
        "nginx-502",
        "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n",
    ),
    (
        "cloudflare-522",
        '<!DOCTYPE html>\n<html lang="en-US"><head><title>api.example.com | 522: Connection timed out</title></head><body><h1>Connection timed out</h1><p>Error code 522</p><p>Cloudflare Ray ID: 8a1b2c3d4e5f6a7b</p></body></html>',
    ),
    (
        "apache-404",
        '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>',
    ),
    ("noise", "asdf qwer zxcv 1234 !!! ???"),
    (
        "lorem",
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.",
    ),
    ("timestamp", "2026-01-14 10:00:01.6010 INFO heartbeat ok"),
    (
        "port",
        "Error: connect ECONNREFUSED 127.0.0.1:6010\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)",
    ),
    ("listening", "Server listening on http://0.0.0.0:7002 (pid 3001)"),
    ("uuid", "request a1b2c3d4-6010-4abc-9000-ef1234567890 completed in 35ms"),
    ("ip", "client 192.168.60.10 connected from 10.30.0.1"),
    ("date-2002", "Copyright 2002-2026 Example Ltd. Printed 2026-03-01."),
    (
        "mysql-2002",
        "SQLSTATE[HY000] [2002] Connection refused (Connection: mysql, SQL: select * from `orders` where `id` = 6010 limit 1)",
    ),
    (
        "mysql-error-2002",
        "ERROR 2002 (HY000): Can't connect to local MySQL server through socket '/var/run/mysqld/mysqld.sock' (2)",
    ),
    (
        "postgres",
        'ERROR:  duplicate key value violates unique constraint "orders_pkey"\nDETAIL:  Key (id)=(6010) already exists.',
    ),
    (
        "laravel-unrelated",
        '[2026-01-14 10:00:00] production.ERROR: Undefined variable $user {"userId":6010,"exception":"[object] (ErrorException(code: 0): Undefined variable $user at /var/www/html/app/Http/Controllers/OrderController.php:7002)"} []',
    ),
    (
        "paypal",
        '{"name":"INVALID_REQUEST","message":"Request is not well-formed, syntactically incorrect, or violates schema.","debug_id":"f1a2b3c4d5e6","details":[{"field":"/purchase_units/0/amount","issue":"INVALID_PARAMETER_VALUE"}]}',
    ),
    (
        "hub-success",
        '{"success": true, "data": {"balance": 600100, "currency": "NGN"}, "request_id": "e5f6a7b8-c9d0-1234-efab-345678901234", "processing_time": 7}',
    ),
    ("empty", ""),
    ("whitespace", "   \n\t  \n"),
    ("order-number", "Order #6010 shipped to Lagos on 2026-01-14"),
    ("k8s", "Warning  BackOff  3m (x7002 over 2h)  kubelet  Back-off restarting failed container"),
    ("binary", "\x00\x01\x02\xff\xfe garbage \x7f\x80 \ufffd \x1b[31mred\x1b[0m"),
    ("generic-not-found", '{"error": "Not Found"}'),
    (
        "java-npe",
        'java.lang.NullPointerException: Cannot invoke "String.length()" because "<local1>" is null\n\tat com.example.Pay.run(Pay.java:3000)',
    ),
]


def negative_cases() -> None:
    for name, text in NEGATIVES:
        add(f"negative-{name}", "negative", text, {"top": None})


if __name__ == "__main__":
    hub_cases()
    rukky_cases()
    special_cases()
    negative_cases()
    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    (HERE / "cases.json").write_text(json.dumps(cases, indent=1, ensure_ascii=False) + "\n")
    print(f"{len(cases)} cases written to {HERE / 'cases.json'}")

#!/usr/bin/env python3
"""Fuzzes the served OpenAPI document with schemathesis against a real server.

Starts `chatcloud serve` (the debug build) on a free port and a database of its own, creates a
resource through the operator API and users, a conversation, a message and a ticket through the
API, then runs schemathesis twice, with a plain user's and with an admin's credentials, with the
path parameters pointed at those real ids. Fails on any 5xx, response that violates its schema,
undocumented status or wrong content type, and on data that violates the document's constraints
(bounds, patterns, lengths) yet is accepted.

    api_fuzz.py BINARY DATABASE_URL [--max-examples N]
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

OPERATOR_KEY = "fuzz-operator-key-of-more-than-32-bytes"
JWT_SECRET = "fuzz-jwt-secret-of-more-than-32-bytes-long"
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
        "negative_data_rejection",
    ]
)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def call(base, method, path, body=None, headers=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def expect(status, reply, wanted):
    code, body = reply
    if code != wanted:
        sys.exit(f"setup: expected {wanted}, got {code}: {body}")
    return body["data"]


def start_server(binary, database_url, port, log):
    env = dict(os.environ)
    env.update(
        {
            "CHATCLOUD_OPERATOR_KEY": OPERATOR_KEY,
            "CHATCLOUD_JWT_SECRET": JWT_SECRET,
            "CHATCLOUD_RATE_LIMIT_PER_KEY": "10000000",
            "CHATCLOUD_RATE_LIMIT_PER_USER": "10000000",
            "CHATCLOUD_RATE_LIMIT_PER_SECRET": "10000000",
            "CHATCLOUD_RATE_LIMIT_PER_ADDRESS": "10000000",
            "RUST_LOG": "warn",
        }
    )
    server = subprocess.Popen(
        [binary, "serve", "--bind", f"127.0.0.1:{port}", "--database-url", database_url],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if call(base, "GET", "/healthz")[0] == 200:
                return server, base
        except (urllib.error.URLError, ConnectionError):
            pass
        if server.poll() is not None:
            sys.exit("the server exited before it answered")
        time.sleep(0.1)
    server.kill()
    sys.exit("the server did not answer /healthz")


def validate_document(base):
    """The served document is valid OpenAPI 3.1 (openapi-spec-validator)."""
    from openapi_spec_validator import validate

    status, document = call(base, "GET", "/api/v1/openapi.json")
    if status != 200:
        sys.exit(f"/api/v1/openapi.json answered {status}")
    if not str(document.get("openapi", "")).startswith("3.1"):
        sys.exit(f"the document is OpenAPI {document.get('openapi')}, not 3.1")
    validate(document)
    print("the OpenAPI document is valid OpenAPI 3.1", flush=True)


def setup(base):
    """A resource, users, and one of each thing the path parameters name."""
    resource_id = "fuzz.example"
    keys = expect(
        "resource",
        call(
            base,
            "POST",
            "/api/v1/resources",
            {"resourceId": resource_id, "tokenIssuance": "secret", "allowedOrigins": ["*"]},
            {"x-operator-key": OPERATOR_KEY},
        ),
        201,
    )
    secret = {"x-api-key": keys["apiKey"], "x-api-secret": keys["apiSecret"]}

    def user(name, role):
        body = {"username": name, "email": f"{name}@example.com", "role": role}
        created = expect(name, call(base, "POST", "/api/v1/users", body, secret), 201)
        token = expect(
            name,
            call(base, "POST", "/api/v1/users/chat-token", {"userId": created["id"]}, secret),
            200,
        )
        return created["id"], token["chatToken"]

    users = {name: user(name, role) for name, role in
             [("alice", "user"), ("bob", "user"), ("carol", "user"), ("boss", "admin")]}

    def as_user(name):
        return {"x-api-key": keys["apiKey"], "authorization": f"Bearer {users[name][1]}"}

    conversation = expect(
        "conversation",
        call(base, "POST", "/api/v1/p2p/conversations", {"otherParticipantId": users["bob"][0]},
             as_user("alice")),
        201,
    )["id"]
    message = expect(
        "message",
        call(base, "POST", f"/api/v1/p2p/conversations/{conversation}/messages",
             {"content": {"text": "hello"}}, as_user("alice")),
        201,
    )["id"]
    ticket = expect(
        "ticket",
        call(base, "POST", "/api/v1/support/conversations",
             {"subject": "help", "initialMessage": "it broke"}, as_user("alice")),
        201,
    )["id"]
    return {
        "resource_id": resource_id,
        "api_key": keys["apiKey"],
        "users": users,
        "conversation": conversation,
        "message": message,
        "ticket": ticket,
    }


def config_file(ids, directory):
    """Per-operation path parameters (and ids in bodies): the real ids. `/users/{id}` names carol, whom no run acts
    as, so that revoking her tokens or changing her role leaves the runs' credentials intact."""
    carol = ids["users"]["carol"][0]
    bob = ids["users"]["bob"][0]
    rules = [
        ("^/api/v1/p2p/conversations$", {"body.otherParticipantId": bob}),
        ("^/api/v1/p2p/conversations/\\{id\\}", {"path.id": ids["conversation"],
                                                 "path.messageId": ids["message"],
                                                 "body.messageId": ids["message"]}),
        ("^/api/v1/support/conversations/\\{id\\}", {"path.id": ids["ticket"]}),
        # Presence is visible to conversation partners: Bob's, for Alice (the first rule that
        # matches applies).
        ("^/api/v1/users/\\{id\\}/presence$", {"path.id": bob}),
        ("^/api/v1/users/\\{id\\}", {"path.id": carol}),
        ("^/api/v1/admin-panel/users/\\{userId\\}", {"path.userId": carol}),
        ("^/api/v1/resources/\\{resourceId\\}", {"path.resourceId": ids["resource_id"]}),
    ]
    lines = []
    for path_regex, parameters in rules:
        lines.append("[[operations]]")
        lines.append(f"include-path-regex = {json.dumps(path_regex)}")
        pairs = ", ".join(f'"{name}" = {json.dumps(value)}'
                          for name, value in parameters.items())
        lines.append(f"parameters = {{ {pairs} }}")
        lines.append("")
    path = os.path.join(directory, "schemathesis.toml")
    with open(path, "w") as out:
        out.write("\n".join(lines))
    return path


def fuzz(schemathesis, base, ids, who, config, max_examples, directory):
    _, token = ids["users"][who]
    command = [
        schemathesis,
        "--config-file", config,
        "run", f"{base}/api/v1/openapi.json",
        "--url", base,
        "--header", f"x-api-key: {ids['api_key']}",
        "--header", f"Authorization: Bearer {token}",
        "--checks", CHECKS,
        "--max-examples", str(max_examples),
        # One worker: Python 3.11's parser fails now and then ("AST constructor recursion depth
        # mismatch") when Hypothesis describes lambdas on two threads at once.
        "--workers", "1",
        "--seed", "1",
        "--request-timeout", "10",
        "--suppress-health-check", "all",
        "--report", "junit",
        "--report-dir", os.path.join(directory, f"report-{who}"),
    ]
    print(f"schemathesis as {who}:", flush=True)
    started = time.monotonic()
    # Its cache goes into the working directory: a temporary one, not the checkout.
    result = subprocess.run(command, cwd=directory)
    print(f"schemathesis as {who}: exit {result.returncode} in {time.monotonic() - started:.0f} s",
          flush=True)
    return result.returncode


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("database_url")
    parser.add_argument("--max-examples", type=int, default=30)
    parser.add_argument("--schemathesis", default="schemathesis")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        log_path = os.path.join(directory, "server.log")
        with open(log_path, "w") as log:
            server, base = start_server(args.binary, args.database_url, free_port(), log)
            try:
                validate_document(base)
                ids = setup(base)
                config = config_file(ids, directory)
                failed = [
                    who
                    for who in ["alice", "boss"]
                    if fuzz(args.schemathesis, base, ids, who, config, args.max_examples,
                            directory)
                ]
            finally:
                server.terminate()
                server.wait(timeout=30)
        if failed:
            with open(log_path) as log:
                print("server log (warnings and errors):\n" + log.read()[-20000:])
            sys.exit(f"schemathesis failed as {', '.join(failed)}")


if __name__ == "__main__":
    main()

"""Runs the example against a real ChatCloud server: the token it hands out works, a second
login updates the same user, and a visitor without a session gets 401.

The server binary is CHATCLOUD_BIN, else the debug build under cargo's target directory."""
import json
import os
import re
import subprocess
import tempfile

import pytest
import requests

OPERATOR_KEY = "example-test-operator-key"
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def server_binary():
    if os.environ.get("CHATCLOUD_BIN"):
        return os.environ["CHATCLOUD_BIN"]
    subprocess.run(["cargo", "build", "--quiet", "--bin", "chatcloud"], cwd=ROOT, check=True)
    metadata = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )
    return os.path.join(json.loads(metadata.stdout)["target_directory"], "debug", "chatcloud")


@pytest.fixture()
def chatcloud():
    with tempfile.TemporaryDirectory() as directory:
        env = dict(
            os.environ,
            CHATCLOUD_BIND="127.0.0.1:0",
            CHATCLOUD_DATABASE_URL=f"sqlite://{directory}/example.db",
            CHATCLOUD_OPERATOR_KEY=OPERATOR_KEY,
            CHATCLOUD_JWT_SECRET="example-test-jwt-secret-32-bytes-or-more",
            CHATCLOUD_SQLITE_SYNC="normal",
            RUST_LOG="warn",
        )
        server = subprocess.Popen(
            [server_binary(), "serve"], env=env, stdout=subprocess.PIPE, text=True
        )
        try:
            base = None
            for line in server.stdout:
                match = re.search(r"listening on (http://\S+)", line)
                if match:
                    base = match.group(1)
                    break
            assert base, "the server did not start"
            yield base
        finally:
            server.terminate()
            server.wait(timeout=30)


def test_the_token_endpoint_upserts_the_site_user_and_hands_out_a_working_token(
    chatcloud, monkeypatch
):
    site = requests.post(
        f"{chatcloud}/api/v1/resources",
        headers={"x-operator-key": OPERATOR_KEY},
        json={"resourceId": "site.com"},
        timeout=10,
    ).json()["data"]
    monkeypatch.setenv("CHATCLOUD_URL", chatcloud)
    monkeypatch.setenv("CHATCLOUD_API_KEY", site["apiKey"])
    monkeypatch.setenv("CHATCLOUD_API_SECRET", site["apiSecret"])
    from app import app

    client = app.test_client()

    def login(user):
        headers = {"x-demo-user": json.dumps(user)} if user else {}
        return client.post("/chat-token", headers=headers)

    assert login(None).status_code == 401
    ana = {"id": "site-user-1", "username": "ana", "email": "ana@example.com", "name": "Ana Lima"}
    first = login(ana)
    assert first.status_code == 200, first.get_json()
    issued = first.get_json()
    me = requests.get(
        f"{chatcloud}/api/v1/users/me",
        headers={"x-api-key": site["apiKey"], "authorization": f"Bearer {issued['chatToken']}"},
        timeout=10,
    ).json()["data"]
    assert me["externalId"] == "site-user-1"
    assert me["displayName"] == "Ana Lima"
    assert me["id"] == issued["user"]["id"]

    again = login({**ana, "name": "Ana L."}).get_json()
    assert again["user"]["id"] == issued["user"]["id"]
    server = {"x-api-key": site["apiKey"], "x-api-secret": site["apiSecret"]}
    found = requests.get(
        f"{chatcloud}/api/v1/users/by-external-id/site-user-1", headers=server, timeout=10
    ).json()["data"]
    assert found["displayName"] == "Ana L."
    users = requests.get(f"{chatcloud}/api/v1/users", headers=server, timeout=10).json()["data"]
    assert users["total"] == 1

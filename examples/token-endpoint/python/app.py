"""A site's chat-token endpoint (secret mode): the site's logged-in user gets a ChatCloud chat
token, created or updated by the site's own id in the same request. The secret stays here."""
import json
import os

import requests
from flask import Flask, jsonify, request

app = Flask(__name__)
env = os.environ  # CHATCLOUD_URL, CHATCLOUD_API_KEY, CHATCLOUD_API_SECRET


def current_user():
    """Your site's login decides who this is; this header stands in for your session."""
    return json.loads(request.headers.get("x-demo-user", "null"))


@app.post("/chat-token")
def chat_token():
    me = current_user()
    if not me:
        return jsonify(error="log in first"), 401
    reply = requests.post(
        f"{env['CHATCLOUD_URL']}/api/v1/users/chat-token",
        headers={"x-api-key": env["CHATCLOUD_API_KEY"], "x-api-secret": env["CHATCLOUD_API_SECRET"]},
        json={"externalId": me["id"], "user": {"username": me["username"], "email": me["email"], "displayName": me["name"]}},
        timeout=10,
    )
    body = reply.json()
    return jsonify(body["data"] if body["success"] else body), reply.status_code

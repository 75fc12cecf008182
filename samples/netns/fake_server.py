#!/usr/bin/env python3
"""Tiny HTTP server used by record.sh (standard library only).

usage: fake_server.py MODE ADDRESS PORT
  MODE imds : fake cloud metadata service (AWS IMDSv1/v2 paths, GCE computeMetadata)
  MODE web  : answers GET with a short page and POST/PUT with the number of bytes received
The fake IMDS access key id comes from the environment (KW_IMDS_AKIA); nothing here is a real secret.
"""
import http.server
import json
import os
import socket
import sys

MODE, ADDR, PORT = sys.argv[1], sys.argv[2], int(sys.argv[3])
AKIA = os.environ.get("KW_IMDS_AKIA", "AKIAFAKEFAKEFAKEFAKE")
TOKEN = "AQAEAFAKE-kwire-imdsv2-token-not-real=="


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "kwire-fake/1"
    sys_version = ""

    def log_message(self, fmt, *args):  # keep the recorder's output quiet
        pass

    def reply(self, code, body, ctype="text/plain"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        got = 0
        while got < n:
            chunk = self.rfile.read(min(65536, n - got))
            if not chunk:
                break
            got += len(chunk)
        return got

    def do_GET(self):
        p = self.path
        if MODE != "imds":
            return self.reply(200, "kwire sample page for %s\n" % p)
        if p == "/latest/meta-data/":
            return self.reply(200, "ami-id\nhostname\niam/\ninstance-id\nlocal-ipv4\n")
        if p == "/latest/meta-data/iam/security-credentials/":
            return self.reply(200, "role")
        if p == "/latest/meta-data/iam/security-credentials/role":
            cred = {
                "Code": "Success",
                "LastUpdated": "2026-01-01T00:00:00Z",
                "Type": "AWS-HMAC",
                "AccessKeyId": AKIA,
                "SecretAccessKey": "FAKEfakeFAKEfakeFAKEfakeFAKEfakeFAKEfake",
                "Token": "FAKE-session-token-for-kwire-samples",
                "Expiration": "2026-01-01T06:00:00Z",
            }
            return self.reply(200, json.dumps(cred, indent=2), "application/json")
        if p.startswith("/computeMetadata/"):
            if self.headers.get("Metadata-Flavor") != "Google":
                return self.reply(403, "Missing Metadata-Flavor:Google header.\n")
            return self.reply(200, "instance/\nproject/\n", "application/text")
        if p == "/":
            return self.reply(200, "latest\n")
        return self.reply(404, "not found\n")

    def do_PUT(self):
        self.read_body()
        if MODE == "imds" and self.path == "/latest/api/token":
            return self.reply(200, TOKEN)
        return self.reply(200, "ok\n")

    def do_POST(self):
        n = self.read_body()
        return self.reply(200, "received %d bytes\n" % n)


class Server(http.server.HTTPServer):
    allow_reuse_address = True
    address_family = socket.AF_INET6 if ":" in ADDR else socket.AF_INET


Server((ADDR, PORT), Handler).serve_forever()

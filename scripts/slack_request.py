"""Sends a Slack slash command, signed as Slack signs it, to a local
`schedctl bot`. Usage: slack_request.py URL SECRET UNIX_TIME TEXT"""
import hashlib
import hmac
import sys
import urllib.parse
import urllib.request

url, secret, ts, text = sys.argv[1:5]
body = urllib.parse.urlencode({"user_id": "U0DEMO", "user_name": "alice", "channel_id": "C0DEMO",
                               "channel_name": "dev-ops", "command": "/sched", "text": text})
sig = "v0=" + hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
req = urllib.request.Request(url, data=body.encode(), method="POST", headers={
    "Content-Type": "application/x-www-form-urlencoded",
    "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig})
print(urllib.request.urlopen(req).read().decode())

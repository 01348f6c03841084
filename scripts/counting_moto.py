"""moto's server with a front: every AWS call is counted by service and
action, so a benchmark can compare a pass's API calls with the minimum
(GET /__counts returns the counts as JSON; DELETE /__counts resets them);
and an STS AssumeRole of a role whose ARN contains one of the
comma-separated DENY_ASSUME_ROLE strings is refused with AccessDenied, as a
spoke without the hub's trust would (moto itself lets any role be assumed);
and calls signed for SERVICE in REGION wait SECONDS first when DELAY is
SERVICE@REGION=SECONDS (a slow account, for the hub's tests).
Usage: python counting_moto.py PORT"""
import io
import json
import os
import sys
import threading
import time
from collections import Counter
from urllib.parse import parse_qs

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple

counts = Counter()
lock = threading.Lock()
moto = DomainDispatcherApplication(create_backend_app)
denied = [d for d in os.environ.get("DENY_ASSUME_ROLE", "").split(",") if d]
delayed, _, delay = os.environ.get("DELAY", "").partition("=")


def scope_of(environ):
    """SERVICE@REGION of a SigV4-signed request."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    if "Credential=" not in auth:
        return "?"
    parts = auth.split("Credential=")[1].split(",")[0].split("/")
    return f"{parts[3]}@{parts[2]}" if len(parts) > 3 else "?"


def action_of(environ, body):
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:  # JSON protocol (DynamoDB): DynamoDB_20120810.Scan
        return "dynamodb:" + target.split(".")[-1]
    auth = environ.get("HTTP_AUTHORIZATION", "")
    service = auth.split("Credential=")[1].split("/")[3] if "Credential=" in auth else "?"
    query = parse_qs(body.decode("utf-8", "replace"))
    query.update(parse_qs(environ.get("QUERY_STRING", "")))
    return f"{service}:{query.get('Action', ['?'])[0]}"


def app(environ, start_response):
    if environ.get("PATH_INFO") == "/__counts":
        with lock:
            if environ["REQUEST_METHOD"] == "DELETE":
                counts.clear()
            body = json.dumps(counts, sort_keys=True).encode()
        start_response("200 OK", [("Content-Type", "application/json")])
        return [body]
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    action = action_of(environ, body)
    with lock:
        counts[action] += 1
    if delayed and scope_of(environ) == delayed:
        time.sleep(float(delay))
    if action == "sts:AssumeRole":
        role = parse_qs(body.decode("utf-8", "replace")).get("RoleArn", [""])[0]
        if any(d in role for d in denied):
            return access_denied(role, start_response)
    return moto(environ, start_response)


def access_denied(role, start_response):
    body = (
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        "<Error><Type>Sender</Type><Code>AccessDenied</Code>"
        "<Message>User: arn:aws:sts::123456789012:assumed-role/hub/scheduler is not "
        f"authorized to perform: sts:AssumeRole on resource: {role}</Message></Error>"
        "<RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ErrorResponse>"
    ).encode()
    start_response("403 Forbidden", [("Content-Type", "text/xml")])
    return [body]


if __name__ == "__main__":
    run_simple("127.0.0.1", int(sys.argv[1]), app, threaded=True)

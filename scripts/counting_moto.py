"""moto's server with a front: every AWS call is counted by service and
action, so a benchmark can compare a pass's API calls with the minimum
(GET /__counts returns the counts as JSON; DELETE /__counts resets them
and the log); GET /__calls returns every call in order with what a policy
is checked against: the caller's access key and region, and the request's
parameters (form or JSON);
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
calls = []
lock = threading.Lock()
moto = DomainDispatcherApplication(create_backend_app)
denied = [d for d in os.environ.get("DENY_ASSUME_ROLE", "").split(",") if d]
delayed, _, delay = os.environ.get("DELAY", "").partition("=")



def scope(environ):
    """The signature's credential scope: access key, date, region, service."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    if "Credential=" not in auth:
        return ["?"] * 4
    return auth.split("Credential=")[1].split(",")[0].split("/")[:4]


def action_of(environ, body):
    service = scope(environ)[3]
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:  # JSON protocol: DynamoDB_20120810.Scan, AWSEvents.PutEvents
        return ("dynamodb" if service == "?" else service) + ":" + target.split(".")[-1]
    query = parse_qs(body.decode("utf-8", "replace"))
    query.update(parse_qs(environ.get("QUERY_STRING", "")))
    return f"{service}:{query.get('Action', ['?'])[0]}"


def params_of(environ, body):
    text = body.decode("utf-8", "replace")
    if environ.get("HTTP_X_AMZ_TARGET"):
        try:
            return json.loads(text or "{}")
        except ValueError:
            return {}
    query = parse_qs(text)
    query.update(parse_qs(environ.get("QUERY_STRING", "")))
    return {k: v[0] for k, v in query.items()}


def app(environ, start_response):
    if environ.get("PATH_INFO") in ("/__counts", "/__calls"):
        with lock:
            if environ["REQUEST_METHOD"] == "DELETE":
                counts.clear()
                calls.clear()
            shown = calls if environ["PATH_INFO"] == "/__calls" else counts
            body = json.dumps(shown, sort_keys=True).encode()
        start_response("200 OK", [("Content-Type", "application/json")])
        return [body]
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    action = action_of(environ, body)
    key, _, region, _ = scope(environ)
    with lock:
        counts[action] += 1
        calls.append({"action": action, "key": key, "region": region,
                      "params": params_of(environ, body)})
    if delayed and f"{scope(environ)[3]}@{region}" == delayed:
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

"""moto's server with a counter in front: every AWS call is counted by
service and action, so a benchmark can compare a pass's API calls with the
minimum. GET /__counts returns the counts as JSON; DELETE /__counts resets
them. Usage: python counting_moto.py PORT"""
import io
import json
import sys
import threading
from collections import Counter
from urllib.parse import parse_qs

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple

counts = Counter()
lock = threading.Lock()
moto = DomainDispatcherApplication(create_backend_app)


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
    with lock:
        counts[action_of(environ, body)] += 1
    return moto(environ, start_response)


if __name__ == "__main__":
    run_simple("127.0.0.1", int(sys.argv[1]), app, threaded=True)

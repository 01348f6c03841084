"""What the benchmarks share: moto behind the counting front
(counting_moto.py) on a free port, the environment that points schedctl
and boto3 at it, and the call counts."""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

REGION = "ap-northeast-2"


class CountingMoto:
    def __init__(self, **settings):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        sock.close()
        self.url = f"http://127.0.0.1:{port}"
        here = os.path.dirname(os.path.abspath(__file__))
        self.server = subprocess.Popen([sys.executable, os.path.join(here, "counting_moto.py"), str(port)],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.env = dict(os.environ, AWS_ENDPOINT_URL=self.url, AWS_ACCESS_KEY_ID="testing",
                        AWS_SECRET_ACCESS_KEY="testing", AWS_REGION=REGION, AWS_DEFAULT_REGION=REGION,
                        AWS_EC2_METADATA_DISABLED="true", TIMEZONE="Asia/Seoul", **settings)
        self.env.pop("WEBHOOK_URL", None)
        # boto3 in this process talks to the same server.
        os.environ.update({k: self.env[k] for k in ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID",
                                                    "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION")})
        for _ in range(300):
            try:
                self.counts()
                return
            except OSError:
                time.sleep(0.1)

    def counts(self, reset=False):
        """The calls since the last reset, by service:Action."""
        req = urllib.request.Request(self.url + "/__counts", method="DELETE" if reset else "GET")
        return json.loads(urllib.request.urlopen(req).read())

    def calls(self):
        """Every call since the last reset, in order, with its parameters."""
        return json.loads(urllib.request.urlopen(self.url + "/__calls").read())

    def stop(self):
        self.server.terminate()
        self.server.wait()


def item_bytes(item):
    """A DynamoDB item's size as the service bills it: names plus values
    (numbers about half their digits, nested maps and lists 3 bytes more)."""
    return sum(len(k.encode()) + value_bytes(v) for k, v in item.items())


def value_bytes(v):
    kind, value = next(iter(v.items()))
    if kind in ("S", "B"):
        return len(value.encode() if isinstance(value, str) else value)
    if kind == "N":
        return len(value) // 2 + 1
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "L":
        return 3 + sum(1 + value_bytes(x) for x in value)
    if kind == "M":
        return 3 + sum(len(k.encode()) + 1 + value_bytes(x) for k, x in value.items())
    return sum(len(x) for x in value)  # SS, NS, BS


def write_units(calls):
    """On-demand write request units of the DynamoDB calls: a unit per KB
    of each item put, two in a transaction."""
    units = 0
    for c in calls:
        op, p = c["action"], c["params"]
        if op == "dynamodb:PutItem":
            units += -(-item_bytes(p["Item"]) // 1024)
        elif op == "dynamodb:TransactWriteItems":
            units += sum(2 * -(-item_bytes(t["Put"]["Item"]) // 1024) for t in p["TransactItems"])
        elif op == "dynamodb:BatchWriteItem":
            units += sum(-(-item_bytes(r["PutRequest"]["Item"]) // 1024)
                         for rs in p["RequestItems"].values() for r in rs if "PutRequest" in r)
        elif op == "dynamodb:UpdateItem":
            units += 1
    return units


def table_read_units(ddb, tables):
    """Read request units of one scan of each table: half a unit per 4 KB
    (eventually consistent) or a unit (strongly consistent)."""
    units = 0
    for table, strong in tables:
        size = sum(item_bytes(i) for page in ddb.get_paginator("scan").paginate(TableName=table)
                   for i in page["Items"])
        units += -(-size // 4096) * (1 if strong else 0.5)
    return units

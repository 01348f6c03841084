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

    def stop(self):
        self.server.terminate()
        self.server.wait()

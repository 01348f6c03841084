"""Hub benchmark: TARGETS accounts (default 50) of INSTANCES EC2 instances
each (default 200: db 20 -> app 120 -> batch 60), every account behind STS
AssumeRole on one moto with a counting front. Each target's pass is its own
`schedctl run --target T --at ... --json` process, as the Map runs one
Lambda invocation per target, CONCURRENCY at a time (default 4). Prints the
per-target pass time (p50, p99, max), the AWS calls per target, and the
duplicate commands when every target's item is delivered twice (the Map
retrying a target whose pass already acted). Run it through
scripts/bench-targets.sh."""
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import boto3

from bench_moto import REGION, CountingMoto

TARGETS = int(os.environ.get("TARGETS_COUNT", "50"))
INSTANCES = int(os.environ.get("INSTANCES", "200"))
CONCURRENCY = int(os.environ.get("CONCURRENCY", "4"))
schedctl = sys.argv[1]

moto = CountingMoto(POLL_SECONDS="0.2", TIME_BUDGET_SECONDS="60", TARGET_EXTERNAL_ID="bench")
env, counts = moto.env, moto.counts
targets = [f"arn:aws:iam::{100000000000 + n}:role/instance-scheduler-spoke@{REGION}" for n in range(TARGETS)]


def seed_account(target):
    role = target.rsplit("@", 1)[0]
    c = boto3.client("sts").assume_role(RoleArn=role, RoleSessionName="seeding")["Credentials"]
    ec2 = boto3.client("ec2", aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                       aws_session_token=c["SessionToken"])
    sizes = {"db": INSTANCES // 10, "app": INSTANCES * 6 // 10}
    sizes["batch"] = INSTANCES - sizes["db"] - sizes["app"]
    for group, count in sizes.items():
        tags = [{"Key": "ScheduleName", "Value": "team"}, {"Key": "ScheduleGroupName", "Value": group},
                {"Key": "Name", "Value": f"team-{group}"}]
        out = ec2.run_instances(ImageId="ami-12345678", MinCount=count, MaxCount=count, InstanceType="t3.micro",
                                TagSpecifications=[{"ResourceType": "instance", "Tags": tags}])
        ec2.stop_instances(InstanceIds=[i["InstanceId"] for i in out["Instances"]])


def one_pass(target, at):
    start = time.time()
    out = subprocess.run([schedctl, "run", "--target", target, "--at", at, "--json"], env=env,
                         capture_output=True, text=True)
    wall = time.time() - start
    if out.returncode != 0:
        raise SystemExit(f"{target}: exit {out.returncode}: {out.stderr}")
    report = json.loads(out.stdout)[0]["report"]
    commanded = sum(len(a["instances"]) for r in report["rounds"] for s in r["schedules"] for a in s["actions"])
    return wall, commanded


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


try:
    subprocess.run([schedctl, "init-tables"], env=env, check=True, stdout=subprocess.DEVNULL)
    ddb = boto3.client("dynamodb")
    S = lambda v: {"S": v}
    ddb.put_item(TableName="Schedule", Item={"ScheduleName": S("team"), "TagValue": S("team"), "DaysActive": S("weekdays"),
                                             "Enabled": {"BOOL": True}, "StartTime": S("09:00"), "StopTime": S("22:00"),
                                             "ForceStart": {"BOOL": False}})
    for group, deps in [("db", []), ("app", ["db"]), ("batch", ["app"])]:
        ddb.put_item(TableName="ScheduleServerGroup", Item={"ScheduleName": S("team"), "GroupName": S(group),
                                                            "InstanceType": S("EC2"), "Dependency": {"L": [S(d) for d in deps]}})
    t0 = time.time()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(seed_account, targets))
    print(f"seeded {TARGETS} targets x {INSTANCES} EC2 instances in {time.time() - t0:.0f} s; "
          f"{CONCURRENCY} target passes at a time")

    for label, at, deliveries in [("morning start", "2026-11-30T09:00:00+09:00", 2),
                                  ("idle", "2026-11-30T09:05:00+09:00", 1),
                                  ("evening stop", "2026-11-30T22:00:00+09:00", 2)]:
        counts(reset=True)
        start = time.time()
        with ThreadPoolExecutor(CONCURRENCY) as pool:
            first = list(pool.map(lambda t: one_pass(t, at), targets))
        tick = time.time() - start
        calls = counts()
        walls = [w for w, _ in first]
        commanded = sum(c for _, c in first)
        line = (f"\n{label} at {at}: tick {tick:.1f} s; per target p50 {percentile(walls, 50):.2f} s, "
                f"p99 {percentile(walls, 99):.2f} s, max {max(walls):.2f} s; {commanded} servers commanded")
        print(line)
        per_target = {k: round(v / TARGETS, 2) for k, v in sorted(calls.items())}
        print(f"  calls per target: {per_target}")
        if deliveries == 2:
            with ThreadPoolExecutor(CONCURRENCY) as pool:
                again = list(pool.map(lambda t: one_pass(t, at), targets))
            print(f"  delivered again (the Map's retry): {sum(c for _, c in again)} duplicate commands")
finally:
    moto.stop()

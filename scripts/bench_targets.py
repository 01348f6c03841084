"""Hub benchmark: TARGETS_COUNT accounts (default 50) of INSTANCES EC2
instances each (default 200: db 10% -> app 60% -> batch 30%), every account
behind STS AssumeRole on moto with a counting front, PER_MOTO accounts to a
moto process (default 10), so that the accounts' calls are served in
parallel as AWS serves them. Each target's pass is its own
`schedctl run --target T --at ... --json` process, as the Map runs one
Lambda invocation per target, CONCURRENCY at a time (default 100, the
template's MapConcurrency). Prints the tick's wall time, the per-target
pass time (p50, p99, max), the AWS calls per target, and the duplicate
commands when every target's item is delivered twice (the Map retrying a
target whose pass already acted). BENCH_JSON=FILE also writes the figures
scripts/cost.py reads. Run it through scripts/bench-targets.sh."""
import json
import math
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import boto3

from bench_moto import REGION, CountingMoto, table_read_units, write_units

TARGETS = int(os.environ.get("TARGETS_COUNT", "50"))
INSTANCES = int(os.environ.get("INSTANCES", "200"))
CONCURRENCY = int(os.environ.get("CONCURRENCY", "100"))
PER_MOTO = int(os.environ.get("PER_MOTO", "10"))
schedctl = sys.argv[1]

targets = [f"arn:aws:iam::{100000000000 + n}:role/instance-scheduler-spoke@{REGION}" for n in range(TARGETS)]
motos = [CountingMoto(POLL_SECONDS="0.2", TIME_BUDGET_SECONDS="60", TARGET_EXTERNAL_ID="bench")
         for _ in range(math.ceil(TARGETS / PER_MOTO))]
moto_of = {t: motos[n // PER_MOTO] for n, t in enumerate(targets)}
CONFIG = [("Schedule", False), ("ScheduleServerGroup", False), ("ScheduleException", False)]


def client(moto, service, **credentials):
    return boto3.client(service, endpoint_url=moto.url, region_name=REGION, **credentials)


def seed_tables(moto):
    subprocess.run([schedctl, "init-tables"], env=moto.env, check=True, stdout=subprocess.DEVNULL)
    ddb = client(moto, "dynamodb")
    S = lambda v: {"S": v}
    ddb.put_item(TableName="Schedule", Item={"ScheduleName": S("team"), "TagValue": S("team"), "DaysActive": S("weekdays"),
                                             "Enabled": {"BOOL": True}, "StartTime": S("09:00"), "StopTime": S("22:00"),
                                             "ForceStart": {"BOOL": False}})
    for group, deps in [("db", []), ("app", ["db"]), ("batch", ["app"])]:
        ddb.put_item(TableName="ScheduleServerGroup", Item={"ScheduleName": S("team"), "GroupName": S(group),
                                                            "InstanceType": S("EC2"), "Dependency": {"L": [S(d) for d in deps]}})


def seed_account(target):
    moto = moto_of[target]
    role = target.rsplit("@", 1)[0]
    c = client(moto, "sts").assume_role(RoleArn=role, RoleSessionName="seeding")["Credentials"]
    ec2 = client(moto, "ec2", aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
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
    out = subprocess.run([schedctl, "run", "--target", target, "--at", at, "--json"], env=moto_of[target].env,
                         capture_output=True, text=True)
    wall = time.time() - start
    if out.returncode != 0:
        raise SystemExit(f"{target}: exit {out.returncode}: {out.stderr}")
    report = json.loads(out.stdout)[0]["report"]
    commanded = sum(len(a["instances"]) for r in report["rounds"] for s in r["schedules"] for a in s["actions"])
    return wall, commanded, len(out.stderr)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def tick(at):
    """Every target's pass, CONCURRENCY at a time; the tick's wall time."""
    start = time.time()
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        passes = list(pool.map(lambda t: one_pass(t, at), targets))
    return time.time() - start, passes


try:
    t0 = time.time()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(seed_tables, motos))
        list(pool.map(seed_account, targets))
    print(f"seeded {TARGETS} targets x {INSTANCES} EC2 instances on {len(motos)} moto processes in "
          f"{time.time() - t0:.0f} s; {CONCURRENCY} target passes at a time")

    passes, tick_walls = [], []
    for label, at, deliveries in [("morning start", "2026-11-30T09:00:00+09:00", 2),
                                  ("idle", "2026-11-30T09:05:00+09:00", 1),
                                  ("evening stop", "2026-11-30T22:00:00+09:00", 2),
                                  ("idle", "2026-11-30T22:05:00+09:00", 1),
                                  ("quiet", "2026-11-30T22:10:00+09:00", 1)]:
        for m in motos:
            m.counts(reset=True)
        wall, first = tick(at)
        tick_walls.append(wall)
        calls = {}
        units = 0
        for m in motos:
            for k, v in m.counts().items():
                calls[k] = calls.get(k, 0) + v
            units += write_units(m.calls())
        walls = [w for w, _, _ in first]
        commanded = sum(c for _, c, _ in first)
        print(f"\n{label} at {at}: tick {wall:.1f} s; per target p50 {percentile(walls, 50):.2f} s, "
              f"p99 {percentile(walls, 99):.2f} s, max {max(walls):.2f} s; {commanded} servers commanded")
        per_target = {k: round(v / TARGETS, 2) for k, v in sorted(calls.items())}
        print(f"  calls per target: {per_target}")
        # Every target's pass scans the whole configuration, and queries its
        # own partition of the state and the shared one (half a unit each at
        # least: items this small).
        reads = table_read_units(client(motos[0], "dynamodb"), CONFIG)
        state = 2 * 0.5
        passes.append({"label": label, "at": at, "wall": percentile(walls, 50), "calls": per_target,
                       "write_units": units / TARGETS, "read_units": reads + state,
                       "log_bytes": sum(b for _, _, b in first) / TARGETS})
        if deliveries == 2:
            _, again = tick(at)
            print(f"  delivered again (the Map's retry): {sum(c for _, c, _ in again)} duplicate commands")
    if os.environ.get("BENCH_JSON"):
        with open(os.environ["BENCH_JSON"], "w") as f:
            json.dump({"targets": TARGETS, "instances": INSTANCES, "tick_wall": max(tick_walls),
                       "passes": passes}, f, indent=1)
finally:
    for m in motos:
        m.stop()

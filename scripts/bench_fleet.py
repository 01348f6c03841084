"""Fleet benchmark: 2,000 EC2 instances and 200 RDS instances in 50
schedules with 3- and 4-level dependency graphs, on moto behind a counting
front. Times full `schedctl run --at` passes (the first pass after deploying,
morning start, idle, evening stop, idle, quiet), reads their peak RSS, and prints the AWS calls of each pass
beside the minimum. With BENCH_SCALED=1 each schedule also has an Auto
Scaling group (after its api) and an ECS service (after its middleware),
50 of each in one cluster. BENCH_SCHEDULES, BENCH_EC2 and BENCH_RDS (per
schedule) change the sizes; BENCH_JSON=FILE also writes each pass's wall
time, calls, DynamoDB units and log bytes for scripts/cost.py. Run it
through scripts/bench-fleet.sh."""
import json
import math
import os
import resource
import subprocess
import sys
import time

import boto3

from bench_moto import REGION, CountingMoto, table_read_units, write_units

SCHEDULES = int(os.environ.get("BENCH_SCHEDULES", "50"))
EC2_PER = int(os.environ.get("BENCH_EC2", "40"))
RDS_PER = int(os.environ.get("BENCH_RDS", "4"))
SCALED = os.environ.get("BENCH_SCALED") == "1"
schedctl = sys.argv[1]

moto = CountingMoto(POLL_SECONDS="0.2", TIME_BUDGET_SECONDS="200")
env, counts = moto.env, moto.counts


try:
    subprocess.run([schedctl, "init-tables"], env=env, check=True, stdout=subprocess.DEVNULL)
    ddb, ec2, rds = boto3.client("dynamodb"), boto3.client("ec2"), boto3.client("rds")
    autoscaling, ecs = boto3.client("autoscaling"), boto3.client("ecs")
    if SCALED:
        autoscaling.create_launch_configuration(LaunchConfigurationName="bench", ImageId="ami-12345678",
                                                InstanceType="t3.micro")
        ecs.create_cluster(clusterName="bench")
        ecs.register_task_definition(family="web", containerDefinitions=[{"name": "web", "image": "nginx", "memory": 128}])
    S = lambda v: {"S": v}
    t0 = time.time()
    for n in range(SCHEDULES):
        name = f"team{n:02d}"
        four = n % 2 == 0
        ddb.put_item(TableName="Schedule", Item={"ScheduleName": S(name), "TagValue": S(name), "DaysActive": S("weekdays"),
                                                 "Enabled": {"BOOL": True}, "StartTime": S("09:00"), "StopTime": S("22:00"),
                                                 "ForceStart": {"BOOL": False}})
        mw, api = EC2_PER // 4, EC2_PER // 2
        layout = [("db", "RDS", [], RDS_PER), ("mw", "EC2", ["db"], mw)]
        layout += ([("api", "EC2", ["mw"], api), ("batch", "EC2", ["api"], EC2_PER - mw - api)] if four
                   else [("api", "EC2", ["mw"], EC2_PER - mw)])
        if SCALED:
            layout += [("workers", "ASG", ["api"], 1), ("web", "ECS", ["mw"], 1)]
        for group, kind, deps, count in layout:
            ddb.put_item(TableName="ScheduleServerGroup", Item={"ScheduleName": S(name), "GroupName": S(group),
                                                                "InstanceType": S(kind), "Dependency": {"L": [S(d) for d in deps]}})
            tags = [{"Key": "ScheduleName", "Value": name}, {"Key": "ScheduleGroupName", "Value": group}]
            if kind == "ASG":
                scaled_tags = [{"ResourceId": f"{name}-workers", "ResourceType": "auto-scaling-group",
                                "PropagateAtLaunch": False, **t} for t in tags + [{"Key": "ScheduleSize", "Value": "1/1/2"}]]
                autoscaling.create_auto_scaling_group(
                    AutoScalingGroupName=f"{name}-workers", LaunchConfigurationName="bench", MinSize=0, DesiredCapacity=0,
                    MaxSize=2, AvailabilityZones=[f"{REGION}a"], Tags=scaled_tags)
            elif kind == "ECS":
                ecs.create_service(cluster="bench", serviceName=f"{name}-web", taskDefinition="web", desiredCount=0,
                                   tags=[{"key": t["Key"], "value": t["Value"]} for t in tags]
                                   + [{"key": "ScheduleSize", "value": "1/1/2"}])
            elif kind == "RDS":
                for i in range(count):
                    ident = f"{name}-db{i}"
                    rds.create_db_instance(DBInstanceIdentifier=ident, DBInstanceClass="db.t3.micro", Engine="postgres",
                                           MasterUsername="u", MasterUserPassword="password1", AllocatedStorage=20, Tags=tags)
                    rds.stop_db_instance(DBInstanceIdentifier=ident)
            else:
                out = ec2.run_instances(ImageId="ami-12345678", MinCount=count, MaxCount=count, InstanceType="t3.micro",
                                        TagSpecifications=[{"ResourceType": "instance", "Tags": tags + [{"Key": "Name", "Value": f"{name}-{group}"}]}])
                ec2.stop_instances(InstanceIds=[i["InstanceId"] for i in out["Instances"]])
    ec2_total = SCHEDULES * EC2_PER
    rds_total = SCHEDULES * RDS_PER
    print(f"seeded {SCHEDULES} schedules, {ec2_total} EC2, {rds_total} RDS in {time.time() - t0:.0f} s")

    def minimum(rounds, ec2_calls, rds_calls):
        return {
            "ec2:DescribeInstances": rounds * math.ceil(ec2_total / 1000),
            "rds:DescribeDBInstances": rounds * math.ceil(rds_total / 100),
            "rds:DescribeDBClusters": rounds,
            "dynamodb:Scan": 4,
            "ec2:StartInstances/StopInstances": ec2_calls,
            "rds:Start/StopDBInstance": rds_calls,
        }

    passes = []
    tables = [("Schedule", False), ("ScheduleServerGroup", False), ("ScheduleException", False),
              ("ScheduleState", False)]
    for label, at in [("first pass", "2026-11-30T08:55:00+09:00"),
                      ("morning start", "2026-11-30T09:00:00+09:00"), ("idle", "2026-11-30T09:05:00+09:00"),
                      ("evening stop", "2026-11-30T22:00:00+09:00"), ("idle", "2026-11-30T22:05:00+09:00"),
                      ("quiet", "2026-11-30T22:10:00+09:00")]:
        counts(reset=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        start = time.time()
        out = subprocess.run(["/usr/bin/time", "-f", "%M", schedctl, "run", "--at", at, "--json"], env=env,
                             check=True, capture_output=True, text=True)
        wall = time.time() - start
        rss_kb = int(out.stderr.strip().splitlines()[-1])
        report = json.loads(out.stdout)
        rounds = len(report["rounds"])
        # One Start/StopInstances call per wave round per 1,000-id chunk; one call per RDS instance.
        ec2_calls = sum(math.ceil(sum(len(a["instances"]) for s in r["schedules"] for a in s["actions"]
                                      if a["instances"][0]["kind"] == "EC2") / 1000) for r in report["rounds"])
        rds_calls = sum(len(a["instances"]) for r in report["rounds"] for s in r["schedules"] for a in s["actions"]
                        if a["instances"][0]["kind"] in ("RDS", "Aurora"))
        got = counts()
        passes.append({"label": label, "at": at, "wall": wall, "rounds": rounds, "calls": got,
                       "write_units": write_units(moto.calls()), "read_units": table_read_units(ddb, tables),
                       "log_bytes": len(out.stderr) - len(out.stderr.strip().splitlines()[-1])})
        merged = dict(got)
        merged["ec2:StartInstances/StopInstances"] = got.get("ec2:StartInstances", 0) + got.get("ec2:StopInstances", 0)
        merged["rds:Start/StopDBInstance"] = got.get("rds:StartDBInstance", 0) + got.get("rds:StopDBInstance", 0)
        print(f"\n{label} at {at}: {wall:.2f} s wall, peak RSS {rss_kb / 1024:.1f} MiB, {rounds} rounds")
        print(f"  {'call':36} {'made':>6} {'minimum':>8}")
        for k, v in minimum(rounds, ec2_calls, rds_calls).items():
            print(f"  {k:36} {merged.get(k, 0):>6} {v:>8}")
        scaled = {k: v for k, v in got.items() if k.split(":")[0] in ("autoscaling", "ecs", "application-autoscaling")}
        if scaled:
            print(f"  scaled kinds: {scaled}")
        print(f"  all calls: {sum(got.values())}")
        others = {k: v for k, v in got.items() if k not in merged or k in ("dynamodb:PutItem", "dynamodb:UpdateItem")}
        extra = {k: v for k, v in got.items() if k.startswith("dynamodb:") and k != "dynamodb:Scan"}
        if extra:
            print(f"  state writes: {extra}")
    if os.environ.get("BENCH_JSON"):
        with open(os.environ["BENCH_JSON"], "w") as f:
            json.dump({"schedules": SCHEDULES, "ec2": ec2_total, "rds": rds_total, "passes": passes}, f, indent=1)
finally:
    moto.stop()

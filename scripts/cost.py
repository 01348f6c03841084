"""The monthly bill of the scheduler beside what it saves, from measured
passes: the JSON files that scripts/bench_fleet.py (BENCH_JSON=...) and
scripts/bench_targets.py (BENCH_JSON=...) write. Prints the README's
"What it costs" table in Markdown.

Usage: python scripts/cost.py FLEET_JSON... [--hub TARGETS_JSON...]

A month is 30 days of 8,640 ticks; 21.7 weekdays each start and stop the
fleet (the demo's schedule, weekdays 09:00-22:00). A weekday's start is
the measured start pass and the pass after it that sees it done, its stop
likewise; every other tick is the measured quiet pass. A hub runs that for
each target, plus one Step Functions Express execution per tick lasting
the measured tick. A target's Lambda seconds are those of the first
FLEET_JSON's passes (an account of the same size, measured one pass at a
time): the hub benchmark runs hundreds of passes on two cores, so its own
per-target times measure the machine, not the pass. Prices: us-east-1 list prices as of 2026-12-01 (AWS's
public price pages), without the free tiers."""
import json
import sys

TICKS = 30 * 24 * 12
WEEKDAYS = 52 * 5 / 12
HOURS = 30 * 24

LAMBDA_GB_S = 0.0000133334  # arm64
LAMBDA_REQUEST = 0.20 / 1e6
LAMBDA_GB = 128 / 1024  # template.yaml: MemorySize 128
DDB_READ = 0.125 / 1e6  # on demand, per read request unit
DDB_WRITE = 0.625 / 1e6  # per write request unit
SFN_REQUEST = 1.00 / 1e6  # Express
SFN_GB_S = 0.00001667  # Express, 64 MB billed
LOG_INGEST = 0.50  # per GB
LOG_STORE = 0.03  # per GB-month; LogRetentionDays 30 keeps about a month
# Bytes a pass logs besides warnings: Lambda's START, END and REPORT lines
# (about 350), the pass's two info lines with its summary and the heartbeat
# metric (about 650, read from src/lambda.rs, not measured in AWS).
LOG_LINE = 1000
ALARMS = 5 * 0.10  # template.yaml's five alarms
# What a stopped server saves per hour (on demand, us-east-1).
EC2_HOUR = 0.0416  # t3.medium
RDS_HOUR = 0.072  # db.t3.medium, PostgreSQL, single-AZ
STOPPED_HOURS = HOURS - WEEKDAYS * 13


def month_of_passes(passes):
    """Each measured pass kind's count in a month."""
    by = {}
    for p in passes:
        by.setdefault(p["label"], []).append(p)
    busy = WEEKDAYS * 4
    plan = [(by["morning start"][0], WEEKDAYS), (by["idle"][0], WEEKDAYS),
            (by["evening stop"][0], WEEKDAYS), (by["idle"][1], WEEKDAYS), (by["quiet"][0], TICKS - busy)]
    return plan


def bill(plan, accounts=1, tick_wall=None):
    """Dollars a month by line, for `accounts` accounts each running `plan`."""
    lines = {"Lambda": 0.0, "DynamoDB": 0.0, "Step Functions": 0.0, "CloudWatch logs": 0.0}
    for p, count in plan:
        n = count * accounts
        lines["Lambda"] += n * (p["wall"] * LAMBDA_GB * LAMBDA_GB_S + LAMBDA_REQUEST)
        lines["DynamoDB"] += n * (p["read_units"] * DDB_READ + p["write_units"] * DDB_WRITE)
        gb = n * (p["log_bytes"] + LOG_LINE) / 1e9
        lines["CloudWatch logs"] += gb * (LOG_INGEST + LOG_STORE)
    if tick_wall is not None:
        lines["Step Functions"] = TICKS * (SFN_REQUEST + tick_wall * 64 / 1024 * SFN_GB_S)
    lines["CloudWatch alarms"] = ALARMS
    return lines


def dollars(amount):
    return "< $0.01" if 0 < amount < 0.005 else f"${amount:,.2f}"


def saving(ec2, rds):
    return STOPPED_HOURS * (ec2 * EC2_HOUR + rds * RDS_HOUR)


def main(args):
    hubs = args[args.index("--hub") + 1:] if "--hub" in args else []
    fleets = args[:args.index("--hub")] if "--hub" in args else args
    columns = []
    for path in fleets:
        f = json.load(open(path))
        columns.append((f"1 account, {f['ec2'] + f['rds']:,} servers", bill(month_of_passes(f["passes"])),
                        saving(f["ec2"], f["rds"])))
    first = json.load(open(fleets[0]))
    alone, alone_size = first["passes"], first["ec2"] + first["rds"]
    for path in hubs:
        h = json.load(open(path))
        n = h["targets"]
        assert alone_size == h["instances"], "the first FLEET_JSON must be an account of a target's size"
        for p in h["passes"]:
            same = next(a for a in alone if a["label"] == p["label"])
            p["wall"], p["log_bytes"] = same["wall"], same["log_bytes"]
        columns.append((f"{n} targets x {h['instances']} servers", bill(month_of_passes(h["passes"]), n, h["tick_wall"]),
                        saving(n * h["instances"], 0)))
    names = [c[0] for c in columns]
    print("| per month | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for line in columns[0][1]:
        print(f"| {line} | " + " | ".join(dollars(c[1][line]) for c in columns) + " |")
    print("| **the scheduler's bill** | " + " | ".join(f"**${sum(c[1].values()):,.2f}**" for c in columns) + " |")
    print("| what the stops save | " + " | ".join(f"${c[2]:,.0f}" for c in columns) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])

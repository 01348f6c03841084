"""Seeds the demo: items as the original JANDI tool wrote them, and tagged
EC2 and RDS instances, an ECS service and an Auto Scaling group, all
stopped. Runs against AWS_ENDPOINT_URL (moto)."""
import boto3

ddb = boto3.client("dynamodb")
ec2 = boto3.client("ec2")
rds = boto3.client("rds")
ecs = boto3.client("ecs")
autoscaling = boto3.client("autoscaling")


def put(table, **attrs):
    item = {}
    for k, v in attrs.items():
        if isinstance(v, bool):
            item[k] = {"BOOL": v}
        elif isinstance(v, list):
            item[k] = {"L": [{"S": x} for x in v]}
        else:
            item[k] = {"S": v}
    ddb.put_item(TableName=table, Item=item)


# Weekdays 09:00-22:00 in Seoul: db -> middleware -> api -> batch.
put("Schedule", ScheduleName="dev", TagValue="dev", DaysActive="weekdays",
    Enabled=True, StartTime="09:00", StopTime="22:00", ForceStart=False)
put("ScheduleServerGroup", ScheduleName="dev", GroupName="db", InstanceType="RDS", Dependency=[])
put("ScheduleServerGroup", ScheduleName="dev", GroupName="middleware", InstanceType="EC2", Dependency=["db"])
put("ScheduleServerGroup", ScheduleName="dev", GroupName="api", InstanceType="EC2", Dependency=["middleware"])
put("ScheduleServerGroup", ScheduleName="dev", GroupName="batch", InstanceType="EC2", Dependency=["api"])
# Containers and an Auto Scaling group in the same waves.
put("ScheduleServerGroup", ScheduleName="dev", GroupName="web", InstanceType="ECS", Dependency=["middleware"])
put("ScheduleServerGroup", ScheduleName="dev", GroupName="workers", InstanceType="ASG", Dependency=["api"])
# A holiday: no start on Tuesday 2026-12-01.
put("ScheduleException", ExceptionUuid="2b0f8c1e-holiday", ScheduleName="dev",
    ExceptionDate="2026-12-01", ExceptionType="start", ExceptionValue="None")
# Ready by 09:30: the database, then the app, start early enough that the
# app is up at 09:30 (StartMode ready-by; the lead is learned from each start).
put("Schedule", ScheduleName="qa", TagValue="qa", DaysActive="weekdays",
    Enabled=True, StartTime="09:30", StopTime="20:00", ForceStart=False, StartMode="ready-by")
put("ScheduleServerGroup", ScheduleName="qa", GroupName="qa-db", InstanceType="RDS", Dependency=[])
put("ScheduleServerGroup", ScheduleName="qa", GroupName="qa-app", InstanceType="EC2", Dependency=["qa-db"])
# Stop-only: whatever anybody starts for ad-hoc tests is stopped at 20:00.
put("Schedule", ScheduleName="adhoc", TagValue="adhoc", DaysActive="all",
    Enabled=True, StartTime="None", StopTime="20:00", ForceStart=False)


def launch(name, schedule, group=None, count=1, state="stopped"):
    tags = [{"Key": "Name", "Value": name}, {"Key": "ScheduleName", "Value": schedule}]
    if group:
        tags.append({"Key": "ScheduleGroupName", "Value": group})
    out = ec2.run_instances(ImageId="ami-12345678", MinCount=count, MaxCount=count, InstanceType="t3.micro",
                            TagSpecifications=[{"ResourceType": "instance", "Tags": tags}])
    ids = [i["InstanceId"] for i in out["Instances"]]
    if state == "stopped":
        ec2.stop_instances(InstanceIds=ids)
    return ids


rds.create_db_instance(DBInstanceIdentifier="dev-postgres", DBInstanceClass="db.t3.micro", Engine="postgres",
                       MasterUsername="scheduler", MasterUserPassword="password1", AllocatedStorage=20,
                       Tags=[{"Key": "ScheduleName", "Value": "dev"}, {"Key": "ScheduleGroupName", "Value": "db"}])
rds.stop_db_instance(DBInstanceIdentifier="dev-postgres")
rds.create_db_instance(DBInstanceIdentifier="qa-mysql", DBInstanceClass="db.t3.micro", Engine="mysql",
                       MasterUsername="scheduler", MasterUserPassword="password1", AllocatedStorage=20,
                       Tags=[{"Key": "ScheduleName", "Value": "qa"}, {"Key": "ScheduleGroupName", "Value": "qa-db"}])
rds.stop_db_instance(DBInstanceIdentifier="qa-mysql")
launch("qa-app", "qa", "qa-app")
launch("dev-kafka", "dev", "middleware")
launch("dev-api", "dev", "api", count=2)
launch("dev-batch", "dev", "batch")
launch("adhoc-loadtest", "adhoc", state="running")

# Stopped by hand before the scheduler saw them: ScheduleSize says what to
# start them at.
def dev_tags(group):
    return {"ScheduleName": "dev", "ScheduleGroupName": group, "ScheduleSize": "1/2/4"}


ecs.create_cluster(clusterName="dev")
ecs.register_task_definition(family="web", containerDefinitions=[{"name": "web", "image": "nginx", "memory": 128}])
ecs.create_service(cluster="dev", serviceName="web", taskDefinition="web", desiredCount=0,
                   tags=[{"key": k, "value": v} for k, v in dev_tags("web").items()])
autoscaling.create_launch_configuration(LaunchConfigurationName="workers", ImageId="ami-12345678",
                                        InstanceType="t3.micro")
autoscaling.create_auto_scaling_group(
    AutoScalingGroupName="dev-workers", LaunchConfigurationName="workers", MinSize=0, DesiredCapacity=0, MaxSize=4,
    AvailabilityZones=["ap-northeast-2a"],
    Tags=[{"ResourceId": "dev-workers", "ResourceType": "auto-scaling-group", "Key": k, "Value": v,
           "PropagateAtLaunch": True} for k, v in dev_tags("workers").items()])
print("seeded: schedules dev (6 groups: 1 RDS, 4 EC2, an ECS service, an Auto Scaling group) "
      "qa (ready-by 09:30: 1 RDS, then 1 EC2) and adhoc (stop-only, 1 EC2 left running)")

//! Auto Scaling groups, ECS services and EKS node groups in the same waves
//! as EC2 and RDS, on moto: a stop sizes one to zero after remembering its
//! size, a start restores it;
//! with the memory lost, the `ScheduleSize` tag, and without that, one
//! error and the group left alone (its dependants wait, as they wait for
//! any server that failed to start).

mod support;

use aws_sdk_autoscaling::types::LifecycleState;
use scheduler::pass;
use support::scaled::{commanded, ecs_service, errors, scaling_group};
use support::{at, World};

fn autoscaling(w: &World) -> aws_sdk_autoscaling::Client {
    aws_sdk_autoscaling::Client::new(&w.sdk)
}

/// (min, desired, max, InService instances) of group `name`.
async fn size_of(w: &World, name: &str) -> (i32, i32, i32, usize) {
    let out = autoscaling(w)
        .describe_auto_scaling_groups()
        .auto_scaling_group_names(name)
        .send()
        .await
        .unwrap();
    let g = &out.auto_scaling_groups()[0];
    let in_service = g
        .instances()
        .iter()
        .filter(|i| i.lifecycle_state() == Some(&LifecycleState::InService))
        .count();
    (
        g.min_size().unwrap(),
        g.desired_capacity().unwrap(),
        g.max_size().unwrap(),
        in_service,
    )
}

#[tokio::test]
async fn a_scaling_group_stops_before_what_it_depends_on_and_starts_at_its_remembered_size() {
    let w = World::new().await;
    w.schedule("dev", "all", "09:00", "22:00").await;
    w.group("dev", "db", "RDS", &[]).await;
    w.group("dev", "workers", "ASG", &["db"]).await;
    w.rds_instance("dev-db", "dev", Some("db")).await;
    scaling_group(
        &w.sdk,
        "dev-workers",
        (1, 2, 4),
        &[("ScheduleName", "dev"), ("ScheduleGroupName", "workers")],
    )
    .await;
    let deps = w.deps();
    let day = pass::run(&deps, at("2026-11-30T09:00:00+09:00"))
        .await
        .unwrap();
    assert_eq!(w.rds_state("dev-db").await, "available");
    // The group's instances carry its tags; they are not errors.
    assert!(errors(&day).is_empty(), "{:?}", day.messages);
    // The evening: the workers go to zero first, then the database.
    let mut order = Vec::new();
    for t in ["2026-11-30T22:00:00+09:00", "2026-11-30T22:05:00+09:00"] {
        let stop = pass::run(&deps, at(t)).await.unwrap();
        order.extend(commanded(&stop));
    }
    assert_eq!(order, ["stop workers", "stop db"]);
    assert_eq!(size_of(&w, "dev-workers").await, (0, 0, 4, 0));
    assert_eq!(w.rds_state("dev-db").await, "stopped");
    // The morning: the database, then the workers at the size they had.
    let start = pass::run(&deps, at("2026-12-01T09:00:00+09:00"))
        .await
        .unwrap();
    assert_eq!(w.rds_state("dev-db").await, "available");
    assert_eq!(size_of(&w, "dev-workers").await, (1, 2, 4, 2));
    assert!(start.failures.is_empty(), "{:?}", start.failures);
}

#[tokio::test]
async fn without_a_remembered_size_the_tag_gives_it_and_without_a_tag_one_error() {
    let w = World::new().await;
    w.schedule("dev", "all", "09:00", "22:00").await;
    w.group("dev", "workers", "ASG", &[]).await;
    w.group("dev", "app", "EC2", &["workers"]).await;
    let tags = |size: Option<&'static str>| {
        let mut t = vec![("ScheduleName", "dev"), ("ScheduleGroupName", "workers")];
        t.extend(size.map(|s| ("ScheduleSize", s)));
        t
    };
    // Stopped by hand, before the scheduler ever saw them.
    scaling_group(&w.sdk, "tagged", (0, 0, 3), &tags(Some("1/1/3"))).await;
    scaling_group(&w.sdk, "untagged", (0, 0, 2), &tags(None)).await;
    let app = w.ec2_instances(1, "dev", Some("app"), "app").await;
    let deps = w.deps();
    let start = pass::run(&deps, at("2026-11-30T09:00:00+09:00"))
        .await
        .unwrap();
    assert_eq!(size_of(&w, "tagged").await, (1, 1, 3, 1));
    assert_eq!(size_of(&w, "untagged").await, (0, 0, 2, 0), "left alone");
    assert_eq!(
        w.ec2_state(&app[0]).await,
        "stopped",
        "app waits for its workers"
    );
    let told = errors(&start);
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(
        told[0].contains("untagged") && told[0].contains("ScheduleSize"),
        "{told:?}"
    );
    // Said once.
    let again = pass::run(&deps, at("2026-11-30T09:05:00+09:00"))
        .await
        .unwrap();
    assert!(errors(&again).is_empty());
}

#[tokio::test]
async fn members_of_an_unscheduled_group_are_still_configuration_errors() {
    let w = World::new().await;
    w.schedule("dev", "all", "09:00", "22:00").await;
    w.group("dev", "app", "EC2", &[]).await;
    // The group itself has no schedule group of kind ASG: its instances,
    // tagged through it, must not be started one by one.
    scaling_group(
        &w.sdk,
        "loose",
        (1, 1, 2),
        &[("ScheduleName", "dev"), ("ScheduleGroupName", "app")],
    )
    .await;
    let r = pass::run(&w.deps(), at("2026-11-30T22:00:00+09:00"))
        .await
        .unwrap();
    let text = format!("{:?}", r.messages);
    assert!(
        text.contains("belongs to Auto Scaling group loose"),
        "{text}"
    );
    assert_eq!(size_of(&w, "loose").await, (1, 1, 2, 1));
}

/// (desired, running) of service `cluster/name`, and its scalable
/// target's (min, max) if it has one.
async fn service_size(w: &World, cluster: &str, name: &str) -> (i32, i32, Option<(i32, i32)>) {
    let out = aws_sdk_ecs::Client::new(&w.sdk)
        .describe_services()
        .cluster(cluster)
        .services(name)
        .send()
        .await
        .unwrap();
    let s = &out.services()[0];
    let targets = aws_sdk_applicationautoscaling::Client::new(&w.sdk)
        .describe_scalable_targets()
        .service_namespace(aws_sdk_applicationautoscaling::types::ServiceNamespace::Ecs)
        .resource_ids(format!("service/{cluster}/{name}"))
        .send()
        .await
        .unwrap();
    let bounds = targets
        .scalable_targets()
        .first()
        .map(|t| (t.min_capacity(), t.max_capacity()));
    (s.desired_count(), s.running_count(), bounds)
}

#[tokio::test]
async fn an_ecs_service_stops_to_zero_with_its_scaling_minimum_and_comes_back() {
    let w = World::new().await;
    w.schedule("dev", "all", "09:00", "22:00").await;
    w.group("dev", "db", "RDS", &[]).await;
    w.group("dev", "api", "ECS", &["db"]).await;
    w.group("dev", "web", "ECS", &["api"]).await;
    w.rds_instance("dev-db", "dev", Some("db")).await;
    let tags = |group| [("ScheduleName", "dev"), ("ScheduleGroupName", group)];
    ecs_service(&w.sdk, "dev", "api", 2, Some((1, 4)), &tags("api")).await;
    ecs_service(&w.sdk, "dev", "web", 1, None, &tags("web")).await;
    let deps = w.deps();
    let mut order = Vec::new();
    for t in [
        "2026-11-30T09:00:00+09:00",
        "2026-11-30T22:00:00+09:00",
        "2026-11-30T22:05:00+09:00",
        "2026-11-30T22:10:00+09:00",
    ] {
        let r = pass::run(&deps, at(t)).await.unwrap();
        assert!(r.failures.is_empty(), "{t}: {:?}", r.failures);
        order.extend(commanded(&r));
    }
    assert_eq!(order, ["start db", "stop web", "stop api", "stop db"]);
    assert_eq!(service_size(&w, "dev", "api").await, (0, 0, Some((0, 4))));
    assert_eq!(service_size(&w, "dev", "web").await, (0, 0, None));
    for t in [
        "2026-12-01T09:00:00+09:00",
        "2026-12-01T09:05:00+09:00",
        "2026-12-01T09:10:00+09:00",
    ] {
        pass::run(&deps, at(t)).await.unwrap();
    }
    assert_eq!(w.rds_state("dev-db").await, "available");
    assert_eq!(service_size(&w, "dev", "api").await, (2, 2, Some((1, 4))));
    assert_eq!(service_size(&w, "dev", "web").await, (1, 1, None));
}

/// (min, desired, max) of node group `cluster/name`.
async fn nodegroup_size(w: &World, cluster: &str, name: &str) -> (i32, i32, i32) {
    let out = aws_sdk_eks::Client::new(&w.sdk)
        .describe_nodegroup()
        .cluster_name(cluster)
        .nodegroup_name(name)
        .send()
        .await
        .unwrap();
    let s = out.nodegroup().unwrap().scaling_config().unwrap();
    (
        s.min_size().unwrap(),
        s.desired_size().unwrap(),
        s.max_size().unwrap(),
    )
}

#[tokio::test]
async fn an_eks_node_group_scales_to_zero_after_the_jobs_and_back() {
    let w = World::new().await;
    w.schedule("batch", "all", "09:00", "22:00").await;
    w.group("batch", "nodes", "EKS", &[]).await;
    w.group("batch", "jobs", "EC2", &["nodes"]).await;
    let jobs = w.ec2_instances(1, "batch", Some("jobs"), "jobs").await;
    let eks = aws_sdk_eks::Client::new(&w.sdk);
    let role = "arn:aws:iam::123456789012:role/eks";
    eks.create_cluster()
        .name("batch")
        .role_arn(role)
        .resources_vpc_config(
            aws_sdk_eks::types::VpcConfigRequest::builder()
                .subnet_ids("subnet-1")
                .build(),
        )
        .send()
        .await
        .unwrap();
    eks.create_nodegroup()
        .cluster_name("batch")
        .nodegroup_name("workers")
        .node_role(role)
        .subnets("subnet-1")
        .scaling_config(
            aws_sdk_eks::types::NodegroupScalingConfig::builder()
                .min_size(1)
                .desired_size(3)
                .max_size(5)
                .build(),
        )
        .tags("ScheduleName", "batch")
        .tags("ScheduleGroupName", "nodes")
        .send()
        .await
        .unwrap();
    let deps = w.deps();
    // 09:00: the nodes are up already; the jobs start.
    pass::run(&deps, at("2026-11-30T09:00:00+09:00"))
        .await
        .unwrap();
    assert_eq!(w.ec2_state(&jobs[0]).await, "running");
    // 22:00: the jobs stop, then the nodes go to zero, their max kept;
    // 09:00: the nodes come back at their size, then the jobs.
    let mut order = Vec::new();
    for t in [
        "2026-11-30T22:00:00+09:00",
        "2026-11-30T22:05:00+09:00",
        "2026-12-01T09:00:00+09:00",
        "2026-12-01T09:05:00+09:00",
    ] {
        let r = pass::run(&deps, at(t)).await.unwrap();
        order.extend(commanded(&r));
        if t.ends_with("22:05:00+09:00") {
            assert_eq!(w.ec2_state(&jobs[0]).await, "stopped");
            assert_eq!(nodegroup_size(&w, "batch", "workers").await, (0, 0, 5));
        }
    }
    assert_eq!(
        order,
        ["stop jobs", "stop nodes", "start nodes", "start jobs"]
    );
    assert_eq!(nodegroup_size(&w, "batch", "workers").await, (1, 3, 5));
    assert_eq!(w.ec2_state(&jobs[0]).await, "running");
}

#[tokio::test]
async fn with_tag_instances_each_scaled_kind_carries_its_last_action() {
    let w = World::new().await;
    w.schedule("dev", "all", "09:00", "22:00").await;
    w.group("dev", "workers", "ASG", &[]).await;
    w.group("dev", "api", "ECS", &[]).await;
    let tags = |group| {
        [
            ("ScheduleName", "dev"),
            ("ScheduleGroupName", group),
            ("ScheduleSize", "1/1/2"),
        ]
    };
    scaling_group(&w.sdk, "dev-workers", (0, 0, 2), &tags("workers")).await;
    ecs_service(&w.sdk, "dev", "api", 0, None, &tags("api")).await;
    let mut env = support::test_env(None, scheduler::notify::Format::Jandi);
    env.tuning.tag_instances = true;
    pass::run(&w.deps_with(&env), at("2026-11-30T09:00:00+09:00"))
        .await
        .unwrap();
    let last_action = "start 2026-11-30T00:00Z";
    let groups = autoscaling(&w)
        .describe_auto_scaling_groups()
        .auto_scaling_group_names("dev-workers")
        .send()
        .await
        .unwrap();
    let asg_tag = groups.auto_scaling_groups()[0]
        .tags()
        .iter()
        .find(|t| t.key() == Some("ScheduleLastAction"))
        .and_then(|t| t.value().map(str::to_string));
    assert_eq!(asg_tag.as_deref(), Some(last_action));
    let ecs = aws_sdk_ecs::Client::new(&w.sdk);
    let service = ecs
        .describe_services()
        .cluster("dev")
        .services("api")
        .send()
        .await
        .unwrap();
    let arn = service.services()[0].service_arn().unwrap().to_string();
    let listed = ecs
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .unwrap();
    let ecs_tag = listed
        .tags()
        .iter()
        .find(|t| t.key() == Some("ScheduleLastAction"))
        .and_then(|t| t.value().map(str::to_string));
    assert_eq!(ecs_tag.as_deref(), Some(last_action));
}

/// A kind that cannot be described (a spoke whose role lacks the new
/// grants) stops only the schedules that use it, with one error; the
/// others run, and the waiting one goes on once it can be described.
#[tokio::test]
async fn an_undescribable_kind_holds_only_its_schedules() {
    use scheduler::fleet::Size;
    use scheduler::memory;
    use scheduler::model::{InstanceKind, RawConfig};
    use support::{group_item, instance, schedule_item};
    let service = scheduler::fleet::Instance {
        size: Some(Size {
            min: 0,
            desired: 0,
            max: 2,
        }),
        size_tag: Some("1/1/2".into()),
        ..instance("dev/api", InstanceKind::Ecs, "stopped", "dev", Some("api"))
    };
    let d = memory::deps(
        RawConfig {
            schedules: vec![
                schedule_item("dev", "all", "09:00", "22:00"),
                schedule_item("ops", "all", "09:00", "22:00"),
            ],
            groups: vec![
                group_item("dev", "api", "ECS", &[]),
                group_item("dev", "app", "EC2", &["api"]),
            ],
            ..RawConfig::default()
        },
        vec![
            service,
            instance("i-app", InstanceKind::Ec2, "stopped", "dev", Some("app")),
            instance("i-ops", InstanceKind::Ec2, "stopped", "ops", None),
        ],
    );
    d.fleet.unavailable.lock().unwrap().push(InstanceKind::Ecs);
    let first = pass::run(&d, at("2026-11-30T09:00:00+09:00"))
        .await
        .unwrap();
    assert_eq!(d.fleet.state_of("i-ops"), "running", "ops runs");
    assert_eq!(d.fleet.state_of("i-app"), "stopped", "dev waits");
    let told = errors(&first);
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(
        told[0].contains("ScheduleServerGroup")
            && told[0].contains("GroupName=api")
            && told[0].contains("InstanceType")
            && told[0].contains("ECS servers could not be described"),
        "{told:?}"
    );
    let again = pass::run(&d, at("2026-11-30T09:05:00+09:00"))
        .await
        .unwrap();
    assert!(errors(&again).is_empty());
    d.fleet.unavailable.lock().unwrap().clear();
    pass::run(&d, at("2026-11-30T09:10:00+09:00"))
        .await
        .unwrap();
    assert_eq!(d.fleet.state_of("dev/api"), "running");
    assert_eq!(d.fleet.state_of("i-app"), "running");
}

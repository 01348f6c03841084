//! Scaled servers as a team sets them up on moto, and what a pass's report
//! says, for the tests of the scaled kinds and of readiness.

use aws_config::SdkConfig;
use aws_sdk_applicationautoscaling::types::{ScalableDimension, ServiceNamespace};
use scheduler::message::Level;
use scheduler::pass::PassReport;

use super::REGION;

/// An Auto Scaling group of `(min, desired, max)`, its tags propagated to
/// its instances.
pub async fn scaling_group(
    sdk: &SdkConfig,
    name: &str,
    size: (i32, i32, i32),
    tags: &[(&str, &str)],
) {
    let asg = aws_sdk_autoscaling::Client::new(sdk);
    // One launch configuration serves every group; the second create fails.
    let _ = asg
        .create_launch_configuration()
        .launch_configuration_name("workers-lc")
        .image_id("ami-12345678")
        .instance_type("t3.micro")
        .send()
        .await;
    let tags = tags.iter().map(|(k, v)| {
        aws_sdk_autoscaling::types::Tag::builder()
            .resource_id(name)
            .resource_type("auto-scaling-group")
            .key(*k)
            .value(*v)
            .propagate_at_launch(true)
            .build()
    });
    asg.create_auto_scaling_group()
        .auto_scaling_group_name(name)
        .launch_configuration_name("workers-lc")
        .min_size(size.0)
        .desired_capacity(size.1)
        .max_size(size.2)
        .availability_zones(format!("{REGION}a"))
        .set_tags(Some(tags.collect()))
        .send()
        .await
        .expect("create_auto_scaling_group");
}

/// An ECS service `cluster/name` of `desired` running tasks with these
/// tags, and a scalable target of `bounds` when given.
pub async fn ecs_service(
    sdk: &SdkConfig,
    cluster: &str,
    name: &str,
    desired: i32,
    bounds: Option<(i32, i32)>,
    tags: &[(&str, &str)],
) {
    let ecs = aws_sdk_ecs::Client::new(sdk);
    ecs.create_cluster()
        .cluster_name(cluster)
        .send()
        .await
        .unwrap();
    ecs.register_task_definition()
        .family("api")
        .container_definitions(
            aws_sdk_ecs::types::ContainerDefinition::builder()
                .name("api")
                .image("nginx")
                .memory(128)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let tags = tags
        .iter()
        .map(|(k, v)| aws_sdk_ecs::types::Tag::builder().key(*k).value(*v).build());
    ecs.create_service()
        .cluster(cluster)
        .service_name(name)
        .task_definition("api")
        .desired_count(desired)
        .set_tags(Some(tags.collect()))
        .send()
        .await
        .unwrap();
    // moto starts a service with no running task; an update runs them.
    ecs.update_service()
        .cluster(cluster)
        .service(name)
        .desired_count(desired)
        .send()
        .await
        .unwrap();
    if let Some((min, max)) = bounds {
        aws_sdk_applicationautoscaling::Client::new(sdk)
            .register_scalable_target()
            .service_namespace(ServiceNamespace::Ecs)
            .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
            .resource_id(format!("service/{cluster}/{name}"))
            .min_capacity(min)
            .max_capacity(max)
            .send()
            .await
            .unwrap();
    }
}

/// Each command the report's rounds sent, in order: `start db`.
pub fn commanded(report: &PassReport) -> Vec<String> {
    report
        .rounds
        .iter()
        .flat_map(|p| p.actions())
        .map(|(_, a)| format!("{} {}", a.direction, a.group))
        .collect()
}

/// The error messages the pass posted, each whole (text and fields).
pub fn errors(report: &PassReport) -> Vec<String> {
    report
        .messages
        .iter()
        .filter(|m| m.level == Level::Error)
        .map(|m| format!("{m:?}"))
        .collect()
}

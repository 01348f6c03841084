//! A real `moto_server` from the project's virtualenv on a free loopback
//! port, real SDK clients pointed at it, and helpers that seed it with
//! items and tagged instances.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::config::{Credentials, Region};
use aws_sdk_ec2::types::{InstanceType, ResourceType, Tag, TagSpecification};
use scheduler::env::Env;
use scheduler::model::Item;
use scheduler::notify::Format;
use scheduler::wiring::{deps_from, AwsDeps};

use super::items::{exception_item, group_item, schedule_item};

pub const REGION: &str = "ap-northeast-2";

/// The virtualenv's bin directory, created by `scripts/venv.sh` once per
/// test binary.
pub fn venv_bin() -> &'static PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let out = Command::new("bash")
            .arg(root.join("scripts/venv.sh"))
            .stderr(Stdio::inherit())
            .output()
            .expect("scripts/venv.sh runs");
        assert!(out.status.success(), "scripts/venv.sh failed");
        PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
    })
}

/// A moto server of its own for one test; killed on drop.
pub struct Moto {
    child: Child,
    pub url: String,
}

impl Moto {
    pub fn start() -> Moto {
        Moto::spawn(|port| {
            let mut c = Command::new(venv_bin().join("moto_server"));
            c.args(["-H", "127.0.0.1", "-p", &port.to_string()]);
            c
        })
    }

    /// moto behind `scripts/counting_moto.py`, which refuses AssumeRole of
    /// the roles whose ARN contains one of `deny_roles`.
    pub fn start_denying(deny_roles: &str) -> Moto {
        Moto::spawn(|port| {
            let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/counting_moto.py");
            let mut c = Command::new(venv_bin().join("python"));
            c.args([script, &port.to_string()])
                .env("DENY_ASSUME_ROLE", deny_roles);
            c
        })
    }

    /// moto behind `scripts/counting_moto.py`, with the calls of `service`
    /// in `region` each `seconds` late (a slow account).
    pub fn start_delaying(service: &str, region: &str, seconds: u32) -> Moto {
        Moto::spawn(|port| {
            let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/counting_moto.py");
            let mut c = Command::new(venv_bin().join("python"));
            c.args([script, &port.to_string()])
                .env("DELAY", format!("{service}@{region}={seconds}"));
            c
        })
    }

    fn spawn(command: impl FnOnce(u16) -> Command) -> Moto {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = command(port)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto starts");
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(60);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "moto_server did not listen within 60 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Moto { child, url }
    }

    /// Environment for a `schedctl` child process pointed at this server.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL", self.url.clone()),
            ("AWS_ACCESS_KEY_ID", "testing".into()),
            ("AWS_SECRET_ACCESS_KEY", "testing".into()),
            ("AWS_REGION", REGION.into()),
            ("AWS_EC2_METADATA_DISABLED", "true".into()),
            ("POLL_SECONDS", "0.05".into()),
            ("TIME_BUDGET_SECONDS", "20".into()),
            // Feeds are served by wiremock on loopback.
            ("ALLOW_PRIVATE_FEEDS", "true".into()),
        ]
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// moto plus clients and the scheduler's wiring against it.
pub struct World {
    pub moto: Moto,
    pub sdk: aws_config::SdkConfig,
    pub ddb: aws_sdk_dynamodb::Client,
    pub ec2: aws_sdk_ec2::Client,
    pub rds: aws_sdk_rds::Client,
}

/// The environment of a deployment with no variables set, a 20 s budget
/// and 50 ms polls.
pub fn test_env(webhook: Option<String>, format: Format) -> Env {
    let mut env = Env::read(|_| None).expect("defaults");
    env.tuning.budget = Duration::from_secs(20);
    env.tuning.poll = Duration::from_millis(50);
    env.webhook = webhook;
    env.format = format;
    env.allow_private_feeds = true;
    env
}

impl World {
    pub async fn new() -> World {
        World::on(Moto::start()).await
    }

    /// The world over an already started moto.
    pub async fn on(moto: Moto) -> World {
        let sdk = scheduler::aws::loader()
            .endpoint_url(&moto.url)
            .region(Region::new(REGION))
            .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
            .load()
            .await;
        let world = World {
            ddb: aws_sdk_dynamodb::Client::new(&sdk),
            ec2: aws_sdk_ec2::Client::new(&sdk),
            rds: aws_sdk_rds::Client::new(&sdk),
            sdk,
            moto,
        };
        world.deps().config.create_tables().await.expect("tables");
        world
    }

    pub fn deps(&self) -> AwsDeps {
        deps_from(&test_env(None, Format::Jandi), &self.sdk)
    }

    pub fn deps_with(&self, env: &Env) -> AwsDeps {
        deps_from(env, &self.sdk)
    }

    pub async fn put(&self, table: &str, item: Item) {
        self.ddb
            .put_item()
            .table_name(table)
            .set_item(Some(item.0))
            .send()
            .await
            .expect("put_item");
    }

    pub async fn schedule(&self, name: &str, days: &str, start: &str, stop: &str) {
        self.put("Schedule", schedule_item(name, days, start, stop))
            .await;
    }

    pub async fn group(&self, schedule: &str, name: &str, kind: &str, deps: &[&str]) {
        self.put(
            "ScheduleServerGroup",
            group_item(schedule, name, kind, deps),
        )
        .await;
    }

    pub async fn exception(&self, id: &str, schedule: &str, date: &str, kind: &str, value: &str) {
        self.put(
            "ScheduleException",
            exception_item(id, schedule, date, kind, value),
        )
        .await;
    }

    /// Launches `count` tagged EC2 instances and leaves them stopped.
    pub async fn ec2_instances(
        &self,
        count: i32,
        schedule: &str,
        group: Option<&str>,
        name: &str,
    ) -> Vec<String> {
        launch(&self.ec2, count, schedule, group, name).await
    }

    /// A stopped RDS DB instance with the schedule's tags.
    pub async fn rds_instance(&self, id: &str, schedule: &str, group: Option<&str>) {
        let mut tags = vec![("ScheduleName", schedule)];
        if let Some(g) = group {
            tags.push(("ScheduleGroupName", g));
        }
        self.rds_instance_tagged(id, &tags).await;
    }

    /// A stopped RDS DB instance with these tags.
    pub async fn rds_instance_tagged(&self, id: &str, tags: &[(&str, &str)]) {
        let tags = tags.iter().map(|(k, v)| rds_tag(k, v)).collect();
        self.rds
            .create_db_instance()
            .db_instance_identifier(id)
            .db_instance_class("db.t3.micro")
            .engine("postgres")
            .master_username("scheduler")
            .master_user_password("password1")
            .allocated_storage(20)
            .set_tags(Some(tags))
            .send()
            .await
            .expect("create_db_instance");
        self.rds
            .stop_db_instance()
            .db_instance_identifier(id)
            .send()
            .await
            .expect("stop db");
    }

    /// A stopped Aurora cluster with the schedule's tags.
    pub async fn aurora_cluster(&self, id: &str, schedule: &str, group: Option<&str>) {
        let mut tags = vec![rds_tag("ScheduleName", schedule)];
        if let Some(g) = group {
            tags.push(rds_tag("ScheduleGroupName", g));
        }
        self.rds
            .create_db_cluster()
            .db_cluster_identifier(id)
            .engine("aurora-postgresql")
            .master_username("scheduler")
            .master_user_password("password1")
            .set_tags(Some(tags))
            .send()
            .await
            .expect("create_db_cluster");
        self.rds
            .stop_db_cluster()
            .db_cluster_identifier(id)
            .send()
            .await
            .expect("stop cluster");
    }

    pub async fn ec2_state(&self, id: &str) -> String {
        ec2_state(&self.ec2, id).await
    }

    pub async fn rds_state(&self, id: &str) -> String {
        rds_state(&self.rds, id).await
    }

    pub async fn cluster_state(&self, id: &str) -> String {
        let out = self
            .rds
            .describe_db_clusters()
            .db_cluster_identifier(id)
            .send()
            .await
            .unwrap();
        out.db_clusters()[0].status().unwrap().to_string()
    }
}

/// Launches `count` tagged EC2 instances through `ec2` (any account and
/// region) and leaves them stopped.
pub async fn launch(
    ec2: &aws_sdk_ec2::Client,
    count: i32,
    schedule: &str,
    group: Option<&str>,
    name: &str,
) -> Vec<String> {
    let mut tags = vec![tag("ScheduleName", schedule), tag("Name", name)];
    if let Some(g) = group {
        tags.push(tag("ScheduleGroupName", g));
    }
    let out = ec2
        .run_instances()
        .image_id("ami-12345678")
        .instance_type(InstanceType::T3Micro)
        .min_count(count)
        .max_count(count)
        .tag_specifications(
            TagSpecification::builder()
                .resource_type(ResourceType::Instance)
                .set_tags(Some(tags))
                .build(),
        )
        .send()
        .await
        .expect("run_instances");
    let ids: Vec<String> = out
        .instances()
        .iter()
        .map(|i| i.instance_id().unwrap().to_string())
        .collect();
    ec2.stop_instances()
        .set_instance_ids(Some(ids.clone()))
        .send()
        .await
        .expect("stop");
    ids
}

/// The status of RDS DB instance `id` as `rds` sees it.
pub async fn rds_state(rds: &aws_sdk_rds::Client, id: &str) -> String {
    let out = rds
        .describe_db_instances()
        .db_instance_identifier(id)
        .send()
        .await
        .unwrap();
    out.db_instances()[0]
        .db_instance_status()
        .unwrap()
        .to_string()
}

/// The state name of EC2 instance `id` as `ec2` sees it.
pub async fn ec2_state(ec2: &aws_sdk_ec2::Client, id: &str) -> String {
    let out = ec2
        .describe_instances()
        .instance_ids(id)
        .send()
        .await
        .unwrap();
    out.reservations()[0].instances()[0]
        .state()
        .unwrap()
        .name()
        .unwrap()
        .as_str()
        .to_string()
}

fn tag(k: &str, v: &str) -> Tag {
    Tag::builder().key(k).value(v).build()
}

fn rds_tag(k: &str, v: &str) -> aws_sdk_rds::types::Tag {
    aws_sdk_rds::types::Tag::builder().key(k).value(v).build()
}

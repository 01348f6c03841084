//! The scheduler binary as Lambda runs it: a local Lambda Runtime API
//! (wiremock) hands it one event and takes its answer.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// An event of `events/`.
pub fn event(name: &str) -> String {
    std::fs::read_to_string(format!("{}/events/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// Runs the scheduler binary with `env` under a local Lambda Runtime API
/// that hands it `event` once; returns what the invocation answered.
pub async fn invoke_binary(env: &[(&str, String)], event: String) -> Value {
    invoke(env, event)
        .await
        .unwrap_or_else(|e| panic!("the invocation failed: {e}"))
}

/// Like [`invoke_binary`]; `Err` holds the error the function reported.
pub async fn invoke(env: &[(&str, String)], event: String) -> Result<Value, Value> {
    let mut binary = Command::new(env!("CARGO_BIN_EXE_scheduler-lambda"));
    binary
        .env_remove("WEBHOOK_URL")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())));
    run(binary, "scheduler", &event, Duration::from_secs(60)).await
}

/// Runs `binary` (its environment set by the caller) as the Lambda
/// function `function` under a local Runtime API that hands it `event`
/// once and answers later polls slowly, as the real one does between
/// invocations; returns what it answered, or `Err` with the error it
/// reported. Fails the test with the binary's log when it exits or takes
/// longer than `deadline` without answering.
pub async fn run(
    mut binary: Command,
    function: &str,
    event: &str,
    deadline: Duration,
) -> Result<Value, Value> {
    let runtime = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/2018-06-01/runtime/invocation/next"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("Lambda-Runtime-Aws-Request-Id", "req-1")
                .insert_header("Lambda-Runtime-Deadline-Ms", "4102444800000")
                .insert_header(
                    "Lambda-Runtime-Invoked-Function-Arn",
                    format!("arn:aws:lambda:ap-northeast-2:123456789012:function:{function}"),
                )
                .set_body_string(event),
        )
        .up_to_n_times(1)
        .mount(&runtime)
        .await;
    Mock::given(method("GET"))
        .and(path("/2018-06-01/runtime/invocation/next"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(600)))
        .mount(&runtime)
        .await;
    Mock::given(method("POST"))
        .and(path_regex(
            "^/2018-06-01/runtime/invocation/req-1/(response|error)$",
        ))
        .respond_with(ResponseTemplate::new(202))
        .mount(&runtime)
        .await;
    let log = tempfile::NamedTempFile::new().unwrap();
    let mut child = binary
        .env("AWS_LAMBDA_RUNTIME_API", runtime.address().to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", function)
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "test")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "test")
        .stdout(Stdio::null())
        .stderr(log.reopen().unwrap())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + deadline;
    let body = loop {
        let posted = runtime
            .received_requests()
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.method.as_str() == "POST");
        if let Some(r) = posted {
            let body = serde_json::from_slice::<Value>(&r.body).unwrap();
            break match r.url.path().ends_with("/response") {
                true => Ok(body),
                false => Err(body),
            };
        }
        if Instant::now() > deadline || child.try_wait().unwrap().is_some() {
            let _ = child.kill();
            panic!(
                "no answer from {function}:\n{}",
                std::fs::read_to_string(log.path()).unwrap_or_default()
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let _ = child.kill();
    let _ = child.wait();
    body
}

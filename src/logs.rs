//! The Lambda functions' logs, as `lambda_runtime`'s default subscriber
//! writes them (JSON when `AWS_LAMBDA_LOG_FORMAT` says so; no time, which
//! CloudWatch stamps; no colours, which it shows as escapes), filtered by
//! a `target=level` list instead of an `EnvFilter`: that one links a regex
//! engine into every zip.

use tracing_subscriber::filter::{LevelFilter, Targets};

/// Installs the global subscriber. The level is `AWS_LAMBDA_LOG_LEVEL`
/// (the function's logging config), else INFO; `RUST_LOG` may add
/// `target=level` entries or a level of its own. A release build logs
/// DEBUG at the finest: its TRACE call sites are compiled out
/// (Cargo.toml's `release_max_level_debug`).
pub fn init_lambda() {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let filter = filter(
        var("AWS_LAMBDA_LOG_LEVEL").as_deref(),
        var("RUST_LOG").as_deref(),
    );
    let logs = tracing_subscriber::fmt()
        .with_target(false)
        .without_time()
        .with_ansi(false)
        .with_max_level(LevelFilter::TRACE);
    let json = var("AWS_LAMBDA_LOG_FORMAT").is_some_and(|f| f.eq_ignore_ascii_case("json"));
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    if json {
        logs.json().finish().with(filter).init();
    } else {
        logs.finish().with(filter).init();
    }
}

/// What is logged: `RUST_LOG`'s entries over the function's level.
fn filter(level: Option<&str>, rust_log: Option<&str>) -> Targets {
    let level = level
        .and_then(|l| l.parse::<LevelFilter>().ok())
        .unwrap_or(LevelFilter::INFO);
    let targets = rust_log
        .and_then(|r| r.parse::<Targets>().ok())
        .unwrap_or_default();
    match targets.default_level() {
        Some(_) => targets,
        None => targets.with_default(level),
    }
}

#[cfg(test)]
mod tests {
    use super::filter;
    use tracing::Level;

    #[test]
    fn the_functions_level_holds_unless_rust_log_names_a_target_or_a_level() {
        let f = filter(Some("WARN"), None);
        assert!(f.would_enable("scheduler::pass", &Level::WARN));
        assert!(!f.would_enable("scheduler::pass", &Level::INFO));
        assert!(filter(None, None).would_enable("scheduler", &Level::INFO));
        assert!(!filter(None, None).would_enable("scheduler", &Level::DEBUG));
        // A bad level is INFO; a bad RUST_LOG is ignored.
        assert!(filter(Some("loud"), Some("=?=")).would_enable("x", &Level::INFO));
        let f = filter(Some("ERROR"), Some("scheduler::pass=debug"));
        assert!(f.would_enable("scheduler::pass::act", &Level::DEBUG));
        assert!(!f.would_enable("aws_config", &Level::WARN));
        assert!(filter(Some("ERROR"), Some("debug")).would_enable("aws_config", &Level::DEBUG));
    }
}

//! A ReadyCheck URL: a GET that must answer 2xx within 5 s. Redirects are
//! not followed and the body is not read. Unlike a holiday feed, the URL may
//! be a private address: it is the team's own service.

use std::time::Duration;

use crate::plan::Answer;

/// The client: 5 s in all, no redirects, no proxy.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .connect_timeout(Duration::from_secs(5))
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client with timeouts and no redirects builds")
}

/// Ready on a 2xx; else the status, or why no answer came (the URL itself
/// is not repeated: it may carry a token).
pub async fn get(client: &reqwest::Client, url: &str) -> Answer {
    match client.get(url).send().await {
        Ok(resp) => Answer {
            ready: resp.status().is_success(),
            said: format!("HTTP {}", resp.status().as_u16()),
        },
        Err(e) if e.is_timeout() => Answer {
            ready: false,
            said: "no answer within 5 s".into(),
        },
        Err(e) if e.is_connect() => Answer {
            ready: false,
            said: "connection refused or unreachable".into(),
        },
        Err(_) => Answer {
            ready: false,
            said: "the request failed".into(),
        },
    }
}

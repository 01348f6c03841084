//! `schedctl bot --listen ADDR`: the bot's handler on a local HTTP server
//! (axum), for the demo and tests.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::IntoResponse;
use axum::Router;
use chrono::{DateTime, Utc};

use crate::bot::{HttpRequest, MAX_BODY};
use crate::wiring::LocalBot;

/// Serves until the process is stopped; `clock` fixes the bot's time.
/// Each answer is sent before its announcement.
pub async fn listen(
    addr: &str,
    bot: LocalBot,
    clock: Option<DateTime<Utc>>,
) -> std::io::Result<()> {
    let state = Served { bot, clock };
    let app = Router::new()
        .fallback(handle)
        // One byte over the limit still reaches the handler, which answers 413.
        .layer(DefaultBodyLimit::max(MAX_BODY + 1))
        .with_state(Arc::new(state));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    eprintln!(
        "schedctl bot listening on http://{}",
        listener.local_addr()?
    );
    axum::serve(listener, app).await
}

struct Served {
    bot: LocalBot,
    clock: Option<DateTime<Utc>>,
}

async fn handle(
    State(served): State<Arc<Served>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> impl IntoResponse {
    let request = HttpRequest::from_http(&method, &uri, &headers, &body);
    let now = served.clock.unwrap_or_else(Utc::now);
    let handled = served.bot.answer(&request, now).await;
    if let Some(m) = handled.announcement {
        let served = served.clone();
        tokio::spawn(async move { served.bot.announce(&m).await });
    }
    let answer = handled.response;
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, answer.headers(), answer.body)
}

//! Holiday feeds over HTTP(S): one reqwest client with a timeout and a
//! size limit, and conditional GETs (ETag, Last-Modified), so a feed is
//! read whole at most once a day and a 304 costs nothing.

use std::time::Duration;

use crate::calendar::CalendarCache;
use crate::ports::CallError;

/// Largest feed read: a national holiday calendar is a few KB, a company
/// export rarely a few hundred; anything bigger is refused, not parsed.
pub const MAX_FEED_BYTES: usize = 2 * 1024 * 1024;

/// What a fetch brought.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// 304: the copy is current.
    NotModified,
    Fresh {
        body: String,
        etag: Option<String>,
        last_modified: Option<String>,
    },
}

#[derive(Debug, Clone)]
pub struct Feeds {
    http: reqwest::Client,
}

impl Default for Feeds {
    /// 10 s to connect and read: a pass must not wait long on a feed.
    fn default() -> Self {
        Feeds {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .connect_timeout(Duration::from_secs(5))
                .build()
                .expect("a client with only timeouts set builds"),
        }
    }
}

impl Feeds {
    /// GETs `url`, conditional on what `cache` saw last.
    pub async fn fetch(&self, url: &str, cache: &CalendarCache) -> Result<Fetched, CallError> {
        let failed =
            |code: &str, message: String| CallError::new("GET holiday calendar", code, message);
        let mut req = self.http.get(url);
        if let Some(etag) = &cache.etag {
            req = req.header(reqwest::header::IF_NONE_MATCH, etag);
        }
        if let Some(lm) = &cache.last_modified {
            req = req.header(reqwest::header::IF_MODIFIED_SINCE, lm);
        }
        let mut resp = req.send().await.map_err(|e| {
            let code = if e.is_timeout() {
                "Timeout"
            } else {
                "DispatchFailure"
            };
            failed(code, e.without_url().to_string())
        })?;
        let status = resp.status();
        if status == reqwest::StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        if !status.is_success() {
            return Err(failed(
                &format!("HTTP{}", status.as_u16()),
                status.to_string(),
            ));
        }
        let too_large = || {
            failed(
                "TooLarge",
                format!("the feed is over {MAX_FEED_BYTES} bytes"),
            )
        };
        if resp
            .content_length()
            .is_some_and(|n| n > MAX_FEED_BYTES as u64)
        {
            return Err(too_large());
        }
        let header = |name| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let (etag, last_modified) = (
            header(reqwest::header::ETAG),
            header(reqwest::header::LAST_MODIFIED),
        );
        let mut body = Vec::new();
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| failed("ResponseError", e.without_url().to_string()))?
        {
            if body.len() + chunk.len() > MAX_FEED_BYTES {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        let body = String::from_utf8(body)
            .map_err(|_| failed("NotText", "the feed is not UTF-8 text".into()))?;
        Ok(Fetched::Fresh {
            body,
            etag,
            last_modified,
        })
    }
}

//! Holiday feeds over HTTP(S): one reqwest client with a timeout and a
//! size limit, and conditional GETs (ETag, Last-Modified), so a feed is
//! read whole at most once a day and a 304 costs nothing.
//!
//! A feed's URL comes from whoever can write the Schedule table, so the
//! client is no way into the scheduler's own network: private, loopback
//! and link-local addresses are refused (unless `ALLOW_PRIVATE_FEEDS`),
//! checked on every address a name resolves to before connecting, and a
//! redirect to another host is not followed. Errors carry no URL.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;

use crate::calendar::CalendarCache;
use crate::ports::{CallError, FeedSource, Fetched};

/// Largest feed read: a national holiday calendar is a few KB, a company
/// export rarely a few hundred; anything bigger is refused, not parsed.
pub const MAX_FEED_BYTES: usize = 2 * 1024 * 1024;

/// Redirects followed (to the same host only).
const MAX_REDIRECTS: usize = 3;

#[derive(Debug, Clone)]
pub struct Feeds {
    http: reqwest::Client,
    allow_private: bool,
}

impl Feeds {
    /// 10 s to connect and read: a pass must not wait long on a feed.
    /// `allow_private`: `ALLOW_PRIVATE_FEEDS`, for feeds inside a VPC (and
    /// tests on loopback).
    pub fn new(allow_private: bool) -> Self {
        let mut builder = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .connect_timeout(Duration::from_secs(5))
            // A proxy would resolve names where they cannot be checked.
            .no_proxy()
            .redirect(reqwest::redirect::Policy::custom(same_host_only));
        if !allow_private {
            builder = builder.dns_resolver(Arc::new(PublicOnly));
        }
        Feeds {
            http: builder
                .build()
                .expect("a client with timeouts, a policy and a resolver builds"),
            allow_private,
        }
    }

    async fn get(&self, url: &str, cache: &CalendarCache) -> Result<Fetched, CallError> {
        let parsed = reqwest::Url::parse(url)
            .map_err(|e| failed("InvalidUrl", format!("not a URL: {e}")))?;
        if !self.allow_private {
            // An address written as the host is never resolved, so it is
            // checked here.
            let literal = parsed
                .host_str()
                .and_then(|h| h.trim_start_matches('[').trim_end_matches(']').parse().ok());
            if let Some(ip) = literal.filter(|ip| !is_public(*ip)) {
                return Err(failed("PrivateAddress", refused(ip)));
            }
        }
        let mut req = self.http.get(parsed);
        if let Some(etag) = &cache.etag {
            req = req.header(reqwest::header::IF_NONE_MATCH, etag);
        }
        if let Some(lm) = &cache.last_modified {
            req = req.header(reqwest::header::IF_MODIFIED_SINCE, lm);
        }
        let resp = req.send().await.map_err(|e| {
            let code = if e.is_timeout() {
                "Timeout"
            } else {
                "DispatchFailure"
            };
            failed(code, source_chain(&e.without_url()))
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
        let body = bounded_text(resp).await?;
        Ok(Fetched::Fresh {
            body,
            etag,
            last_modified,
        })
    }
}

impl FeedSource for Feeds {
    fn fetch<'a>(
        &'a self,
        url: &'a str,
        cache: &'a CalendarCache,
    ) -> BoxFuture<'a, Result<Fetched, CallError>> {
        Box::pin(self.get(url, cache))
    }
}

fn failed(code: &str, message: String) -> CallError {
    CallError::new("GET holiday calendar", code, message)
}

fn too_large() -> CallError {
    failed(
        "TooLarge",
        format!("the feed is over {MAX_FEED_BYTES} bytes"),
    )
}

/// The body as text, read chunk by chunk and refused past
/// [`MAX_FEED_BYTES`] whatever the headers said.
async fn bounded_text(mut resp: reqwest::Response) -> Result<String, CallError> {
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
    String::from_utf8(body).map_err(|_| failed("NotText", "the feed is not UTF-8 text".into()))
}

/// A redirect is followed only to the same host (a few hops, never from
/// https down to http): another host could be anything inside the
/// network, and would be sent what the first one was.
fn same_host_only(attempt: reqwest::redirect::Attempt) -> reqwest::redirect::Action {
    let Some(first) = attempt.previous().first() else {
        return attempt.stop();
    };
    let same = attempt.url().host_str() == first.host_str()
        && attempt.url().port_or_known_default() == first.port_or_known_default()
        && !(first.scheme() == "https" && attempt.url().scheme() != "https");
    if same && attempt.previous().len() <= MAX_REDIRECTS {
        attempt.follow()
    } else {
        attempt.stop()
    }
}

/// Resolves names as the system does, and refuses a name when any of its
/// addresses is not public (so a name cannot point inside the network,
/// even for one of several addresses).
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if let Some(bad) = addrs.iter().find(|a| !is_public(a.ip())) {
                return Err(refused(bad.ip()).into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

fn refused(ip: IpAddr) -> String {
    format!("{ip} is a private, loopback or link-local address (ALLOW_PRIVATE_FEEDS is not set)")
}

/// The error and its causes, one line (the resolver's refusal is a cause).
fn source_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}

/// Whether an address is out on the internet: not loopback, private,
/// link-local, unspecified, shared (CGNAT), multicast or broadcast, nor
/// an IPv4 one mapped into IPv6.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || a == 0
                || (a == 100 && (64..128).contains(&b)))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            // NAT64 (64:ff9b::/96) reaches the IPv4 address it embeds.
            let segments = v6.segments();
            if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                let [.., a, b, c, d] = v6.octets();
                return is_public(IpAddr::V4(std::net::Ipv4Addr::new(a, b, c, d)));
            }
            let first = segments[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "127.1.2.3",
            "10.0.0.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "64:ff9b::a9fe:a9fe",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["8.8.8.8", "172.32.0.1", "1.1.1.1", "2606:4700::1111"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }
}

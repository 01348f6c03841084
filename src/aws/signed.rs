//! The few AWS calls that no SDK crate built here covers (Lambda Invoke,
//! EventBridge PutEvents, the Price List Query API): one SigV4-signed
//! HTTPS request each, with the credentials, region and endpoint settings
//! of the same `aws-config` load, through reqwest. Three SDK crates would
//! cost minutes of every cold build for five operations.

use std::time::{Duration, SystemTime};

use aws_config::SdkConfig;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;

use crate::ports::CallError;

/// Signs and sends JSON requests to one AWS service.
#[derive(Clone)]
pub struct SignedClient {
    http: reqwest::Client,
    credentials: Option<SharedCredentialsProvider>,
    region: String,
    /// `AWS_ENDPOINT_URL` or the service's own `AWS_ENDPOINT_URL_<ID>`.
    endpoint: String,
    /// The signing name (`lambda`, `events`, `pricing`).
    service: &'static str,
}

impl std::fmt::Debug for SignedClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedClient")
            .field("service", &self.service)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .finish()
    }
}

/// A service's answer: the HTTP status and the body.
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
}

impl SignedClient {
    /// A client of `service` (its signing name, e.g. `lambda`) in the
    /// configuration's region; `env_id` is the service's suffix in
    /// `AWS_ENDPOINT_URL_<ID>` (e.g. `LAMBDA`).
    pub fn new(sdk: &SdkConfig, service: &'static str, env_id: &str) -> SignedClient {
        let region = sdk
            .region()
            .map(|r| r.to_string())
            .unwrap_or_else(|| "us-east-1".into());
        let endpoint = format!("https://{service}.{region}.amazonaws.com");
        SignedClient::at(sdk, service, env_id, region, endpoint)
    }

    /// A client of a service that answers in one region at one endpoint
    /// (the Price List: `us-east-1`, `https://api.pricing.us-east-1.amazonaws.com`),
    /// unless `AWS_ENDPOINT_URL_<ID>` or `AWS_ENDPOINT_URL` says otherwise.
    pub fn at(
        sdk: &SdkConfig,
        service: &'static str,
        env_id: &str,
        region: String,
        endpoint: String,
    ) -> SignedClient {
        let endpoint = std::env::var(format!("AWS_ENDPOINT_URL_{env_id}"))
            .ok()
            .filter(|v| !v.trim().is_empty())
            .or_else(|| sdk.endpoint_url().map(str::to_string))
            .unwrap_or(endpoint);
        SignedClient {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .connect_timeout(Duration::from_secs(5))
                .build()
                .expect("a client with only timeouts set builds"),
            credentials: sdk.credentials_provider(),
            region,
            endpoint: endpoint.trim_end_matches('/').to_string(),
            service,
        }
    }

    /// POSTs `body` to `path` with `headers`, signed. `operation` names the
    /// call in errors (`lambda:Invoke`). A status of 400 or more is an error
    /// whose code is the service's `__type`/`code` when it says one.
    pub async fn post(
        &self,
        operation: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Result<Answer, CallError> {
        let url = format!("{}{path}", self.endpoint);
        let failed = |code: &str, message: String| CallError::new(operation, code, message);
        let credentials = match &self.credentials {
            Some(p) => p
                .provide_credentials()
                .await
                .map_err(|e| failed("CredentialsNotLoaded", e.to_string()))?,
            None => return Err(failed("CredentialsNotLoaded", "no credentials".into())),
        };
        let identity = credentials.into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name(self.service)
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| failed("SigningFailed", e.to_string()))?
            .into();
        let signable = SignableRequest::new(
            "POST",
            &url,
            headers.iter().copied(),
            SignableBody::Bytes(&body),
        )
        .map_err(|e| failed("SigningFailed", e.to_string()))?;
        let (instructions, _) = sign(signable, &params)
            .map_err(|e| failed("SigningFailed", e.to_string()))?
            .into_parts();
        let mut req = self.http.post(&url).body(body);
        for (k, v) in headers.iter().copied().chain(instructions.headers()) {
            req = req.header(k, v);
        }
        let resp = req.send().await.map_err(|e| {
            let code = if e.is_timeout() {
                "Timeout"
            } else {
                "DispatchFailure"
            };
            failed(code, e.without_url().to_string())
        })?;
        let status = resp.status().as_u16();
        let type_header = resp
            .headers()
            .get("x-amzn-errortype")
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(':').next().unwrap_or(v).to_string());
        let body = resp
            .bytes()
            .await
            .map_err(|e| failed("ResponseError", e.without_url().to_string()))?
            .to_vec();
        if status >= 400 {
            let parsed: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
            let code = type_header
                .or_else(|| {
                    parsed["__type"]
                        .as_str()
                        .map(|t| t.rsplit('#').next().unwrap_or(t).to_string())
                })
                .or_else(|| parsed["code"].as_str().map(str::to_string))
                .unwrap_or_else(|| format!("HTTP{status}"));
            let message = parsed["message"]
                .as_str()
                .or_else(|| parsed["Message"].as_str())
                .unwrap_or_default()
                .to_string();
            return Err(failed(&code, message));
        }
        Ok(Answer { status, body })
    }
}

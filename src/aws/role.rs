//! A spoke's role, assumed once and kept: the assume-role provider asks STS
//! on every call, so the credentials are kept until five minutes before
//! they expire, shared by the reach check and the target's clients (one
//! AssumeRole per target per hour in a warm function, not one per tick).

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_config::sts::AssumeRoleProvider;
use aws_credential_types::provider::{future, ProvideCredentials};
use aws_credential_types::Credentials;
use tokio::sync::Mutex;

#[derive(Debug, Clone)]
pub struct AssumedRole {
    provider: Arc<AssumeRoleProvider>,
    kept: Arc<Mutex<Option<Credentials>>>,
}

/// How long before expiry kept credentials are renewed.
const RENEW_BEFORE: Duration = Duration::from_secs(300);

impl AssumedRole {
    pub fn new(provider: AssumeRoleProvider) -> AssumedRole {
        AssumedRole {
            provider: Arc::new(provider),
            kept: Arc::default(),
        }
    }

    async fn credentials(&self) -> aws_credential_types::provider::Result {
        let mut kept = self.kept.lock().await;
        let fresh = |c: &Credentials| {
            c.expiry()
                .is_none_or(|e| e > SystemTime::now() + RENEW_BEFORE)
        };
        if let Some(c) = kept.as_ref().filter(|c| fresh(c)) {
            return Ok(c.clone());
        }
        let c = self.provider.provide_credentials().await?;
        *kept = Some(c.clone());
        Ok(c)
    }
}

impl ProvideCredentials for AssumedRole {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.credentials())
    }
}

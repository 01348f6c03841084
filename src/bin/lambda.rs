//! The scheduler Lambda: wiring only (see `scheduler::lambda::handle`).

use lambda_runtime::{service_fn, Error, LambdaEvent};
use scheduler::env::Env;
use scheduler::lambda::{handle, PassEvent};
use scheduler::wiring::aws_deps;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let env = Env::from_env()?;
    let deps = aws_deps(&env).await;
    lambda_runtime::run(service_fn(|event: LambdaEvent<PassEvent>| {
        let deps = &deps;
        async move { handle(deps, event.payload).await.map_err(Error::from) }
    }))
    .await
}

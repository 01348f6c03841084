//! The scheduler Lambda: wiring only (see `scheduler::lambda::handle`).

use lambda_runtime::{service_fn, Error, LambdaEvent};
use scheduler::aws::sdk_config;
use scheduler::env::Env;
use scheduler::lambda::{handle_deployed, PassEvent};
use scheduler::wiring::{deps_from, Hub};

#[tokio::main]
async fn main() -> Result<(), Error> {
    scheduler::logs::init_lambda();
    let mut env = Env::from_env()?;
    // It returns counts: its rounds need no lists of servers.
    env.tuning.show_servers = false;
    let sdk = sdk_config().await;
    let single = deps_from(&env, &sdk);
    let hub = Hub::new(env, sdk);
    lambda_runtime::run(service_fn(|event: LambdaEvent<PassEvent>| {
        let (single, hub) = (&single, &hub);
        async move {
            // Boxed: the pass's future is too deep to lay out inline.
            Box::pin(handle_deployed(single, hub, event.payload))
                .await
                .map_err(Error::from)
        }
    }))
    .await
}

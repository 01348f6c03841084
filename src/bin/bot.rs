//! The chat-command Lambda behind a Function URL: wiring only (see
//! `scheduler::bot`). The Function URL has `AuthType: NONE`; every request
//! is authenticated in `Bot::handle`.

use lambda_http::{service_fn, Body, Error, Request, Response};
use scheduler::aws::sdk_config;
use scheduler::bot::HttpRequest;
use scheduler::env::Env;
use scheduler::wiring;

#[tokio::main]
async fn main() -> Result<(), Error> {
    scheduler::logs::init_lambda();
    let env = Env::from_env()?;
    let bot = wiring::lambda_bot(&env, &sdk_config().await);
    lambda_http::run(service_fn(|req: Request| {
        let bot = &bot;
        async move {
            let request =
                HttpRequest::from_http(req.method(), req.uri(), req.headers(), req.body());
            let answer = bot.handle(&request, chrono::Utc::now()).await;
            let mut response = Response::builder().status(answer.status);
            for (name, value) in answer.headers() {
                response = response.header(name, value);
            }
            response.body(Body::Text(answer.body)).map_err(Error::from)
        }
    }))
    .await
}

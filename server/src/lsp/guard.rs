//! Keeps a panicking handler from taking the server down: the request fails, the panic is logged.
//!
//! `tower-lsp-server` runs every handler's future inside its one serving loop, so an
//! unwinding handler would end the whole server. [`CatchPanic`] wraps the service: a
//! request whose handler panics is answered with an internal error, a notification is
//! dropped, and the client is told with `window/logMessage`. The server goes on.

use crate::rules::panic_message;
use futures::FutureExt;
use futures::future::BoxFuture;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use tower_lsp_server::Client;
use tower_lsp_server::jsonrpc::{Error, Request, Response};
use tower_lsp_server::ls_types::MessageType;
use tower_service::Service;

/// A service wrapper that turns a handler's panic into an error response and a log message.
pub struct CatchPanic<S> {
    inner: S,
    /// The client, once the service has been built, to log failures with.
    client: Arc<OnceLock<Client>>,
}

impl<S> CatchPanic<S> {
    pub fn new(inner: S, client: Arc<OnceLock<Client>>) -> Self {
        CatchPanic { inner, client }
    }
}

impl<S> Service<Request> for CatchPanic<S>
where
    S: Service<Request, Response = Option<Response>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = Option<Response>;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let method = request.method().to_owned();
        let id = request.id().cloned();
        let client = self.client.clone();
        // Building the future may run handler code too, so it is guarded as well.
        let future = match std::panic::catch_unwind(AssertUnwindSafe(|| self.inner.call(request))) {
            Ok(future) => future,
            Err(payload) => {
                let message = panic_message(payload.as_ref());
                return async move { Ok(failed(&client, &method, id, message).await) }.boxed();
            }
        };
        async move {
            match AssertUnwindSafe(future).catch_unwind().await {
                Ok(result) => result,
                Err(payload) => {
                    let message = panic_message(payload.as_ref());
                    Ok(failed(&client, &method, id, message).await)
                }
            }
        }
        .boxed()
    }
}

/// Logs a handler's failure and builds the answer to its request (none for a notification).
async fn failed(
    client: &OnceLock<Client>,
    method: &str,
    id: Option<tower_lsp_server::jsonrpc::Id>,
    message: String,
) -> Option<Response> {
    if let Some(client) = client.get() {
        client
            .log_message(
                MessageType::ERROR,
                format!("ddia: handling `{method}` failed and was skipped: {message}"),
            )
            .await;
    }
    id.map(|id| {
        let mut error = Error::internal_error();
        error.message = format!("ddia failed to handle `{method}`: {message}").into();
        Response::from_error(id, error)
    })
}

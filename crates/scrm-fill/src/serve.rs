//! The loopback HTTP server: checks each request's head ([`App::check`]), reads the body up to
//! the app's limit, has [`App::answer`] answer it and writes the response with the security
//! headers. Each request is answered on a thread of its own: a body sent slowly, or the body of
//! a refused request (which the HTTP library reads to its end before the connection can be
//! used again), holds up only its own request, never the page.

use crate::app::{App, Head, Response, SECURITY_HEADERS};
use std::io::Read as _;
use std::sync::Arc;
use std::time::Instant;

/// Why the server stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The loopback port could not be bound.
    #[error("cannot listen on 127.0.0.1:{port}: {why}")]
    Bind {
        /// The port asked for (0: any free one).
        port: u16,
        /// What the system said.
        why: String,
    },
}

/// Binds the server to 127.0.0.1 (never another interface: the page is for this computer).
pub fn bind(port: u16) -> Result<tiny_http::Server, ServeError> {
    tiny_http::Server::http(("127.0.0.1", port)).map_err(|e| ServeError::Bind {
        port,
        why: e.to_string(),
    })
}

/// The port a bound server listens on.
pub fn port_of(server: &tiny_http::Server) -> u16 {
    server.server_addr().to_ip().map_or(0, |a| a.port())
}

fn header<'r>(req: &'r tiny_http::Request, name: &'static str) -> Option<&'r str> {
    req.headers()
        .iter()
        .find(|h| h.field.equiv(name))
        .map(|h| h.value.as_str())
}

/// Serves requests until the server is unblocked (`Server::unblock`) or fails.
pub fn serve(server: &tiny_http::Server, app: &Arc<App>) {
    for req in server.incoming_requests() {
        let app = Arc::clone(app);
        let spawned = std::thread::Builder::new()
            .name("scrm-fill-request".into())
            .spawn(move || answer(req, &app));
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "no thread for a request; it was answered 500");
        }
    }
}

/// Answers one request, on the thread it was given.
fn answer(mut req: tiny_http::Request, app: &App) {
    let started = Instant::now();
    let method = req.method().as_str().to_string();
    let url = req.url().to_string();
    let head = Head {
        method: &method,
        url: &url,
        host: header(&req, "Host"),
        origin: header(&req, "Origin"),
        content_type: header(&req, "Content-Type"),
        content_length: req.body_length(),
    };
    // The head is checked before the body is read: a request without the secret is
    // answered at once, whatever body it is sending, slowly or not.
    let checked = app.check(&head);
    let route = checked.as_ref().map_or("-", |r| r.as_str());
    let response = match checked {
        Err(r) => r,
        Ok(route) => {
            // One byte past the limit, to know the body went past it without holding it.
            let mut body = Vec::new();
            match req
                .as_reader()
                .take(app.max_body() as u64 + 1)
                .read_to_end(&mut body)
            {
                Ok(_) => app.answer(route, &body),
                Err(e) => {
                    tracing::debug!(error = %e, "a request's body could not be read");
                    Response {
                        status: 400,
                        headers: vec![("Content-Type", "text/plain; charset=utf-8".into())],
                        body: b"the request's body could not be read\n".to_vec(),
                    }
                }
            }
        }
    };
    let status = response.status;
    let mut out = tiny_http::Response::from_data(response.body).with_status_code(status);
    for (k, v) in SECURITY_HEADERS
        .iter()
        .map(|(k, v)| (*k, (*v).to_string()))
        .chain(response.headers)
    {
        // Every header is ours and ASCII; one that were not would be left out, not sent.
        if let Ok(h) = tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()) {
            out.add_header(h);
        }
    }
    // The address holds the secret: the log names the route only, never the target.
    tracing::info!(
        method = %method.escape_debug(),
        route,
        status,
        ms = started.elapsed().as_millis() as u64,
        "request"
    );
    if let Err(e) = req.respond(out) {
        tracing::debug!(error = %e, "the response could not be sent");
    }
}

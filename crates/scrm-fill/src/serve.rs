//! The loopback HTTP server: reads each request (the body up to the app's limit), hands it to
//! [`App::handle`] and writes the response with the security headers. One request at a time:
//! there is one user, and scoring one supplier takes milliseconds.

use crate::app::{App, Request, SECURITY_HEADERS};
use std::io::Read as _;
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
pub fn serve(server: &tiny_http::Server, app: &App) {
    for mut req in server.incoming_requests() {
        let started = Instant::now();
        let max = app.max_body();
        // Read one byte past the limit, to know the body went past it without holding it.
        let mut body = Vec::new();
        let read = req.as_reader().take(max as u64 + 1).read_to_end(&mut body);
        let method = req.method().as_str().to_string();
        let url = req.url().to_string();
        let response = match read {
            Err(e) => {
                tracing::debug!(error = %e, "a request's body could not be read");
                crate::app::Response {
                    status: 400,
                    headers: vec![("Content-Type", "text/plain; charset=utf-8".into())],
                    body: b"the request's body could not be read\n".to_vec(),
                }
            }
            Ok(_) => app.handle(&Request {
                method: &method,
                url: &url,
                host: header(&req, "Host"),
                origin: header(&req, "Origin"),
                content_type: header(&req, "Content-Type"),
                body: &body,
            }),
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
        // The address holds the secret: the log names the route only.
        let route = url
            .splitn(3, '/')
            .nth(2)
            .unwrap_or("")
            .split('?')
            .next()
            .unwrap_or("");
        tracing::info!(
            method = %method.escape_debug(),
            route = %route.escape_debug(),
            status,
            ms = started.elapsed().as_millis() as u64,
            "request"
        );
        if let Err(e) = req.respond(out) {
            tracing::debug!(error = %e, "the response could not be sent");
        }
    }
}

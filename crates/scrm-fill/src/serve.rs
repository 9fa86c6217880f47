//! The loopback HTTP server: hyper (HTTP/1.1) on a small tokio runtime of its own. Each request's
//! head is checked first ([`App::check`]); a refused request is answered at once and its body is
//! never read. An accepted one has its body read up to the app's limit, within a deadline, and
//! is answered by [`App::answer`] on a blocking thread (scoring is CPU work). A connection must
//! send its request head within a deadline too: a client that sends slowly holds up nothing but
//! its own connection.

use crate::app::{App, Head, Response, SECURITY_HEADERS};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HOST, ORIGIN};
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a client may take to send a request's head.
const HEAD_DEADLINE: Duration = Duration::from_secs(30);
/// How long a client may take to send a form (8 MiB over loopback takes milliseconds).
const BODY_DEADLINE: Duration = Duration::from_secs(120);

/// Why the server could not run.
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
    /// The server's runtime could not start.
    #[error("cannot start the page's server: {0}")]
    Runtime(String),
}

/// Binds 127.0.0.1 (never another interface: the page is for this computer).
pub fn bind(port: u16) -> Result<TcpListener, ServeError> {
    let bind_error = |e: std::io::Error| ServeError::Bind {
        port,
        why: e.to_string(),
    };
    let l = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).map_err(bind_error)?;
    l.set_nonblocking(true).map_err(bind_error)?;
    Ok(l)
}

/// The port a bound listener listens on.
pub fn port_of(listener: &TcpListener) -> u16 {
    listener.local_addr().map_or(0, |a| a.port())
}

/// A server running on a thread of its own ([`spawn`]).
pub struct Running {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<Result<(), ServeError>>>,
}

impl Running {
    /// Stops accepting connections and waits for the server's thread.
    pub fn stop(mut self) -> Result<(), ServeError> {
        self.shut()
    }

    fn shut(&mut self) -> Result<(), ServeError> {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        match self.thread.take().map(std::thread::JoinHandle::join) {
            Some(Ok(r)) => r,
            Some(Err(_)) => Err(ServeError::Runtime("the server's thread panicked".into())),
            None => Ok(()),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.shut();
    }
}

/// Serves `app` on `listener` until the process ends (`scrm fill`).
pub fn serve(listener: TcpListener, app: Arc<App>) -> Result<(), ServeError> {
    let (_keep, stop) = tokio::sync::oneshot::channel();
    run(listener, app, stop)
}

/// Serves `app` on `listener` on a thread of its own, until [`Running::stop`] (tests).
pub fn spawn(listener: TcpListener, app: Arc<App>) -> Result<Running, ServeError> {
    let (tx, stop) = tokio::sync::oneshot::channel();
    let thread = std::thread::Builder::new()
        .name("scrm-fill-server".into())
        .spawn(move || run(listener, app, stop))
        .map_err(|e| ServeError::Runtime(e.to_string()))?;
    Ok(Running {
        stop: Some(tx),
        thread: Some(thread),
    })
}

fn run(
    listener: TcpListener,
    app: Arc<App>,
    stop: tokio::sync::oneshot::Receiver<()>,
) -> Result<(), ServeError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("scrm-fill")
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| ServeError::Runtime(e.to_string()))?;
    rt.block_on(accept_loop(listener, app, stop))
}

async fn accept_loop(
    listener: TcpListener,
    app: Arc<App>,
    mut stop: tokio::sync::oneshot::Receiver<()>,
) -> Result<(), ServeError> {
    let listener = tokio::net::TcpListener::from_std(listener)
        .map_err(|e| ServeError::Runtime(e.to_string()))?;
    loop {
        let accepted = tokio::select! {
            _ = &mut stop => return Ok(()),
            a = listener.accept() => a,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of file descriptors, say: wait a moment rather than spin.
                tracing::debug!(error = %e, "a connection could not be accepted");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let app = Arc::clone(&app);
        tokio::spawn(async move {
            let service = service_fn(move |req| answer(Arc::clone(&app), req));
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEAD_DEADLINE)
                .serve_connection(TokioIo::new(stream), service);
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "a connection ended in error");
            }
        });
    }
}

/// Answers one request.
async fn answer(
    app: Arc<App>,
    req: hyper::Request<Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, Infallible> {
    let started = Instant::now();
    let (parts, body) = req.into_parts();
    let header = |name| parts.headers.get(name).and_then(|v| v.to_str().ok());
    let url = parts.uri.to_string();
    let head = Head {
        method: parts.method.as_str(),
        url: &url,
        host: header(HOST),
        origin: header(ORIGIN),
        content_type: header(CONTENT_TYPE),
        content_length: header(CONTENT_LENGTH).and_then(|v| v.trim().parse().ok()),
    };
    let checked = app.check(&head);
    let route = checked.as_ref().map_or("refused", |r| r.as_str());
    let method = parts.method.as_str().to_string();
    let response = match checked {
        // Refused on its head: the body is never read (hyper closes the connection).
        Err(r) => r,
        Ok(route) => {
            let limited = Limited::new(body, app.max_body());
            match tokio::time::timeout(BODY_DEADLINE, limited.collect()).await {
                Err(_) => Response::text(408, "the form was not sent in time"),
                Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => Response::text(
                    413,
                    &format!("the form is larger than {} bytes", app.max_body()),
                ),
                Ok(Err(e)) => {
                    tracing::debug!(error = %e, "a request's body could not be read");
                    Response::text(400, "the request's body could not be read")
                }
                Ok(Ok(collected)) => {
                    let bytes = collected.to_bytes();
                    let app = Arc::clone(&app);
                    let content_type = head.content_type.map(str::to_string);
                    tokio::task::spawn_blocking(move || {
                        app.answer(route, content_type.as_deref(), &bytes)
                    })
                    .await
                    .unwrap_or_else(|_| Response::text(500, "the page could not be made"))
                }
            }
        }
    };
    let status = response.status;
    let mut out = hyper::Response::builder().status(status);
    for (k, v) in SECURITY_HEADERS
        .iter()
        .map(|(k, v)| (*k, (*v).to_string()))
        .chain(response.headers)
    {
        out = out.header(k, v);
    }
    // The address holds the secret: the log names the route, never the target.
    tracing::info!(
        method = %method.escape_debug(),
        route,
        status,
        ms = started.elapsed().as_millis() as u64,
        "request"
    );
    Ok(out
        .body(Full::new(Bytes::from(response.body)))
        .unwrap_or_else(|_| {
            // Every header is ours and ASCII, so this cannot happen; were it to, a 500 with the
            // security headers, never a bare 200.
            let mut r = hyper::Response::new(Full::new(Bytes::from_static(b"")));
            *r.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
            for (k, v) in SECURITY_HEADERS {
                r.headers_mut()
                    .insert(k, hyper::header::HeaderValue::from_static(v));
            }
            r
        }))
}

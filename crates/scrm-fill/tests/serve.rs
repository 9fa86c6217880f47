//! The server over real sockets: a request without the secret is answered without its body
//! being waited for or read, whatever length it declares, and a body sent slowly holds up only
//! its own request, never the page.

use scrm_catalog::Catalog;
use scrm_fill::{App, FillConfig};
use scrm_policy::Policy;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

fn config() -> FillConfig {
    let catalog = Catalog::builtin().clone();
    let policy = Policy::builtin(Some(&catalog)).unwrap_or_else(|e| panic!("{e}"));
    let now = chrono::DateTime::from_timestamp(1_793_000_000, 0).unwrap_or_default();
    FillConfig {
        max_body: 1 << 20,
        max_fields: 5_000,
        tool_version: "test".into(),
        ..FillConfig::new(catalog, policy, Arc::new(move || now))
    }
}

/// The status line of a GET of `path`. A hang fails the test after a minute rather than
/// stalling the suite (a liveness bound, not a time measured).
fn status_of(host: &str, path: &str) -> String {
    let mut s = TcpStream::connect(host).unwrap_or_else(|e| panic!("{e}"));
    s.set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap_or_else(|e| panic!("{e}"));
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut first = [0u8; 15];
    s.read_exact(&mut first)
        .unwrap_or_else(|e| panic!("no answer to GET {path}: {e}"));
    String::from_utf8_lossy(&first).into_owned()
}

#[test]
fn a_slow_body_holds_up_only_its_own_request() {
    let listener = scrm_fill::bind(0).unwrap_or_else(|e| panic!("{e}"));
    let port = scrm_fill::port_of(&listener);
    let app = Arc::new(App::new(
        config(),
        "0123456789abcdef0123456789abcdef".into(),
        port,
    ));
    let running = scrm_fill::spawn(listener, Arc::clone(&app)).unwrap_or_else(|e| panic!("{e}"));
    let host = format!("127.0.0.1:{port}");
    let page = "/0123456789abcdef0123456789abcdef/";
    // Without the secret, announcing a body and never sending it.
    let mut stranger = TcpStream::connect(&host).unwrap_or_else(|e| panic!("{e}"));
    write!(
        stranger,
        "POST /nope HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"
    )
    .unwrap_or_else(|e| panic!("{e}"));
    // With it, sending three bytes of a hundred thousand.
    let mut slow = TcpStream::connect(&host).unwrap_or_else(|e| panic!("{e}"));
    write!(
        slow,
        "POST {page}score HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\nabc"
    )
    .unwrap_or_else(|e| panic!("{e}"));
    // Declaring a body no memory could hold, with and without the secret.
    let mut huge = TcpStream::connect(&host).unwrap_or_else(|e| panic!("{e}"));
    write!(
        huge,
        "POST /nope HTTP/1.1\r\nHost: {host}\r\nContent-Length: 99999999999999\r\n\r\n"
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut huge2 = TcpStream::connect(&host).unwrap_or_else(|e| panic!("{e}"));
    write!(
        huge2,
        "POST {page}score HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 99999999999999\r\n\r\nabc"
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut first = [0u8; 12];
    for s in [&mut huge, &mut huge2] {
        s.set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap_or_else(|e| panic!("{e}"));
        s.read_exact(&mut first).unwrap_or_else(|e| panic!("{e}"));
    }
    std::thread::sleep(Duration::from_millis(200));
    // The page still answers, promptly, while all of them hang on.
    assert_eq!(status_of(&host, page), "HTTP/1.1 200 OK");
    assert_eq!(status_of(&host, "/nope"), "HTTP/1.1 404 No");
    drop((huge, huge2));
    drop((stranger, slow));
    running.stop().unwrap_or_else(|e| panic!("{e}"));
}

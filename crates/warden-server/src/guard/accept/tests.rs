use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

use crate::guard::{Guard, Headroom, Limits};

/// Serves a trivial router under `limits`; its port and the sender that stops it.
async fn server(limits: Limits) -> (u16, tokio::sync::oneshot::Sender<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let guard = Arc::new(Guard::new(limits, Headroom::Unmeasured));
    let router = Router::new().route("/", get(|| async { "ok" }));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(super::serve(listener, None, router, guard, async {
        drop(stopped.await);
    }));
    (port, stop)
}

/// Reads until the server closes the connection (EOF or reset); what it sent.
async fn until_closed(stream: &mut TcpStream) -> Vec<u8> {
    let mut received = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut received));
    let _closed = read.await.expect("the server closes the connection");
    received
}

#[tokio::test]
async fn connections_past_the_per_source_cap_are_closed_on_accept() {
    let (port, _stop) = server(Limits {
        max_connections_per_source: 2,
        ..Limits::default()
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        // A request proves the connection was admitted (and keeps it open).
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        let mut answer = [0; 12];
        stream.read_exact(&mut answer).await.unwrap();
        assert_eq!(&answer, b"HTTP/1.1 200");
        held.push(stream);
    }
    let mut third = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let _ = third.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert!(
        until_closed(&mut third).await.is_empty(),
        "closed unanswered"
    );
    // A slot given back is usable again.
    drop(held.pop());
    let mut answered = false;
    for _ in 0..100 {
        let mut again = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        let _ = again
            .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await;
        if until_closed(&mut again).await.starts_with(b"HTTP/1.1 200") {
            answered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(answered, "the freed slot admits a new connection");
}

#[tokio::test]
async fn a_request_head_that_never_completes_is_cut_at_the_header_timeout() {
    let (port, _stop) = server(Limits {
        header_timeout: Duration::from_secs(1),
        ..Limits::default()
    })
    .await;
    let mut slow = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    slow.write_all(b"POST / HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let received = until_closed(&mut slow).await;
    assert!(!received.starts_with(b"HTTP/1.1 200"));
}

#[tokio::test]
async fn when_full_a_client_with_a_request_displaces_a_silent_connection() {
    let (port, _stop) = server(Limits {
        max_connections: 2,
        ..Limits::default()
    })
    .await;
    let mut silent = Vec::new();
    for _ in 0..2 {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        stream.write_all(b"POST / HTTP/1.1\r\n").await.unwrap();
        silent.push(stream);
    }
    // Give the server a moment to admit both (admission is in order of accept).
    let mut served = false;
    for _ in 0..100 {
        let mut client = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        let _ = client
            .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await;
        if until_closed(&mut client).await.starts_with(b"HTTP/1.1 200") {
            served = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(served, "a newcomer is served although all slots were held");
    // The oldest silent connection was the one closed.
    let received = until_closed(&mut silent[0]).await;
    assert!(!received.starts_with(b"HTTP/1.1 200"));
}

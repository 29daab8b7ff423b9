use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;

use super::Connection;

/// A server that answers every request on every connection with `answers[i]` in turn (one
/// request per read), closing the connection after the answers marked to close.
async fn serve(answers: Vec<(&'static str, bool)>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move {
        let mut answers = answers.into_iter();
        'connections: loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buffer = [0_u8; 4096];
            loop {
                if socket.read(&mut buffer).await.unwrap_or(0) == 0 {
                    continue 'connections;
                }
                let Some((answer, close)) = answers.next() else {
                    return;
                };
                socket.write_all(answer.as_bytes()).await.unwrap();
                if close {
                    continue 'connections;
                }
            }
        }
    });
    address
}

const REQUEST: &[u8] = b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n";

#[tokio::test]
async fn reads_length_and_chunked_answers_on_one_connection() {
    let address = serve(vec![
        ("HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello", false),
        (
            "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n",
            false,
        ),
        ("HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n", false),
    ])
    .await;
    let mut connection = Connection::new(address);
    for _ in 0..3 {
        connection.exchange(REQUEST).await.unwrap();
    }
}

#[tokio::test]
async fn reconnects_after_a_server_that_closes() {
    let address = serve(vec![
        (
            "HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nuntil close",
            true,
        ),
        ("HTTP/1.0 200 OK\r\ncontent-length: 2\r\n\r\nok", true),
        ("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok", true),
        ("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok", false),
    ])
    .await;
    let mut connection = Connection::new(address);
    for _ in 0..4 {
        connection.exchange(REQUEST).await.unwrap();
    }
}

#[tokio::test]
async fn an_error_status_is_an_error_with_its_body() {
    let address = serve(vec![(
        "HTTP/1.1 403 Forbidden\r\ncontent-length: 12\r\n\r\nAccessDenied",
        false,
    )])
    .await;
    let error = Connection::new(address)
        .exchange(REQUEST)
        .await
        .unwrap_err()
        .to_string();
    assert_eq!(error, "403: AccessDenied");
}

#[tokio::test]
async fn a_truncated_answer_is_an_error() {
    let address = serve(vec![(
        "HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nshort",
        true,
    )])
    .await;
    let error = Connection::new(address)
        .exchange(REQUEST)
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("inside an answer's body"),
        "{error}"
    );
}

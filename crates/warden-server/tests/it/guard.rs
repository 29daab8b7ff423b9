//! Throttling as the pipeline applies it: failed authentication per source and per claimed
//! key, opt-in limits on authenticated calls, AWS's throttling errors on both protocols.
//!
//! Limits are one token a second with small bursts, so a test's quick succession of
//! requests meets them whatever the machine's speed; no assertion depends on timing.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use warden_protocol::{cloudtrail, iam, sts};
use warden_server::Limits;

use crate::operations::{Harness, json_request, query_request};

/// `request` as if it came from `source`.
fn from(source: &str, mut request: Request<Body>) -> Request<Body> {
    let addr: SocketAddr = format!("{source}:40000").parse().unwrap();
    request.extensions_mut().insert(ConnectInfo(addr));
    request
}

fn get_user() -> &'static str {
    "Action=GetUser&Version=2010-05-08"
}

/// The owner's own call (authenticated, so answered whatever its policies).
fn whoami(key: &str, secret: &str) -> Request<Body> {
    let body = "Action=GetCallerIdentity&Version=2011-06-15";
    from("192.0.2.1", query_request(&sts::META, body, key, secret))
}

/// One failure a second per source and per key, bursts of five.
fn strict() -> Limits {
    Limits {
        auth_failures_per_second: 1,
        ..Limits::default()
    }
}

fn is_throttling(status: StatusCode, body: &str) -> bool {
    status == StatusCode::BAD_REQUEST
        && body.contains("<Code>Throttling</Code>")
        && body.contains("<Message>Rate exceeded</Message>")
}

#[tokio::test]
async fn guessing_a_secret_is_throttled_while_the_owner_elsewhere_is_served() {
    let harness = Harness::with_limits(strict()).await;
    let (key, secret) = harness.nobody.clone();
    let guess = || {
        from(
            "198.51.100.7",
            query_request(&iam::META, get_user(), &key, "guess"),
        )
    };
    // The burst: five guesses are checked and fail as AWS fails them.
    for _ in 0..5 {
        let (status, body) = harness.send(guess()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert!(
            body.contains("<Code>SignatureDoesNotMatch</Code>"),
            "{body}"
        );
    }
    // Then the guesser is throttled (a token a second cannot keep up with 30 requests)…
    let mut throttled = false;
    for _ in 0..30 {
        let (status, body) = harness.send(guess()).await;
        throttled |= is_throttling(status, &body);
    }
    assert!(throttled, "guesses are throttled past the burst");
    // …even when the guess is right: the source is refused before any check.
    let (status, body) = harness
        .send(from(
            "198.51.100.7",
            query_request(&iam::META, get_user(), &key, &secret),
        ))
        .await;
    assert!(is_throttling(status, &body), "{status} {body}");
    // The key's owner, from another address, is served.
    let (status, body) = harness.send(whoami(&key, &secret)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The failures are not recorded one by one (they are aggregated per interval).
    let failures = harness
        .events()
        .into_iter()
        .filter(|event| event["userIdentity"]["type"] == "Unknown")
        .count();
    assert_eq!(failures, 0);
}

#[tokio::test]
async fn a_key_guessed_from_many_addresses_is_throttled_but_its_owner_is_not() {
    let harness = Harness::with_limits(strict()).await;
    let (key, secret) = harness.nobody.clone();
    let mut answers = Vec::new();
    for i in 0..30 {
        let source = format!("198.51.100.{i}");
        let (status, body) = harness
            .send(from(
                &source,
                query_request(&iam::META, get_user(), &key, "guess"),
            ))
            .await;
        answers.push(is_throttling(status, &body));
    }
    assert!(!answers[..5].contains(&true), "the key's burst is checked");
    assert!(
        answers.contains(&true),
        "then the key's failures are throttled"
    );
    let (status, body) = harness.send(whoami(&key, &secret)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn made_up_keys_are_throttled_on_the_json_protocol_as_throttling_exception() {
    let harness = Harness::with_limits(strict()).await;
    let mut codes = Vec::new();
    for i in 0..30 {
        let key = format!("AKIAMADEUP{i:010}");
        let request = json_request(&cloudtrail::META, "DescribeTrails", "{}", &key, "secret");
        let (status, body) = harness.send(from("203.0.113.9", request)).await;
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        codes.push((
            status,
            json["__type"].as_str().unwrap_or_default().to_owned(),
        ));
    }
    assert!(
        codes[..5]
            .iter()
            .all(|(status, _)| *status == StatusCode::FORBIDDEN)
    );
    let throttled = codes
        .iter()
        .find(|(_, code)| code.contains("ThrottlingException"))
        .expect("made-up keys are throttled past the burst");
    assert_eq!(throttled.0, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn authenticated_calls_are_throttled_only_when_asked_and_recorded_one_to_one() {
    // By default, a fast authenticated client is never throttled.
    let harness = Harness::with_limits(strict()).await;
    let (key, secret) = harness.nobody.clone();
    let call = || {
        let body = "Action=GetCallerIdentity&Version=2011-06-15";
        from("192.0.2.1", query_request(&sts::META, body, &key, &secret))
    };
    for _ in 0..50 {
        let (status, body) = harness.send(call()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    // With --rate-limit-per-key 5 (a burst of five), a quick succession of 20 is.
    let harness = Harness::with_limits(Limits {
        calls_per_key: Some(5),
        ..Limits::default()
    })
    .await;
    let (key, secret) = harness.nobody.clone();
    let mut throttled = 0;
    for _ in 0..20 {
        let (status, body) = harness.send(whoami(&key, &secret)).await;
        throttled += usize::from(is_throttling(status, &body));
    }
    assert!(throttled > 0);
    let recorded = harness
        .events()
        .into_iter()
        .filter(|event| event["errorCode"] == "Throttling")
        .inspect(|event| assert_eq!(event["userIdentity"]["type"], "IAMUser"))
        .count();
    assert_eq!(
        recorded, throttled,
        "authenticated calls are recorded one to one"
    );
}

#[tokio::test]
async fn rate_limit_per_source_throttles_that_address_only() {
    let harness = Harness::with_limits(Limits {
        calls_per_source: Some(1),
        ..Limits::default()
    })
    .await;
    let (key, secret) = harness.nobody.clone();
    let mut throttled = 0;
    for _ in 0..10 {
        let (status, body) = harness.send(whoami(&key, &secret)).await;
        throttled += usize::from(is_throttling(status, &body));
    }
    assert!(throttled > 0);
    let body = "Action=GetCallerIdentity&Version=2011-06-15";
    let elsewhere = from("192.0.2.2", query_request(&sts::META, body, &key, &secret));
    let (status, body) = harness.send(elsewhere).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

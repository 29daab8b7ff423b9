//! `warden-loadgen`: sends one SigV4-signed AWS request over and over, from many keep-alive
//! connections, and reports throughput and latency percentiles as one JSON line.
//!
//! Two modes:
//! - closed loop (default): each connection sends its next request as soon as the previous
//!   answer arrives — the peak rate;
//! - open loop (`--rate R`): requests are scheduled at a fixed total rate and latency is
//!   measured from the scheduled time, so a stalled server cannot hide its queueing delay.
//!
//! The same binary drives Warden and its peers (moto), so the comparison is like for like.

use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context as _, bail};
use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use bytes::Bytes;
use clap::Parser;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;

/// Load generator options.
#[derive(Debug, Parser)]
struct Args {
    /// Base URL, e.g. http://127.0.0.1:4750
    #[arg(long)]
    endpoint: String,
    /// Signing service (credential scope), e.g. sts or iam.
    #[arg(long)]
    service: String,
    /// The form body, e.g. Action=GetCallerIdentity&Version=2011-06-15
    #[arg(long)]
    body: String,
    /// Access key id to sign with.
    #[arg(long, env = "AWS_ACCESS_KEY_ID")]
    access_key_id: String,
    /// Secret access key to sign with.
    #[arg(long, env = "AWS_SECRET_ACCESS_KEY", hide_env_values = true)]
    secret_access_key: String,
    /// Concurrent keep-alive connections.
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// How long to send, in seconds (after a one-second warm-up).
    #[arg(long, default_value_t = 5.0)]
    seconds: f64,
    /// Fixed total request rate per second (open loop); absent means as fast as possible.
    #[arg(long)]
    rate: Option<f64>,
    /// A label copied into the JSON output.
    #[arg(long, default_value = "")]
    label: String,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let report = runtime.block_on(run(&args))?;
    println!("{report}");
    Ok(())
}

/// A request ready to send again and again.
#[derive(Clone)]
struct Prepared {
    host: String,
    port: u16,
    request: http::Request<Full<Bytes>>,
}

async fn run(args: &Args) -> anyhow::Result<serde_json::Value> {
    let prepared = prepare(args)?;
    // Warm-up: connections, caches, the server's signing-key cache.
    drive(&prepared, args.connections, Duration::from_secs(1), None).await?;
    let duration = Duration::from_secs_f64(args.seconds);
    let started = Instant::now();
    let mut latencies = drive(&prepared, args.connections, duration, args.rate).await?;
    let elapsed = started.elapsed().as_secs_f64();
    if latencies.is_empty() {
        bail!("no request completed");
    }
    latencies.sort_unstable();
    let pick = |q: f64| {
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "q is in [0, 1], so the index is within the list"
        )]
        let index = ((latencies.len() as f64 - 1.0) * q).round() as usize;
        latencies
            .get(index)
            .copied()
            .unwrap_or_default()
            .as_secs_f64()
            * 1e6
    };
    Ok(serde_json::json!({
        "label": args.label,
        "requests": latencies.len(),
        "seconds": elapsed,
        "rps": latencies.len() as f64 / elapsed,
        "offered_rate": args.rate,
        "p50_us": pick(0.50),
        "p90_us": pick(0.90),
        "p99_us": pick(0.99),
        "max_us": pick(1.0),
    }))
}

fn prepare(args: &Args) -> anyhow::Result<Prepared> {
    let uri: http::Uri = args.endpoint.parse().context("bad --endpoint")?;
    let host = uri.host().context("--endpoint needs a host")?.to_owned();
    let port = uri.port_u16().unwrap_or(80);
    let url = format!("{}/", args.endpoint.trim_end_matches('/'));
    let host_header = format!("{host}:{port}");
    let headers = [
        ("host", host_header.as_str()),
        (
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        ),
    ];
    let identity = Credentials::new(
        &args.access_key_id,
        &args.secret_access_key,
        None,
        None,
        "loadgen",
    )
    .into();
    #[expect(
        clippy::disallowed_methods,
        reason = "a benchmark client signs with the wall clock"
    )]
    let now = SystemTime::now();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name(&args.service)
        .time(now)
        .settings(SigningSettings::default())
        .build()?
        .into();
    let signable = SignableRequest::new(
        "POST",
        &url,
        headers.iter().copied(),
        SignableBody::Bytes(args.body.as_bytes()),
    )?;
    let (instructions, _signature) = sign(signable, &params)?.into_parts();
    let mut request = http::Request::builder().method("POST").uri("/");
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let mut request = request.body(Full::new(Bytes::from(args.body.clone())))?;
    instructions.apply_to_request_http1x(&mut request);
    Ok(Prepared {
        host,
        port,
        request,
    })
}

/// Run `connections` workers for `duration`; returns every request's latency.
async fn drive(
    prepared: &Prepared,
    connections: usize,
    duration: Duration,
    rate: Option<f64>,
) -> anyhow::Result<Vec<Duration>> {
    let deadline = Instant::now() + duration;
    let interval = rate.map(|r| Duration::from_secs_f64(connections as f64 / r));
    let mut workers = tokio::task::JoinSet::new();
    for worker in 0..connections {
        let prepared = prepared.clone();
        workers.spawn(async move {
            worker_loop(prepared, deadline, interval, worker, connections).await
        });
    }
    let mut all = Vec::new();
    while let Some(result) = workers.join_next().await {
        all.extend(result??);
    }
    Ok(all)
}

async fn connect(prepared: &Prepared) -> anyhow::Result<Sender> {
    let stream = tokio::net::TcpStream::connect((prepared.host.as_str(), prepared.port)).await?;
    stream.set_nodelay(true)?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    Ok(sender)
}

type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

/// Send one request; reconnect once when the server closed the connection (servers without
/// keep-alive, such as moto's, close after every answer).
async fn send_one(prepared: &Prepared, sender: &mut Sender) -> anyhow::Result<()> {
    let reusable = sender.ready().await.is_ok();
    if !reusable {
        *sender = connect(prepared).await?;
    }
    let response = match sender.send_request(prepared.request.clone()).await {
        Ok(response) => response,
        Err(error) if error.is_canceled() || error.is_closed() => {
            *sender = connect(prepared).await?;
            sender.send_request(prepared.request.clone()).await?
        }
        Err(error) => return Err(error.into()),
    };
    let status = response.status();
    let body = response.into_body().collect().await?.to_bytes();
    if !status.is_success() {
        bail!("{status}: {}", String::from_utf8_lossy(&body));
    }
    Ok(())
}

/// Sleep until `at` with sub-millisecond precision: tokio timers fire on millisecond ticks,
/// so the last stretch is spent yielding. Latency is then measured from the scheduled time,
/// which charges the server (not the generator) for any queueing.
async fn wait_until(at: Instant) {
    const TIMER_SLACK: Duration = Duration::from_millis(2);
    if let Some(early) = at.checked_sub(TIMER_SLACK)
        && early > Instant::now()
    {
        tokio::time::sleep_until(early.into()).await;
    }
    while Instant::now() < at {
        tokio::task::yield_now().await;
    }
}

async fn worker_loop(
    prepared: Prepared,
    deadline: Instant,
    interval: Option<Duration>,
    worker: usize,
    connections: usize,
) -> anyhow::Result<Vec<Duration>> {
    let mut sender = connect(&prepared).await?;
    let mut latencies = Vec::new();
    // Open loop: stagger the workers across one interval, then keep to the schedule.
    let mut scheduled: Instant = Instant::now()
        + interval.map_or(Duration::ZERO, |i| {
            i.mul_f64(worker as f64 / connections as f64)
        });
    while Instant::now() < deadline {
        let started = if interval.is_some() {
            wait_until(scheduled).await;
            scheduled
        } else {
            Instant::now()
        };
        send_one(&prepared, &mut sender).await?;
        latencies.push(started.elapsed());
        if let Some(interval) = interval {
            scheduled += interval;
        }
    }
    Ok(latencies)
}

//! `warden-loadgen`: sends one SigV4-signed AWS request over and over, from many keep-alive
//! connections, and reports throughput and latency percentiles as one JSON line.
//!
//! Two modes:
//! - closed loop (default): each connection sends its next request as soon as the previous
//!   answer arrives — the peak rate;
//! - open loop (`--rate R`): requests are scheduled at a fixed total rate and latency is
//!   measured from the scheduled time, so a stalled server cannot hide its queueing delay.
//!
//! The request is signed once and its bytes sent again and again; answers are read with a
//! minimal HTTP/1.1 reader and the pacing uses kernel timers, all on one thread, so the
//! generator spends little of its core per request and measures the server rather than
//! itself. The same binary drives Warden and its peers (moto), so the comparison is like for
//! like.

mod connection;
mod pacing;
mod request;
mod trace;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use clap::Parser;

use crate::connection::Connection;
use crate::pacing::Pacer;
use crate::request::{Prepared, RequestSpec, prepare};

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
    /// Session token of temporary credentials (AssumeRole, GetSessionToken).
    #[arg(long, env = "AWS_SESSION_TOKEN", hide_env_values = true)]
    session_token: Option<String>,
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
    /// Keep the generator's thread polling instead of sleeping when it waits for answers.
    /// Over loopback, an answer to a sleeping client makes the server's core pay for waking
    /// it (an inter-processor interrupt, costly in a virtual machine); a client on another
    /// machine costs the server nothing of the kind. Polling keeps that cost off the server
    /// and so measures the server alone; it spends the generator's own core.
    #[arg(long)]
    busy_poll: bool,
    /// Write every measured request as a line "<due, µs on CLOCK_MONOTONIC> <latency µs>
    /// <generator's delay µs>" to this file, to find when slow answers happened and whether
    /// the generator itself sent them late (on a connection that was free in time).
    #[arg(long)]
    trace: Option<PathBuf>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let report = runtime.block_on(run(&args))?;
    println!("{report}");
    Ok(())
}

/// One measured request: when it was due (scheduled, or sent in closed loop), how late the
/// generator itself sent it, and how long its answer took from when it was due.
#[derive(Clone, Copy)]
struct Sample {
    due: Instant,
    send_delay: Duration,
    latency: Duration,
}

async fn run(args: &Args) -> anyhow::Result<serde_json::Value> {
    let prepared = prepare(&RequestSpec {
        endpoint: &args.endpoint,
        service: &args.service,
        body: &args.body,
        access_key_id: &args.access_key_id,
        secret_access_key: &args.secret_access_key,
        session_token: args.session_token.as_deref(),
    })?;
    let load = Load {
        prepared,
        connections: args.connections,
        busy_poll: args.busy_poll,
    };
    // Warm-up: connections, caches, the server's signing-key cache.
    load.drive(Duration::from_secs(1), None).await?;
    let duration = Duration::from_secs_f64(args.seconds);
    let started = Instant::now();
    let samples = load.drive(duration, args.rate).await?;
    let elapsed = started.elapsed().as_secs_f64();
    if samples.is_empty() {
        bail!("no request completed");
    }
    if let Some(path) = &args.trace {
        trace::write(path, &samples).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let latencies = sorted(samples.iter().map(|s| s.latency));
    let delays = sorted(samples.iter().map(|s| s.send_delay));
    let pick = |q: f64| quantile_us(&latencies, q);
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
        "generator_delay_p99_us": quantile_us(&delays, 0.99),
    }))
}

fn sorted(durations: impl Iterator<Item = Duration>) -> Vec<Duration> {
    let mut all: Vec<Duration> = durations.collect();
    all.sort_unstable();
    all
}

/// The `q` quantile (0 to 1) of sorted `durations`, in microseconds.
fn quantile_us(durations: &[Duration], q: f64) -> f64 {
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "q is in [0, 1], so the index is within the list"
    )]
    let index = ((durations.len() as f64 - 1.0) * q).round() as usize;
    durations
        .get(index)
        .copied()
        .unwrap_or_default()
        .as_secs_f64()
        * 1e6
}

/// The load to apply: a prepared request over a number of connections.
struct Load {
    prepared: Prepared,
    connections: usize,
    busy_poll: bool,
}

impl Load {
    /// Run one worker per connection for `duration`, at `rate` requests per second in all
    /// (open loop) or as fast as answers come (closed loop); returns every request's sample.
    async fn drive(&self, duration: Duration, rate: Option<f64>) -> anyhow::Result<Vec<Sample>> {
        let deadline = Instant::now() + duration;
        let interval = rate.map(|r| Duration::from_secs_f64(self.connections as f64 / r));
        let mut workers = tokio::task::JoinSet::new();
        if self.busy_poll {
            // A task that is always ready keeps the runtime polling for I/O without parking.
            workers.spawn(async move {
                while Instant::now() < deadline {
                    tokio::task::yield_now().await;
                }
                Ok(Vec::new())
            });
        }
        for worker in 0..self.connections {
            // Open loop: stagger the workers across one interval.
            let first = Instant::now()
                + interval.map_or(Duration::ZERO, |i| {
                    i.mul_f64(worker as f64 / self.connections as f64)
                });
            let prepared = self.prepared.clone();
            let pacer = Pacer::new(self.busy_poll)?;
            workers.spawn(worker_loop(prepared, pacer, first, deadline, interval));
        }
        let mut all = Vec::new();
        while let Some(result) = workers.join_next().await {
            all.extend(result??);
        }
        Ok(all)
    }
}

/// Send on one connection until `deadline`: in open loop at `first`, `first + interval`, …
/// (latency counted from the scheduled time), otherwise back to back.
async fn worker_loop(
    prepared: Prepared,
    pacer: Pacer,
    first: Instant,
    deadline: Instant,
    interval: Option<Duration>,
) -> anyhow::Result<Vec<Sample>> {
    let mut connection = Connection::new(prepared.address.clone());
    let mut samples = Vec::new();
    let mut scheduled = first;
    while Instant::now() < deadline {
        // The generator's own lateness: how long after the due time it sent a request whose
        // connection was free in time (a busy connection's delay is the server's).
        let (due, send_delay) = if let Some(interval) = interval {
            let due = scheduled;
            scheduled += interval;
            let free_in_time = Instant::now() < due;
            pacer.wait_until(due).await?;
            let late = if free_in_time {
                due.elapsed()
            } else {
                Duration::ZERO
            };
            (due, late)
        } else {
            (Instant::now(), Duration::ZERO)
        };
        connection.exchange(&prepared.bytes).await?;
        samples.push(Sample {
            due,
            send_delay,
            latency: due.elapsed(),
        });
    }
    Ok(samples)
}

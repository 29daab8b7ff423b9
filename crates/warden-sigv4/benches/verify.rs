//! Verification cost for a typical STS GetCallerIdentity request signed by
//! `aws-sigv4` the way the Rust SDK signs it, with a warm signing-key cache.
//!
//! Criterion measures wall-clock time. Under `cargo bench` the run first prints
//! this thread's CPU time per verification over long loops (from
//! `/proc/thread-self/schedstat`, Linux), which stays meaningful when the
//! machine is shared with other busy processes.

use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    SignableBody, SignableRequest, SignatureLocation, SigningSettings, sign,
};
use aws_sigv4::sign::v4;
use criterion::{Criterion, criterion_group};
use warden_sigv4::{RequestParts, SigV4Error, SignedRequest, SigningKeyCache};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const SIGNED_AT: u64 = 1_764_000_000;
const BODY: &[u8] = b"Action=GetCallerIdentity&Version=2011-06-15";

struct Wire {
    method: &'static str,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

#[expect(
    clippy::unwrap_used,
    reason = "benchmark setup: a signing failure must abort the run"
)]
fn signed_request(presigned: bool) -> Wire {
    let identity = Credentials::new("AKIAIOSFODNN7EXAMPLE", SECRET, None, None, "bench").into();
    let mut settings = SigningSettings::default();
    if presigned {
        settings.signature_location = SignatureLocation::QueryParams;
        settings.expires_in = Some(Duration::from_secs(900));
    }
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("sts")
        .time(SystemTime::UNIX_EPOCH + Duration::from_secs(SIGNED_AT))
        .settings(settings)
        .build()
        .unwrap()
        .into();
    let (method, uri, body) = if presigned {
        (
            "GET",
            "https://sts.us-east-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15",
            Vec::new(),
        )
    } else {
        (
            "POST",
            "https://sts.us-east-1.amazonaws.com/",
            BODY.to_vec(),
        )
    };
    let content_length = body.len().to_string();
    let sdk_headers = [
        (
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        ),
        ("content-length", content_length.as_str()),
        (
            "x-amz-user-agent",
            "aws-sdk-rust/1.3.9 api/sts/1.90.0 os/linux lang/rust/1.95.0",
        ),
        (
            "amz-sdk-invocation-id",
            "4f1c2a6e-8b0e-4a8e-9f7d-2b3c4d5e6f70",
        ),
        ("amz-sdk-request", "attempt=1; max=3"),
    ];
    let signable = SignableRequest::new(
        method,
        uri,
        sdk_headers.iter().copied(),
        SignableBody::Bytes(&body),
    )
    .unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    let mut request = http::Request::builder().method(method).uri(uri);
    for (name, value) in sdk_headers {
        request = request.header(name, value);
    }
    let mut request = request.body(()).unwrap();
    instructions.apply_to_request_http1x(&mut request);
    let mut headers = vec![("host".to_owned(), "sts.us-east-1.amazonaws.com".to_owned())];
    headers.extend(
        request
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap().to_owned())),
    );
    Wire {
        method,
        path: request.uri().path().to_owned(),
        query: request.uri().query().unwrap_or_default().to_owned(),
        headers,
        body,
    }
}

const CASES: [(&str, bool); 2] = [
    ("sts_get_caller_identity_post", false),
    ("sts_get_caller_identity_presigned_get", true),
];

/// A signed request as the verifier sees it, with a warm key cache.
struct Fixture<'a> {
    parts: RequestParts<'a>,
    signed: SignedRequest,
    cache: SigningKeyCache,
    now: jiff::Timestamp,
}

impl Fixture<'_> {
    fn verify(&self) -> Result<(), SigV4Error> {
        warden_sigv4::verify(
            black_box(&self.signed),
            black_box(&self.parts),
            SECRET.as_bytes(),
            self.now,
            &self.cache,
        )
    }

    fn parse_and_verify(&self) -> Result<(), SigV4Error> {
        let signed = warden_sigv4::parse(black_box(&self.parts))?
            .ok_or(SigV4Error::MissingAuthenticationToken)?;
        warden_sigv4::verify(
            &signed,
            &self.parts,
            SECRET.as_bytes(),
            self.now,
            &self.cache,
        )
    }
}

#[expect(
    clippy::unwrap_used,
    reason = "benchmark setup: the request must parse and verify before timing"
)]
fn with_fixture(presigned: bool, run: impl FnOnce(&Fixture<'_>)) {
    let wire = signed_request(presigned);
    let headers: Vec<(&str, &str)> = wire
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let parts = RequestParts {
        method: wire.method,
        path: &wire.path,
        query: &wire.query,
        headers: &headers,
        body: &wire.body,
    };
    let fixture = Fixture {
        signed: warden_sigv4::parse(&parts).unwrap().unwrap(),
        parts,
        cache: SigningKeyCache::new(1024),
        now: jiff::Timestamp::from_second(i64::try_from(SIGNED_AT).unwrap() + 30).unwrap(),
    };
    fixture.verify().unwrap();
    run(&fixture);
}

fn wall_time(c: &mut Criterion) {
    for (name, presigned) in CASES {
        with_fixture(presigned, |fixture| {
            c.bench_function(&format!("verify/{name}"), |b| b.iter(|| fixture.verify()));
            c.bench_function(&format!("parse+verify/{name}"), |b| {
                b.iter(|| fixture.parse_and_verify());
            });
        });
    }
}

criterion_group!(wall_time_benches, wall_time);

/// CPU time consumed by the current thread, in nanoseconds, read from
/// `/proc/thread-self/schedstat` (first field); `None` where unavailable.
fn thread_cpu_nanos() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Median over 5 rounds of (CPU ns, wall ns) per call of `routine`.
#[expect(
    clippy::cast_precision_loss,
    reason = "nanosecond totals stay far below 2^52"
)]
fn per_call_nanos(routine: impl Fn() -> Result<(), SigV4Error>) -> Option<(f64, f64)> {
    const ITERATIONS: u32 = 200_000;
    let mut rounds = Vec::new();
    for _ in 0..5 {
        let cpu_start = thread_cpu_nanos()?;
        let wall_start = Instant::now();
        for _ in 0..ITERATIONS {
            let _ = black_box(routine());
        }
        let wall = wall_start.elapsed().as_nanos() as f64;
        let cpu = thread_cpu_nanos()?.saturating_sub(cpu_start) as f64;
        rounds.push((cpu / f64::from(ITERATIONS), wall / f64::from(ITERATIONS)));
    }
    rounds.sort_by(|a, b| a.0.total_cmp(&b.0));
    rounds.get(rounds.len() / 2).copied()
}

type Routine = fn(&Fixture<'_>) -> Result<(), SigV4Error>;

fn report_cpu_time() {
    for (name, presigned) in CASES {
        with_fixture(presigned, |fixture| {
            let routines: [(&str, Routine); 2] = [
                ("verify", |f| f.verify()),
                ("parse+verify", |f| f.parse_and_verify()),
            ];
            for (label, routine) in routines {
                if let Some((cpu, wall)) = per_call_nanos(|| routine(fixture)) {
                    println!(
                        "thread CPU time {label}/{name}: {cpu:.0} ns per call (wall {wall:.0} ns)"
                    );
                }
            }
        });
    }
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` does not. Profiling
    // runs (--profile-time) skip the report so only the chosen routine runs.
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|arg| arg == "--bench") && !args.iter().any(|arg| arg == "--profile-time") {
        report_cpu_time();
    }
    wall_time_benches();
    Criterion::default().configure_from_args().final_summary();
}

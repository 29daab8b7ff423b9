//! Verification cost for a typical STS GetCallerIdentity request signed by
//! `aws-sigv4` the way the Rust SDK signs it, with a warm signing-key cache.
//!
//! Measured twice: wall-clock time (criterion's default) and this thread's CPU
//! time (from `/proc/thread-self/schedstat`), which stays meaningful when the
//! machine is shared with other busy processes.

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    SignableBody, SignableRequest, SignatureLocation, SigningSettings, sign,
};
use aws_sigv4::sign::v4;
use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{Criterion, criterion_group, criterion_main};
use warden_sigv4::{RequestParts, SigningKeyCache};

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

#[expect(
    clippy::unwrap_used,
    reason = "benchmark setup: the request must parse and verify before timing"
)]
fn bench_case<M: Measurement + 'static>(c: &mut Criterion<M>, name: &str, presigned: bool) {
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
    let now = jiff::Timestamp::from_second(i64::try_from(SIGNED_AT).unwrap() + 30).unwrap();
    let cache = SigningKeyCache::new(1024);
    let signed = warden_sigv4::parse(&parts).unwrap().unwrap();
    warden_sigv4::verify(&signed, &parts, SECRET.as_bytes(), now, &cache).unwrap();

    c.bench_function(&format!("verify/{name}"), |b| {
        b.iter(|| {
            warden_sigv4::verify(
                black_box(&signed),
                black_box(&parts),
                SECRET.as_bytes(),
                now,
                &cache,
            )
        });
    });
    c.bench_function(&format!("parse+verify/{name}"), |b| {
        b.iter(|| {
            let signed = warden_sigv4::parse(black_box(&parts))?
                .ok_or(warden_sigv4::SigV4Error::MissingAuthenticationToken)?;
            warden_sigv4::verify(&signed, &parts, SECRET.as_bytes(), now, &cache)
        });
    });
}

fn wall_time(c: &mut Criterion) {
    bench_case(c, "sts_get_caller_identity_post", false);
    bench_case(c, "sts_get_caller_identity_presigned_get", true);
}

fn cpu_time(c: &mut Criterion<ThreadCpuTime>) {
    bench_case(c, "cpu/sts_get_caller_identity_post", false);
    bench_case(c, "cpu/sts_get_caller_identity_presigned_get", true);
}

/// CPU time consumed by the current thread, in nanoseconds, read from
/// `/proc/thread-self/schedstat` (first field). Linux only; 0 elsewhere.
struct ThreadCpuTime;

fn thread_cpu_nanos() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|stat| stat.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

impl Measurement for ThreadCpuTime {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        thread_cpu_nanos()
    }

    fn end(&self, start: u64) -> u64 {
        thread_cpu_nanos().saturating_sub(start)
    }

    fn add(&self, v1: &u64, v2: &u64) -> u64 {
        v1 + v2
    }

    fn zero(&self) -> u64 {
        0
    }

    #[expect(
        clippy::cast_precision_loss,
        reason = "nanosecond totals stay far below 2^52"
    )]
    fn to_f64(&self, value: &u64) -> f64 {
        *value as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        // Values are nanoseconds, like wall time, so its formatter applies.
        static WALL_TIME: WallTime = WallTime;
        WALL_TIME.formatter()
    }
}

criterion_group!(wall_time_benches, wall_time);
criterion_group! {
    name = cpu_time_benches;
    config = Criterion::default().with_measurement(ThreadCpuTime);
    targets = cpu_time
}
criterion_main!(wall_time_benches, cpu_time_benches);

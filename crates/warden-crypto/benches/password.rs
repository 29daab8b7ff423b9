//! What a console password costs: `password::hash` and `password::verify` (argon2id with
//! OWASP's parameters, m = 19,456 KiB, t = 2, p = 1), one call per iteration. A verification
//! is what every console sign-in and ChangePassword pays; its median bounds how many a core
//! can check per second (1 / median), and so what a password-guessing flood costs the server.
//!
//! `cargo bench -p warden-crypto --bench password`; figures in docs/BENCHMARKS.md.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmark code: a failure should panic"
)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use warden_crypto::SystemRandom;
use warden_crypto::password::{ITERATIONS, LANES, MEMORY_KIB, hash, verify};

const PASSWORD: &str = "Bench-Passw0rd!";

fn password(c: &mut Criterion) {
    let rng = SystemRandom::new();
    let phc = hash(PASSWORD, &rng).unwrap();
    assert!(
        phc.starts_with(&format!(
            "$argon2id$v=19$m={MEMORY_KIB},t={ITERATIONS},p={LANES}$"
        )),
        "{}",
        phc.as_str()
    );
    let mut group = c.benchmark_group("password");
    // ~30 ms a call: few samples keep the run short.
    group
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(6));
    group.bench_function("hash", |b| {
        b.iter(|| hash(black_box(PASSWORD), &rng).unwrap());
    });
    group.bench_function("verify", |b| {
        b.iter(|| assert!(verify(black_box(PASSWORD), black_box(&phc))));
    });
    group.bench_function("verify_wrong", |b| {
        b.iter(|| assert!(!verify(black_box("Wrong-Passw0rd!"), black_box(&phc))));
    });
    group.finish();
}

criterion_group!(benches, password);
criterion_main!(benches);

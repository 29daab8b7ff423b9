//! Query protocol hot path: decode + validate a request, render a response.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use warden_protocol::{QueryParams, ResponseFormat, iam, render};

const CREATE_USER: &[u8] = b"Action=CreateUser&Version=2010-05-08&UserName=bob&Path=%2Fteam%2F\
&Tags.member.1.Key=team&Tags.member.1.Value=infra&Tags.member.2.Key=env&Tags.member.2.Value=prod";

fn user() -> iam::User {
    iam::User {
        path: "/team/".into(),
        user_name: "bob".into(),
        user_id: "AIDAEXAMPLEBOB".into(),
        arn: "arn:aws:iam::123456789012:user/team/bob".into(),
        create_date: jiff::Timestamp::from_second(1_767_268_800).unwrap_or_default(),
        ..Default::default()
    }
}

fn benches(c: &mut Criterion) {
    c.bench_function("decode CreateUser with 2 tags", |b| {
        b.iter(|| {
            let params = QueryParams::parse(black_box(CREATE_USER)).ok();
            params.and_then(|p| iam::Operation::from_query("CreateUser", &p).ok())
        });
    });
    let users = iam::ListUsersResponse {
        users: vec![user(); 100],
        is_truncated: Some(false),
        marker: None,
    };
    c.bench_function("render ListUsers with 100 users (XML)", |b| {
        b.iter(|| {
            render::render_query_success(
                &iam::META,
                "ListUsers",
                Some(black_box(&users)),
                "req",
                ResponseFormat::Xml,
            )
        });
    });
    c.bench_function("render ListUsers with 100 users (JSON)", |b| {
        b.iter(|| {
            render::render_query_success(
                &iam::META,
                "ListUsers",
                Some(black_box(&users)),
                "req",
                ResponseFormat::Json,
            )
        });
    });
}

criterion_group!(query, benches);
criterion_main!(query);

use std::collections::BTreeMap;

use super::{
    BucketError, ListRequest, bucket_exists, get_object, is_valid_bucket_name, list_objects,
    object_path, put_object, remove_temporary_files,
};

fn put(root: &std::path::Path, key: &str) {
    put_object(root, "logs", key, key.as_bytes(), &BTreeMap::new()).unwrap();
}

fn keys(result: &super::ListResult) -> Vec<&str> {
    result.objects.iter().map(|o| o.key.as_str()).collect()
}

#[test]
fn bucket_names_follow_s3_rules() {
    for good in ["abc", "my-bucket.logs", "a1b", &"a".repeat(63)] {
        assert!(is_valid_bucket_name(good), "{good}");
    }
    for bad in [
        "ab",
        ".meta",
        ".tmp",
        "Abc",
        "a..b",
        "-ab",
        "ab-",
        "a/b",
        "a_b",
        &"a".repeat(64),
    ] {
        assert!(!is_valid_bucket_name(bad), "{bad}");
    }
}

#[test]
fn keys_cannot_escape_the_bucket() {
    let base = std::path::Path::new("/data/buckets/logs");
    assert_eq!(
        object_path(base, "AWSLogs/1/x.json.gz").unwrap(),
        base.join("AWSLogs/1/x.json.gz")
    );
    for bad in [
        "",
        "/etc/passwd",
        "../other/x",
        "a/../../x",
        "a/./b",
        "a//b",
        "a/",
        "a\0b",
        "a\\b",
        "..",
    ] {
        assert!(
            matches!(object_path(base, bad), Err(BucketError::InvalidKey(_))),
            "{bad:?}"
        );
    }
}

#[test]
fn objects_round_trip_with_metadata_and_hidden_trees_stay_hidden() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let metadata = BTreeMap::from([("signature".to_owned(), "abcd".to_owned())]);
    put_object(root, "logs", "a/b.json.gz", b"hello", &metadata).unwrap();
    let object = get_object(root, "logs", "a/b.json.gz").unwrap();
    assert_eq!(object.bytes, b"hello");
    assert_eq!(object.metadata, metadata);
    assert_eq!(object.etag, "\"5d41402abc4b2a76b9719d911017c592\"");
    let listed = list_objects(
        root,
        "logs",
        &ListRequest {
            max_keys: 1000,
            ..ListRequest::default()
        },
    )
    .unwrap();
    assert_eq!(keys(&listed), ["a/b.json.gz"]);
    assert_eq!(listed.objects[0].size, 5);
    assert!(bucket_exists(root, "logs").unwrap());
    assert!(!bucket_exists(root, "other").unwrap());
    assert!(matches!(
        bucket_exists(root, ".meta"),
        Err(BucketError::InvalidBucketName(_))
    ));
    assert!(matches!(
        get_object(root, "logs", "a/missing"),
        Err(BucketError::NoSuchKey(_))
    ));
    assert!(matches!(
        get_object(root, "logs", "a"),
        Err(BucketError::NoSuchKey(_))
    ));
    assert!(matches!(
        get_object(root, "logs", "../logs/a/b.json.gz"),
        Err(BucketError::NoSuchKey(_))
    ));
    assert!(matches!(
        get_object(root, "nope", "a"),
        Err(BucketError::NoSuchBucket(_))
    ));
    // Rewriting without metadata removes the old metadata.
    put_object(root, "logs", "a/b.json.gz", b"bye", &BTreeMap::new()).unwrap();
    assert!(
        get_object(root, "logs", "a/b.json.gz")
            .unwrap()
            .metadata
            .is_empty()
    );
}

#[cfg(unix)]
#[test]
fn symbolic_links_are_not_objects() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    put(root, "real");
    std::fs::write(root.join("secret"), b"outside").unwrap();
    std::os::unix::fs::symlink(root.join("secret"), root.join("logs/link")).unwrap();
    std::os::unix::fs::symlink(root, root.join("logs/dir")).unwrap();
    assert!(matches!(
        get_object(root, "logs", "link"),
        Err(BucketError::NoSuchKey(_))
    ));
    assert!(matches!(
        get_object(root, "logs", "dir/secret"),
        Err(BucketError::NoSuchKey(_))
    ));
    let listed = list_objects(
        root,
        "logs",
        &ListRequest {
            max_keys: 1000,
            ..ListRequest::default()
        },
    )
    .unwrap();
    assert_eq!(keys(&listed), ["real"]);
}

#[test]
fn listing_pages_by_key_and_groups_by_delimiter() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for key in ["p/a/1", "p/a/2", "p/b", "p/c/1", "q"] {
        put(root, key);
    }
    let request =
        |prefix: &str, delimiter: Option<&str>, after: Option<&str>, max_keys| ListRequest {
            prefix: prefix.to_owned(),
            delimiter: delimiter.map(str::to_owned),
            after: after.map(str::to_owned),
            max_keys,
        };
    let all = list_objects(root, "logs", &request("", None, None, 1000)).unwrap();
    assert_eq!(keys(&all), ["p/a/1", "p/a/2", "p/b", "p/c/1", "q"]);
    assert!(!all.is_truncated && all.next_after.is_none());

    let first = list_objects(root, "logs", &request("p/", None, None, 2)).unwrap();
    assert_eq!(keys(&first), ["p/a/1", "p/a/2"]);
    assert!(first.is_truncated);
    let second = list_objects(
        root,
        "logs",
        &request("p/", None, first.next_after.as_deref(), 2),
    )
    .unwrap();
    assert_eq!(keys(&second), ["p/b", "p/c/1"]);
    assert!(!second.is_truncated);

    let grouped = list_objects(root, "logs", &request("p/", Some("/"), None, 2)).unwrap();
    assert_eq!(grouped.common_prefixes, ["p/a/"]);
    assert_eq!(keys(&grouped), ["p/b"]);
    assert!(grouped.is_truncated);
    assert_eq!(grouped.next_after.as_deref(), Some("p/b"));
    let rest = list_objects(root, "logs", &request("p/", Some("/"), Some("p/a/"), 10)).unwrap();
    assert_eq!(keys(&rest), ["p/b"]);
    assert_eq!(rest.common_prefixes, ["p/c/"]);
    let deep = list_objects(root, "logs", &request("p/a/", None, None, 1000)).unwrap();
    assert_eq!(keys(&deep), ["p/a/1", "p/a/2"]);
    let partial = list_objects(root, "logs", &request("p/c/", Some("/"), None, 1000)).unwrap();
    assert_eq!(keys(&partial), ["p/c/1"]);
    for nothing in ["p/zz/", "p/../", "nope/x", "p//"] {
        let empty = list_objects(root, "logs", &request(nothing, None, None, 1000)).unwrap();
        assert!(empty.objects.is_empty(), "{nothing}");
    }
    // Marker semantics: strictly after, so a marker between keys starts at the next one.
    let marked = list_objects(root, "logs", &request("", None, Some("p/a/15"), 1000)).unwrap();
    assert_eq!(keys(&marked), ["p/a/2", "p/b", "p/c/1", "q"]);
}

#[test]
fn temporary_files_left_by_a_crash_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(remove_temporary_files(dir.path()).unwrap(), 0);
    put(dir.path(), "kept");
    std::fs::write(dir.path().join(".tmp/123-0"), b"half").unwrap();
    assert_eq!(remove_temporary_files(dir.path()).unwrap(), 1);
    assert!(get_object(dir.path(), "logs", "kept").is_ok());
}

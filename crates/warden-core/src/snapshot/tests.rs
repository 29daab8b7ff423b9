use std::sync::Arc;

use zeroize::Zeroizing;

use super::{KeyEntry, Snapshot};
use crate::caller::{Caller, CallerKind};

fn key(account: &str, user: Option<&str>, id: &str) -> KeyEntry {
    KeyEntry {
        caller: Arc::new(Caller {
            account_id: account.to_owned(),
            arn: format!("arn:aws:iam::{account}:user/{}", user.unwrap_or("root")),
            kind: user.map_or(CallerKind::Root, |name| CallerKind::User {
                user_name: name.to_owned(),
                user_id: format!("AIDA{name}"),
            }),
            access_key_id: id.to_owned(),
            session: None,
        }),
        secret: Zeroizing::new(b"secret".to_vec()),
        active: true,
    }
}

#[test]
fn keys_are_indexed_by_owner_through_puts_replacements_and_removals() {
    let mut snapshot = Snapshot::default();
    snapshot.put_key("AKIA1".to_owned(), key("111", Some("Alice"), "AKIA1"));
    snapshot.put_key("AKIA2".to_owned(), key("111", Some("alice"), "AKIA2"));
    snapshot.put_key("AKIA3".to_owned(), key("111", None, "AKIA3"));
    snapshot.put_key("AKIA4".to_owned(), key("222", Some("alice"), "AKIA4"));
    assert_eq!(
        snapshot.key_ids_of("111", Some("ALICE")),
        ["AKIA1", "AKIA2"]
    );
    assert_eq!(snapshot.key_ids_of("111", None), ["AKIA3"]);
    assert_eq!(snapshot.key_ids_of("222", Some("alice")), ["AKIA4"]);
    // A key re-put under another owner moves in the index.
    snapshot.put_key("AKIA2".to_owned(), key("111", Some("bob"), "AKIA2"));
    assert_eq!(snapshot.key_ids_of("111", Some("alice")), ["AKIA1"]);
    assert_eq!(snapshot.key_ids_of("111", Some("bob")), ["AKIA2"]);
    snapshot.remove_key("AKIA1");
    assert!(snapshot.key_ids_of("111", Some("alice")).is_empty());
    assert!(snapshot.key("AKIA1").is_none());
    assert_eq!(snapshot.counts(), (0, 3));
}

#[test]
fn a_new_generation_leaves_the_previous_one_untouched() {
    let mut first = Snapshot::default();
    first.put_key("AKIA1".to_owned(), key("111", Some("alice"), "AKIA1"));
    let mut second = first.clone();
    second.follow(&first);
    second.remove_key("AKIA1");
    second.put_key("AKIA2".to_owned(), key("111", Some("alice"), "AKIA2"));
    assert!(first.key("AKIA1").is_some());
    assert!(first.key("AKIA2").is_none());
    assert_eq!(first.key_ids_of("111", Some("alice")), ["AKIA1"]);
    assert_eq!(second.key_ids_of("111", Some("alice")), ["AKIA2"]);
    assert_eq!((first.generation(), second.generation()), (0, 1));
}

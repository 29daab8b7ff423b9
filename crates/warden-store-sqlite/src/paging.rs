//! Keyset pagination of name-ordered listings (users, groups): read one row more than the
//! page holds to learn whether another page follows; the marker is the last row's key.

use warden_store::{Page, PageRequest};

/// The page size (at least 1) and the SQL `LIMIT` that reads one row more.
pub(crate) fn limits(page: &PageRequest) -> (usize, i64) {
    let max_items = page.max_items.max(1);
    let limit = i64::try_from(max_items.saturating_add(1)).unwrap_or(i64::MAX);
    (max_items, limit)
}

/// The page of `rows` (read with [`limits`]' `LIMIT`), its marker the key of its last row
/// when more rows follow.
pub(crate) fn page_of<T>(
    mut rows: Vec<T>,
    max_items: usize,
    key: impl Fn(&T) -> String,
) -> Page<T> {
    let next_marker = if rows.len() > max_items {
        rows.truncate(max_items);
        rows.last().map(key)
    } else {
        None
    };
    Page {
        items: rows,
        next_marker,
    }
}

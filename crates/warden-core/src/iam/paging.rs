//! Pages of lists that are read whole (a user's tags, its groups): `Marker` and `MaxItems` as
//! IAM's paginators use them, the marker being the position of the next item.

use warden_store::PageRequest;

use crate::ServiceError;

/// IAM's default `MaxItems`.
pub(crate) const DEFAULT_MAX_ITEMS: usize = 100;

/// The store's page request for a listing the store pages itself (users, groups).
pub(crate) fn page_request(marker: Option<String>, max_items: Option<i32>) -> PageRequest {
    PageRequest {
        marker,
        max_items: max_items
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(DEFAULT_MAX_ITEMS),
    }
}

/// One page of `items`: the items from `marker` on, at most `max_items` (default 100), and
/// the marker of the next page when more follow.
pub(crate) fn page_of<T>(
    items: Vec<T>,
    marker: Option<&str>,
    max_items: Option<i32>,
) -> Result<(Vec<T>, Option<String>), ServiceError> {
    let start = match marker {
        None => 0,
        Some(marker) => marker
            .parse::<usize>()
            .ok()
            .filter(|start| *start <= items.len())
            .ok_or_else(|| ServiceError::InvalidInput("Invalid Marker.".to_owned()))?,
    };
    let max_items = max_items
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(DEFAULT_MAX_ITEMS)
        .max(1);
    let end = start.saturating_add(max_items).min(items.len());
    let next = (end < items.len()).then(|| end.to_string());
    let page = items.into_iter().skip(start).take(end - start).collect();
    Ok((page, next))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_follow_markers_to_the_end() {
        let items: Vec<u32> = (0..5).collect();
        let (first, next) = page_of(items.clone(), None, Some(2)).unwrap();
        assert_eq!((first, next.as_deref()), (vec![0, 1], Some("2")));
        let (second, next) = page_of(items.clone(), Some("2"), Some(2)).unwrap();
        assert_eq!((second, next.as_deref()), (vec![2, 3], Some("4")));
        let (last, next) = page_of(items.clone(), Some("4"), Some(2)).unwrap();
        assert_eq!((last, next), (vec![4], None));
        let (all, next) = page_of(items, None, None).unwrap();
        assert_eq!((all.len(), next), (5, None));
    }

    #[test]
    fn a_marker_that_no_page_gave_is_invalid_input() {
        for marker in ["x", "-1", "6"] {
            assert!(matches!(
                page_of(vec![1, 2], Some(marker), None),
                Err(ServiceError::InvalidInput(_))
            ));
        }
    }
}

//! [`ServiceAccesses`].

use crate::{ServiceAccess, StoreError};

/// The last attempt of each principal to call each action ([`ServiceAccess`]).
pub trait ServiceAccesses {
    /// Records attempts: a later one replaces the stored one for the same principal and
    /// action; an earlier (or equally old) one leaves it.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn record(&self, accesses: &[ServiceAccess]) -> Result<(), StoreError>;

    /// Every stored attempt of these principals of `account_id`, in no particular order.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn of_principals(
        &self,
        account_id: &str,
        principal_ids: &[String],
    ) -> Result<Vec<ServiceAccess>, StoreError>;
}

//! [`Trails`].

use crate::{StoreError, TrailDelivery, TrailRecord};

/// CloudTrail trails, by account and exact name, with their delivery state.
pub trait Trails {
    /// Creates a trail.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (account), [`StoreError::AlreadyExists`] (trail).
    fn create(&self, trail: &TrailRecord) -> Result<(), StoreError>;

    /// The trail of this name in this account (exact match).
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn get(&self, account_id: &str, name: &str) -> Result<Option<TrailRecord>, StoreError>;

    /// The trails of one account, or of every account (`None`), ordered by account and name.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn list(&self, account_id: Option<&str>) -> Result<Vec<TrailRecord>, StoreError>;

    /// Replaces a trail's settings and logging state (matched by account and name; the
    /// delivery record is kept).
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (trail).
    fn update(&self, trail: &TrailRecord) -> Result<(), StoreError>;

    /// Deletes a trail and its delivery record.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (trail).
    fn delete(&self, account_id: &str, name: &str) -> Result<(), StoreError>;

    /// What the delivery worker last recorded for a trail (the default when nothing yet).
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (trail).
    fn delivery(&self, account_id: &str, name: &str) -> Result<TrailDelivery, StoreError>;

    /// Records a trail's delivery state.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (trail).
    fn set_delivery(
        &self,
        account_id: &str,
        name: &str,
        delivery: &TrailDelivery,
    ) -> Result<(), StoreError>;
}

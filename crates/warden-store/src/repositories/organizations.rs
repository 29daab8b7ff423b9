//! [`Organizations`].

use crate::{
    CreateAccountStatusRecord, OrgNodeRecord, OrgPolicyRecord, OrganizationRecord,
    OrganizationState, StoreError,
};

/// AWS Organizations: organizations and everything in them. An account belongs to at most
/// one organization; deleting an organization deletes everything in it.
pub trait Organizations {
    /// Creates an organization with its root node.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (management account); [`StoreError::AlreadyExists`]
    /// ([`EntityKind::Organization`](crate::EntityKind::Organization)) when the account is
    /// already in an organization or the id is taken.
    fn create(
        &self,
        organization: &OrganizationRecord,
        root: &OrgNodeRecord,
    ) -> Result<(), StoreError>;

    /// The id of the organization `account_id` belongs to (as its management account or a
    /// member).
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn of_account(&self, account_id: &str) -> Result<Option<String>, StoreError>;

    /// The whole organization.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn load(&self, org_id: &str) -> Result<Option<OrganizationState>, StoreError>;

    /// Every organization, ordered by id.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn load_all(&self) -> Result<Vec<OrganizationState>, StoreError>;

    /// Deletes an organization and everything in it.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (organization).
    fn delete(&self, org_id: &str) -> Result<(), StoreError>;

    /// Creates a node, or replaces the node with its id.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (organization; an account node's account);
    /// [`StoreError::AlreadyExists`] ([`EntityKind::OrgEmail`](crate::EntityKind::OrgEmail))
    /// when another account has its email, or (`Organization`) when the account node belongs
    /// to another organization.
    fn put_node(&self, node: &OrgNodeRecord) -> Result<(), StoreError>;

    /// Deletes a node with its attachments and tags.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (node).
    fn delete_node(&self, org_id: &str, node_id: &str) -> Result<(), StoreError>;

    /// Creates a policy, or replaces the policy with its id.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (organization); [`StoreError::AlreadyExists`]
    /// ([`EntityKind::OrgPolicy`](crate::EntityKind::OrgPolicy)) when another policy of the
    /// type has its name.
    fn put_policy(&self, policy: &OrgPolicyRecord) -> Result<(), StoreError>;

    /// Deletes a policy with its attachments and tags.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (policy).
    fn delete_policy(&self, org_id: &str, policy_id: &str) -> Result<(), StoreError>;

    /// Attaches a policy (customer managed or AWS managed, by id) to a node.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (organization); [`StoreError::AlreadyExists`]
    /// ([`EntityKind::OrgAttachment`](crate::EntityKind::OrgAttachment)).
    fn attach(&self, org_id: &str, policy_id: &str, target_id: &str) -> Result<(), StoreError>;

    /// Detaches a policy from a node.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] ([`EntityKind::OrgAttachment`](crate::EntityKind::OrgAttachment)).
    fn detach(&self, org_id: &str, policy_id: &str, target_id: &str) -> Result<(), StoreError>;

    /// Enables (`true`) or disables a policy type on the organization's root.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (organization).
    fn set_policy_type(
        &self,
        org_id: &str,
        policy_type: &str,
        enabled: bool,
    ) -> Result<(), StoreError>;

    /// Replaces the tags of a resource (a node or a policy) of the organization.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (organization).
    fn set_tags(
        &self,
        org_id: &str,
        resource_id: &str,
        tags: &[(String, String)],
    ) -> Result<(), StoreError>;

    /// Records a CreateAccount request, or replaces the record with its id.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (organization).
    fn put_create_account_status(
        &self,
        status: &CreateAccountStatusRecord,
    ) -> Result<(), StoreError>;

    /// The organization's CreateAccount requests, oldest first.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn create_account_statuses(
        &self,
        org_id: &str,
    ) -> Result<Vec<CreateAccountStatusRecord>, StoreError>;
}

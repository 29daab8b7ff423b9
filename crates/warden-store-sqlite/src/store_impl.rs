//! [`Store`] for [`SqliteStore`]: each method is one transaction over the modules' queries.

use warden_store::{
    AccessKeyRecord, AccessKeyStatus, AccountRecord, Page, PageRequest, SnapshotSource, Store,
    StoreError, TrailDelivery, TrailRecord, UserPolicyRecord, UserRecord, UserUpdate,
    WrappedKeyRecord,
};

use crate::{SqliteStore, access_keys, accounts, policies, snapshot, trails, users};

impl Store for SqliteStore {
    fn create_account(&self, account: &AccountRecord) -> Result<(), StoreError> {
        self.write(|tx| accounts::create(tx, account))
    }

    fn account(&self, account_id: &str) -> Result<Option<AccountRecord>, StoreError> {
        self.read(|tx| accounts::get(tx, account_id))
    }

    fn list_accounts(&self) -> Result<Vec<AccountRecord>, StoreError> {
        self.read(|tx| accounts::list(tx))
    }

    fn create_user(&self, user: &UserRecord) -> Result<(), StoreError> {
        self.write(|tx| users::create(tx, user))
    }

    fn user(&self, account_id: &str, user_name: &str) -> Result<Option<UserRecord>, StoreError> {
        self.read(|tx| users::get(tx, account_id, user_name))
    }

    fn list_users(
        &self,
        account_id: &str,
        path_prefix: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<UserRecord>, StoreError> {
        self.read(|tx| users::list(tx, account_id, path_prefix, page))
    }

    fn update_user(
        &self,
        account_id: &str,
        user_name: &str,
        update: &UserUpdate,
    ) -> Result<UserRecord, StoreError> {
        self.write(|tx| users::update(tx, account_id, user_name, update))
    }

    fn tag_user(
        &self,
        account_id: &str,
        user_name: &str,
        tags: &[(String, String)],
    ) -> Result<(), StoreError> {
        self.write(|tx| users::tag(tx, account_id, user_name, tags))
    }

    fn untag_user(
        &self,
        account_id: &str,
        user_name: &str,
        tag_keys: &[String],
    ) -> Result<(), StoreError> {
        self.write(|tx| users::untag(tx, account_id, user_name, tag_keys))
    }

    fn delete_user(&self, account_id: &str, user_name: &str) -> Result<(), StoreError> {
        self.write(|tx| users::delete(tx, account_id, user_name))
    }

    fn put_user_policy(&self, policy: &UserPolicyRecord) -> Result<(), StoreError> {
        self.write(|tx| policies::put(tx, policy))
    }

    fn user_policy(
        &self,
        account_id: &str,
        user_name: &str,
        policy_name: &str,
    ) -> Result<Option<UserPolicyRecord>, StoreError> {
        self.read(|tx| policies::get(tx, account_id, user_name, policy_name))
    }

    fn list_user_policies(
        &self,
        account_id: &str,
        user_name: &str,
    ) -> Result<Vec<UserPolicyRecord>, StoreError> {
        self.read(|tx| policies::list(tx, account_id, user_name))
    }

    fn delete_user_policy(
        &self,
        account_id: &str,
        user_name: &str,
        policy_name: &str,
    ) -> Result<(), StoreError> {
        self.write(|tx| policies::delete(tx, account_id, user_name, policy_name))
    }

    fn create_access_key(&self, key: &AccessKeyRecord) -> Result<(), StoreError> {
        self.write(|tx| access_keys::create(tx, key))
    }

    fn access_key(&self, access_key_id: &str) -> Result<Option<AccessKeyRecord>, StoreError> {
        self.read(|tx| access_keys::get(tx, access_key_id))
    }

    fn list_access_keys(
        &self,
        account_id: &str,
        user_name: Option<&str>,
    ) -> Result<Vec<AccessKeyRecord>, StoreError> {
        self.read(|tx| access_keys::list(tx, account_id, user_name))
    }

    fn update_access_key_status(
        &self,
        account_id: &str,
        user_name: Option<&str>,
        access_key_id: &str,
        status: AccessKeyStatus,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            access_keys::update_status(tx, account_id, user_name, access_key_id, status)
        })
    }

    fn delete_access_key(
        &self,
        account_id: &str,
        user_name: Option<&str>,
        access_key_id: &str,
    ) -> Result<(), StoreError> {
        self.write(|tx| access_keys::delete(tx, account_id, user_name, access_key_id))
    }

    fn create_wrapped_key(&self, key: &WrappedKeyRecord) -> Result<(), StoreError> {
        self.write(|tx| accounts::create_wrapped_key(tx, key))
    }

    fn wrapped_key(&self, name: &str) -> Result<Option<WrappedKeyRecord>, StoreError> {
        self.read(|tx| accounts::wrapped_key(tx, name))
    }

    fn create_trail(&self, trail: &TrailRecord) -> Result<(), StoreError> {
        self.write(|tx| trails::create(tx, trail))
    }

    fn trail(&self, account_id: &str, name: &str) -> Result<Option<TrailRecord>, StoreError> {
        self.read(|tx| trails::get(tx, account_id, name))
    }

    fn list_trails(&self, account_id: Option<&str>) -> Result<Vec<TrailRecord>, StoreError> {
        self.read(|tx| trails::list(tx, account_id))
    }

    fn update_trail(&self, trail: &TrailRecord) -> Result<(), StoreError> {
        self.write(|tx| trails::update(tx, trail))
    }

    fn delete_trail(&self, account_id: &str, name: &str) -> Result<(), StoreError> {
        self.write(|tx| trails::delete(tx, account_id, name))
    }

    fn trail_delivery(&self, account_id: &str, name: &str) -> Result<TrailDelivery, StoreError> {
        self.read(|tx| trails::delivery(tx, account_id, name))
    }

    fn set_trail_delivery(
        &self,
        account_id: &str,
        name: &str,
        delivery: &TrailDelivery,
    ) -> Result<(), StoreError> {
        self.write(|tx| trails::set_delivery(tx, account_id, name, delivery))
    }

    fn snapshot_source(&self) -> Result<SnapshotSource, StoreError> {
        self.read(|tx| snapshot::source(tx))
    }

    fn generation(&self) -> Result<u64, StoreError> {
        self.read(|tx| snapshot::generation(tx))
    }
}

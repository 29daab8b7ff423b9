//! KMS records: keys (with their sealed key material versions and tags), aliases and grants.

/// One version of a KMS key's material, sealed under the data key for secrets at rest.
#[derive(Clone, PartialEq, Eq)]
pub struct KmsKeyMaterialRecord {
    /// The material's id (64 hex digits, `KeyMaterialId`).
    pub material_id: String,
    /// The material, sealed (never stored in clear).
    pub sealed: Vec<u8>,
    /// When it was made current (epoch milliseconds).
    pub created: i64,
    /// `AUTOMATIC` or `ON_DEMAND` for a rotation's material; `None` for the first.
    pub rotation_type: Option<String>,
}

impl std::fmt::Debug for KmsKeyMaterialRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KmsKeyMaterialRecord")
            .field("material_id", &self.material_id)
            .field("sealed", &"<sealed>")
            .field("created", &self.created)
            .field("rotation_type", &self.rotation_type)
            .finish()
    }
}

/// A KMS key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KmsKeyRecord {
    /// Its id, a UUID (unique across accounts and Regions).
    pub key_id: String,
    /// The owning account.
    pub account_id: String,
    /// The Region it lives in.
    pub region: String,
    /// `arn:aws:kms:<region>:<account>:key/<id>`.
    pub arn: String,
    /// Its description (empty when none).
    pub description: String,
    /// `KeySpec`, e.g. `SYMMETRIC_DEFAULT`.
    pub key_spec: String,
    /// `KeyUsage`, e.g. `ENCRYPT_DECRYPT`.
    pub key_usage: String,
    /// `Origin`, e.g. `AWS_KMS`.
    pub origin: String,
    /// `Enabled`, `Disabled` or `PendingDeletion`.
    pub state: String,
    /// When it was created (epoch milliseconds).
    pub created: i64,
    /// When a key pending deletion is deleted (epoch milliseconds).
    pub deletion_date: Option<i64>,
    /// The waiting period of a pending deletion, in days.
    pub pending_window_days: Option<i32>,
    /// The key policy document.
    pub policy: String,
    /// The automatic rotation period in days, when automatic rotation is on.
    pub rotation_period_days: Option<i32>,
    /// When automatic rotation next happens (epoch milliseconds), when on.
    pub next_rotation: Option<i64>,
    /// Its tags, in order.
    pub tags: Vec<(String, String)>,
    /// Its material versions, oldest first; the last is current.
    pub materials: Vec<KmsKeyMaterialRecord>,
}

/// A KMS alias (`alias/…`), naming a key of its account and Region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KmsAliasRecord {
    /// The owning account.
    pub account_id: String,
    /// The Region.
    pub region: String,
    /// The alias name, `alias/…` (case-sensitive).
    pub name: String,
    /// The key it names.
    pub target_key_id: String,
    /// When it was created (epoch milliseconds).
    pub created: i64,
    /// When it was last pointed at a key (epoch milliseconds).
    pub updated: i64,
}

/// A grant on a KMS key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KmsGrantRecord {
    /// The key it is on.
    pub key_id: String,
    /// Its id (64 hex digits).
    pub grant_id: String,
    /// Its name (empty when none).
    pub name: String,
    /// The principal it allows.
    pub grantee_principal: String,
    /// The principal that may retire it, if any.
    pub retiring_principal: Option<String>,
    /// The account that created it.
    pub issuing_account: String,
    /// The operations it allows (`Decrypt`, `Encrypt`, …).
    pub operations: Vec<String>,
    /// `EncryptionContextEquals` constraint, if any.
    pub context_equals: Option<Vec<(String, String)>>,
    /// `EncryptionContextSubset` constraint, if any.
    pub context_subset: Option<Vec<(String, String)>>,
    /// When it was created (epoch milliseconds).
    pub created: i64,
}

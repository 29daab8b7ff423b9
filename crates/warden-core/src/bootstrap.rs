//! First start: the default account and its root user's access key.

use warden_crypto::SecretString;
use warden_crypto::credentials::{self, AccessKeyKind};
use warden_store::StoreExt;
use warden_store::{AccessKeyRecord, AccessKeyStatus, AccountRecord};

use crate::operation::Principal;
use crate::snapshot_build::access_key_aad;
use crate::warden::{StartError, Warden};

/// Root credentials an operator supplies (`WARDEN_ROOT_ACCESS_KEY_ID` /
/// `WARDEN_ROOT_SECRET_ACCESS_KEY`), accepted as given.
#[derive(Debug)]
pub struct RootCredentials {
    /// The access key id.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: SecretString,
}

/// What the first start did.
#[derive(Debug)]
pub enum Bootstrap {
    /// The store already held an account; nothing was created.
    Existing {
        /// The default (first) account.
        account_id: String,
    },
    /// A new account and root key were created.
    Created {
        /// The new account's id.
        account_id: String,
        /// The root user's key: `Some` when Warden generated it (the caller must hand it to
        /// the operator), `None` when the operator supplied it.
        generated: Option<RootCredentials>,
    },
}

impl Warden {
    /// On an empty store, create the default account (`account_id`, or random 12 digits) and
    /// its root user's access key (`supplied`, or generated), in one transaction. On a store
    /// that holds an account, do nothing — even when its root user has no access key left
    /// (deleted, as AWS advises): supplied root credentials are used at the first start only.
    ///
    /// # Errors
    ///
    /// An invalid account id, a store failure, or a sealing failure.
    pub fn bootstrap(
        &self,
        account_id: Option<&str>,
        supplied: Option<RootCredentials>,
    ) -> Result<Bootstrap, StartError> {
        let outcome = self.open_or_create_default_account(account_id, supplied)?;
        let (Bootstrap::Existing { account_id } | Bootstrap::Created { account_id, .. }) = &outcome;
        // Set once per process; a second bootstrap of the same services names the same account.
        drop(self.default_account.set(account_id.clone()));
        Ok(outcome)
    }

    fn open_or_create_default_account(
        &self,
        account_id: Option<&str>,
        supplied: Option<RootCredentials>,
    ) -> Result<Bootstrap, StartError> {
        let now = self.clock.now().as_millisecond();
        if let Some(first) = self
            .store
            .read(|tx| tx.accounts().list())?
            .into_iter()
            .next()
        {
            // Its root user may have no key: deleting it is AWS's advice, and a restart
            // must not bring it back.
            return Ok(Bootstrap::Existing {
                account_id: first.account_id,
            });
        }
        let account_id = match account_id {
            Some(id) if is_account_id(id) => id.to_owned(),
            Some(id) => {
                return Err(StartError::Config(format!(
                    "account id {id:?} is not 12 digits"
                )));
            }
            None => credentials::account_id(self.rng.as_ref())?,
        };
        let (credentials, generated) = match supplied {
            Some(given) => (given, false),
            None => (
                RootCredentials {
                    access_key_id: credentials::access_key_id(
                        AccessKeyKind::LongTerm,
                        &account_id,
                        self.rng.as_ref(),
                    )?,
                    secret_access_key: credentials::secret_access_key(self.rng.as_ref())?,
                },
                true,
            ),
        };
        if credentials.access_key_id.is_empty()
            || credentials.secret_access_key.expose_secret().is_empty()
        {
            return Err(StartError::Config(
                "the root access key id and secret must not be empty".to_owned(),
            ));
        }
        let sealed = self.sealer.seal(
            credentials.secret_access_key.expose_secret().as_bytes(),
            &access_key_aad(&credentials.access_key_id),
        )?;
        let record = AccessKeyRecord {
            account_id: account_id.clone(),
            user_name: None,
            access_key_id: credentials.access_key_id.clone(),
            secret_sealed: sealed,
            status: AccessKeyStatus::Active,
            create_date: now,
        };
        let account = AccountRecord {
            account_id: account_id.clone(),
            create_date: now,
        };
        // One transaction: an account exists only with the root key it started with.
        self.write(&account_id, |tx, touched| {
            touched.push(Principal::Root);
            tx.accounts().create(&account)?;
            Ok(tx.access_keys().create(&record)?)
        })
        .map_err(|error| StartError::State(error.to_string()))?;
        Ok(Bootstrap::Created {
            account_id,
            generated: generated.then_some(credentials),
        })
    }
}

fn is_account_id(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
}

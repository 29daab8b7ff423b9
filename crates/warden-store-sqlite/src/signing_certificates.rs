//! Signing certificates of users and of root users (`user_key` NULL).

use rusqlite::{Connection, Row, params};
use warden_store::{
    AccessKeyStatus, EntityKind, SIGNING_CERTIFICATES_PER_USER, SigningCertificateRecord,
    SigningCertificates, StoreError,
};

use crate::access_keys::{owner_key, status_at};
use crate::failure::Outcome;
use crate::tx::{SqliteTx, settle};

/// Selects certificates with their owner's stored name (NULL for root), in
/// [`certificate_from_row`]'s order; callers append a WHERE.
const SELECT_CERTIFICATES: &str = "SELECT c.account_id, u.user_name, c.certificate_id, \
     c.certificate_body, c.digest, c.status, c.upload_date FROM signing_certificates c \
     LEFT JOIN users u ON u.account_id = c.account_id AND u.name_key = c.user_key";

impl SigningCertificates for SqliteTx<'_> {
    fn upload(&self, certificate: &SigningCertificateRecord) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let account_id = &certificate.account_id;
            let owner = owner_key(connection, account_id, certificate.user_name.as_deref())?;
            let taken = connection
                .prepare_cached(
                    "SELECT 1 FROM signing_certificates \
                     WHERE certificate_id = ?1 OR (account_id = ?2 AND digest = ?3)",
                )?
                .exists(params![
                    certificate.certificate_id,
                    account_id,
                    certificate.digest
                ])?;
            if taken {
                return Err(StoreError::already_exists(
                    EntityKind::SigningCertificate,
                    &certificate.certificate_id,
                )
                .into());
            }
            let count: i64 = connection
                .prepare_cached(
                    "SELECT count(*) FROM signing_certificates \
                     WHERE account_id = ?1 AND user_key IS ?2",
                )?
                .query_row(params![account_id, owner], |row| row.get(0))?;
            if usize::try_from(count).unwrap_or(usize::MAX) >= SIGNING_CERTIFICATES_PER_USER {
                return Err(StoreError::signing_certificate_quota_exceeded().into());
            }
            connection
                .prepare_cached(
                    "INSERT INTO signing_certificates (certificate_id, account_id, user_key, \
                     certificate_body, digest, status, upload_date) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?
                .execute(params![
                    certificate.certificate_id,
                    account_id,
                    owner,
                    certificate.certificate_body,
                    certificate.digest,
                    certificate.status.as_str(),
                    certificate.upload_date,
                ])?;
            Ok(())
        })
    }

    fn list(
        &self,
        account_id: &str,
        user_name: Option<&str>,
    ) -> Result<Vec<SigningCertificateRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let owner = owner_key(connection, account_id, user_name)?;
            let sql = format!(
                "{SELECT_CERTIFICATES} WHERE c.account_id = ?1 AND c.user_key IS ?2 \
                 ORDER BY c.upload_date, c.certificate_id"
            );
            query(connection, &sql, params![account_id, owner])
        })
    }

    fn list_all(&self, account_id: &str) -> Result<Vec<SigningCertificateRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let sql = format!(
                "{SELECT_CERTIFICATES} WHERE c.account_id = ?1 \
                 ORDER BY c.user_key, c.upload_date, c.certificate_id"
            );
            query(connection, &sql, params![account_id])
        })
    }

    fn set_status(
        &self,
        account_id: &str,
        user_name: Option<&str>,
        certificate_id: &str,
        status: AccessKeyStatus,
    ) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let owner = owner_key(connection, account_id, user_name)?;
            let updated = connection
                .prepare_cached(
                    "UPDATE signing_certificates SET status = ?4 \
                     WHERE account_id = ?1 AND user_key IS ?2 AND certificate_id = ?3",
                )?
                .execute(params![account_id, owner, certificate_id, status.as_str()])?;
            found(updated, certificate_id)
        })
    }

    fn delete(
        &self,
        account_id: &str,
        user_name: Option<&str>,
        certificate_id: &str,
    ) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let owner = owner_key(connection, account_id, user_name)?;
            let deleted = connection
                .prepare_cached(
                    "DELETE FROM signing_certificates \
                     WHERE account_id = ?1 AND user_key IS ?2 AND certificate_id = ?3",
                )?
                .execute(params![account_id, owner, certificate_id])?;
            found(deleted, certificate_id)
        })
    }
}

/// Whether the user with this case-folded key has signing certificates.
pub(crate) fn user_has_certificates(
    connection: &Connection,
    account_id: &str,
    user_key: &str,
) -> Outcome<bool> {
    Ok(connection
        .prepare_cached(
            "SELECT 1 FROM signing_certificates WHERE account_id = ?1 AND user_key = ?2",
        )?
        .exists(params![account_id, user_key])?)
}

/// The certificates `sql` selects with `params`.
fn query(
    connection: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Outcome<Vec<SigningCertificateRecord>> {
    Ok(connection
        .prepare_cached(sql)?
        .query_map(params, certificate_from_row)?
        .collect::<Result<_, _>>()?)
}

/// NotFound for the certificate unless `changed` rows were.
fn found(changed: usize, certificate_id: &str) -> Outcome<()> {
    if changed == 0 {
        return Err(StoreError::not_found(EntityKind::SigningCertificate, certificate_id).into());
    }
    Ok(())
}

/// Reads a row selected by [`SELECT_CERTIFICATES`].
fn certificate_from_row(row: &Row<'_>) -> rusqlite::Result<SigningCertificateRecord> {
    Ok(SigningCertificateRecord {
        account_id: row.get(0)?,
        user_name: row.get(1)?,
        certificate_id: row.get(2)?,
        certificate_body: row.get(3)?,
        digest: row.get(4)?,
        status: status_at(row, 5)?,
        upload_date: row.get(6)?,
    })
}

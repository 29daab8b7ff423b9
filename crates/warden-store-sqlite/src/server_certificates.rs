//! Server certificates and their tags.

use rusqlite::{Connection, OptionalExtension, Row, params};
use warden_store::{
    EntityKind, Page, PageRequest, SERVER_CERTIFICATES_PER_ACCOUNT, ServerCertificateRecord,
    ServerCertificateUpdate, ServerCertificates, StoreError, name_key,
};

use crate::failure::Outcome;
use crate::tags::SERVER_CERTIFICATE_TAGS;
use crate::tx::{SqliteTx, settle};
use crate::{accounts, paging};

impl ServerCertificates for SqliteTx<'_> {
    fn upload(&self, certificate: &ServerCertificateRecord) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let account_id = &certificate.account_id;
            let name = &certificate.server_certificate_name;
            accounts::require(connection, account_id)?;
            if find_key(connection, account_id, name)?.is_some() {
                return Err(StoreError::already_exists(EntityKind::ServerCertificate, name).into());
            }
            let id = &certificate.server_certificate_id;
            let id_taken = connection
                .prepare_cached(
                    "SELECT 1 FROM server_certificates \
                     WHERE server_certificate_id = ?1",
                )?
                .exists([id])?;
            if id_taken {
                return Err(StoreError::already_exists(EntityKind::ServerCertificate, id).into());
            }
            if count(connection, account_id)? >= SERVER_CERTIFICATES_PER_ACCOUNT {
                return Err(StoreError::server_certificate_quota_exceeded().into());
            }
            let key = name_key(name);
            connection
                .prepare_cached(
                    "INSERT INTO server_certificates (account_id, name_key, \
                     server_certificate_name, server_certificate_id, path, arn, \
                     certificate_body, certificate_chain, private_key_sealed, upload_date, \
                     expiration) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                )?
                .execute(params![
                    account_id,
                    key,
                    name,
                    id,
                    certificate.path,
                    certificate.arn,
                    certificate.certificate_body,
                    certificate.certificate_chain,
                    certificate.private_key_sealed,
                    certificate.upload_date,
                    certificate.expiration,
                ])?;
            SERVER_CERTIFICATE_TAGS.insert(connection, account_id, &key, &certificate.tags)
        })
    }

    fn get(
        &self,
        account_id: &str,
        name: &str,
    ) -> Result<Option<ServerCertificateRecord>, StoreError> {
        let connection = self.connection;
        settle(|| get(connection, account_id, &name_key(name)))
    }

    fn list(
        &self,
        account_id: &str,
        path_prefix: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<ServerCertificateRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let (max_items, limit) = paging::limits(page);
            let sql = format!(
                "SELECT {CERTIFICATE_COLUMNS} FROM server_certificates WHERE account_id = ?1 \
                 AND (?2 IS NULL OR substr(path, 1, length(?2)) = ?2) \
                 AND (?3 IS NULL OR name_key > ?3) \
                 ORDER BY name_key LIMIT ?4"
            );
            let rows: Vec<ServerCertificateRecord> = connection
                .prepare_cached(&sql)?
                .query_map(
                    params![account_id, path_prefix, page.marker, limit],
                    certificate_from_row,
                )?
                .collect::<Result<_, _>>()?;
            let page = paging::page_of(rows, max_items, |last| {
                name_key(&last.server_certificate_name)
            });
            Ok(Page {
                items: with_tags(connection, page.items)?,
                next_marker: page.next_marker,
            })
        })
    }

    fn count(&self, account_id: &str) -> Result<usize, StoreError> {
        let connection = self.connection;
        settle(|| count(connection, account_id))
    }

    fn update(
        &self,
        account_id: &str,
        name: &str,
        update: &ServerCertificateUpdate,
    ) -> Result<ServerCertificateRecord, StoreError> {
        let connection = self.connection;
        settle(|| {
            let old_key = require(connection, account_id, name)?;
            let new_name = &update.server_certificate_name;
            let new_key = name_key(new_name);
            if new_key != old_key && find_key(connection, account_id, new_name)?.is_some() {
                return Err(
                    StoreError::already_exists(EntityKind::ServerCertificate, new_name).into(),
                );
            }
            // Tags follow through ON UPDATE CASCADE.
            connection
                .prepare_cached(
                    "UPDATE server_certificates SET name_key = ?1, server_certificate_name = ?2, \
                     path = ?3, arn = ?4 WHERE account_id = ?5 AND name_key = ?6",
                )?
                .execute(params![
                    new_key,
                    new_name,
                    update.path,
                    update.arn,
                    account_id,
                    old_key
                ])?;
            get(connection, account_id, &new_key)?.ok_or_else(|| {
                StoreError::not_found(EntityKind::ServerCertificate, new_name).into()
            })
        })
    }

    fn tag(
        &self,
        account_id: &str,
        name: &str,
        tags: &[(String, String)],
    ) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let key = require(connection, account_id, name)?;
            SERVER_CERTIFICATE_TAGS.tag(connection, account_id, &key, tags)
        })
    }

    fn untag(&self, account_id: &str, name: &str, tag_keys: &[String]) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let key = require(connection, account_id, name)?;
            SERVER_CERTIFICATE_TAGS.untag(connection, account_id, &key, tag_keys)
        })
    }

    fn delete(&self, account_id: &str, name: &str) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let key = require(connection, account_id, name)?;
            // Its tags go with it (ON DELETE CASCADE).
            connection
                .prepare_cached(
                    "DELETE FROM server_certificates WHERE account_id = ?1 AND name_key = ?2",
                )?
                .execute(params![account_id, key])?;
            Ok(())
        })
    }
}

/// The server certificate columns, in the order [`certificate_from_row`] reads them.
const CERTIFICATE_COLUMNS: &str = "account_id, server_certificate_name, \
     server_certificate_id, path, arn, certificate_body, certificate_chain, \
     private_key_sealed, upload_date, expiration";

/// Reads a server certificate row (columns [`CERTIFICATE_COLUMNS`]), without tags.
fn certificate_from_row(row: &Row<'_>) -> rusqlite::Result<ServerCertificateRecord> {
    Ok(ServerCertificateRecord {
        account_id: row.get(0)?,
        server_certificate_name: row.get(1)?,
        server_certificate_id: row.get(2)?,
        path: row.get(3)?,
        arn: row.get(4)?,
        certificate_body: row.get(5)?,
        certificate_chain: row.get(6)?,
        private_key_sealed: row.get(7)?,
        upload_date: row.get(8)?,
        expiration: row.get(9)?,
        tags: Vec::new(),
    })
}

/// How many server certificates the account has.
fn count(connection: &Connection, account_id: &str) -> Outcome<usize> {
    let count: i64 = connection
        .prepare_cached("SELECT count(*) FROM server_certificates WHERE account_id = ?1")?
        .query_row([account_id], |row| row.get(0))?;
    Ok(usize::try_from(count).unwrap_or(usize::MAX))
}

/// The case-folded key of the server certificate of this name, if it exists.
fn find_key(connection: &Connection, account_id: &str, name: &str) -> Outcome<Option<String>> {
    let key = name_key(name);
    let exists = connection
        .prepare_cached(
            "SELECT 1 FROM server_certificates WHERE account_id = ?1 AND name_key = ?2",
        )?
        .exists(params![account_id, key])?;
    Ok(exists.then_some(key))
}

/// The case-folded key of the server certificate of this name, or [`StoreError::NotFound`].
pub(crate) fn require(connection: &Connection, account_id: &str, name: &str) -> Outcome<String> {
    find_key(connection, account_id, name)?
        .ok_or_else(|| StoreError::not_found(EntityKind::ServerCertificate, name).into())
}

/// The server certificate with this case-folded key, with its tags.
fn get(
    connection: &Connection,
    account_id: &str,
    key: &str,
) -> Outcome<Option<ServerCertificateRecord>> {
    let sql = format!(
        "SELECT {CERTIFICATE_COLUMNS} FROM server_certificates \
         WHERE account_id = ?1 AND name_key = ?2"
    );
    let certificate = connection
        .prepare_cached(&sql)?
        .query_row(params![account_id, key], certificate_from_row)
        .optional()?;
    let Some(certificate) = certificate else {
        return Ok(None);
    };
    Ok(with_tags(connection, vec![certificate])?.pop())
}

/// Fills in the server certificates' tags.
fn with_tags(
    connection: &Connection,
    mut certificates: Vec<ServerCertificateRecord>,
) -> Outcome<Vec<ServerCertificateRecord>> {
    for certificate in &mut certificates {
        let key = name_key(&certificate.server_certificate_name);
        certificate.tags = SERVER_CERTIFICATE_TAGS.of(connection, &certificate.account_id, &key)?;
    }
    Ok(certificates)
}

//! Opening connections: pragmas and schema migrations.

use std::path::Path;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use warden_store::StoreError;

use crate::BUSY_TIMEOUT;
use crate::failure::Outcome;

/// The schema migrations, in order: (version, SQL). Versions are consecutive from 1.
const MIGRATIONS: &[(u32, &str)] = &[
    (1, include_str!("../migrations/0001_initial.sql")),
    (2, include_str!("../migrations/0002_audit.sql")),
    (3, include_str!("../migrations/0003_trails.sql")),
    (4, include_str!("../migrations/0004_audit_journal.sql")),
    (5, include_str!("../migrations/0005_groups.sql")),
    (6, include_str!("../migrations/0006_managed_policies.sql")),
    (7, include_str!("../migrations/0007_roles.sql")),
    (8, include_str!("../migrations/0008_instance_profiles.sql")),
    (9, include_str!("../migrations/0009_credentials.sql")),
    (
        10,
        include_str!("../migrations/0010_service_credentials.sql"),
    ),
    (11, include_str!("../migrations/0011_certificates.sql")),
    (12, include_str!("../migrations/0012_service_accesses.sql")),
    (
        13,
        include_str!("../migrations/0013_server_certificates.sql"),
    ),
    (
        14,
        include_str!("../migrations/0014_identity_providers.sql"),
    ),
    (
        15,
        include_str!("../migrations/0015_outbound_federation.sql"),
    ),
    (16, include_str!("../migrations/0016_kms.sql")),
    (17, include_str!("../migrations/0017_organizations.sql")),
];

/// Opens the writer and the reader connection to the database file at `path`, creating
/// and migrating it as needed.
pub(crate) fn open_file(path: &Path) -> Result<(Connection, Connection), StoreError> {
    let context = |error: StoreError| match error {
        StoreError::Backend(message) => {
            StoreError::Backend(format!("cannot open store {}: {message}", path.display()))
        }
        other => other,
    };
    check_directory(path).map_err(context)?;
    let open = || -> Outcome<(Connection, Connection)> {
        let mut writer = Connection::open(path)?;
        configure(&writer)?;
        enable_wal(&writer)?;
        migrate(&mut writer)?;
        let reader = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        configure(&reader)?;
        reader.pragma_update(None, "query_only", true)?;
        Ok((writer, reader))
    };
    open().map_err(|failure| context(failure.into()))
}

/// Opens a private in-memory database with the current schema.
pub(crate) fn open_memory() -> Result<Connection, StoreError> {
    let open = || -> Outcome<Connection> {
        let mut connection = Connection::open_in_memory()?;
        configure(&connection)?;
        migrate(&mut connection)?;
        Ok(connection)
    };
    Ok(open()?)
}

/// Reports a clear error when the directory that should hold `path` is unusable.
fn check_directory(path: &Path) -> Result<(), StoreError> {
    let Some(directory) = path.parent().filter(|d| !d.as_os_str().is_empty()) else {
        return Ok(());
    };
    match directory.metadata() {
        Ok(metadata) if metadata.is_dir() => Ok(()),
        Ok(_) => Err(StoreError::Backend(format!(
            "{} is not a directory",
            directory.display()
        ))),
        Err(error) => Err(StoreError::Backend(format!(
            "directory {} is unusable: {error}",
            directory.display()
        ))),
    }
}

/// Prepared statements kept per connection (the store has fewer kinds than this).
const STATEMENT_CACHE: usize = 512;

/// Per-connection settings: durability, integrity, lock waiting and stable query plans.
fn configure(connection: &Connection) -> Outcome<()> {
    connection.busy_timeout(BUSY_TIMEOUT)?;
    // The query planner stability guarantee: a cached statement keeps its plan whatever is
    // bound to it. Without it SQLite re-prepares some statements (the user-tags query, for
    // one) on every execution, a measurable share of GetUser (docs/BENCHMARKS.md).
    connection.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    // Every statement the store runs stays prepared: rusqlite's default cache of 16 evicts
    // (and so re-parses) statements when one call runs more kinds than that (a
    // GetAccountAuthorizationDetails page runs about 30).
    connection.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    connection.pragma_update(None, "foreign_keys", true)?;
    // FULL: in WAL mode every commit fsyncs the WAL before returning.
    connection.pragma_update(None, "synchronous", "FULL")?;
    Ok(())
}

/// Switches the database file to WAL mode (a persistent setting).
fn enable_wal(connection: &Connection) -> Outcome<()> {
    let mode: String =
        connection.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    if mode.eq_ignore_ascii_case("wal") {
        Ok(())
    } else {
        Err(
            StoreError::Backend(format!("cannot enable WAL mode (journal mode is {mode:?})"))
                .into(),
        )
    }
}

/// Applies the migrations the database lacks, in one transaction.
fn migrate(connection: &mut Connection) -> Outcome<()> {
    let latest = MIGRATIONS.last().map_or(0, |&(version, _)| version);
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let current: u32 = transaction.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if current > latest {
        return Err(StoreError::Backend(format!(
            "the database has schema version {current}, newer than this build supports ({latest}); upgrade Warden"
        ))
        .into());
    }
    for &(version, sql) in MIGRATIONS.iter().filter(|&&(version, _)| version > current) {
        transaction.execute_batch(sql)?;
        transaction.pragma_update(None, "user_version", version)?;
    }
    transaction.commit()?;
    Ok(())
}

/// The schema version this build creates.
#[cfg(test)]
pub(crate) fn latest_version() -> u32 {
    MIGRATIONS.last().map_or(0, |&(version, _)| version)
}

#[cfg(test)]
mod tests {
    use super::{MIGRATIONS, latest_version};

    #[test]
    fn migration_versions_are_consecutive_from_one() {
        for (index, &(version, sql)) in MIGRATIONS.iter().enumerate() {
            assert_eq!(version as usize, index + 1);
            assert!(!sql.trim().is_empty());
        }
        assert_eq!(latest_version() as usize, MIGRATIONS.len());
    }
}

//! Opening a data directory: the backend (opened by the caller, see [`Backend`]), the root
//! key, the services, and on first start the default account with its root credentials.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use warden_core::{Bootstrap, RootCredentials, StartError, SystemClock, Warden};
use warden_crypto::{RootKey, SecretString, SystemRandom};
use warden_store::{AuditLog, Store};

use crate::ServerConfig;
use crate::serve::ServeError;

/// File name of the root key inside the data directory.
pub(crate) const ROOT_KEY_FILE: &str = "root.key";
/// File name of generated root credentials inside the data directory.
pub(crate) const ROOT_CREDENTIALS_FILE: &str = "root-credentials";

/// The longest the audit log holds a record before committing it, when the runtime's
/// workers do not run out of work sooner (see [`WorkersIdle`](crate::WorkersIdle)).
pub const AUDIT_LINGER: std::time::Duration = std::time::Duration::from_millis(2);

/// The store and the audit log the services run on. The composition root (the `warden`
/// binary) chooses and opens them; the server only uses them through their traits.
pub struct Backend {
    /// The store, the source of truth.
    pub store: Arc<dyn Store>,
    /// The audit log every call is recorded in. Its submitters are the runtime's workers:
    /// open it with [`AUDIT_LINGER`] (see [`ServerConfig::workers_idle`]).
    pub audit: Arc<dyn AuditLog>,
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Backend").finish_non_exhaustive()
    }
}

/// Open (or initialise) the data directory, with the backend `open_backend` opens there, and
/// build the services.
pub(crate) fn open_services(
    config: &ServerConfig,
    open_backend: impl FnOnce(&Path) -> Result<Backend, ServeError>,
) -> Result<Arc<Warden>, ServeError> {
    let data_dir = &config.data_dir;
    let Backend { store, audit } = open_backend(data_dir)?;
    config.workers_idle.connect(&audit);
    let rng = Arc::new(SystemRandom::new());
    let root_key_path = match &config.root_key_file {
        Some(path) if !path.exists() => {
            return Err(ServeError::Start(format!(
                "root key file {} does not exist",
                path.display()
            )));
        }
        Some(path) => path.clone(),
        None => data_dir.join(ROOT_KEY_FILE),
    };
    let root_key = RootKey::load_or_create(&root_key_path, rng.as_ref())
        .map_err(|error| ServeError::Start(format!("root key: {error}")))?;
    let warden = Warden::new(store, audit, &root_key, Arc::new(SystemClock), rng)
        .map_err(|error| start_error(&error))?
        .in_region(&config.region)
        .encoding_authorization_messages(config.encode_authorization_messages);
    if !config.audit {
        tracing::warn!("auditing is OFF (--no-audit): calls are not recorded");
        println!("warden: WARNING: auditing is off; calls leave no trace");
        warden.set_recording(false);
    }
    let supplied = match (&config.root_access_key_id, &config.root_secret_access_key) {
        (Some(id), Some(secret)) => Some(RootCredentials {
            access_key_id: id.clone(),
            secret_access_key: SecretString::new(secret.clone()),
        }),
        (None, None) => None,
        _ => {
            return Err(ServeError::Start(
                "set both WARDEN_ROOT_ACCESS_KEY_ID and WARDEN_ROOT_SECRET_ACCESS_KEY, or neither"
                    .to_owned(),
            ));
        }
    };
    match warden
        .bootstrap(config.account_id.as_deref(), supplied)
        .map_err(|error| start_error(&error))?
    {
        Bootstrap::Existing { account_id } => {
            tracing::info!(%account_id, "opened existing data directory");
        }
        Bootstrap::Created {
            account_id,
            generated,
        } => {
            tracing::info!(%account_id, "created the default account");
            println!("warden: created account {account_id}");
            if let Some(credentials) = generated {
                let path = write_root_credentials(data_dir, &account_id, &credentials)?;
                println!("warden: root credentials written to {}", path.display());
            }
        }
    }
    Ok(Arc::new(warden))
}

fn start_error(error: &StartError) -> ServeError {
    ServeError::Start(error.to_string())
}

/// Write generated root credentials in the AWS shared-credentials format, mode 0600.
fn write_root_credentials(
    data_dir: &Path,
    account_id: &str,
    credentials: &RootCredentials,
) -> Result<PathBuf, ServeError> {
    let path = data_dir.join(ROOT_CREDENTIALS_FILE);
    let fail = |source: std::io::Error| {
        ServeError::Start(format!("cannot write {}: {source}", path.display()))
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&path).map_err(fail)?;
    let text = zeroize::Zeroizing::new(format!(
        "# Warden root user of account {account_id}\n[default]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
        credentials.access_key_id,
        credentials.secret_access_key.expose_secret()
    ));
    file.write_all(text.as_bytes()).map_err(fail)?;
    file.sync_all().map_err(fail)?;
    Ok(path)
}

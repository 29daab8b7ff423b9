//! Starts the real `warden` binary on a free loopback port with a fresh data directory, and
//! always stops it.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) const ACCOUNT_ID: &str = "123456789012";
pub(crate) const ROOT_KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
pub(crate) const ROOT_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/// A running server; killed on drop.
pub(crate) struct Server {
    child: Child,
    pub(crate) endpoint: String,
    _data: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The binary: `$WARDEN_BIN`, else built with the cargo running these tests.
fn binary() -> PathBuf {
    if let Some(path) = std::env::var_os("WARDEN_BIN") {
        return PathBuf::from(path);
    }
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(cargo)
        .args(["build", "-p", "warden"])
        .current_dir(&workspace)
        .status()
        .expect("run cargo build");
    assert!(status.success(), "cargo build -p warden failed");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace.join("target"), PathBuf::from);
    target.join("debug").join("warden")
}

pub(crate) fn start() -> Server {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let data = tempfile::tempdir().unwrap();
    let child = Command::new(binary())
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
        ])
        .arg(data.path().join("data"))
        .env("WARDEN_ROOT_ACCESS_KEY_ID", ROOT_KEY_ID)
        .env("WARDEN_ROOT_SECRET_ACCESS_KEY", ROOT_SECRET)
        .env("WARDEN_ACCOUNT_ID", ACCOUNT_ID)
        .env("WARDEN_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("start warden");
    let server = Server {
        child,
        endpoint: format!("http://127.0.0.1:{port}"),
        _data: data,
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "warden did not start listening");
        std::thread::sleep(Duration::from_millis(50));
    }
    server
}

/// SDK configuration for `endpoint` with the given static credentials.
pub(crate) async fn config(endpoint: &str, key_id: &str, secret: &str) -> aws_config::SdkConfig {
    let credentials =
        aws_credential_types::Credentials::new(key_id, secret, None, None, "warden-tests");
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(credentials)
        .retry_config(aws_config::retry::RetryConfig::disabled())
        .load()
        .await
}

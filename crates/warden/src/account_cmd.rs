//! `warden account list`: the accounts of a data directory, with their organization
//! membership, read from the store (safe beside a running server: SQLite's WAL lets a
//! reader in while the server writes).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, Subcommand};
use warden_store::{OrgNodeKind, StoreExt as _};
use warden_store_sqlite::SqliteStore;

use crate::backend::DATABASE_FILE;

/// `warden account …`
#[derive(Debug, Subcommand)]
pub(crate) enum AccountCommand {
    /// List every account: id, name and email (for members of an organization), state,
    /// organization, and whether it is the organization's management account.
    List(ListArgs),
}

/// Options of `warden account list`.
#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// The data directory of `warden serve`.
    #[arg(long, default_value = "./warden-data", env = "WARDEN_DATA_DIR")]
    data_dir: PathBuf,
}

/// Runs an `account` subcommand.
pub(crate) fn run(command: AccountCommand) -> anyhow::Result<ExitCode> {
    match command {
        AccountCommand::List(args) => list(&args),
    }
}

/// One line of the listing.
#[derive(Debug, PartialEq, Eq)]
struct Line {
    account_id: String,
    name: String,
    email: String,
    status: String,
    organization: String,
    role: &'static str,
}

fn list(args: &ListArgs) -> anyhow::Result<ExitCode> {
    let path = args.data_dir.join(DATABASE_FILE);
    if !path.exists() {
        anyhow::bail!("no Warden database in {}", args.data_dir.display());
    }
    let store = SqliteStore::open(&path)
        .with_context(|| format!("opening the database in {}", args.data_dir.display()))?;
    let lines = store
        .read(|tx| {
            let mut lines = Vec::new();
            for account in tx.accounts().list()? {
                let org = match tx.organizations().of_account(&account.account_id)? {
                    Some(org_id) => tx.organizations().load(&org_id)?,
                    None => None,
                };
                let node = org.as_ref().and_then(|org| {
                    org.nodes.iter().find(|node| {
                        node.kind == OrgNodeKind::Account && node.node_id == account.account_id
                    })
                });
                let role = match &org {
                    Some(org) if org.organization.management_account_id == account.account_id => {
                        "management"
                    }
                    Some(_) => "member",
                    None => "-",
                };
                lines.push(Line {
                    name: node.map_or_else(|| "-".to_owned(), |node| node.name.clone()),
                    email: node
                        .and_then(|node| node.email.clone())
                        .unwrap_or_else(|| "-".to_owned()),
                    status: node
                        .and_then(|node| node.status.clone())
                        .unwrap_or_else(|| "ACTIVE".to_owned()),
                    organization: org
                        .as_ref()
                        .map_or_else(|| "-".to_owned(), |org| org.organization.org_id.clone()),
                    role,
                    account_id: account.account_id,
                });
            }
            Ok::<_, warden_store::StoreError>(lines)
        })
        .context("reading the accounts")?;
    print!("{}", render(&lines));
    Ok(ExitCode::SUCCESS)
}

/// The listing as aligned columns under a header.
fn render(lines: &[Line]) -> String {
    let header = [
        "ACCOUNT ID",
        "NAME",
        "EMAIL",
        "STATUS",
        "ORGANIZATION",
        "ROLE",
    ];
    let rows: Vec<[&str; 6]> = lines
        .iter()
        .map(|line| {
            [
                line.account_id.as_str(),
                line.name.as_str(),
                line.email.as_str(),
                line.status.as_str(),
                line.organization.as_str(),
                line.role,
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Line, render};

    #[test]
    fn lines_are_aligned_under_the_header() {
        let lines = [
            Line {
                account_id: "111122223333".to_owned(),
                name: "main".to_owned(),
                email: "111122223333@warden.invalid".to_owned(),
                status: "ACTIVE".to_owned(),
                organization: "o-abcdefghij".to_owned(),
                role: "management",
            },
            Line {
                account_id: "444455556666".to_owned(),
                name: "-".to_owned(),
                email: "-".to_owned(),
                status: "ACTIVE".to_owned(),
                organization: "-".to_owned(),
                role: "-",
            },
        ];
        let rendered = render(&lines);
        let rows: Vec<&str> = rendered.lines().collect();
        assert_eq!(rows.len(), 3);
        assert!(rows[0].starts_with("ACCOUNT ID    NAME  EMAIL"));
        assert!(rows[1].ends_with("o-abcdefghij  management"));
        assert!(rows[2].starts_with("444455556666  -     -"));
    }
}

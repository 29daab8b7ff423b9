//! Integration tests of the audit journal: the shared audit-log conformance suite, in memory
//! and on disk, reopening, recovery after torn writes and crashes, and write failures.

#[cfg(test)] // So clippy treats its helpers as test code.
mod audit;
#[cfg(test)] // So clippy treats its helpers (the child process) as test code.
mod audit_failure;
#[cfg(test)] // So clippy treats its helpers as test code.
mod audit_recovery;
mod conformance;
#[cfg(test)] // So clippy treats its helpers (the child process) as test code.
mod crash;

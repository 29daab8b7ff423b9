//! Integration tests of the SQLite store: the shared conformance suite, in memory and on
//! disk, plus durability across reopening and across handles.

#[cfg(test)] // So clippy treats its helpers as test code.
mod audit;
#[cfg(test)] // So clippy treats its helpers (the child process) as test code.
mod audit_failure;
mod audit_legacy;
#[cfg(test)] // So clippy treats its helpers as test code.
mod audit_recovery;
mod conformance;
#[cfg(test)] // So clippy treats its helpers (the child process) as test code.
mod crash;
mod durability;

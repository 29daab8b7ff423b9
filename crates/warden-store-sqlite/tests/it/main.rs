//! Integration tests of the SQLite store: the shared conformance suite, in memory and on
//! disk, plus durability across reopening and across handles.

mod conformance;
mod durability;

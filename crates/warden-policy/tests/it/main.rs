mod corpus;
mod fuzz_regressions;
mod properties;

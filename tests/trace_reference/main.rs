//! The independent reference parser of the trace format (TRACE.md revision 4), its generators, and
//! the self-tests that pin the reference to the specification.

mod differential;
mod generate;
mod parser;
mod selftest;

//! The trace format v1 of TRACE.md: a parser and a checker (feature `trace`).

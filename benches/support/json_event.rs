//! The JSON Lines form of the benchmark's events, as a user would read it instead of a trace:
//! one typed struct per line, with borrowed strings (`serde_json`). Shared by `check` (time) and
//! `check_instructions` (instructions).

use serde::Deserialize;

/// One event of the JSON Lines form, typed, with borrowed strings.
#[derive(Deserialize)]
#[allow(dead_code, reason = "read to be measured, not used")]
pub struct JsonEvent<'a> {
    pub event: &'a str,
    #[serde(default)]
    item: Option<&'a str>,
    #[serde(default, borrow)]
    items: Option<Vec<&'a str>>,
    #[serde(default)]
    status: Option<&'a str>,
    #[serde(default)]
    value: Option<i64>,
    #[serde(default)]
    max: Option<i64>,
    #[serde(default)]
    text: Option<&'a str>,
    #[serde(default)]
    hr: Option<&'a str>,
    #[serde(default)]
    recorded: Option<&'a str>,
    #[serde(default)]
    method: Option<&'a str>,
    #[serde(default)]
    level: Option<&'a str>,
    #[serde(default)]
    flags: Option<&'a str>,
    #[serde(default)]
    set: Option<bool>,
}

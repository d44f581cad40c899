//! `--format mermaid`: a checked trace as a Mermaid sequence diagram between the Manager and the
//! Handler.
//!
//! What it draws (the command's decisions; TRACE.md does not speak of diagrams):
//! - Calls into the handler are arrows Manager → Handler (`->>`), a recorded `=> HR` is the
//!   Handler's answer arrow back (`-->>`); a `return METHOD HR` is an answer arrow of its own.
//!   Callbacks are arrows Handler → Manager, the manager's recorded answer comes back.
//! - An event the contract refuses has a crossed arrow (`-x`) and a note right of the Handler
//!   with the verdict and the rule. A violation is drawn in a red box, its arrow (or its answer,
//!   for a call answered wrongly) crossed, with a note over both saying `VIOLATION`, the verdict
//!   and the rule, and the reason below (notes are broken into lines of about 64 characters
//!   with `<br/>`, the only markup the diagram writes itself).
//! - Each end of pass gets a note with its report (the unfinished items and the skips not
//!   honoured, by the names the trace gave them, declared or implicit), and the summary line
//!   comes last.
//! - Declarations, blank lines and comments are not drawn. Labels are the event's own text,
//!   without its comment and its `=> HR`, cut to [`MAX_LABEL`] characters; every character
//!   Mermaid would read as syntax (`#`, `;`, `<`, `>`, `&`, `"`, `%`, `{`, `}`, `\`) is written
//!   as its entity code (`#35;`), control characters as spaces.
//! - At most [`MAX_DRAWN`] events are drawn (GitHub refuses diagrams over 50,000 characters);
//!   the rest are still checked, counted in the summary and the exit status, and a last note
//!   says how many were left out.
//! - The diagram is written only once the whole trace has been read: a parse error prints the
//!   error as `mobsync check` does (standard error, exit status 2) and no diagram.
//!
//! The output is the diagram's source, starting `sequenceDiagram`: paste it into a fenced
//! ```` ```mermaid ```` block for GitHub, GitLab or mdBook (with mdbook-mermaid), or give it to
//! `mmdc` (mermaid-cli) for an SVG.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{BufRead, Read};

use mobsync::trace::{CheckError, Checker, Line, MAX_LINE_BYTES, Parser, Summary, SyntaxError};
use mobsync::{Config, Guid, HResult, ItemView, Role};

/// The most events drawn.
pub const MAX_DRAWN: usize = 500;

/// The longest label drawn, in characters (longer ones end with `…`).
pub const MAX_LABEL: usize = 160;

/// The longest reason drawn in a note, in characters.
const MAX_REASON: usize = 160;

/// Renders `input` as a diagram; `Err` when it does not parse or cannot be read.
pub fn render(input: impl BufRead, config: Config) -> Result<(String, Summary), CheckError> {
    let mut diagram = Diagram::new(config);
    for_each_line(input, |number, text| diagram.line(number, text))?;
    Ok(diagram.finish())
}

/// Each line of `input` with its number, without its line end: LF or CRLF, at most
/// [`MAX_LINE_BYTES`] bytes, UTF-8, as TRACE.md says.
fn for_each_line(
    input: impl BufRead,
    mut f: impl FnMut(usize, &str) -> Result<(), CheckError>,
) -> Result<(), CheckError> {
    let mut input = input;
    let mut bytes = Vec::new();
    for number in 1.. {
        bytes.clear();
        // Room for the longest line, its CRLF, and one byte more to tell a longer line.
        let limit = (MAX_LINE_BYTES + 3) as u64;
        (&mut input).take(limit).read_until(b'\n', &mut bytes)?;
        if bytes.is_empty() {
            break;
        }
        let mut line = bytes.as_slice();
        if let Some(rest) = line.strip_suffix(b"\n") {
            line = rest.strip_suffix(b"\r").unwrap_or(rest);
        } else if bytes.len() as u64 == limit {
            line = &bytes;
        }
        if line.len() > MAX_LINE_BYTES {
            return Err(SyntaxError {
                line: number,
                column: 1,
                message: format!("a line longer than {MAX_LINE_BYTES} bytes"),
            }
            .into());
        }
        let text = std::str::from_utf8(line).map_err(|err| {
            let valid = line.get(..err.valid_up_to()).unwrap_or_default();
            SyntaxError {
                line: number,
                column: String::from_utf8_lossy(valid).chars().count() + 1,
                message: "the input is not valid UTF-8".to_owned(),
            }
        })?;
        f(number, text)?;
    }
    Ok(())
}

struct Diagram {
    parser: Parser,
    checker: Checker,
    out: String,
    drawn: usize,
    left_out: usize,
    /// The names of the drawn lines, declared or implicit, for the reports' items.
    names: HashMap<Guid, String>,
}

impl Diagram {
    fn new(config: Config) -> Self {
        Self {
            parser: Parser::new(),
            checker: Checker::new(config),
            out: String::from(
                "sequenceDiagram\n    participant M as Manager\n    participant H as Handler\n",
            ),
            drawn: 0,
            left_out: 0,
            names: HashMap::new(),
        }
    }

    fn line(&mut self, number: usize, text: &str) -> Result<(), CheckError> {
        let event = match self.parser.parse_line(number, text)? {
            Line::Event(event) => event,
            Line::Declaration { name, guid } => {
                self.names.entry(guid).or_insert(name);
                return Ok(());
            }
            Line::Empty => return Ok(()),
        };
        let verdict = self.checker.check(&event);
        if self.drawn == MAX_DRAWN {
            self.left_out += 1;
            return Ok(());
        }
        self.drawn += 1;
        let plain = label(text);
        self.implicit_names(&plain);
        let label = escape(&plain, MAX_LABEL);
        let refused = verdict.verdict != HResult::S_OK;
        let role = verdict.event.role();
        let calls = !matches!(role, Role::Callback | Role::Return);
        // Who makes the event, who answers it.
        let (from, to) = if calls { ("M", "H") } else { ("H", "M") };
        let out = &mut self.out;
        if verdict.violation {
            out.push_str("    rect rgb(255, 221, 221)\n");
        }
        // A call answered wrongly is drawn with a plain call and a crossed answer.
        let wrong_answer = verdict.violation && calls && event.recorded.is_some();
        let crossed = (refused || verdict.violation) && !wrong_answer;
        let arrow = match (role, crossed) {
            (Role::Return, false) => "-->>",
            (Role::Return, true) => "--x",
            (_, false) => "->>",
            (_, true) => "-x",
        };
        let _ = writeln!(out, "    {from}{arrow}{to}: {label}");
        if let Some(hr) = event.recorded {
            let arrow = if wrong_answer { "--x" } else { "-->>" };
            let _ = writeln!(
                out,
                "    {to}{arrow}{from}: {}",
                escape(&hr.short().to_string(), MAX_LABEL)
            );
        }
        let what = format!("{} {}", verdict.verdict_name(), verdict.rule);
        if verdict.violation {
            let reason = wrap(&escape(&verdict.reason, MAX_REASON));
            let _ = writeln!(out, "    Note over M,H: VIOLATION {what}<br/>{reason}");
            out.push_str("    end\n");
        } else if refused {
            let _ = writeln!(out, "    Note right of H: refused: {what}");
        }
        if let Some(report) = &verdict.report {
            let note = if report.is_clean() {
                "end of pass: every item final, every skip honoured".to_owned()
            } else {
                format!(
                    "end of pass: unfinished [{}], skip not honoured [{}]",
                    self.items(report.unfinished()),
                    self.items(report.skip_not_honoured())
                )
            };
            let _ = writeln!(
                self.out,
                "    Note over M,H: {}",
                wrap(&escape(&note, MAX_REASON))
            );
        }
        Ok(())
    }

    /// Every word of `label` (or value of a `key=value`) that could be an undeclared NAME, by the
    /// GUID it stands for (TRACE.md "Aliases"); a word that is not an id names no item and is
    /// never looked up.
    fn implicit_names(&mut self, label: &str) {
        const NAMESPACE: uuid::Uuid = uuid::uuid!("6295df40-35ee-11d1-8707-00c04fd93327");
        for word in label.split_whitespace().skip(1) {
            let word = word.split_once('=').map_or(word, |(_, value)| value);
            let name_like = word.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && word
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if name_like {
                let uuid = uuid::Uuid::new_v5(&NAMESPACE, word.as_bytes());
                self.names
                    .entry(Guid::from_u128(uuid.as_u128()))
                    .or_insert_with(|| word.to_owned());
            }
        }
    }

    /// Items by their names, else their GUIDs.
    fn items(&self, items: impl Iterator<Item = ItemView>) -> String {
        let shown: Vec<String> = items
            .map(|item| {
                let guid = Guid::from(item.id);
                self.names
                    .get(&guid)
                    .cloned()
                    .unwrap_or_else(|| guid.to_string())
            })
            .collect();
        shown.join(", ")
    }

    fn finish(mut self) -> (String, Summary) {
        let summary = self.checker.summary();
        if self.left_out > 0 {
            let _ = writeln!(
                self.out,
                "    Note over M,H: {} more events not drawn (mobsync check lists them)",
                self.left_out
            );
        }
        let _ = writeln!(
            self.out,
            "    Note over M,H: {}",
            escape(&summary.to_string(), MAX_REASON)
        );
        (self.out, summary)
    }
}

/// The event's text without its comment and its `=> HR` (outside strings), trimmed.
fn label(text: &str) -> String {
    let mut out = String::new();
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        } else if c == '#' || (c == '=' && chars.peek() == Some(&'>')) {
            break;
        }
        out.push(c);
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The widest line of a note, in characters of its source (entity codes counted whole).
const NOTE_WIDTH: usize = 64;

/// Escaped note text broken into lines of about [`NOTE_WIDTH`] with `<br/>`, at spaces only
/// (an entity code holds none, so none is cut).
fn wrap(escaped: &str) -> String {
    let mut out = String::with_capacity(escaped.len());
    let mut width = 0;
    for word in escaped.split(' ') {
        let len = word.chars().count();
        if width > 0 && width + 1 + len > NOTE_WIDTH {
            out.push_str("<br/>");
            width = 0;
        } else if width > 0 {
            out.push(' ');
            width += 1;
        }
        out.push_str(word);
        width += len;
    }
    out
}

/// `text` for a Mermaid message or note, cut to `max` characters: what Mermaid would read as
/// syntax as entity codes, control characters as spaces.
pub fn escape(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for (n, c) in text.chars().enumerate() {
        if n == max {
            out.push('…');
            break;
        }
        match c {
            '#' | ';' | '<' | '>' | '&' | '"' | '%' | '{' | '}' | '\\' => {
                let _ = write!(out, "#{};", u32::from(c));
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_writes_mermaid_syntax_characters_as_entity_codes() {
        assert_eq!(
            escape("a#b;c<d>e&f\"g%h{i}j\\", 100),
            "a#35;b#59;c#60;d#62;e#38;f#34;g#37;h#123;i#125;j#92;"
        );
        assert_eq!(escape("line\nbreak\ttab", 100), "line break tab");
        assert_eq!(escape("abcdef", 3), "abc…");
    }

    #[test]
    fn wrap_breaks_notes_at_spaces_only() {
        let text = format!("{} {}", "a".repeat(40), "b#35;c ".repeat(8));
        let wrapped = wrap(text.trim_end());
        assert!(
            wrapped
                .split("<br/>")
                .all(|line| line.chars().count() <= NOTE_WIDTH)
        );
        assert_eq!(wrapped.replace("<br/>", " "), text.trim_end());
        assert_eq!(wrap(&"x".repeat(100)), "x".repeat(100));
    }

    #[test]
    fn label_drops_the_comment_and_the_answer_but_not_inside_strings() {
        assert_eq!(
            label("SetItemStatus A SKIPPED => S_OK  # x"),
            "SetItemStatus A SKIPPED"
        );
        assert_eq!(label("Synchronize=>S_OK"), "Synchronize");
        assert_eq!(
            label(r#"LogError ERROR "a # \" => b" item=A # c"#),
            r#"LogError ERROR "a # \" => b" item=A"#
        );
    }
}

//! Parsing a trace line (TRACE.md): one line in, one declaration or event out, or a
//! [`SyntaxError`] with its line and column. A line in a common, well-formed shape is read in one
//! pass by `fast`; every other line (and every error) by the full parser, whose tokens come from
//! `scan`, one at a time, and whose grammar is `grammar`'s.

use crate::guid::{Guid, ItemId};

use super::error::SyntaxError;
use super::event::{Call, TraceEvent};
use super::fast;
use super::grammar::{Fail, Line as Parsing};
use super::names::Names;
use super::scan::{Kind, Scan};

/// The longest line a trace may have, in bytes (line end excluded): a longer one is a syntax
/// error, so memory stays bounded whatever the input.
pub const MAX_LINE_BYTES: usize = 1 << 26;

/// The parser's memory across lines: declared and used names, and an item list reused from line
/// to line. Nothing else outlives a line, so memory does not grow with the number of lines; the
/// names are bounded by TRACE.md's limit of 2,097,152.
#[derive(Debug, Default)]
pub struct Parser {
    /// Each name seen, declared or only used, with its GUID.
    pub(super) names: Names,
    /// An item list to fill, given back by [`Parser::recycle`].
    spare_items: Vec<ItemId>,
}

/// One parsed line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line {
    /// A blank or comment-only line.
    Empty,
    /// `item NAME GUID` or `error NAME GUID`.
    Declaration {
        /// The name.
        name: String,
        /// What it stands for.
        guid: Guid,
    },
    /// An event.
    Event(TraceEvent),
}

impl Parser {
    /// A parser with no names yet.
    ///
    /// ```
    /// # use mobsync::trace::{Line, Parser};
    /// let mut parser = Parser::new();
    /// assert_eq!(parser.parse_line(1, "   # a comment").unwrap(), Line::Empty);
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes back the item list of an event that was handed out, to fill it again: a parser that
    /// gets its events back allocates nothing per event.
    #[inline]
    pub(crate) fn recycle(&mut self, call: Call) {
        if let Call::EnumSyncMgrItems { items }
        | Call::PrepareForSync { items, .. }
        | Call::ShowErrorCompleted { items, .. } = call
            && items.capacity() > self.spare_items.capacity()
        {
            self.spare_items = items;
        }
    }

    /// Parses one line (without its line end).
    ///
    /// # Errors
    /// A [`SyntaxError`] when the line does not follow the format.
    ///
    /// ```
    /// # use mobsync::trace::{Call, Line, Parser};
    /// # use mobsync::{HResult, ItemId};
    /// let mut parser = Parser::new();
    /// let Line::Event(event) = parser.parse_line(7, "SetItemStatus A SKIPPED => S_OK").unwrap() else { panic!() };
    /// let a: ItemId = "3c75e951-8f5f-5001-a563-a6db1373c58a".parse().unwrap(); // UUID v5 of "A"
    /// assert_eq!(event.call, Call::SetItemStatus { item: a, status: 1 });
    /// assert_eq!(event.recorded, Some(HResult::S_OK));
    /// ```
    pub fn parse_line(&mut self, line_no: usize, text: &str) -> Result<Line, SyntaxError> {
        if text.len() > MAX_LINE_BYTES {
            return Err(SyntaxError {
                line: line_no,
                column: 1,
                message: format!("a line longer than {MAX_LINE_BYTES} bytes"),
            });
        }
        // The common shapes in one pass; the full parser decides the rest (and every error).
        if let Some(fast) = fast::line(text, &self.names, &mut self.spare_items) {
            return Ok(match fast {
                None => Line::Empty,
                Some((call, recorded)) => Line::Event(TraceEvent {
                    line: line_no,
                    call,
                    recorded,
                }),
            });
        }
        let mut line = Parsing::new(line_no, text, &mut self.names, &mut self.spare_items);
        let parsed = parse(&mut line);
        // A line in error adds no name.
        match parsed {
            Ok(line) => {
                self.names.commit();
                Ok(line)
            }
            Err(Fail) => {
                let error = line.failed.take();
                self.names.rollback();
                Err(error.unwrap_or_else(|| SyntaxError {
                    line: line_no,
                    column: 1,
                    message: "a line in error".to_owned(),
                }))
            }
        }
    }

    /// The error of a line that is not UTF-8, `valid` being its text up to its first bad byte
    /// (TRACE.md: the leftmost token in error, else the bad byte). Only the tokens before the
    /// one that holds the bad byte are judged — the line is cut at the start of that token (the
    /// one the byte is glued to, or a string it is inside; never a `=>`) — and a missing token
    /// does not win, since the line is not complete. The line adds no name.
    pub(crate) fn not_utf8(&mut self, line_no: usize, valid: &str) -> SyntaxError {
        let mut scan = Scan::new(valid);
        let mut cut = valid.len();
        while let Some(tok) = scan.next() {
            if tok.end() == valid.len() && tok.kind != Kind::Arrow {
                cut = tok.start();
            }
        }
        let text = valid.get(..cut).unwrap_or_default();
        let mut line = Parsing::new(line_no, text, &mut self.names, &mut self.spare_items);
        let parsed = parse(&mut line).is_ok();
        let (failed, missing) = (line.failed.take(), line.missing);
        self.names.rollback();
        match failed {
            Some(error) if !parsed && !missing => error,
            _ => SyntaxError {
                line: line_no,
                column: valid.chars().count() + 1,
                message: "the input is not valid UTF-8".to_owned(),
            },
        }
    }
}

/// One line: empty, a declaration or an event.
fn parse(line: &mut Parsing<'_, '_>) -> Result<Line, Fail> {
    let text = line.text;
    let line_no = line.line;
    match line.scan.next() {
        None => Ok(Line::Empty),
        Some(first) if first.kind == Kind::Word && matches!(first.text(text), "item" | "error") => {
            line.declaration().map(|(name, guid)| Line::Declaration {
                name: name.to_owned(),
                guid,
            })
        }
        Some(first) => line.event(first).map(|(call, recorded)| {
            Line::Event(TraceEvent {
                line: line_no,
                call,
                recorded,
            })
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hresult::HResult;

    fn event(text: &str) -> TraceEvent {
        match Parser::new().parse_line(1, text) {
            Ok(Line::Event(e)) => e,
            other => panic!("{text}: {other:?}"),
        }
    }

    fn error_column(text: &str) -> usize {
        Parser::new().parse_line(1, text).unwrap_err().column
    }

    #[test]
    fn implicit_names_are_uuid_v5_in_the_trace_namespace() {
        let Call::GetItemObject { item } = event("GetItemObject A").call else {
            panic!()
        };
        assert_eq!(item.to_string(), "{3C75E951-8F5F-5001-A563-A6DB1373C58A}");
    }

    #[test]
    fn arrow_is_a_token_of_its_own_without_spaces() {
        let e = event("Synchronize=>S_OK");
        assert_eq!(
            (e.call, e.recorded),
            (Call::Synchronize, Some(HResult::S_OK))
        );
    }

    #[test]
    fn numbers_wrap_as_c_converts_them() {
        assert_eq!(
            event("SetItemStatus A -1").call,
            Call::SetItemStatus {
                item: event("GetItemObject A").call.item(),
                status: u32::MAX
            }
        );
        let Call::Progress { progress, .. } = event("Progress A value=0xFFFFFFFF max=+7").call
        else {
            panic!()
        };
        assert_eq!((progress.value, progress.max, progress.mask), (-1, 7, 0xC));
        assert_eq!(error_column("SetItemStatus A 4294967296"), 17);
        assert_eq!(error_column("SetItemStatus A -2147483649"), 17);
        assert!(
            Parser::new()
                .parse_line(1, "SetItemStatus A -2147483648")
                .is_ok()
        );
    }

    #[test]
    fn strings_keep_hash_and_escapes() {
        let e = event(r#"LogError ERROR "a # \"b\" \\ c" error=E1 jump"#);
        let Call::LogError { level, info } = e.call else {
            panic!()
        };
        assert_eq!((level, info.mask, info.error_flags), (3, 0x3, 0x1));
        assert_eq!(error_column(r#"LogError ERROR "bad \n""#), 16);
        assert_eq!(error_column(r#"EstablishConnection "open"#), 21);
    }

    #[test]
    fn masks_decide_which_fields_are_carried() {
        let Call::Progress { progress, .. } = event("Progress A value=1 max=3 mask=0x8").call
        else {
            panic!()
        };
        assert_eq!(progress.mask, 0x8);
        assert_eq!(error_column("Progress A value=1 mask=0x5"), 20);
        assert_eq!(error_column("Progress A value=x max=3 mask=0x8"), 12);
        let Call::Progress { progress, .. } = event("Progress A status=UPDATING mask=0x12").call
        else {
            panic!()
        };
        assert_eq!(progress.mask, 0x12, "unnamed bits are passed on");
    }

    #[test]
    fn missing_and_extra_tokens_are_located() {
        assert_eq!(error_column("SetItemStatus A"), 16);
        assert_eq!(error_column("Progress status=UPDATING"), 10);
        assert_eq!(error_column("Synchronize now"), 13);
        assert_eq!(error_column("Progress A status=UPDATING => S_FALSE"), 31);
        assert_eq!(error_column("return Initialize S_OK"), 8);
        assert_eq!(error_column("Initialize MANUAL cookie=abc"), 19);
        assert_eq!(error_column("Initialize MANUAL reserved=1 reserved=2"), 30);
        assert_eq!(error_column("Initialize MANUAL colour=1"), 19);
    }

    #[test]
    fn declarations_must_come_before_use_and_not_shadow_null() {
        let mut parser = Parser::new();
        parser.parse_line(1, "GetItemObject A").unwrap();
        assert_eq!(
            parser
                .parse_line(2, "item A 6295df40-0000-4000-8000-000000000001")
                .unwrap_err()
                .column,
            6
        );
        assert_eq!(
            parser
                .parse_line(3, "error null 6295df40-0000-4000-8000-000000000001")
                .unwrap_err()
                .column,
            7
        );
        let line = parser
            .parse_line(4, "item B {6295DF40-0000-4000-8000-000000000001}")
            .unwrap();
        assert!(matches!(line, Line::Declaration { .. }));
    }

    impl Call {
        fn item(&self) -> ItemId {
            match self {
                Self::GetItemObject { item } => *item,
                _ => ItemId::NULL,
            }
        }
    }
}

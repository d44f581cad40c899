//! The tokens of one line, consumed left to right ([`Cursor`]), with the options of a line
//! (`key=value` and bare flags, [`Options`]).

use uuid::Uuid;

use crate::guid::{ErrorId, Guid, ItemId};
use crate::hresult::HResult;

use super::error::{Shown, SyntaxError};
use super::lex::{Kind, Span, Token, column};
use super::names::{NAMESPACE, Names, is_name};
use super::value::parse_hr;

/// The tokens of one line, consumed left to right.
pub(super) struct Cursor<'p, 'a> {
    pub(super) line: usize,
    pub(super) text: &'a str,
    pub(super) tokens: std::slice::Iter<'p, Span>,
    pub(super) names: &'p mut Names,
    pub(super) spare_items: &'p mut Vec<ItemId>,
}

/// The keys of `key=value` options and the bare flags (TRACE.md "Events").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Key {
    Cookie,
    Reserved,
    Name,
    Flags,
    Status,
    Text,
    Value,
    Max,
    Mask,
    Error,
    Item,
    Jump,
}

impl Key {
    /// The key as a trace spells it.
    pub(super) const fn name(self) -> &'static str {
        match self {
            Self::Cookie => "cookie",
            Self::Reserved => "reserved",
            Self::Name => "name",
            Self::Flags => "flags",
            Self::Status => "status",
            Self::Text => "text",
            Self::Value => "value",
            Self::Max => "max",
            Self::Mask => "mask",
            Self::Error => "error",
            Self::Item => "item",
            Self::Jump => "jump",
        }
    }

    pub(super) fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "cookie" => Self::Cookie,
            "reserved" => Self::Reserved,
            "name" => Self::Name,
            "flags" => Self::Flags,
            "status" => Self::Status,
            "text" => Self::Text,
            "value" => Self::Value,
            "max" => Self::Max,
            "mask" => Self::Mask,
            "error" => Self::Error,
            "item" => Self::Item,
            "jump" => Self::Jump,
            _ => return None,
        })
    }
}

/// At most this many options on a line: each known key once (Progress has the most, five).
pub(super) const MAX_OPTIONS: usize = 5;

/// The options of a line (`key=value` and bare flags), in line order, each key at most once.
pub(super) struct Options<'p, 'a> {
    text: &'a str,
    /// The options' tokens.
    spans: &'p [Span],
    /// The key of each of `spans`.
    keys: [Option<Key>; MAX_OPTIONS],
}

impl<'a> Options<'_, 'a> {
    /// The token of `key`, if present.
    pub(super) fn get(&self, key: Key) -> Option<Token<'a>> {
        let n = self.keys.iter().position(|&k| k == Some(key))?;
        self.spans.get(n).map(|span| Token::new(self.text, span))
    }

    /// Whether `key` is present.
    pub(super) fn has(&self, key: Key) -> bool {
        self.keys.contains(&Some(key))
    }

    /// Each option's token and key, in line order.
    pub(super) fn iter(&self) -> impl Iterator<Item = (Token<'a>, Key)> {
        let text = self.text;
        self.spans
            .iter()
            .zip(self.keys.iter().flatten())
            .map(move |(span, &key)| (Token::new(text, span), key))
    }
}

impl<'p, 'a> Cursor<'p, 'a> {
    /// An error at byte `offset` of the line (its column is counted now).
    pub(super) fn error(&self, offset: usize, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            line: self.line,
            column: column(self.text, offset),
            message: message.into(),
        }
    }

    /// A missing token: one column past the line's last character.
    pub(super) fn missing(&self, what: &str) -> SyntaxError {
        self.error(self.text.len(), format!("{what} expected"))
    }

    pub(super) fn peek(&self) -> Option<Token<'a>> {
        let text = self.text;
        self.tokens
            .as_slice()
            .first()
            .map(|span| Token::new(text, span))
    }

    pub(super) fn next(&mut self) -> Option<Token<'a>> {
        let text = self.text;
        self.tokens.next().map(|span| Token::new(text, span))
    }

    /// The next token if it is a positional argument (a word that is not `key=value`).
    pub(super) fn positional(&mut self, what: &str) -> Result<Token<'a>, SyntaxError> {
        match self.peek() {
            None => Err(self.missing(what)),
            Some(t) if t.kind == Kind::Word => {
                self.tokens.next();
                Ok(t)
            }
            Some(t) => {
                Err(self.error(t.start, format!("{what} expected, found {}", Shown(t.text))))
            }
        }
    }

    /// An ID (the text of the token at byte `start`): a GUID, a name or `null`.
    pub(super) fn id(&mut self, start: usize, text: &str) -> Result<Guid, SyntaxError> {
        if let Ok(guid) = text.parse::<Guid>() {
            return Ok(guid);
        }
        // Only names are in the table: none is `null` or shaped like a GUID.
        if let Some(&guid) = self.names.get(text) {
            return Ok(guid);
        }
        if text == "null" {
            return Ok(Guid::NULL);
        }
        if !is_name(text) {
            return Err(self.error(
                start,
                format!("{} is not a GUID, a name or null", Shown(text)),
            ));
        }
        let guid = Guid::from_uuid(Uuid::new_v5(&NAMESPACE, text.as_bytes()));
        self.names.insert(text.to_owned(), guid);
        Ok(guid)
    }

    pub(super) fn item(&mut self) -> Result<ItemId, SyntaxError> {
        let token = self.positional("an item")?;
        self.id(token.start, token.text).map(ItemId::from)
    }

    pub(super) fn error_id(&mut self) -> Result<ErrorId, SyntaxError> {
        let token = self.positional("an error id")?;
        self.id(token.start, token.text).map(ErrorId::from)
    }

    /// Zero or more ids, up to the first `key=value`, string or `=>`, in the parser's spare list.
    pub(super) fn items(&mut self) -> Result<Vec<ItemId>, SyntaxError> {
        let mut items = std::mem::take(self.spare_items);
        items.clear();
        while let Some(t) = self.peek().filter(|t| t.kind == Kind::Word) {
            self.tokens.next();
            items.push(ItemId::from(self.id(t.start, t.text)?));
        }
        Ok(items)
    }

    pub(super) fn hr(&mut self) -> Result<HResult, SyntaxError> {
        let token = self.positional("an HRESULT")?;
        parse_hr(token.text).ok_or_else(|| {
            self.error(
                token.start,
                format!(
                    "{} is not an HRESULT name or 0x and 1 to 8 hex digits",
                    Shown(token.text)
                ),
            )
        })
    }

    pub(super) fn choice(&mut self, what: &str, yes: &str, no: &str) -> Result<bool, SyntaxError> {
        let token = self.positional(what)?;
        match token.text {
            t if t == yes => Ok(true),
            t if t == no => Ok(false),
            t => Err(self.error(token.start, format!("{what} expected, found {}", Shown(t)))),
        }
    }

    /// The options after the positional arguments: `key=value` (each at most once) and bare
    /// flags from `flags`.
    pub(super) fn options(
        &mut self,
        keys: &[Key],
        flags: &[Key],
    ) -> Result<Options<'p, 'a>, SyntaxError> {
        let mut options = Options {
            text: self.text,
            spans: self.tokens.as_slice(),
            keys: [None; MAX_OPTIONS],
        };
        let mut count = 0;
        while let Some(token) = self.peek().filter(|t| t.kind != Kind::Arrow) {
            self.tokens.next();
            if matches!(token.kind, Kind::Str | Kind::Arrow) {
                return Err(self.error(token.start, format!("unexpected {}", Shown(token.text))));
            }
            let is_flag = token.kind == Kind::Word;
            let allowed = if is_flag { flags } else { keys };
            let Some(known) = Key::from_name(token.key()).filter(|k| allowed.contains(k)) else {
                let what = if is_flag { "unexpected" } else { "unknown key" };
                return Err(self.error(token.start, format!("{what} {}", Shown(token.text))));
            };
            if options.has(known) {
                return Err(self.error(token.start, format!("`{}` given twice", known.name())));
            }
            // Each known key at most once, so there is a slot (MAX_OPTIONS covers every event).
            let Some(slot) = options.keys.get_mut(count) else {
                return Err(self.error(token.start, format!("unexpected {}", Shown(token.text))));
            };
            *slot = Some(known);
            count += 1;
        }
        options.spans = options.spans.get(..count).unwrap_or_default();
        Ok(options)
    }

    /// `=> HR` at the end of the line, if present; nothing may follow it.
    pub(super) fn arrow(&mut self, allowed: bool) -> Result<Option<(HResult, usize)>, SyntaxError> {
        let Some(t) = self.next() else {
            return Ok(None);
        };
        if t.kind != Kind::Arrow || !allowed {
            return Err(self.error(
                t.start,
                format!("unexpected {} after the event", Shown(t.text)),
            ));
        }
        let hr = self.positional("an HRESULT after =>")?;
        let value = parse_hr(hr.text).ok_or_else(|| {
            self.error(
                hr.start,
                format!(
                    "{} is not an HRESULT name or 0x and 1 to 8 hex digits",
                    Shown(hr.text)
                ),
            )
        })?;
        if let Some(extra) = self.next() {
            return Err(self.error(
                extra.start,
                format!("unexpected {} after the result", Shown(extra.text)),
            ));
        }
        Ok(Some((value, hr.start)))
    }

    pub(super) fn end(&mut self) -> Result<(), SyntaxError> {
        match self.next() {
            None => Ok(()),
            Some(t) => Err(self.error(
                t.start,
                format!("unexpected {} after the event", Shown(t.text)),
            )),
        }
    }
}

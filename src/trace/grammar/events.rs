//! The shape of each line (TRACE.md "Events"): a declaration, a call, a return or a callback,
//! each with its positional arguments in the order shown and then its options.

#![allow(
    clippy::wildcard_imports,
    reason = "the grammar's own vocabulary, all of it"
)]

use super::*;

impl<'a> Line<'_, 'a> {
    /// `item NAME GUID` or `error NAME GUID`.
    pub(in crate::trace) fn declaration(&mut self) -> R<(&'a str, Guid)> {
        let name = self.positional("a name", false)?;
        let text = self.t(name);
        if !is_name(text) {
            return Err(self.bad_value(name, "cannot be declared as a name"));
        }
        if self.names.get(text).is_some() {
            return Err(self.bad_value(name, "was already used or declared"));
        }
        let guid_tok = self.positional("a GUID", false)?;
        let Some(guid) = parse_guid(self.t(guid_tok)) else {
            return Err(self.bad_value(guid_tok, "is not a GUID"));
        };
        if let Some(extra) = self.scan.next() {
            let message = format!("unexpected {} after the declaration", Shown(self.t(extra)));
            return Err(self.error(extra.start(), message));
        }
        if self.names.insert(text, guid).is_err() {
            return Err(self.error(name.start(), TOO_MANY_NAMES));
        }
        Ok((text, guid))
    }

    /// An event line whose first token is `first`: the event and `=> HR`.
    pub(in crate::trace) fn event(&mut self, first: Tok) -> R<(Call, Option<HResult>)> {
        if first.kind != Kind::Word {
            let message = format!("an event expected, found {}", Shown(self.t(first)));
            return Err(self.error(first.start(), message));
        }
        let word = self.t(first);
        let call = if word == RETURN {
            self.call_return()?
        } else {
            match EventKind::from_name(word) {
                Some(kind) if !kind.is_return() => self.call(kind)?,
                _ => return Err(self.bad_value(first, "is not an event")),
            }
        };
        let recorded = self.recorded(matches!(call, Call::Progress { .. }))?;
        Ok((call, recorded))
    }

    /// `return METHOD HR`.
    fn call_return(&mut self) -> R<Call> {
        let tok = self.positional("a METHOD", false)?;
        let Some(method) = Method::from_name(self.t(tok)) else {
            return Err(self.bad_value(
                tok,
                "has no separate return (PrepareForSync, Synchronize, ShowProperties or ShowError)",
            ));
        };
        let hr = self.hr("an HRESULT")?;
        Ok(Call::Return { method, hr })
    }

    /// `reserved=N` as the only option.
    fn reserved(&mut self) -> R<u32> {
        let mut reserved = 0;
        self.options(&[Key::Reserved], &[], |line, (_, tok)| {
            reserved = dword(line.number(tok)?);
            Ok(())
        })?;
        Ok(reserved)
    }

    /// No options at all.
    fn no_options(&mut self) -> R<()> {
        match self.scan.peek() {
            None => Ok(()),
            Some(tok) if tok.kind == Kind::Arrow => Ok(()),
            Some(_) => self.options(&[], &[], |_, _| Ok(())),
        }
    }

    /// The event of `kind` (not a return) with its arguments.
    fn call(&mut self, kind: EventKind) -> R<Call> {
        let call = match kind {
            EventKind::Initialize => {
                let tok = self.positional("FLAGS", false)?;
                let Some(flags) = flags_value(self.t(tok)) else {
                    return Err(self.bad_value(tok, "is not a FLAGS value"));
                };
                let mut reserved = 0;
                self.options(&[Key::Cookie, Key::Reserved], &[], |line, (key, tok)| {
                    match key {
                        Key::Cookie if !is_hex(tok.value(line.text)) => {
                            return Err(line
                                .error(tok.start(), "the cookie is an even number of hex digits"));
                        }
                        Key::Reserved => reserved = dword(line.number(tok)?),
                        _ => {}
                    }
                    Ok(())
                })?;
                Call::Initialize { flags, reserved }
            }
            EventKind::GetHandlerInfo => {
                let (mut name_units, mut flags) = (0, 0);
                self.options(&[Key::Name, Key::Flags], &[], |line, (key, tok)| {
                    match key {
                        Key::Name => name_units = tok.string(line.text).encode_utf16().count(),
                        _ => flags = dword(line.number(tok)?),
                    }
                    Ok(())
                })?;
                Call::GetHandlerInfo { name_units, flags }
            }
            EventKind::EnumSyncMgrItems => {
                let items = self.items()?;
                self.no_options()?;
                Call::EnumSyncMgrItems { items }
            }
            EventKind::GetItemObject => {
                let item = self.item()?;
                self.no_options()?;
                Call::GetItemObject { item }
            }
            EventKind::SetProgressCallback => {
                let set = self.choice("set or null", "set", "null")?;
                self.no_options()?;
                Call::SetProgressCallback { set }
            }
            EventKind::SetItemStatus => {
                let item = self.item()?;
                let tok = self.positional("a STATUS", false)?;
                let Some(status) = status_value(self.t(tok)) else {
                    return Err(self.bad_value(tok, "is not a STATUS"));
                };
                self.no_options()?;
                Call::SetItemStatus { item, status }
            }
            EventKind::PrepareForSync => {
                let items = self.items()?;
                let reserved = self.reserved()?;
                Call::PrepareForSync { items, reserved }
            }
            EventKind::Synchronize => {
                self.no_options()?;
                Call::Synchronize
            }
            EventKind::ShowProperties => {
                let item = self.item()?;
                self.no_options()?;
                Call::ShowProperties { item }
            }
            EventKind::ShowError => {
                let error = self.error_id()?;
                self.no_options()?;
                Call::ShowError { error }
            }
            EventKind::PrepareForSyncCompleted => {
                let hr = self.hr("an HRESULT")?;
                self.no_options()?;
                Call::PrepareForSyncCompleted { hr }
            }
            EventKind::SynchronizeCompleted => {
                let hr = self.hr("an HRESULT")?;
                self.no_options()?;
                Call::SynchronizeCompleted { hr }
            }
            EventKind::ShowPropertiesCompleted => {
                let hr = self.hr("an HRESULT")?;
                self.no_options()?;
                Call::ShowPropertiesCompleted { hr }
            }
            EventKind::ShowErrorCompleted => {
                let hr = self.hr("an HRESULT")?;
                let items = self.items()?;
                self.no_options()?;
                Call::ShowErrorCompleted { hr, items }
            }
            EventKind::EnableModeless => {
                let enable = self.choice("true or false", "true", "false")?;
                self.no_options()?;
                Call::EnableModeless { enable }
            }
            EventKind::Progress => self.progress()?,
            EventKind::LogError => self.log_error()?,
            EventKind::DeleteLogError => {
                let error = self.error_id()?;
                let reserved = self.reserved()?;
                Call::DeleteLogError { error, reserved }
            }
            EventKind::EstablishConnection => {
                let has_name = match self.scan.peek() {
                    Some(tok) if tok.kind == Kind::Str => {
                        self.scan.next();
                        true
                    }
                    Some(tok) if tok.kind == Kind::Arrow || tok.is_option() => false,
                    Some(tok) => {
                        self.scan.next();
                        return Err(
                            self.not_positional(tok, "the connection name (a quoted string)")
                        );
                    }
                    None => false,
                };
                self.open = !has_name;
                let reserved = self.reserved()?;
                Call::EstablishConnection { has_name, reserved }
            }
            EventKind::ReturnPrepareForSync
            | EventKind::ReturnSynchronize
            | EventKind::ReturnShowProperties
            | EventKind::ReturnShowError => return self.call_return(),
        };
        Ok(call)
    }

    /// Progress: the mask comes from the keys present, or from `mask=`, which then decides which
    /// fields are carried (TRACE.md).
    fn progress(&mut self) -> R<Call> {
        let item = self.item()?;
        let mut progress = ProgressItem::default();
        self.options(
            &[Key::Status, Key::Text, Key::Value, Key::Max, Key::Mask],
            &[],
            |line, (key, tok)| {
                // Every present key is well formed, whether its bit is set or not.
                match key {
                    Key::Status => match status_value(tok.value(line.text)) {
                        Some(status) => progress.status = status,
                        None => return Err(line.bad_value(tok, ": a STATUS expected")),
                    },
                    Key::Value => progress.value = int(line.number(tok)?),
                    Key::Max => progress.max = int(line.number(tok)?),
                    Key::Mask => {
                        line.mask = Some((tok.start(), dword(line.number(tok)?), &PROGRESS_FIELDS))
                    }
                    _ => {}
                }
                Ok(())
            },
        )?;
        progress.mask = self.mask(&PROGRESS_FIELDS)?;
        // A field whose bit is clear is not carried (its key was only checked for form).
        let carried = |bit: ProgressMask| progress.mask & bit.bits() != 0;
        if !carried(ProgressMask::STATUSTYPE) {
            progress.status = 0;
        }
        if !carried(ProgressMask::PROGVALUE) {
            progress.value = 0;
        }
        if !carried(ProgressMask::MAXVALUE) {
            progress.max = 0;
        }
        Ok(Call::Progress { item, progress })
    }

    /// LogError: `jump`, `error=` and `item=` give the info mask unless `mask=` does.
    fn log_error(&mut self) -> R<Call> {
        let tok = self.positional("a LEVEL", false)?;
        let Some(level) = level_value(self.t(tok)) else {
            return Err(self.bad_value(tok, "is not a LEVEL"));
        };
        self.positional("the error text (a quoted string)", true)?;
        let mut info = LogErrorInfo::default();
        self.options(
            &[Key::Error, Key::Item, Key::Mask],
            &[Key::Jump],
            |line, (key, tok)| {
                match key {
                    Key::Jump => info.error_flags = ErrorFlags::ENABLEJUMPTEXT.bits(),
                    Key::Error => {
                        info.error_id = ErrorId::from(line.id(tok, tok.value(line.text))?);
                    }
                    Key::Item => info.item = ItemId::from(line.id(tok, tok.value(line.text))?),
                    Key::Mask => {
                        line.mask = Some((tok.start(), dword(line.number(tok)?), &LOG_FIELDS))
                    }
                    _ => {}
                }
                Ok(())
            },
        )?;
        info.mask = self.mask(&LOG_FIELDS)?;
        let carried = |bit: LogErrorMask| info.mask & bit.bits() != 0;
        if !carried(LogErrorMask::ERRORFLAGS) {
            info.error_flags = 0;
        }
        if !carried(LogErrorMask::ERRORID) {
            info.error_id = ErrorId::NULL;
        }
        if !carried(LogErrorMask::ITEMID) {
            info.item = ItemId::NULL;
        }
        Ok(Call::LogError { level, info })
    }
}

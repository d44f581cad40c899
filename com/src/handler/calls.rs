//! Each `ISyncMgrSynchronize` method of [`Handler`]: its pointers, the engine's decision, the
//! handler's code and what it hands out, in the order CONTRACT §9 gives (window, then R-COM-PTR,
//! then the contract's argument checks).

#![allow(
    clippy::wildcard_imports,
    reason = "the parent module's vocabulary, all of it"
)]

use super::*;

impl<H: SyncHandler + Send + 'static> Handler<H> {
    pub(super) fn initialize(
        &self,
        reserved: u32,
        flags: u32,
        size: u32,
        cookie: *const u8,
    ) -> HRESULT {
        let flags = SyncMgrFlags::from_bits(flags);
        let probe = Event::Initialize {
            reserved,
            flags,
            answer: HResult::S_OK,
        };
        if let Err(hr) = self.window(&probe) {
            return hr;
        }
        if cookie.is_null() && size > 0 {
            return self.null_pointer(EventKind::Initialize, "cookie with a non-zero size");
        }
        if let Err(err) = self.core.lock().engine.check(&probe) {
            self.core.refused(&err, &probe, None);
            return err.hresult().into();
        }
        let cookie: &[u8] = if size == 0 {
            &[]
        } else {
            // SAFETY: the manager passes `size` readable bytes at the non-NULL `cookie`
            // (Initialize's contract), for the duration of the call.
            unsafe { core::slice::from_raw_parts(cookie, size as usize) }
        };
        let answer = match self.run(EventKind::Initialize, |h| h.initialize(flags, cookie)) {
            Outcome::Returned(answer) => answer,
            Outcome::Panicked => HResult::E_FAIL,
            Outcome::Reentrant => return self.reentrant(EventKind::Initialize),
        };
        let _ = self.decide(
            &Event::Initialize {
                reserved,
                flags,
                answer,
            },
            None,
        );
        answer.into()
    }

    pub(super) fn get_handler_info(&self, out: *mut *mut SYNCMGRHANDLERINFO) -> HRESULT {
        // SAFETY: `out` is NULL or the caller's writable out-pointer.
        unsafe { clear(out) };
        let probe = Event::GetHandlerInfo {
            answer: HResult::S_OK,
            info: HandlerInfo::new("", 0),
        };
        if let Err(hr) = self.window(&probe) {
            return hr;
        }
        if out.is_null() {
            return self.null_pointer(EventKind::GetHandlerInfo, "out-pointer");
        }
        let mut description = HandlerDescription::default();
        let answer = match self.run(EventKind::GetHandlerInfo, |h| {
            h.get_handler_info(&mut description)
        }) {
            Outcome::Returned(answer) => answer,
            Outcome::Panicked => HResult::E_FAIL,
            Outcome::Reentrant => return self.reentrant(EventKind::GetHandlerInfo),
        };
        let info = HandlerInfo::new(&description.name, description.flags);
        let event = Event::GetHandlerInfo { answer, info };
        if let Err(hr) = self.decide(&event, Some(&description.name)) {
            return hr;
        }
        if answer.is_failure() {
            return answer.into();
        }
        let mut name = [0_u16; MAX_SYNCMGRHANDLERNAME];
        // The engine accepted the name (R-INFO: at most 31 units), so it fits.
        let _ = fill_fixed(&mut name, &description.name);
        let block = task_alloc(size_of::<SYNCMGRHANDLERINFO>()).cast::<SYNCMGRHANDLERINFO>();
        if block.is_null() {
            return hr::E_OUTOFMEMORY;
        }
        let info = SYNCMGRHANDLERINFO {
            cbSize: SYNCMGRHANDLERINFO_SIZE,
            hIcon: HICON::from_addr(description.icon),
            SyncMgrHandlerFlags: description.flags,
            wszHandlerName: name,
        };
        // SAFETY: `block` is a fresh task-allocator block of the struct's size, aligned for any
        // fundamental type.
        unsafe { block.write(info) };
        // SAFETY: `out` is a non-NULL writable out-pointer; the block's ownership moves to the
        // caller, who frees it with CoTaskMemFree.
        unsafe { out.write_unaligned(block) };
        answer.into()
    }

    pub(super) fn enum_items(&self, out: *mut *mut c_void) -> HRESULT {
        // SAFETY: `out` is NULL or the caller's writable out-pointer.
        unsafe { clear(out) };
        let probe = Event::EnumSyncMgrItems {
            answer: HResult::S_OK,
            items: &[],
        };
        if let Err(hr) = self.window(&probe) {
            return hr;
        }
        if out.is_null() {
            return self.null_pointer(EventKind::EnumSyncMgrItems, "out-pointer");
        }
        let mut infos: Vec<ItemInfo> = Vec::new();
        let answer = match self.run(EventKind::EnumSyncMgrItems, |h| {
            h.enum_sync_mgr_items(&mut infos)
        }) {
            Outcome::Returned(answer) => answer,
            Outcome::Panicked => HResult::E_FAIL,
            Outcome::Reentrant => return self.reentrant(EventKind::EnumSyncMgrItems),
        };
        let items: Vec<SyncMgrItem> = infos
            .iter()
            .map(|info| SyncMgrItem {
                id: info.id,
                name_units: info.name.encode_utf16().count(),
                flags: info.flags,
                state: info.state,
            })
            .collect();
        if let Err(hr) = self.decide(
            &Event::EnumSyncMgrItems {
                answer,
                items: &items,
            },
            None,
        ) {
            return hr;
        }
        if answer.is_failure() {
            return answer.into();
        }
        let enumerator: ISyncMgrEnumItems = ItemEnumerator::new(&infos).into();
        // SAFETY: `out` is a non-NULL writable out-pointer; the reference moves to the caller.
        unsafe { out.write_unaligned(enumerator.into_raw()) };
        answer.into()
    }

    pub(super) fn get_item_object(
        &self,
        item: *const GUID,
        riid: *const GUID,
        out: *mut *mut c_void,
    ) -> HRESULT {
        // SAFETY: `out` is NULL or the caller's writable out-pointer.
        unsafe { clear(out) };
        // SAFETY: `item` is NULL or the caller's REFGUID.
        let id = unsafe { incoming::guid(item) };
        let probe = Event::GetItemObject {
            item: id.map_or(ItemId::NULL, ItemId::from),
        };
        if let Err(hr) = self.window(&probe) {
            return hr;
        }
        if id.is_none() || riid.is_null() || out.is_null() {
            return self.null_pointer(EventKind::GetItemObject, "item id, riid or out-pointer");
        }
        let result = self.core.lock().engine.handle(&probe);
        if let Err(err) = result
            && err.check() != mobsync::Check::NotImplemented
        {
            self.core.refused(&err, &probe, None);
            return err.hresult().into();
        }
        let item = probe_item(&probe);
        match self.run(EventKind::GetItemObject, |h| h.get_item_object(item)) {
            Outcome::Returned(answer) => self.fixed_answer(&probe, answer),
            Outcome::Panicked => return hr::E_FAIL,
            // The answer is the contract's anyway: the handler's would only be compared.
            Outcome::Reentrant => {}
        }
        hr::E_NOTIMPL
    }

    pub(super) fn set_progress_callback(&self, callback: *mut c_void) -> HRESULT {
        let bind = !callback.is_null();
        let event = Event::SetProgressCallback { bind };
        // SAFETY: the manager passes NULL or a valid ISyncMgrSynchronizeCallback pointer.
        let manager = unsafe { Manager::from_raw(callback) };
        {
            let mut state = self.core.lock();
            if let Err(err) = state.engine.handle(&event) {
                drop(state);
                self.core.refused(&err, &event, None);
                return err.hresult().into();
            }
            if bind {
                state.manager = manager.map(Arc::new);
            }
        }
        let handed = bind.then(|| {
            Callback::new(GuardedSink {
                core: Arc::clone(&self.core),
            })
        });
        let outcome = self.run(EventKind::SetProgressCallback, |h| {
            h.set_progress_callback(handed)
        });
        if !bind {
            // R-COM-REF: the manager's callback is let go as SetProgressCallback(NULL) returns.
            let released = self.core.lock().manager.take();
            drop(released);
        }
        match outcome {
            Outcome::Returned(answer) => self.fixed_answer(&event, answer),
            Outcome::Panicked => return hr::E_FAIL,
            Outcome::Reentrant => return self.reentrant(EventKind::SetProgressCallback),
        }
        hr::S_OK
    }

    pub(super) fn prepare_for_sync(
        &self,
        count: u32,
        ids: *const GUID,
        parent: HWND,
        reserved: u32,
    ) -> HRESULT {
        let probe = Event::PrepareForSync {
            items: &[],
            reserved,
        };
        if let Err(hr) = self.window(&probe) {
            return hr;
        }
        // SAFETY: the manager passes NULL or `count` readable GUIDs.
        let Some(items) = (unsafe { incoming::ids(ids, count) }) else {
            return self.null_pointer(EventKind::PrepareForSync, "item list with a non-zero count");
        };
        let event = Event::PrepareForSync {
            items: &items,
            reserved,
        };
        self.call_with_return(&event, Method::PrepareForSync, parent, |h| {
            h.prepare_for_sync(&items)
        })
    }

    pub(super) fn set_item_status(&self, item: *const GUID, status: u32) -> HRESULT {
        // SAFETY: `item` is NULL or the caller's REFGUID.
        let Some(id) = (unsafe { incoming::guid(item) }) else {
            let probe = Event::SetItemStatus {
                item: ItemId::NULL,
                status,
            };
            if let Err(hr) = self.window(&probe) {
                return hr;
            }
            return self.null_pointer(EventKind::SetItemStatus, "item id");
        };
        let item = ItemId::from(id);
        let result = self.core.lock().engine.set_item_status(item, status);
        if let Err(err) = result {
            self.core
                .refused(&err, &Event::SetItemStatus { item, status }, None);
            return err.hresult().into();
        }
        match self.run(EventKind::SetItemStatus, |h| {
            h.set_item_status(item, status)
        }) {
            Outcome::Returned(answer) => {
                if answer != HResult::S_OK {
                    self.fixed_answer(&Event::SetItemStatus { item, status }, answer);
                }
            }
            Outcome::Panicked => return hr::E_FAIL,
            // Decided: the handler hears of it when its current call returns.
            Outcome::Reentrant => {
                let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
                pending.push((item, status));
                self.has_pending.store(true, Ordering::Release);
            }
        }
        hr::S_OK
    }
}

/// The item of a GetItemObject event.
fn probe_item(event: &Event<'_>) -> ItemId {
    match *event {
        Event::GetItemObject { item } => item,
        _ => ItemId::NULL,
    }
}

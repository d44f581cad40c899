//! One test per rule of CONTRACT §9 (R-COM-*), named after it, each through the real vtables: a
//! guarded handler called with the raw folder's declarations, its callbacks read by a manager
//! callback written against the same declarations.

mod common;
#[path = "raw/mod.rs"]
mod raw;

use std::sync::{Arc, Barrier, Mutex};

use common::handler::{A, B, Behaviour, TestHandler};
use common::recorder::{Answers, Got};
use common::session::{NO_WINDOW, Session, refcount};
use common::{assert_all_released, counting, sentinel};
use mobsync::sim::{HandlerDescription, ItemInfo};
use mobsync::{
    Config, ErrorId, Fault, HResult, ItemId, LogErrorInfo, Profile, ProgressItem, Rule,
    SyncMgrStatus,
};
use mobsync_com::abi::size::{
    SYNCMGRHANDLERINFO_SIZE, SYNCMGRITEM_SIZE, SYNCMGRLOGERRORINFO_SIZE, SYNCMGRPROGRESSITEM_SIZE,
};
use raw::abi::{
    E_FAIL, E_INVALIDARG, E_NOTIMPL, E_UNEXPECTED, IID_IUnknown, S_FALSE, S_OK,
    S_SYNCMGR_CANCELITEM, S_SYNCMGR_RETRYSYNC, SYNCMGRHANDLERINFO, SYNCMGRITEM,
};
use windows_core::{GUID, IUnknown, Interface};

const SKIPPED: u32 = SyncMgrStatus::Skipped as u32;

fn units(text: &str) -> Vec<u16> {
    text.encode_utf16().collect()
}

/// The rule ids of the journal's violations by `fault`.
fn rules(session: &Session, fault: Fault) -> Vec<Rule> {
    session
        .journal
        .violations()
        .iter()
        .filter(|v| v.fault == fault)
        .map(|v| v.rule)
        .collect()
}

/// Synchronize work: one Progress with `text`, then completion; records the answers.
fn report_with_text(text: String) -> common::handler::SyncWork {
    Box::new(move |cb, items| {
        for &item in items {
            let updating = ProgressItem::status(SyncMgrStatus::Updating).with_max(2);
            cb.progress(item, updating, Some(&text));
            cb.progress(item, ProgressItem::status(SyncMgrStatus::Succeeded), None);
        }
        cb.synchronize_completed(HResult::S_OK);
        HResult::S_OK
    })
}

#[test]
fn r_com_hr_success_codes_cross_unchanged_in_both_directions() {
    let _counting = counting();
    // Handler → manager: Initialize's S_FALSE (declining) is the manager's answer.
    let session = Session::new(Behaviour {
        initialize: HResult::S_FALSE,
        ..Behaviour::default()
    });
    assert_eq!(session.initialize(), S_FALSE);
    drop(session);

    // Manager → handler: Progress's S_SYNCMGR_CANCELITEM and EnableModeless's S_FALSE reach the
    // handler's Callback as they are; the handler's ShowErrorCompleted(S_SYNCMGR_RETRYSYNC)
    // reaches the manager as it is.
    let answers_seen = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&answers_seen);
    let behaviour = Behaviour {
        synchronize: Some(Box::new(move |cb, _items| {
            let first = cb.progress(A, ProgressItem::status(SyncMgrStatus::Updating), None);
            let modeless = cb.enable_modeless(true);
            seen.lock().unwrap().extend([first, modeless]);
            cb.progress(A, ProgressItem::status(SyncMgrStatus::Skipped), None);
            let failed = ProgressItem::status(SyncMgrStatus::Failed);
            cb.progress(B, failed, None);
            cb.log_error(
                3,
                "b failed",
                LogErrorInfo::default().with_error_id(ErrorId::from_u128(7)),
            );
            cb.synchronize_completed(HResult::S_OK);
            HResult::S_OK
        })),
        ..Behaviour::default()
    };
    let answers = Answers {
        progress: S_SYNCMGR_CANCELITEM,
        modeless: S_FALSE,
    };
    let session = Session::with(behaviour, Config::default(), answers);
    session.ready();
    assert_eq!(session.prepare(&[A, B]), S_OK);
    assert_eq!(session.synchronize(), S_OK);
    assert_eq!(
        *answers_seen.lock().unwrap(),
        [HResult::S_SYNCMGR_CANCELITEM, HResult::S_FALSE]
    );
    let error = GUID::from(ErrorId::from_u128(7));
    // SAFETY: a GUID.
    assert_eq!(unsafe { session.object.ShowError(NO_WINDOW, &error) }, S_OK);
    assert!(
        session.got().contains(&Got::ShowErrorCompleted(
            S_SYNCMGR_RETRYSYNC,
            vec![GUID::from(A)]
        )),
        "{:?}",
        session.got()
    );
    assert!(
        session.journal.handler_violations().is_empty(),
        "{:#?}",
        session.journal.violations()
    );
}

#[test]
fn r_com_ptr_a_null_pointer_is_e_invalidarg_after_the_window_check_before_the_handler() {
    let _counting = counting();
    let session = Session::new(Behaviour::default());
    let o = &session.object;
    let null_guid: *const GUID = core::ptr::null();
    let mut out = core::ptr::null_mut();
    // Outside their windows (life Created): E_UNEXPECTED whatever the pointers.
    // SAFETY: NULL pointers are what is being tested; the other pointers are valid.
    unsafe {
        assert_eq!(o.GetHandlerInfo(core::ptr::null_mut()), E_UNEXPECTED);
        assert_eq!(o.EnumSyncMgrItems(core::ptr::null_mut()), E_UNEXPECTED);
        assert_eq!(o.ShowProperties(NO_WINDOW, null_guid), E_UNEXPECTED);
        assert_eq!(o.PrepareForSync(2, null_guid, NO_WINDOW, 0), E_UNEXPECTED);
        assert_eq!(o.SetItemStatus(null_guid, SKIPPED), E_UNEXPECTED);
        assert_eq!(o.ShowError(NO_WINDOW, null_guid), E_UNEXPECTED);
        // In its window: the NULL cookie with a size.
        assert_eq!(o.Initialize(0, 0x203, 4, core::ptr::null()), E_INVALIDARG);
    }
    assert!(session.calls().is_empty(), "{:?}", session.calls());
    session.ready();
    let calls_before = session.calls().len();
    // SAFETY: as above.
    unsafe {
        assert_eq!(o.GetHandlerInfo(core::ptr::null_mut()), E_INVALIDARG);
        assert_eq!(o.EnumSyncMgrItems(core::ptr::null_mut()), E_INVALIDARG);
        let item = GUID::from(A);
        assert_eq!(
            o.GetItemObject(null_guid, &IID_IUnknown, &mut out),
            E_INVALIDARG
        );
        assert_eq!(o.GetItemObject(&item, null_guid, &mut out), E_INVALIDARG);
        assert_eq!(
            o.GetItemObject(&item, &IID_IUnknown, core::ptr::null_mut()),
            E_INVALIDARG
        );
        assert_eq!(o.ShowProperties(NO_WINDOW, null_guid), E_INVALIDARG);
        assert_eq!(o.PrepareForSync(2, null_guid, NO_WINDOW, 0), E_INVALIDARG);
    }
    assert_eq!(session.calls().len(), calls_before, "{:?}", session.calls());
    // Window A: SetItemStatus(NULL) is E_INVALIDARG; a real one is taken.
    let session = Session::new(Behaviour {
        complete_prepare: false,
        ..Behaviour::default()
    });
    session.ready();
    assert_eq!(session.prepare(&[A]), S_OK);
    // SAFETY: as above.
    unsafe {
        assert_eq!(
            session.object.SetItemStatus(null_guid, SKIPPED),
            E_INVALIDARG
        );
    }
    assert_eq!(session.set_item_status(A, SKIPPED), S_OK);
    assert!(rules(&session, Fault::Manager).contains(&Rule::ComPtr));
    // SetProgressCallback(NULL) keeps its meaning (release), and EstablishConnection's NULL
    // name reaches the manager as NULL.
    drop(session);
    let behaviour = Behaviour {
        synchronize: Some(Box::new(|cb, items| {
            cb.establish_connection(None, 0);
            for &item in items {
                cb.progress(item, ProgressItem::status(SyncMgrStatus::Succeeded), None);
            }
            cb.synchronize_completed(HResult::S_OK);
            HResult::S_OK
        })),
        ..Behaviour::default()
    };
    let session = Session::new(behaviour);
    session.ready();
    assert_eq!(session.prepare(&[A]), S_OK);
    assert_eq!(session.synchronize(), S_OK);
    assert!(
        session.got().contains(&Got::EstablishConnection(None, 0)),
        "{:?}",
        session.got()
    );
    assert_eq!(session.unbind(), S_OK);
    assert_eq!(
        session.calls().last().map(String::as_str),
        Some("SetProgressCallback")
    );
}

#[test]
fn r_com_out_out_pointers_are_null_on_failure_and_handler_info_comes_from_the_task_allocator() {
    let _counting = counting();
    // A handler that fails GetHandlerInfo and EnumSyncMgrItems.
    let session = Session::new(Behaviour {
        get_handler_info: HResult::E_FAIL,
        enum_items: HResult::E_FAIL,
        ..Behaviour::default()
    });
    assert_eq!(session.initialize(), S_OK);
    let (answer, out) = session.handler_info();
    assert_eq!((answer, out), (E_FAIL, core::ptr::null_mut()));
    let (answer, enumerator) = session.enumerate();
    assert_eq!(answer, E_FAIL);
    assert!(enumerator.is_none());
    // GetItemObject: always E_NOTIMPL, the out-pointer NULL (R-OBJ).
    let mut object = sentinel();
    let item = GUID::from(A);
    // SAFETY: valid pointers.
    let answer = unsafe {
        session
            .object
            .GetItemObject(&item, &IID_IUnknown, &mut object)
    };
    assert_eq!((answer, object), (E_NOTIMPL, core::ptr::null_mut()));
    drop(session);

    // A name too long to hand out (R-INFO): refused, NULL, the handler's violation.
    let session = Session::new(Behaviour {
        description: HandlerDescription {
            name: "n".repeat(32),
            flags: 0,
            icon: 0,
        },
        ..Behaviour::default()
    });
    assert_eq!(session.initialize(), S_OK);
    let (answer, out) = session.handler_info();
    assert_eq!((answer, out), (E_INVALIDARG, core::ptr::null_mut()));
    assert_eq!(rules(&session, Fault::Handler), [Rule::Info]);
    drop(session);

    // Success: a task-allocator block the caller frees.
    let session = Session::new(Behaviour {
        description: HandlerDescription {
            name: "n".repeat(31),
            flags: 0x1,
            icon: 0x1234,
        },
        ..Behaviour::default()
    });
    assert_eq!(session.initialize(), S_OK);
    let (answer, out) = session.handler_info();
    assert_eq!(answer, S_OK);
    // SAFETY: the handler handed out a SYNCMGRHANDLERINFO.
    let info: SYNCMGRHANDLERINFO = unsafe { out.read() };
    assert_eq!(info.cbSize, SYNCMGRHANDLERINFO_SIZE);
    assert_eq!(info.SyncMgrHandlerFlags, 0x1);
    assert_eq!(info.hIcon.addr(), 0x1234);
    assert_eq!(&info.wszHandlerName[..31], &units(&"n".repeat(31))[..]);
    assert_eq!(info.wszHandlerName[31], 0);
    // SAFETY: freed once, with the task allocator, as the caller must.
    unsafe { raw::alloc::task_free(out.cast()) };
}

#[test]
fn r_com_size_every_struct_carries_the_header_size_of_the_target() {
    let _counting = counting();
    let expected = if cfg!(target_pointer_width = "64") {
        (304, 88, 32, 44)
    } else {
        (296, 76, 24, 44)
    };
    assert_eq!(
        (
            SYNCMGRITEM_SIZE,
            SYNCMGRHANDLERINFO_SIZE,
            SYNCMGRPROGRESSITEM_SIZE,
            SYNCMGRLOGERRORINFO_SIZE
        ),
        expected
    );
    let behaviour = Behaviour {
        synchronize: Some(Box::new(|cb, items| {
            for &item in items {
                cb.progress(
                    item,
                    ProgressItem::status(SyncMgrStatus::Succeeded),
                    Some("done"),
                );
            }
            let info = LogErrorInfo::default().with_item(A);
            cb.log_error(1, "note", info);
            cb.synchronize_completed(HResult::S_OK);
            HResult::S_OK
        })),
        ..Behaviour::default()
    };
    let session = Session::new(behaviour);
    assert_eq!(session.initialize(), S_OK);
    let (_, enumerator) = session.enumerate();
    let enumerator = enumerator.unwrap();
    let mut items = [SYNCMGRITEM::default(); 2];
    let mut fetched = 0;
    // SAFETY: room for two items and a count.
    let answer = unsafe { enumerator.Next(2, items.as_mut_ptr(), &mut fetched) };
    assert_eq!((answer, fetched), (S_OK, 2));
    assert!(items.iter().all(|item| item.cbSize == expected.0));
    assert_eq!(session.bind(), S_OK);
    assert_eq!(session.prepare(&[A]), S_OK);
    assert_eq!(session.synchronize(), S_OK);
    let got = session.got();
    assert!(
        got.iter()
            .any(|g| matches!(g, Got::Progress { size, .. } if *size == expected.2)),
        "{got:?}"
    );
    assert!(
        got.iter()
            .any(|g| matches!(g, Got::LogError { size, .. } if *size == expected.3)),
        "{got:?}"
    );
}

#[test]
fn r_com_str_names_hold_a_nul_and_strings_are_measured_in_utf16_units() {
    let _counting = counting();
    // 63 characters outside the BMP are 126 units: a name that fits; 64 are 128 units: it does
    // not (R-ENUM), although it is only 64 characters.
    let fits = "😀".repeat(63);
    let session = Session::new(Behaviour {
        items: vec![ItemInfo::new(A, &fits), ItemInfo::new(B, &"x".repeat(127))],
        ..Behaviour::default()
    });
    assert_eq!(session.initialize(), S_OK);
    let (answer, enumerator) = session.enumerate();
    assert_eq!(answer, S_OK);
    let mut items = [SYNCMGRITEM::default(); 2];
    let mut fetched = 0;
    // SAFETY: room for two items.
    let answer = unsafe {
        enumerator
            .unwrap()
            .Next(2, items.as_mut_ptr(), &mut fetched)
    };
    assert_eq!((answer, fetched), (S_OK, 2));
    assert_eq!(&items[0].wszItemName[..126], &units(&fits)[..]);
    assert_eq!(items[0].wszItemName[126], 0);
    assert_eq!(items[1].wszItemName[127], 0, "the NUL of a 127-unit name");
    drop(session);

    let session = Session::new(Behaviour {
        items: vec![ItemInfo::new(A, &"😀".repeat(64))],
        ..Behaviour::default()
    });
    assert_eq!(session.initialize(), S_OK);
    let (answer, enumerator) = session.enumerate();
    assert_eq!(answer, E_INVALIDARG);
    assert!(enumerator.is_none());
    assert_eq!(rules(&session, Fault::Handler), [Rule::Enum]);
    drop(session);

    // A callback's string: up to 65,536 units crosses (as UTF-16), one more is refused and
    // never reaches the manager.
    for (text, crosses) in [("é".repeat(65_536), true), ("é".repeat(65_537), false)] {
        let session = Session::new(Behaviour {
            synchronize: Some(report_with_text(text.clone())),
            ..Behaviour::default()
        });
        session.ready();
        assert_eq!(session.prepare(&[A]), S_OK);
        assert_eq!(session.synchronize(), S_OK);
        let texts: Vec<usize> = session
            .got()
            .iter()
            .filter_map(|g| match g {
                Got::Progress { text: Some(t), .. } => Some(t.len()),
                _ => None,
            })
            .collect();
        if crosses {
            assert_eq!(texts, [65_536]);
            assert!(session.journal.is_empty());
        } else {
            assert_eq!(texts, Vec::<usize>::new());
            assert_eq!(rules(&session, Fault::Handler), [Rule::ComStr]);
        }
    }
}

#[test]
fn r_com_enum_next_skip_reset_and_clone_follow_com_s_ienum_rules() {
    let _counting = counting();
    let items: Vec<ItemInfo> = (1..=5)
        .map(|n| ItemInfo::new(ItemId::from_u128(n), &format!("item {n}")))
        .collect();
    let session = Session::new(Behaviour {
        items,
        ..Behaviour::default()
    });
    assert_eq!(session.initialize(), S_OK);
    let enumerator = session.enumerate().1.unwrap();
    let mut buffer = [SYNCMGRITEM::default(); 8];
    let mut fetched = 99;
    let id = |item: &SYNCMGRITEM| ItemId::from(item.ItemID).to_u128();
    // SAFETY: the buffer has room for 8 items; the count pointer is valid or NULL where the
    // test says so.
    unsafe {
        assert_eq!(enumerator.Next(2, buffer.as_mut_ptr(), &mut fetched), S_OK);
        assert_eq!((fetched, id(&buffer[0]), id(&buffer[1])), (2, 1, 2));
        // Clone: an independent cursor at the same place.
        let mut clone = core::ptr::null_mut();
        assert_eq!(enumerator.Clone(&mut clone), S_OK);
        let clone = raw::abi::ISyncMgrEnumItems::from_raw(clone);
        assert_eq!(enumerator.Skip(2), S_OK);
        assert_eq!(
            enumerator.Next(3, buffer.as_mut_ptr(), &mut fetched),
            S_FALSE
        );
        assert_eq!((fetched, id(&buffer[0])), (1, 5));
        assert_eq!(enumerator.Skip(1), S_FALSE);
        assert_eq!(
            enumerator.Next(1, buffer.as_mut_ptr(), &mut fetched),
            S_FALSE
        );
        assert_eq!(fetched, 0);
        assert_eq!(
            clone.Next(1, buffer.as_mut_ptr(), core::ptr::null_mut()),
            S_OK
        );
        assert_eq!(id(&buffer[0]), 3);
        // The count pointer may be NULL only when one item is asked for.
        assert_eq!(
            clone.Next(2, buffer.as_mut_ptr(), core::ptr::null_mut()),
            E_INVALIDARG
        );
        assert_eq!(
            clone.Next(1, core::ptr::null_mut(), &mut fetched),
            E_INVALIDARG
        );
        assert_eq!(clone.Clone(core::ptr::null_mut()), E_INVALIDARG);
        // Reset rewinds.
        assert_eq!(enumerator.Reset(), S_OK);
        assert_eq!(
            enumerator.Next(8, buffer.as_mut_ptr(), &mut fetched),
            S_FALSE
        );
        assert_eq!(fetched, 5);
        assert!(
            buffer[..5]
                .iter()
                .all(|item| item.cbSize == SYNCMGRITEM_SIZE)
        );
        assert_eq!(enumerator.Next(0, buffer.as_mut_ptr(), &mut fetched), S_OK);
        assert_eq!(fetched, 0);
    }
}

#[test]
fn r_com_panic_a_panic_is_caught_at_the_vtable_and_answered_e_fail() {
    let _counting = counting();
    let session = Session::new(Behaviour {
        panic_in: Some("Synchronize"),
        ..Behaviour::default()
    });
    session.ready();
    assert_eq!(session.prepare(&[A]), S_OK);
    assert_eq!(session.synchronize(), E_FAIL);
    let violations = session.journal.handler_violations();
    assert_eq!(violations[0].rule, Rule::ComPanic);
    assert!(
        violations[0].message.contains("panics on purpose"),
        "{violations:#?}"
    );
    // The engine saw E_FAIL as Synchronize's answer: the pass ended, and the handler may be
    // released.
    assert_eq!(session.unbind(), S_OK);
    drop(session);

    for method in ["Initialize", "SetItemStatus"] {
        let session = Session::new(Behaviour {
            panic_in: Some(method),
            complete_prepare: false,
            ..Behaviour::default()
        });
        if method == "Initialize" {
            assert_eq!(session.initialize(), E_FAIL);
        } else {
            session.ready();
            assert_eq!(session.prepare(&[A]), S_OK);
            assert_eq!(session.set_item_status(A, SKIPPED), E_FAIL);
        }
        assert_eq!(
            rules(&session, Fault::Handler)[0],
            Rule::ComPanic,
            "{method}"
        );
    }
}

#[test]
fn r_com_thread_callbacks_come_from_any_thread_and_reentrant_calls_wait_for_the_handler() {
    let _counting = counting();
    // Eight workers report at the same moment: every callback reaches the manager, in the
    // engine's order, with no violation.
    let ids: Vec<ItemId> = (1..=8).map(ItemId::from_u128).collect();
    let items = ids.iter().map(|&id| ItemInfo::new(id, "w")).collect();
    let behaviour = Behaviour {
        items,
        synchronize: Some(Box::new(|cb, items| {
            let barrier = Arc::new(Barrier::new(items.len()));
            let workers: Vec<_> = items
                .iter()
                .map(|&item| {
                    let (cb, barrier) = (cb.clone(), Arc::clone(&barrier));
                    std::thread::spawn(move || {
                        barrier.wait();
                        let updating = ProgressItem::status(SyncMgrStatus::Updating);
                        cb.progress(item, updating, Some("copying"));
                        cb.progress(item, ProgressItem::status(SyncMgrStatus::Succeeded), None);
                    })
                })
                .collect();
            for worker in workers {
                worker.join().unwrap();
            }
            cb.synchronize_completed(HResult::S_OK);
            HResult::S_OK
        })),
        ..Behaviour::default()
    };
    let session = Session::new(behaviour);
    session.ready();
    assert_eq!(session.prepare(&ids), S_OK);
    assert_eq!(session.synchronize(), S_OK);
    assert!(
        session.journal.is_empty(),
        "{:#?}",
        session.journal.violations()
    );
    let progress = session
        .got()
        .iter()
        .filter(|g| matches!(g, Got::Progress { .. }))
        .count();
    assert_eq!(progress, 16);
    drop(session);

    // The handler object is agile and Send + Sync; it may be called from another thread.
    fn send_sync<T: Send + Sync>() {}
    send_sync::<mobsync_com::Handler<TestHandler>>();
    let session = Session::new(Behaviour::default());
    let object = raw::AnyThread(session.object.clone());
    let answer = std::thread::spawn(move || {
        let object = object;
        // SAFETY: no cookie.
        unsafe { object.0.Initialize(0, 0x203, 0, core::ptr::null()) }
    })
    .join()
    .unwrap();
    assert_eq!(answer, S_OK);
    drop(session);

    // A SetItemStatus that comes in on the manager's thread while the handler is inside
    // Synchronize (its message loop let it in) is decided at once and delivered when
    // Synchronize returns; another re-entrant call the engine takes is E_UNEXPECTED.
    let inner: Arc<Mutex<Option<raw::AnyThread<raw::abi::ISyncMgrSynchronize>>>> = Arc::default();
    let reenter = Arc::clone(&inner);
    let answers = Arc::new(Mutex::new(Vec::new()));
    let recorded = Arc::clone(&answers);
    let behaviour = Behaviour {
        synchronize: Some(Box::new(move |cb, _items| {
            let object = reenter.lock().unwrap().as_ref().unwrap().0.clone();
            let item = GUID::from(A);
            // SAFETY: a GUID; the object is alive.
            let stop = unsafe { object.SetItemStatus(&item, SyncMgrStatus::Stopped as u32) };
            // SAFETY: a GUID.
            let props = unsafe { object.ShowProperties(NO_WINDOW, &item) };
            recorded.lock().unwrap().extend([stop, props]);
            cb.progress(A, ProgressItem::status(SyncMgrStatus::Skipped), None);
            cb.synchronize_completed(HResult::S_OK);
            HResult::S_OK
        })),
        ..Behaviour::default()
    };
    let compatible = Config::default().profile(Profile::Compatible);
    let session = Session::with(behaviour, compatible, Answers::default());
    *inner.lock().unwrap() = Some(raw::AnyThread(session.object.clone()));
    session.ready();
    assert_eq!(session.prepare(&[A]), S_OK);
    assert_eq!(session.synchronize(), S_OK);
    assert_eq!(*answers.lock().unwrap(), [S_OK, E_UNEXPECTED]);
    let calls = session.calls();
    let at = calls.iter().position(|c| c == "Synchronize").unwrap();
    assert_eq!(calls[at + 1], format!("SetItemStatus {A} 0"), "{calls:?}");
    assert_eq!(rules(&session, Fault::Manager), [Rule::ComThread]);
    inner.lock().unwrap().take();
}

#[test]
fn r_com_ref_references_balance_and_the_callback_is_released_when_set_progress_callback_null_returns()
 {
    let _counting = counting();
    {
        let session = Session::new(Behaviour {
            keep_callback: true,
            ..Behaviour::default()
        });
        let alone = session.recorder_refs();
        session.ready();
        assert!(
            session.recorder_refs() > alone,
            "the handler holds the manager's callback"
        );
        assert_eq!(session.prepare(&[A]), S_OK);
        assert_eq!(session.synchronize(), S_OK);
        assert_eq!(session.unbind(), S_OK);
        assert_eq!(
            session.recorder_refs(),
            alone,
            "released when SetProgressCallback(NULL) returned"
        );
        // The handler kept a clone of its Callback: it reaches nobody now.
        let kept = session.seen.lock().unwrap().kept.clone().unwrap();
        let before = session.got().len();
        assert_eq!(
            kept.synchronize_completed(HResult::S_OK),
            HResult::E_UNEXPECTED
        );
        assert_eq!(session.got().len(), before);
        assert_eq!(rules(&session, Fault::Handler), [Rule::SyncDone]);
        drop(kept);
        let unknown: IUnknown = session.object.cast().unwrap();
        assert_eq!(refcount(&unknown), 2, "the test's two references");
    }
    assert_all_released();
}

#[test]
fn every_r_com_rule_of_contract_section_9_has_a_test_named_after_it() {
    let source = include_str!("com_rules.rs");
    let ids: Vec<Rule> = Rule::ALL
        .into_iter()
        .filter(|rule| rule.id().starts_with("R-COM-"))
        .collect();
    assert_eq!(ids.len(), 9, "{ids:?}");
    for rule in ids {
        let name = format!("fn {}_", rule.id().to_lowercase().replace('-', "_"));
        assert!(source.contains(&name), "no test named after {rule}");
    }
}

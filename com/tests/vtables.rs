//! Every interface through its real vtable: the IIDs are the contract's, the slots are in the
//! header's order, every method of the handler and the enumerator is called by the raw manager
//! (written from Microsoft's documentation alone), every callback reaches its callback object,
//! the class factory and the DLL entry points hand out working objects, and nothing stays alive.

mod common;
#[path = "raw/mod.rs"]
mod raw;

use core::ffi::c_void;
use core::mem::offset_of;

use common::handler::{A, B, Behaviour, TestHandler};
use common::{as_raw, assert_all_released, counting};
use mobsync::sim::Callback;
use mobsync::{ErrorId, Guid, HResult, ItemId, LogErrorInfo, ProgressItem, SyncMgrStatus};
use mobsync_com::abi::{
    IClassFactory, IClassFactory_Vtbl, ISyncMgrEnumItems, ISyncMgrEnumItems_Vtbl, ISyncMgrRegister,
    ISyncMgrRegister_Impl, ISyncMgrRegister_Vtbl, ISyncMgrSynchronize, ISyncMgrSynchronize_Vtbl,
    ISyncMgrSynchronizeCallback, ISyncMgrSynchronizeCallback_Vtbl, ISyncMgrSynchronizeInvoke,
    ISyncMgrSynchronizeInvoke_Impl, ISyncMgrSynchronizeInvoke_Vtbl,
};
use mobsync_com::{ClassFactory, Handler, hr};
use raw::manager::{RawManager, RawScript};
use windows_core::{GUID, HRESULT, Interface, implement};

const SLOT: usize = size_of::<usize>();

#[test]
fn the_iids_are_the_contract_s() {
    let pairs = [
        (ISyncMgrSynchronize::IID, Guid::IID_ISYNCMGRSYNCHRONIZE),
        (
            ISyncMgrSynchronizeCallback::IID,
            Guid::IID_ISYNCMGRSYNCHRONIZECALLBACK,
        ),
        (ISyncMgrEnumItems::IID, Guid::IID_ISYNCMGRENUMITEMS),
        (
            ISyncMgrSynchronizeInvoke::IID,
            Guid::IID_ISYNCMGRSYNCHRONIZEINVOKE,
        ),
        (ISyncMgrRegister::IID, Guid::IID_ISYNCMGRREGISTER),
    ];
    for (ours, contract) in pairs {
        assert_eq!(ours, GUID::from(contract));
    }
    assert_eq!(
        IClassFactory::IID,
        GUID::from_u128(0x00000001_0000_0000_C000_000000000046)
    );
    // The raw folder's declarations agree.
    assert_eq!(ISyncMgrSynchronize::IID, raw::abi::IID_ISyncMgrSynchronize);
    assert_eq!(
        ISyncMgrSynchronizeCallback::IID,
        raw::abi::IID_ISyncMgrSynchronizeCallback
    );
    assert_eq!(ISyncMgrEnumItems::IID, raw::abi::IID_ISyncMgrEnumItems);
}

#[test]
fn every_vtable_slot_is_in_the_header_s_order() {
    // IUnknown's three slots come first.
    macro_rules! slots {
        ($vtbl:ty: $($method:ident),*) => {{
            assert_eq!(offset_of!($vtbl, base__), 0);
            let offsets = [$(offset_of!($vtbl, $method)),*];
            let expected: Vec<usize> = (0..offsets.len()).map(|i| (3 + i) * SLOT).collect();
            assert_eq!(offsets.to_vec(), expected, stringify!($vtbl));
            assert_eq!(size_of::<$vtbl>(), (3 + offsets.len()) * SLOT, stringify!($vtbl));
        }};
    }
    slots!(ISyncMgrSynchronize_Vtbl: Initialize, GetHandlerInfo, EnumSyncMgrItems, GetItemObject,
        ShowProperties, SetProgressCallback, PrepareForSync, Synchronize, SetItemStatus, ShowError);
    slots!(ISyncMgrSynchronizeCallback_Vtbl: ShowPropertiesCompleted, PrepareForSyncCompleted,
        SynchronizeCompleted, ShowErrorCompleted, EnableModeless, Progress, LogError,
        DeleteLogError, EstablishConnection);
    slots!(ISyncMgrEnumItems_Vtbl: Next, Skip, Reset, Clone);
    slots!(ISyncMgrSynchronizeInvoke_Vtbl: UpdateItems, UpdateAll);
    slots!(ISyncMgrRegister_Vtbl: RegisterSyncMgrHandler, UnregisterSyncMgrHandler,
        GetHandlerRegistrationInfo);
    slots!(IClassFactory_Vtbl: CreateInstance, LockServer);
}

/// A handler that makes each of the nine callbacks at least once: the first pass reports, logs
/// a failure and asks for UI; ShowError asks for a retry; the retry deletes the stale entry.
fn every_callback() -> Behaviour {
    let mut pass = 0;
    Behaviour {
        synchronize: Some(Box::new(move |cb: &Callback, items: &[ItemId]| {
            pass += 1;
            let error = ErrorId::from_u128(0xE1);
            if pass > 1 {
                cb.delete_log_error(error, 0);
                for &item in items {
                    cb.progress(item, ProgressItem::status(SyncMgrStatus::Succeeded), None);
                }
                cb.synchronize_completed(HResult::S_OK);
                return HResult::S_OK;
            }
            cb.establish_connection(Some("dial-up"), 0);
            for &item in items {
                let updating = ProgressItem::status(SyncMgrStatus::Updating).with_max(2);
                cb.progress(item, updating, Some("copying"));
            }
            let info = LogErrorInfo::default().with_error_id(error).with_item(B);
            cb.log_error(3, "b failed", info);
            cb.progress(B, ProgressItem::status(SyncMgrStatus::Failed), None);
            cb.progress(
                A,
                ProgressItem::status(SyncMgrStatus::Succeeded).with_value(2),
                None,
            );
            if cb.enable_modeless(true) == HResult::S_OK {
                cb.enable_modeless(false);
            }
            // Never logged: the guard refuses it.
            cb.delete_log_error(ErrorId::from_u128(0xE0), 0);
            cb.synchronize_completed(HResult::S_OK);
            HResult::S_OK
        })),
        ..Behaviour::default()
    }
}

#[test]
fn every_method_and_every_callback_crosses_the_real_vtables() {
    let _counting = counting();
    let (handler, _seen) = TestHandler::new(every_callback());
    let guarded = Handler::new(handler);
    let journal = guarded.journal().clone();
    let object = as_raw(guarded.into());
    let script = RawScript {
        show_properties: Some(raw::abi::GUID_NULL),
        ..RawScript::default()
    };
    let report = RawManager::run(&object, &script);
    drop(object);
    for method in [
        "Initialize",
        "GetHandlerInfo",
        "EnumSyncMgrItems",
        "GetItemObject",
        "SetProgressCallback",
        "PrepareForSync",
        "Synchronize",
        "ShowError",
        "ShowProperties",
        "Next",
        "Skip",
        "Reset",
        "Clone",
    ] {
        assert!(
            !report.calls(method).is_empty(),
            "{method} not called\n{}",
            report.dump()
        );
    }
    for callback in [
        "ShowPropertiesCompleted",
        "PrepareForSyncCompleted",
        "SynchronizeCompleted",
        "ShowErrorCompleted",
        "EnableModeless",
        "Progress",
        "LogError",
        "DeleteLogError",
        "EstablishConnection",
    ] {
        assert!(
            report.callback_count(callback) > 0,
            "no {callback}\n{}",
            report.dump()
        );
    }
    assert!(report.is_clean(), "{}", report.dump());
    // DeleteLogError of an id never logged is refused by the guard as the handler's violation
    // and never reaches the manager; the logged one does.
    let handler_rules: Vec<_> = journal
        .handler_violations()
        .iter()
        .map(|v| v.rule)
        .collect();
    assert_eq!(
        handler_rules,
        [mobsync::Rule::DelLog],
        "{:#?}",
        journal.violations()
    );
    let logged = GUID::from(ErrorId::from_u128(0xE1));
    assert_eq!(report.deleted_error_ids, [logged], "{}", report.dump());
    let item = &report.item(&GUID::from(A)).unwrap();
    assert_eq!(item.last_text.as_deref(), Some("copying"));
    assert_eq!(report.errors[0].text, "b failed");
    assert_all_released();
}

fn create() -> ISyncMgrSynchronize {
    Handler::new(TestHandler::new(Behaviour::default()).0).into()
}

#[test]
fn the_class_factory_makes_guarded_handlers_and_refuses_aggregation() {
    let _counting = counting();
    let factory: IClassFactory = ClassFactory::new(create).into();
    // SAFETY: the same interface, two declarations.
    let raw_factory = unsafe { raw::abi::IClassFactory::from_raw(factory.clone().into_raw()) };
    let report = RawManager::run_class_factory(&raw_factory, &RawScript::default());
    assert!(report.is_clean(), "{}", report.dump());
    let mut out = common::sentinel();
    let outer = raw_factory.as_raw();
    // SAFETY: valid pointers; a non-NULL outer is what is tested.
    let answer = unsafe { factory.CreateInstance(outer, &ISyncMgrSynchronize::IID, &mut out) };
    assert_eq!(
        (answer, out),
        (hr::CLASS_E_NOAGGREGATION, core::ptr::null_mut())
    );
    let other = GUID::from_u128(0x1234);
    let mut out = common::sentinel();
    // SAFETY: valid pointers.
    let answer = unsafe { factory.CreateInstance(core::ptr::null_mut(), &other, &mut out) };
    assert_eq!((answer, out), (hr::E_NOINTERFACE, core::ptr::null_mut()));
    // LockServer keeps the module loaded.
    // SAFETY: no pointers.
    unsafe {
        assert_eq!(factory.LockServer(1), hr::S_OK);
        assert_eq!(mobsync_com::factory::server_locks(), 1);
        assert_eq!(factory.LockServer(0), hr::S_OK);
        assert_eq!(
            factory.LockServer(0),
            hr::S_OK,
            "an unbalanced unlock does not wrap"
        );
    }
    assert_eq!(mobsync_com::factory::server_locks(), 0);
    drop((factory, raw_factory));
    assert_all_released();
}

/// REGDB_E_CLASSNOTREG: what a proxy whose real handler is not registered gets.
const REGDB_E_CLASSNOTREG: HRESULT = HRESULT(0x8004_0154_u32 as i32);

#[test]
fn a_fallible_class_factory_answers_create_instance_with_its_error_and_out_null() {
    let _counting = counting();
    let failing: IClassFactory = ClassFactory::fallible(|| Err(REGDB_E_CLASSNOTREG)).into();
    let mut out = common::sentinel();
    // SAFETY: valid pointers, no outer object.
    let answer = unsafe {
        failing.CreateInstance(core::ptr::null_mut(), &ISyncMgrSynchronize::IID, &mut out)
    };
    assert_eq!((answer, out), (REGDB_E_CLASSNOTREG, core::ptr::null_mut()));
    let making: IClassFactory = ClassFactory::fallible(|| Ok(create())).into();
    let mut out = common::sentinel();
    // SAFETY: as above.
    let answer = unsafe {
        making.CreateInstance(core::ptr::null_mut(), &ISyncMgrSynchronize::IID, &mut out)
    };
    assert_eq!(answer, hr::S_OK);
    // SAFETY: S_OK hands out one reference, released here.
    drop(unsafe { ISyncMgrSynchronize::from_raw(out) });
    drop((failing, making));
    assert_all_released();
}

/// (On Windows they write the real registry: tested under Wine by `wine/run`.)
#[cfg(not(windows))]
#[test]
fn off_windows_the_registration_entry_points_answer_e_notimpl() {
    let here = 0_u8;
    let address: *const c_void = (&raw const here).cast();
    let register = mobsync_com::register::register_server(&CLSID_TEST, "Mirror", address);
    let unregister = mobsync_com::register::unregister_server(&CLSID_TEST);
    assert_eq!((register, unregister), (hr::E_NOTIMPL, hr::E_NOTIMPL));
}

const CLSID_TEST: GUID = GUID::from_u128(0x8f5a2c1e_0d4b_4e7a_9c3f_2b6d8e1a4c70);

/// Named as a DLL would name them: the macro's own items must not shadow `CLSID` and `create`
/// (the `create` above, whose result the macro converts into `ISyncMgrSynchronize`).
const CLSID: GUID = CLSID_TEST;

mobsync_com::dll!(clsid: CLSID, create: create);

#[test]
fn the_dll_entry_points_hand_out_the_factory_and_count_objects() {
    let _counting = counting();
    assert_eq!(DllCanUnloadNow(), hr::S_OK);
    let mut out: *mut c_void = common::sentinel();
    let other = GUID::from_u128(1);
    // SAFETY: valid pointers.
    let answer = unsafe { DllGetClassObject(&other, &IClassFactory::IID, &mut out) };
    assert_eq!(
        (answer, out),
        (hr::CLASS_E_CLASSNOTAVAILABLE, core::ptr::null_mut())
    );
    // SAFETY: valid pointers.
    let answer = unsafe { DllGetClassObject(&CLSID_TEST, &IClassFactory::IID, &mut out) };
    assert_eq!(answer, hr::S_OK);
    // SAFETY: one reference to an IClassFactory.
    let factory = unsafe { raw::abi::IClassFactory::from_raw(out) };
    assert_eq!(DllCanUnloadNow(), hr::S_FALSE, "a factory is alive");
    let report = RawManager::run_class_factory(&factory, &RawScript::default());
    assert!(report.is_clean(), "{}", report.dump());
    drop(factory);
    assert_all_released();
    assert_eq!(DllCanUnloadNow(), hr::S_OK);
}

/// The two interfaces a handler does not implement, implemented here to call them through this
/// crate's declarations.
#[implement(ISyncMgrSynchronizeInvoke, ISyncMgrRegister)]
struct Manager;

impl ISyncMgrSynchronizeInvoke_Impl for Manager_Impl {
    unsafe fn UpdateItems(
        &self,
        flags: u32,
        clsid: *const GUID,
        size: u32,
        _: *const u8,
    ) -> HRESULT {
        // SAFETY: the caller passes a CLSID.
        let clsid = unsafe { clsid.read() };
        HRESULT((flags + size) as i32 + (clsid == CLSID_TEST) as i32 * 0x100)
    }
    unsafe fn UpdateAll(&self) -> HRESULT {
        HRESULT(7)
    }
}

impl ISyncMgrRegister_Impl for Manager_Impl {
    unsafe fn RegisterSyncMgrHandler(
        &self,
        _: *const GUID,
        name: *const u16,
        flags: u32,
    ) -> HRESULT {
        // SAFETY: the caller passes a NUL-terminated name.
        let first = unsafe { name.read() };
        HRESULT(first as i32 + flags as i32)
    }
    unsafe fn UnregisterSyncMgrHandler(&self, _: *const GUID, reserved: u32) -> HRESULT {
        HRESULT(reserved as i32)
    }
    unsafe fn GetHandlerRegistrationInfo(&self, _: *const GUID, flags: *mut u32) -> HRESULT {
        // SAFETY: the caller passes a writable DWORD.
        unsafe { flags.write(0x7) };
        hr::S_OK
    }
}

#[test]
fn the_invoke_and_register_interfaces_carry_their_arguments() {
    let invoke: ISyncMgrSynchronizeInvoke = Manager.into();
    let register: ISyncMgrRegister = invoke.cast().unwrap();
    let name: Vec<u16> = "A\0".encode_utf16().collect();
    let mut flags = 0;
    // SAFETY: valid pointers.
    unsafe {
        assert_eq!(
            invoke.UpdateItems(0x2, &CLSID_TEST, 3, [1_u8, 2, 3].as_ptr()),
            HRESULT(0x105)
        );
        assert_eq!(invoke.UpdateAll(), HRESULT(7));
        assert_eq!(
            register.RegisterSyncMgrHandler(&CLSID_TEST, name.as_ptr(), 0x4),
            HRESULT(0x45)
        );
        assert_eq!(
            register.UnregisterSyncMgrHandler(&CLSID_TEST, 9),
            HRESULT(9)
        );
        assert_eq!(
            register.GetHandlerRegistrationInfo(&CLSID_TEST, &mut flags),
            hr::S_OK
        );
    }
    assert_eq!(flags, 0x7);
}

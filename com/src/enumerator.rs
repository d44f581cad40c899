//! The item enumerator `EnumSyncMgrItems` hands out (R-COM-ENUM).

use core::ffi::c_void;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use windows_core::{HRESULT, implement};

use crate::abi::size::SYNCMGRITEM_SIZE;
use crate::abi::{FILETIME, HICON, ISyncMgrEnumItems, ISyncMgrEnumItems_Impl, SYNCMGRITEM};
use crate::factory::ObjectCount;
use crate::wide::fill_fixed;
use crate::{entry, hr};

/// `ISyncMgrEnumItems` over the items a handler enumerated, COM's IEnum rules: `Next(n)`
/// fetches up to `n` and answers S_OK when it fetched `n`, S_FALSE when fewer; `Skip` answers
/// the same way; `Reset` rewinds; `Clone` is an independent cursor at the same place. The items
/// are shared by the clones; each has its `cbSize` set.
///
/// The object is agile (windows-core's default): the cursor is atomic, so calls from several
/// threads never race on it.
#[implement(ISyncMgrEnumItems)]
pub struct ItemEnumerator {
    items: Arc<[SYNCMGRITEM]>,
    cursor: AtomicUsize,
    _count: ObjectCount,
}

impl ItemEnumerator {
    /// An enumerator at the first of `items`.
    #[must_use]
    pub fn new(items: &[mobsync::sim::ItemInfo]) -> Self {
        Self::over(items.iter().map(item).collect(), 0)
    }

    fn over(items: Arc<[SYNCMGRITEM]>, cursor: usize) -> Self {
        Self {
            items,
            cursor: AtomicUsize::new(cursor),
            _count: ObjectCount::new(),
        }
    }

    /// Moves the cursor up to `n` items on; answers where it was and how many it passed.
    fn advance(&self, n: usize) -> (usize, usize) {
        let total = self.items.len();
        let mut at = self.cursor.load(Ordering::Relaxed);
        loop {
            let step = n.min(total.saturating_sub(at));
            match self.cursor.compare_exchange_weak(
                at,
                at + step,
                Ordering::AcqRel,
                Ordering::Relaxed,
            ) {
                Ok(_) => return (at, step),
                Err(now) => at = now,
            }
        }
    }
}

/// One item as the header lays it out. Its name fits: the engine accepted the enumeration
/// (R-ENUM: at most 127 units), and a name that does not fit is written empty.
fn item(info: &mobsync::sim::ItemInfo) -> SYNCMGRITEM {
    let mut name = [0_u16; crate::abi::MAX_SYNCMGRITEMNAME];
    let _ = fill_fixed(&mut name, &info.name);
    SYNCMGRITEM {
        cbSize: SYNCMGRITEM_SIZE,
        dwFlags: info.flags,
        ItemID: info.id.into(),
        dwItemState: info.state,
        hIcon: HICON::from_addr(info.icon),
        wszItemName: name,
        ftLastUpdate: FILETIME::from_u64(info.last_update),
    }
}

impl ISyncMgrEnumItems_Impl for ItemEnumerator_Impl {
    unsafe fn Next(&self, celt: u32, items: *mut SYNCMGRITEM, fetched_out: *mut u32) -> HRESULT {
        entry(|| {
            let wanted = usize::try_from(celt).unwrap_or(usize::MAX);
            if (items.is_null() && celt > 0) || (fetched_out.is_null() && celt != 1) {
                if !fetched_out.is_null() {
                    // SAFETY: a non-NULL count pointer points to a writable ULONG.
                    unsafe { fetched_out.write_unaligned(0) };
                }
                return hr::E_INVALIDARG;
            }
            let (at, fetched) = self.advance(wanted);
            for i in 0..fetched {
                if let Some(item) = self.items.get(at + i) {
                    let slot = items.wrapping_add(i);
                    // SAFETY: `items` has room for `celt` items and `i < fetched <= celt`.
                    unsafe { slot.write_unaligned(*item) };
                }
            }
            if !fetched_out.is_null() {
                let count = u32::try_from(fetched).unwrap_or(celt);
                // SAFETY: a non-NULL count pointer points to a writable ULONG.
                unsafe { fetched_out.write_unaligned(count) };
            }
            if fetched == wanted {
                hr::S_OK
            } else {
                hr::S_FALSE
            }
        })
    }

    unsafe fn Skip(&self, celt: u32) -> HRESULT {
        entry(|| {
            let wanted = usize::try_from(celt).unwrap_or(usize::MAX);
            let (_, skipped) = self.advance(wanted);
            if skipped == wanted {
                hr::S_OK
            } else {
                hr::S_FALSE
            }
        })
    }

    unsafe fn Reset(&self) -> HRESULT {
        self.cursor.store(0, Ordering::Release);
        hr::S_OK
    }

    unsafe fn Clone(&self, out: *mut *mut c_void) -> HRESULT {
        entry(|| {
            if out.is_null() {
                return hr::E_INVALIDARG;
            }
            // SAFETY: `out` is a non-NULL out-pointer: NULL until it holds the clone.
            unsafe { out.write_unaligned(core::ptr::null_mut()) };
            let at = self.cursor.load(Ordering::Acquire);
            let clone: ISyncMgrEnumItems = ItemEnumerator::over(Arc::clone(&self.items), at).into();
            // SAFETY: `out` is a non-NULL out-pointer; the reference moves to the caller.
            unsafe { out.write_unaligned(windows_core::Interface::into_raw(clone)) };
            hr::S_OK
        })
    }
}

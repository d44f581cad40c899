//! [`Exclusive`]: a value one thread at a time may use, with re-entry detected — the lock around
//! the handler (`&mut H`) and around the engine.
//!
//! Taking it is one compare-and-swap of the owner word from 0 to the thread's token, giving it
//! back one release store: cheaper than `std::sync::Mutex` (whose unlock is a read-modify-write
//! and whose guard checks poisoning), which matters on the two hot calls (SetItemStatus,
//! Progress). A thread that finds it taken spins briefly, then yields, then sleeps in growing
//! steps (at most 1 ms): the handler's cell is only contended when a manager breaks R-COM-THREAD
//! (calls in from two threads at once), the engine's only for the length of one decision. Its
//! owner may not take it again: [`Exclusive::enter`] says so instead of deadlocking.
//!
//! There is no poisoning: a panic inside is caught by the caller (R-COM-PANIC) and the value is
//! used as it was left, as `Mutex::lock().unwrap_or_else(PoisonError::into_inner)` would.

use core::cell::UnsafeCell;
use core::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::guard::thread_token;

/// A value one thread at a time may use.
pub(crate) struct Exclusive<T> {
    /// The token ([`thread_token`]) of the thread using the value, 0 for none.
    owner: AtomicUsize,
    value: UnsafeCell<T>,
}

// SAFETY: the value moves between threads only as a `T` may (T: Send).
unsafe impl<T: Send> Send for Exclusive<T> {}
// SAFETY: the value is reached only through a `Held`, and at most one `Held` exists at a time
// (the owner word's compare-and-swap from 0 grants it, its drop gives it back): threads share
// the value only by handing it over, which `T: Send` allows.
unsafe impl<T: Send> Sync for Exclusive<T> {}

/// The proof that this thread holds an [`Exclusive`]; the value through `Deref`.
pub(crate) struct Held<'a, T> {
    cell: &'a Exclusive<T>,
}

impl<T> Exclusive<T> {
    pub(crate) const fn new(value: T) -> Self {
        Self {
            owner: AtomicUsize::new(0),
            value: UnsafeCell::new(value),
        }
    }

    /// Takes the value, waiting while another thread holds it; `None` when this thread holds it
    /// already (further up its stack).
    #[inline]
    pub(crate) fn enter(&self) -> Option<Held<'_, T>> {
        let me = thread_token();
        if self
            .owner
            .compare_exchange(0, me, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
        {
            return Some(Held { cell: self });
        }
        self.enter_slow(me)
    }

    #[cold]
    #[inline(never)]
    fn enter_slow(&self, me: usize) -> Option<Held<'_, T>> {
        let mut round: u32 = 0;
        loop {
            match self
                .owner
                .compare_exchange(0, me, Ordering::Acquire, Ordering::Relaxed)
            {
                Ok(_) => return Some(Held { cell: self }),
                // Only this thread stores its own token: it holds the value already.
                Err(owner) if owner == me => return None,
                Err(_) => {}
            }
            round = round.saturating_add(1);
            if round < 64 {
                core::hint::spin_loop();
            } else if round < 128 {
                std::thread::yield_now();
            } else {
                let micros = u64::from(round - 127).saturating_mul(10).min(1_000);
                std::thread::sleep(Duration::from_micros(micros));
            }
        }
    }

    /// Takes the value; this thread must not hold it already (the engine's cell: nothing is
    /// called while it is held).
    #[inline]
    pub(crate) fn lock(&self) -> Held<'_, T> {
        loop {
            if let Some(held) = self.enter() {
                return held;
            }
            // Unreachable by construction; waiting is the answer that cannot corrupt the value.
            std::thread::yield_now();
        }
    }
}

impl<T> Deref for Held<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: this `Held` is the only one (see `Sync`), so no `&mut T` exists meanwhile.
        unsafe { &*self.cell.value.get() }
    }
}

impl<T> DerefMut for Held<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: this `Held` is the only one, and `&mut self` makes this borrow unique.
        unsafe { &mut *self.cell.value.get() }
    }
}

impl<T> Drop for Held<'_, T> {
    #[inline]
    fn drop(&mut self) {
        self.cell.owner.store(0, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn one_thread_at_a_time_and_re_entry_is_refused() {
        let cell = Arc::new(Exclusive::new(0_u64));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let cell = Arc::clone(&cell);
                std::thread::spawn(move || {
                    for _ in 0..10_000 {
                        let mut held = cell.enter().expect("not re-entrant");
                        let value = *held;
                        std::hint::black_box(());
                        *held = value + 1;
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().expect("no panic");
        }
        let held = cell.enter().expect("free");
        assert_eq!(*held, 40_000);
        assert!(cell.enter().is_none(), "the holder cannot take it again");
        drop(held);
        assert!(cell.enter().is_some());
    }
}

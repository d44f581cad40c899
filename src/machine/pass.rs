//! The Pass region (CONTRACT §4): R-PREP, R-PREP-RET, R-SYNC, R-SYNC-RET, R-PREP-DONE,
//! R-SYNC-DONE and R-CONN. The phases a pass event is allowed in, and where it moves the pass,
//! are the pass table's ([`crate::rules::pass_cell`]).

use crate::error::{Error, Problem, Scope};
use crate::guid::ItemId;
use crate::hresult::HResult;
use crate::rule::{EventKind, Rule};
use crate::rules::PassEvent;

use super::config::Limits;
use super::selection::Selection;
use super::{Instance, Method, Plan};

impl Instance {
    /// R-PREP: PrepareForSync with a callback bound, in pass `Idle` or `Finished`; a non-empty
    /// list without duplicates or GUID_NULL, inside a known catalog, within the item limit. It
    /// replaces the selection (every item PENDING). `dwReserved` is ignored [doc].
    pub(super) fn decide_prepare(&self, items: &[ItemId]) -> Result<Plan<'static>, Error> {
        let kind = EventKind::PrepareForSync;
        self.require_bound(kind)?;
        self.pass_target(kind, PassEvent::PrepareForSync, HResult::S_OK)?;
        if items.len() > Limits::CEILING_ITEMS {
            // Past what a selection can hold, the list is refused before its items are read.
            self.check_item_capacity(kind, items.len())?;
        }
        let mut selection = Selection::with_capacity(items.len());
        Self::check_item_list(kind, items, &mut selection)?;
        if let Some(catalog) = &self.catalog
            && let Some(&item) = items.iter().find(|&&id| !catalog.contains(id))
        {
            return Err(Error::UnknownItem {
                rule: Rule::Prep,
                item,
                scope: Scope::Catalog,
            });
        }
        self.check_item_capacity(kind, items.len())?;
        Ok(Plan::Prepare(Box::new(selection)))
    }

    /// R-SYNC: Synchronize with a callback bound, in pass `Prepared`.
    pub(super) fn decide_synchronize(&self) -> Result<Plan<'static>, Error> {
        let kind = EventKind::Synchronize;
        self.require_bound(kind)?;
        let target = self.pass_target(kind, PassEvent::Synchronize, HResult::S_OK)?;
        Ok(self.pass_move(target, HResult::S_OK))
    }

    /// R-PREP-RET and R-SYNC-RET: PrepareForSync or Synchronize returns `hr`, in life Ready, in
    /// the phases the pass table allows (an early completion leaves only exactly S_OK).
    pub(super) fn decide_pass_return(
        &self,
        method: Method,
        hr: HResult,
    ) -> Result<Plan<'static>, Error> {
        let (kind, column) = match method {
            Method::Synchronize => (EventKind::ReturnSynchronize, PassEvent::ReturnSynchronize),
            _ => (
                EventKind::ReturnPrepareForSync,
                PassEvent::ReturnPrepareForSync,
            ),
        };
        self.require_ready(kind)?;
        let target = self.pass_target(kind, column, hr)?;
        Ok(self.pass_move(target, hr))
    }

    /// R-PREP-DONE: PrepareForSyncCompleted(hr), once per pass: in Preparing (early) or window A.
    pub(super) fn decide_prepare_completed(&self, hr: HResult) -> Result<Plan<'static>, Error> {
        let kind = EventKind::PrepareForSyncCompleted;
        self.require_bound(kind)?;
        let target = self.pass_target(kind, PassEvent::PrepareForSyncCompleted, hr)?;
        Ok(self.pass_move(target, hr))
    }

    /// R-SYNC-DONE: SynchronizeCompleted(hr), once per pass: in Synchronizing (early) or
    /// window B.
    pub(super) fn decide_synchronize_completed(&self, hr: HResult) -> Result<Plan<'static>, Error> {
        let kind = EventKind::SynchronizeCompleted;
        self.require_bound(kind)?;
        let target = self.pass_target(kind, PassEvent::SynchronizeCompleted, hr)?;
        Ok(self.pass_move(target, hr))
    }

    /// R-CONN: EstablishConnection in the reporting window [D], reserved 0; a NULL name is the
    /// default connection [doc].
    pub(super) fn decide_connection(&self, reserved: u32) -> Result<Plan<'static>, Error> {
        let kind = EventKind::EstablishConnection;
        self.require_bound(kind)?;
        self.pass_target(kind, PassEvent::EstablishConnection, HResult::S_OK)?;
        if reserved != 0 {
            return Err(Self::invalid(kind, Problem::ReservedNotZero(reserved)));
        }
        Ok(Plan::Nothing)
    }
}

//! The Error log region (CONTRACT §4): R-LOG and R-DELLOG.

use crate::error::{Error, Limit, Problem, Scope};
use crate::flags::{LogErrorMask, LogLevel};
use crate::guid::ErrorId;
use crate::rule::{EventKind, Rule};
use crate::rules::{NullErrorId, null_error_id};

use super::{Instance, LogErrorInfo, Plan};

impl Instance {
    /// R-LOG: LogError with a callback bound; a level of 1..=3 and mask bits within 0x7; with
    /// ERRORID an id not yet logged, which joins the log (GUID_NULL as the profile's
    /// [`null_error_id`] row says), within the error-id limit; with ITEMID an item that is not
    /// GUID_NULL and is in the catalog or the selection when either is known.
    /// `dwSyncMgrErrorFlags` is not checked [D].
    pub(super) fn decide_log(
        &self,
        level: u32,
        info: LogErrorInfo,
    ) -> Result<Plan<'static>, Error> {
        let kind = EventKind::LogError;
        self.require_bound(kind)?;
        if LogLevel::from_u32(level).is_none() {
            return Err(Self::invalid(kind, Problem::LogLevel(level)));
        }
        if info.mask & !LogErrorMask::all().bits() != 0 {
            return Err(Self::invalid(kind, Problem::LogErrorMask(info.mask)));
        }
        let mut id = None;
        if info.mask & LogErrorMask::ERRORID.bits() != 0 {
            if info.error_id.is_null() {
                match null_error_id(self.config.profile) {
                    NullErrorId::Refused => return Err(Self::invalid(kind, Problem::NullErrorId)),
                    NullErrorId::Anonymous => {}
                }
            } else if self.error_log.contains(info.error_id) {
                return Err(Self::invalid(
                    kind,
                    Problem::DuplicateErrorId(info.error_id),
                ));
            } else {
                id = Some(info.error_id);
            }
        }
        if info.mask & LogErrorMask::ITEMID.bits() != 0 {
            let item = info.item;
            if item.is_null() {
                return Err(Self::invalid(kind, Problem::NullItem));
            }
            let in_catalog = self.catalog.as_ref().map(|c| c.contains(item));
            let selection_known = self.selection.len() > 0;
            let in_selection = selection_known.then(|| self.selection.contains(item));
            if (in_catalog.is_some() || in_selection.is_some())
                && in_catalog != Some(true)
                && in_selection != Some(true)
            {
                return Err(Error::UnknownItem {
                    rule: Rule::Log,
                    item,
                    scope: Scope::CatalogOrSelection,
                });
            }
        }
        let limit = self.config.limits.max_error_ids;
        if id.is_some() && self.error_log.len() >= limit {
            return Err(Error::Capacity {
                rule: Rule::Log,
                what: Limit::ErrorIds,
                limit,
            });
        }
        Ok(Plan::Log { id })
    }

    /// R-DELLOG: DeleteLogError with a callback bound, reserved 0; GUID_NULL deletes everything
    /// this instance logged (also when nothing) [doc], any other id must be in the log.
    pub(super) fn decide_delete_log(
        &self,
        error: ErrorId,
        reserved: u32,
    ) -> Result<Plan<'static>, Error> {
        let kind = EventKind::DeleteLogError;
        self.require_bound(kind)?;
        if reserved != 0 {
            return Err(Self::invalid(kind, Problem::ReservedNotZero(reserved)));
        }
        if error.is_null() {
            return Ok(Plan::DeleteLog(None));
        }
        if !self.error_log.contains(error) {
            return Err(Error::UnknownErrorId {
                rule: Rule::DelLog,
                error,
            });
        }
        Ok(Plan::DeleteLog(Some(error)))
    }
}

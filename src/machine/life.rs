//! The Life and Callback regions (CONTRACT §4): R-INIT, R-INFO, R-OBJ and R-CB.

use crate::error::{Conflict, Error, Problem};
use crate::flags::{HandlerFlags, MAX_SYNCMGRHANDLERNAME, SyncMgrFlags};
use crate::hresult::HResult;
use crate::rule::{EventKind, Rule};
use crate::rules::{PassEvent, UiEvent};
use crate::state::Life;

use super::{HandlerInfo, Instance, Plan, Ui};

impl Instance {
    /// R-INIT: Initialize in life Created, reserved 0 and flags within 0x3FF; the handler's
    /// answer decides Ready (exactly S_OK) or Declined.
    pub(super) fn decide_initialize(
        &self,
        reserved: u32,
        flags: SyncMgrFlags,
        answer: HResult,
    ) -> Result<Plan<'static>, Error> {
        let kind = EventKind::Initialize;
        if self.life != Life::Created {
            return Err(Self::out_of_window(kind, Conflict::Life(self.life)));
        }
        if reserved != 0 {
            return Err(Self::invalid(kind, Problem::ReservedNotZero(reserved)));
        }
        if !flags.is_valid() {
            return Err(Self::invalid(kind, Problem::InitializeFlags(flags.bits())));
        }
        let life = if answer == HResult::S_OK {
            Life::Ready
        } else {
            Life::Declined
        };
        Ok(Plan::Initialize { life, flags })
    }

    /// R-INFO: in life Ready, a success answer hands out a name of at most 31 UTF-16 units and
    /// flags within 0xF; a failure hands out nothing, so nothing is checked.
    pub(super) fn decide_handler_info(
        &self,
        answer: HResult,
        info: HandlerInfo,
    ) -> Result<Plan<'static>, Error> {
        let kind = EventKind::GetHandlerInfo;
        self.require_ready(kind)?;
        if answer.is_success() {
            if info.name_units >= MAX_SYNCMGRHANDLERNAME {
                return Err(Self::invalid(
                    kind,
                    Problem::HandlerNameTooLong(info.name_units),
                ));
            }
            if info.flags & !HandlerFlags::MASK != 0 {
                return Err(Self::invalid(kind, Problem::HandlerFlags(info.flags)));
            }
        }
        Ok(Plan::Nothing)
    }

    /// R-OBJ: GetItemObject is allowed in life Created and Ready, and then always E_NOTIMPL.
    pub(super) fn decide_item_object(&self) -> Result<Plan<'static>, Error> {
        match self.life {
            Life::Created | Life::Ready => Err(Error::NotImplemented { rule: Rule::Obj }),
            life => Err(Self::out_of_window(
                EventKind::GetItemObject,
                Conflict::Life(life),
            )),
        }
    }

    /// R-CB: SetProgressCallback in life Ready; non-NULL binds (again: rebinds); NULL releases,
    /// except while a pass is in progress or a Properties/Error UI is not Closed [D].
    pub(super) fn decide_callback(&self, bind: bool) -> Result<Plan<'static>, Error> {
        let kind = EventKind::SetProgressCallback;
        self.require_ready(kind)?;
        if bind {
            return Ok(Plan::Bind);
        }
        self.pass_target(kind, PassEvent::ReleaseCallback, HResult::S_OK)?;
        // Closed is the only UI state a new Show… may enter, so it is the one NULL allows.
        self.ui_move(kind, Ui::Properties, UiEvent::Enter)?;
        self.ui_move(kind, Ui::Error, UiEvent::Enter)?;
        Ok(Plan::Release)
    }
}

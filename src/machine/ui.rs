//! The Properties UI, the Error UI, the retry list and the modal gate (CONTRACT §4): R-PROPS,
//! R-PROPS-RET, R-PROPS-DONE, R-ERR, R-ERR-RET, R-ERR-DONE and R-MODAL. Both UIs follow one table
//! ([`crate::rules::ui_target`]); the gate follows [`crate::rules::gate_cell`].

use crate::error::{Conflict, Error, Problem, Scope};
use crate::guid::{ErrorId, ItemId};
use crate::hresult::HResult;
use crate::rule::{EventKind, Rule};
use crate::rules::{PassEvent, Target, UiEvent, gate_cell, ui_target};
use crate::state::UiPhase;

use super::{Indexed, Instance, Method, Plan, Ui};

impl Instance {
    fn ui_state(&self, ui: Ui) -> UiPhase {
        match ui {
            Ui::Properties => self.properties_ui,
            Ui::Error => self.error_ui,
        }
    }

    /// Where the UI table sends `ui` on `event`, with a rejection as `kind`'s error.
    pub(super) fn ui_move(
        &self,
        kind: EventKind,
        ui: Ui,
        event: UiEvent,
    ) -> Result<UiPhase, Error> {
        let state = self.ui_state(ui);
        match ui_target(state, event) {
            Target::Go(to) => Ok(to),
            Target::Stay => Ok(state),
            Target::Reject => Err(Self::out_of_window(
                kind,
                match ui {
                    Ui::Properties => Conflict::PropertiesUi(state),
                    Ui::Error => Conflict::ErrorUi(state),
                },
            )),
        }
    }

    /// R-PROPS: ShowProperties with a callback bound, the Properties UI Closed; with a known
    /// catalog a non-null item must be in it (GUID_NULL is the handler's own properties).
    pub(super) fn decide_show_properties(&self, item: ItemId) -> Result<Plan<'static>, Error> {
        let kind = EventKind::ShowProperties;
        self.require_bound(kind)?;
        let to = self.ui_move(kind, Ui::Properties, UiEvent::Enter)?;
        if let Some(catalog) = &self.catalog
            && !item.is_null()
            && !catalog.contains(item)
        {
            return Err(Error::UnknownItem {
                rule: Rule::Props,
                item,
                scope: Scope::Catalog,
            });
        }
        Ok(Plan::Ui {
            ui: Ui::Properties,
            to,
            retry: None,
        })
    }

    /// R-ERR: ShowError with a callback bound, the Error UI Closed, for an id in the error log
    /// (GUID_NULL is not one).
    pub(super) fn decide_show_error(&self, error: ErrorId) -> Result<Plan<'static>, Error> {
        let kind = EventKind::ShowError;
        self.require_bound(kind)?;
        let to = self.ui_move(kind, Ui::Error, UiEvent::Enter)?;
        if error.is_null() {
            return Err(Self::invalid(kind, Problem::NullErrorId));
        }
        if !self.error_log.contains(error) {
            return Err(Error::UnknownErrorId {
                rule: Rule::Err,
                error,
            });
        }
        Ok(Plan::Ui {
            ui: Ui::Error,
            to,
            retry: None,
        })
    }

    /// R-PROPS-RET and R-ERR-RET: ShowProperties or ShowError returns `hr`, in life Ready, with
    /// the UI Open (a success waits for the completion, a failure closes it) or Completed (a
    /// success closes it; a failure after an early completion is refused).
    pub(super) fn decide_ui_return(
        &self,
        method: Method,
        hr: HResult,
    ) -> Result<Plan<'static>, Error> {
        let (kind, ui) = match method {
            Method::ShowError => (EventKind::ReturnShowError, Ui::Error),
            _ => (EventKind::ReturnShowProperties, Ui::Properties),
        };
        self.require_ready(kind)?;
        let event = if hr.is_success() {
            UiEvent::ReturnSuccess
        } else {
            UiEvent::ReturnFailure
        };
        let to = self.ui_move(kind, ui, event)?;
        Ok(Plan::Ui {
            ui,
            to,
            retry: None,
        })
    }

    /// R-PROPS-DONE: ShowPropertiesCompleted with the Properties UI Open (early) or Returned.
    pub(super) fn decide_properties_completed(&self) -> Result<Plan<'static>, Error> {
        let kind = EventKind::ShowPropertiesCompleted;
        self.require_bound(kind)?;
        let to = self.ui_move(kind, Ui::Properties, UiEvent::Completed)?;
        Ok(Plan::Ui {
            ui: Ui::Properties,
            to,
            retry: None,
        })
    }

    /// R-ERR-DONE: ShowErrorCompleted with the Error UI Open (early) or Returned;
    /// S_SYNCMGR_RETRYSYNC records the retry list (non-empty, no duplicates, no GUID_NULL), any
    /// other answer ignores the list.
    pub(super) fn decide_error_completed<'a>(
        &self,
        hr: HResult,
        items: &'a [ItemId],
    ) -> Result<Plan<'a>, Error> {
        let kind = EventKind::ShowErrorCompleted;
        self.require_bound(kind)?;
        let to = self.ui_move(kind, Ui::Error, UiEvent::Completed)?;
        if hr != HResult::S_SYNCMGR_RETRYSYNC {
            return Ok(Plan::Ui {
                ui: Ui::Error,
                to,
                retry: None,
            });
        }
        let mut seen: Indexed<ItemId> = Indexed::with_capacity(items.len());
        Self::check_item_list(kind, items, &mut seen)?;
        Ok(Plan::Ui {
            ui: Ui::Error,
            to,
            retry: Some(items),
        })
    }

    /// R-MODAL: EnableModeless(TRUE) in the reporting window or while a UI is not Closed, with
    /// the gate Shut: the manager's S_OK opens it, any other answer keeps it shut.
    /// EnableModeless(FALSE) with the gate Open shuts it (the answer is ignored).
    pub(super) fn decide_modeless(
        &self,
        enable: bool,
        answer: HResult,
    ) -> Result<Plan<'static>, Error> {
        let kind = EventKind::EnableModeless;
        self.require_bound(kind)?;
        if enable
            && self.pass(PassEvent::EnableModelessTrue).on_ok == Target::Reject
            && self.properties_ui == UiPhase::Closed
            && self.error_ui == UiPhase::Closed
        {
            return Err(Self::out_of_window(kind, Conflict::Phase(self.phase)));
        }
        match gate_cell(self.gate, enable).pick(answer) {
            Target::Reject => Err(Self::out_of_window(kind, Conflict::Gate(self.gate))),
            Target::Stay => Ok(Plan::Nothing),
            Target::Go(gate) => Ok(Plan::Gate(gate)),
        }
    }
}

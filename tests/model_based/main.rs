//! Model-based property test: the engine and an independent reference model (`reference.rs`,
//! written from CONTRACT.md alone) take the same random event sequences and must agree on every
//! verdict and on the observable state after every event; after every rejection the engine's
//! state must be unchanged (R-ATOMIC).
//!
//! Two strategies (`strategies.rs`): runs biased toward valid events, and fully random events.
//! `MOBSYNC_MODEL_CASES` sets the number of sequences per strategy (default 5,000 each, so CI
//! runs 10,000 sequences of up to 200 events).

mod reference;
mod strategies;
mod transition;

use mobsync::{Config, Instance, Limits, Profile};
use proptest::test_runner::Config as ProptestConfig;
use proptest_state_machine::{StateMachineTest, prop_state_machine};
use reference::Ev;
use strategies::{FullyRandom, RefState, ValidBiased};

fn cases() -> u32 {
    std::env::var("MOBSYNC_MODEL_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000)
}

fn proptest_config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn engine_for(reference: &RefState) -> Instance {
    let profile = if reference.compatible {
        Profile::Compatible
    } else {
        Profile::Documented
    };
    let limits = Limits {
        max_items: reference.max_items,
        max_error_ids: reference.max_error_ids,
    };
    Instance::with_config(Config { profile, limits })
}

/// One step: the engine takes `ev`; `reference` is the model's state after it.
fn step(engine: &mut Instance, reference: &RefState, ev: &Ev) {
    let before = transition::snapshot(engine);
    let got = transition::apply(engine, ev);
    let want = reference
        .last
        .as_ref()
        .expect("the model applied the event");
    assert_eq!(&got, want, "verdicts differ on {ev:?}");
    let after = transition::snapshot(engine);
    if got.hr != 0 {
        assert_eq!(
            after, before,
            "R-ATOMIC: a rejected event changed the state: {ev:?}"
        );
    }
    assert_eq!(
        after,
        reference.model.snapshot(),
        "states differ after {ev:?}"
    );
}

struct ValidRuns;

impl StateMachineTest for ValidRuns {
    type SystemUnderTest = Instance;
    type Reference = ValidBiased;

    fn init_test(reference: &RefState) -> Instance {
        engine_for(reference)
    }

    fn apply(mut engine: Instance, reference: &RefState, ev: Ev) -> Instance {
        step(&mut engine, reference, &ev);
        engine
    }
}

struct RandomRuns;

impl StateMachineTest for RandomRuns {
    type SystemUnderTest = Instance;
    type Reference = FullyRandom;

    fn init_test(reference: &RefState) -> Instance {
        engine_for(reference)
    }

    fn apply(mut engine: Instance, reference: &RefState, ev: Ev) -> Instance {
        step(&mut engine, reference, &ev);
        engine
    }
}

prop_state_machine! {
    #![proptest_config(proptest_config())]

    #[test]
    fn engine_agrees_with_the_reference_model_on_runs_biased_toward_valid_events(
        sequential 1..200 => ValidRuns
    );

    #[test]
    fn engine_agrees_with_the_reference_model_on_fully_random_events(
        sequential 1..200 => RandomRuns
    );
}

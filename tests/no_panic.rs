//! Untrusted input never panics: arbitrary bytes and token soups through the trace checker, and
//! arbitrary text through every `FromStr` of the vocabulary, end in a value or an error.

use mobsync::trace::check;
use mobsync::{Config, ErrorId, Guid, HResult, ItemId, Profile, Rule, SyncMgrStatus};
use proptest::prelude::*;

/// Words a trace is made of, so random lines often get deep into the grammar.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "Initialize",
            "GetHandlerInfo",
            "EnumSyncMgrItems",
            "GetItemObject",
            "SetProgressCallback",
            "SetItemStatus",
            "PrepareForSync",
            "Synchronize",
            "ShowProperties",
            "ShowError",
            "return",
            "PrepareForSyncCompleted",
            "SynchronizeCompleted",
            "ShowPropertiesCompleted",
            "ShowErrorCompleted",
            "EnableModeless",
            "Progress",
            "LogError",
            "DeleteLogError",
            "EstablishConnection",
            "item",
            "error",
            "A",
            "B",
            "null",
            "set",
            "true",
            "S_OK",
            "E_FAIL",
            "S_SYNCMGR_RETRYSYNC",
            "SKIPPED",
            "UPDATING",
            "SUCCEEDED",
            "MANUAL|MAYBOTHERUSER",
            "=>",
            "status=FAILED",
            "value=5",
            "max=-1",
            "mask=0xF",
            "text=\"a b\"",
            "error=E",
            "item=A",
            "jump",
            "reserved=1",
            "cookie=ab",
            "\"text\"",
            "#",
            "0xFFFFFFFF",
            "{6295DF40-35EE-11D1-8707-00C04FD93327}",
        ])
        .prop_map(str::to_owned),
        "[ -~]{0,6}",
    ]
}

fn line() -> impl Strategy<Value = String> {
    prop::collection::vec(token(), 0..7).prop_map(|words| words.join(" "))
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic_the_checker(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = check(bytes.as_slice(), Config::default(), |v| { let _ = v.to_string(); });
    }

    #[test]
    fn arbitrary_token_soups_never_panic_the_checker(lines in prop::collection::vec(line(), 0..40), compatible: bool) {
        let profile = if compatible { Profile::Compatible } else { Profile::Documented };
        let text = lines.join("\n");
        let _ = check(text.as_bytes(), Config::default().profile(profile), |v| { let _ = v.to_string(); });
    }

    #[test]
    fn arbitrary_text_never_panics_the_vocabulary_parsers(text in "\\PC{0,48}") {
        let _ = text.parse::<HResult>();
        let _ = text.parse::<SyncMgrStatus>();
        let _ = text.parse::<Guid>();
        let _ = text.parse::<ItemId>();
        let _ = text.parse::<ErrorId>();
        let _ = text.parse::<Rule>();
    }
}

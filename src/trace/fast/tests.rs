//! The fast path against the full parser, and its tokens against the lexer's.

use super::*;

fn tokens(text: &str) -> Option<Vec<T<'_>>> {
    let mut words = Words { text, pos: 0 };
    let mut all = Vec::new();
    loop {
        match words.next()? {
            T::End => return Some(all),
            tok => all.push(tok),
        }
    }
}

/// Every event in the shapes the fast path takes: it reads them (names known), and to the
/// same event as the full parser.
#[test]
fn the_fast_path_takes_the_common_shapes_to_the_full_parsers_event() {
    let lines = [
        "Initialize MANUAL|MAYBOTHERUSER cookie=00ff reserved=-1",
        "GetHandlerInfo name=\"Sync é\" flags=0x3 => S_OK",
        "EnumSyncMgrItems A B\t{6295DF40-0000-4000-8000-000000000001} null",
        "EnumSyncMgrItems",
        "GetItemObject A => E_NOTIMPL",
        "SetProgressCallback set",
        "SetProgressCallback null => S_OK",
        "SetItemStatus B 4 => 0x8000ffff",
        "PrepareForSync A B reserved=7",
        "PrepareForSync => S_FALSE",
        "Synchronize   # a comment",
        "ShowProperties A",
        "ShowError E1",
        "return ShowError S_OK",
        "PrepareForSyncCompleted S_OK",
        "SynchronizeCompleted E_FAIL => E_UNEXPECTED",
        "ShowErrorCompleted S_OK A B",
        "EnableModeless true => S_FALSE",
        "Progress A status=UPDATING text=\"a # => b\" value=0xFFFFFFFF max=+10 => S_SYNCMGR_CANCELALL",
        "Progress B",
        "LogError WARNING \"x\" jump error=E1 item=A",
        "LogError 3 \"\"",
        "DeleteLogError E1 reserved=2",
        "EstablishConnection \"net\" reserved=1",
        "EstablishConnection reserved=1",
        "EstablishConnection",
        "   ",
        "# only a comment",
    ];
    let mut parser = crate::trace::Parser::new();
    for name in ["A", "B", "E1"] {
        parser
            .parse_line(1, &format!("GetItemObject {name}"))
            .unwrap();
    }
    for line in lines {
        let fast = super::line(line, &parser.names, &mut Vec::new());
        let fast = fast.unwrap_or_else(|| panic!("{line:?}: not taken by the fast path"));
        let mut spare = Vec::new();
        let mut slow = crate::trace::grammar::Line::new(1, line, &mut parser.names, &mut spare);
        let full = slow.scan.next().map(|first| slow.event(first));
        let full = full.map(|event| event.map_err(|_| line));
        assert_eq!(fast.map(Ok), full, "{line:?}");
    }
}

#[test]
fn the_fast_tokens_are_the_lexers_or_none() {
    assert_eq!(
        tokens("a  b=c\td=\"x y\" \"z\" => # c").unwrap(),
        [
            T::Word("a"),
            T::Pair("b", "c"),
            T::KeyStr("d", "x y"),
            T::Str("z"),
            T::Arrow
        ]
    );
    assert_eq!(tokens("cookie=").unwrap(), [T::Pair("cookie", "")]);
    for odd in [
        "a=>b",
        "a#b",
        "a\"b",
        "\"a\"b",
        "\"a\\\"\"",
        "a=b=c",
        "=b",
        "a\rb",
        "é",
        "\"open",
        "a=\"b\"c",
        "=>x",
    ] {
        assert_eq!(tokens(odd), None, "{odd:?}");
    }
}

#[test]
fn an_event_word_is_whole_and_ends_at_a_blank_or_the_end() {
    use EventKind as K;
    assert_eq!(
        event_word(b"PrepareForSync"),
        Some((Some(K::PrepareForSync), 14))
    );
    assert_eq!(
        event_word(b"PrepareForSyncCompleted\tS_OK"),
        Some((Some(K::PrepareForSyncCompleted), 23))
    );
    assert_eq!(event_word(b"return Synchronize S_OK"), Some((None, 6)));
    assert_eq!(event_word(b"Progress A"), Some((Some(K::Progress), 8)));
    for other in [
        &b"PrepareForSyncC"[..],
        b"ProgressA",
        b"Progress#",
        b"Synchronize=>S_OK",
        b"SynchronizeCompletedX",
        b"return\tShowError S_OK",
        b"Progres",
        b"progress A",
    ] {
        assert_eq!(
            event_word(other),
            None,
            "{:?}",
            String::from_utf8_lossy(other)
        );
    }
}

//! The layouts of `mobsync_com::abi::layout` — which the crate asserts at compile time for the
//! target it is built for — compiled as C `_Static_assert`s against mingw-w64's `mobsync.h` for
//! x86_64 and i686 Windows: every struct's size and alignment and every field's offset, on both
//! pointer widths, from the header itself.
//!
//! Needs `x86_64-w64-mingw32-gcc` and `i686-w64-mingw32-gcc` (Debian: `gcc-mingw-w64-x86-64`,
//! `gcc-mingw-w64-i686`; CI installs them). Without them the test fails and says so; set
//! `MOBSYNC_NO_MINGW=1` to skip it knowingly.

use std::fmt::Write as _;
use std::process::Command;

use mobsync_com::abi::layout::{Layout, WIN32, WIN64};

/// C source asserting `layouts` (under `#if`: the target's pointer width).
fn asserts(layouts: &[Layout]) -> String {
    let mut c = String::new();
    for layout in layouts {
        let name = layout.name;
        let _ = writeln!(
            c,
            "_Static_assert(sizeof({name}) == {}, \"{name} size\");",
            layout.size
        );
        let _ = writeln!(
            c,
            "_Static_assert(_Alignof({name}) == {}, \"{name} alignment\");",
            layout.align
        );
        for (field, offset) in layout.fields {
            let _ = writeln!(
                c,
                "_Static_assert(offsetof({name}, {field}) == {offset}, \"{name}.{field}\");"
            );
        }
    }
    c
}

#[test]
fn the_layouts_match_mingw_w64_s_mobsync_h_on_x86_64_and_i686() {
    if std::env::var_os("MOBSYNC_NO_MINGW").is_some() {
        eprintln!("MOBSYNC_NO_MINGW is set: the header comparison is skipped");
        return;
    }
    let source = format!(
        "#include <windows.h>\n#include <mobsync.h>\n#include <stddef.h>\n\
         #ifdef _WIN64\n{}#else\n{}#endif\n",
        asserts(&WIN64),
        asserts(&WIN32)
    );
    let dir = std::env::temp_dir().join(format!("mobsync-header-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("layout.c");
    std::fs::write(&file, &source).unwrap();
    for compiler in ["x86_64-w64-mingw32-gcc", "i686-w64-mingw32-gcc"] {
        let output = Command::new(compiler)
            .args(["-std=gnu11", "-fsyntax-only", "-Werror"])
            .arg(&file)
            .output()
            .unwrap_or_else(|err| {
                panic!(
                    "{compiler}: {err}. Install mingw-w64's gcc (Debian: gcc-mingw-w64-x86-64, \
                     gcc-mingw-w64-i686), or set MOBSYNC_NO_MINGW=1 to skip this test"
                )
            });
        assert!(
            output.status.success(),
            "{compiler}: the header disagrees with mobsync_com::abi::layout\n{}\n{source}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    // A wrong number is caught: the comparison can fail.
    let mut wrong = WIN64;
    wrong[0].size += 8;
    let bad = format!(
        "#include <windows.h>\n#include <mobsync.h>\n#include <stddef.h>\n{}",
        asserts(&wrong)
    );
    std::fs::write(&file, bad).unwrap();
    let output = Command::new("x86_64-w64-mingw32-gcc")
        .args(["-std=gnu11", "-fsyntax-only"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(!output.status.success(), "a wrong size must not compile");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_target_s_table_is_the_one_asserted_at_compile_time() {
    use core::mem::{align_of, size_of};
    use mobsync_com::abi::{
        SYNCMGRHANDLERINFO, SYNCMGRITEM, SYNCMGRLOGERRORINFO, SYNCMGRPROGRESSITEM,
    };
    let table = mobsync_com::abi::layout::TARGET;
    let measured = [
        (size_of::<SYNCMGRITEM>(), align_of::<SYNCMGRITEM>()),
        (
            size_of::<SYNCMGRHANDLERINFO>(),
            align_of::<SYNCMGRHANDLERINFO>(),
        ),
        (
            size_of::<SYNCMGRPROGRESSITEM>(),
            align_of::<SYNCMGRPROGRESSITEM>(),
        ),
        (
            size_of::<SYNCMGRLOGERRORINFO>(),
            align_of::<SYNCMGRLOGERRORINFO>(),
        ),
    ];
    for (layout, (size, align)) in table.iter().zip(measured) {
        assert_eq!(
            (layout.size, layout.align),
            (size, align),
            "{}",
            layout.name
        );
    }
    if cfg!(target_pointer_width = "64") {
        assert_eq!(table, WIN64);
    }
}

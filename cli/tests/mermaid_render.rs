//! The diagrams of `--format mermaid`, rendered by Mermaid itself in a real browser: Debian's
//! headless chromium loads the `mermaid` package's own build (`.ci/mermaid`, from the npm
//! registry) from disk, renders each diagram (the command's, and those the READMEs show), and writes every message's rendered text, or the
//! syntax error, into the page, which `--dump-dom` hands back.
//!
//! Ignored by `cargo test`, as it needs chromium and the npm package: `.ci/run` installs both
//! and runs it with `--ignored` (set `MOBSYNC_SKIP_MERMAID=1` to skip it there). Run it by hand
//! with `apt-get install chromium`, `npm install --prefix .ci/mermaid` and
//! `cargo test -p mobsync-cli --test mermaid_render -- --ignored`. `MOBSYNC_CHROMIUM` and
//! `MOBSYNC_MERMAID_JS` override where the browser and `mermaid.min.js` are.

#[path = "../../examples/handlers/broken.rs"]
#[allow(dead_code)]
mod broken;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use broken::{Broken, Fault};
use mobsync::ItemId;
use mobsync::sim::{Script, Simulator};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn scratch(name: &str) -> PathBuf {
    let dir = workspace().join("target/mermaid-render");
    fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// `mobsync ARGS…`'s standard output (any exit status: 1 is expected with violations).
fn mobsync(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_mobsync"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.code().is_some_and(|c| c <= 1),
        "mobsync {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn check_file(path: &Path) -> String {
    mobsync(&["check", "--format", "mermaid", path.to_str().unwrap()])
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// One result per diagram: the rendered texts of its messages and notes, or Mermaid's error.
fn render(diagrams: &[(&str, String)]) -> Vec<Result<Vec<String>, String>> {
    let chromium = std::env::var("MOBSYNC_CHROMIUM").unwrap_or_else(|_| "chromium".to_owned());
    let mermaid = std::env::var("MOBSYNC_MERMAID_JS").map_or_else(
        |_| workspace().join(".ci/mermaid/node_modules/mermaid/dist/mermaid.min.js"),
        PathBuf::from,
    );
    assert!(
        mermaid.is_file(),
        "{} is missing: run `npm install --prefix .ci/mermaid`",
        mermaid.display()
    );
    let mut page =
        String::from("<!doctype html><html><head><meta charset=\"utf-8\"></head><body>\n");
    for (n, (_, source)) in diagrams.iter().enumerate() {
        let _ = writeln!(
            page,
            "<pre class=\"diagram\" id=\"d{n}\">{}</pre>",
            html_escape(source)
        );
    }
    let _ = write!(
        page,
        r#"<div id="result">pending</div>
<script charset="utf-8" src="file://{}"></script>
<script>
(async () => {{
  const results = [];
  mermaid.initialize({{ startOnLoad: false, securityLevel: 'strict' }});
  for (const pre of document.querySelectorAll('pre.diagram')) {{
    try {{
      const {{ svg }} = await mermaid.render('svg-' + pre.id, pre.textContent);
      const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
      const texts = [...doc.querySelectorAll('.messageText, .noteText')].map(t => t.textContent);
      results.push({{ ok: texts }});
    }} catch (e) {{
      results.push({{ error: String((e && e.message) || e) }});
    }}
  }}
  // JSON without <, > or & so that the dumped DOM holds it as it is.
  document.getElementById('result').textContent = JSON.stringify(results)
    .replace(/[<>&]/g, c => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}})();
</script></body></html>
"#,
        mermaid.display()
    );
    let html = scratch("page.html");
    fs::write(&html, page).unwrap();
    let output = Command::new(&chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--allow-file-access-from-files",
            "--virtual-time-budget=60000",
            "--dump-dom",
        ])
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap_or_else(|err| panic!("cannot run {chromium}: {err} (apt-get install chromium)"));
    let dom = String::from_utf8_lossy(&output.stdout);
    let json = dom
        .split_once("<div id=\"result\">")
        .and_then(|(_, rest)| rest.split_once("</div>"))
        .map(|(json, _)| json)
        .unwrap_or_else(|| panic!("no result in the page: {dom}"));
    let results: Vec<serde_json::Value> =
        serde_json::from_str(json).unwrap_or_else(|err| panic!("{err}: the page said {json}"));
    assert_eq!(results.len(), diagrams.len());
    results
        .into_iter()
        .map(|r| match (r.get("ok"), r.get("error")) {
            (Some(texts), _) => Ok(texts
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_str().unwrap().to_owned())
                .collect()),
            (_, Some(error)) => Err(error.as_str().unwrap_or_default().to_owned()),
            _ => Err(format!("{r}")),
        })
        .collect()
}

/// The statements that draw a text: messages (`A->>B: …`) and notes.
fn drawn_texts(source: &str) -> usize {
    source
        .lines()
        .filter(|l| l.contains(": ") && !l.trim_start().starts_with("participant"))
        .map(|l| 1 + l.matches("<br/>").count())
        .sum()
}

#[test]
#[ignore = "needs chromium and the mermaid npm package; .ci/run runs it"]
fn mermaid_renders_the_demo_a_run_with_violations_and_traces_with_refused_events_without_error() {
    let demo = mobsync(&["demo", "--format", "mermaid"]);

    // A run with violations: the broken handler under the simulator, its trace checked back.
    let items = vec![ItemId::from_u128(1), ItemId::from_u128(2)];
    let faults = vec![Fault::ProgressForUnselectedItem, Fault::CompletionTwice];
    let report = Simulator::new(Script::default()).run(&mut Broken::new(items, faults));
    assert!(!report.violations.is_empty());
    let run = scratch("broken.trace");
    fs::write(&run, &report.trace).unwrap();

    let conformance = workspace().join("tests/data/conformance");
    let hostile = scratch("hostile.trace");
    let text = r#"50% done; #1 <b>bold</b> & "quoted" {x} \\ %% end -->> x"#;
    let escaped = text.replace('\\', r"\\").replace('"', "\\\"");
    fs::write(
        &hostile,
        format!(
            "Initialize MANUAL\nEnumSyncMgrItems end loop\nSetProgressCallback set\n\
             PrepareForSync end loop\nreturn PrepareForSync S_OK\nPrepareForSyncCompleted S_OK\n\
             Synchronize => S_OK\nProgress end status=UPDATING text=\"{escaped}\"\n\
             LogError ERROR \"{escaped}\" item=loop\nSynchronizeCompleted S_OK\n\
             SetItemStatus end SKIPPED => S_OK\n"
        ),
    )
    .unwrap();

    // The diagrams the READMEs show.
    let mut readme_blocks = Vec::new();
    for readme in ["README.md", "cli/README.md"] {
        let text = fs::read_to_string(workspace().join(readme)).unwrap();
        for block in text.split("```mermaid\n").skip(1) {
            let (source, _) = block.split_once("```").unwrap();
            readme_blocks.push(source.to_owned());
        }
    }
    assert_eq!(readme_blocks.len(), 2);

    let mut diagrams = vec![
        ("demo", demo),
        ("broken handler run", check_file(&run)),
        (
            "check_order (refused and violations)",
            check_file(&conformance.join("check_order.trace")),
        ),
        ("r_atomic", check_file(&conformance.join("r_atomic.trace"))),
        (
            "early_sync",
            check_file(&conformance.join("early_sync.trace")),
        ),
        ("hostile text", check_file(&hostile)),
    ];
    diagrams.extend(
        readme_blocks
            .into_iter()
            .map(|source| ("a README's diagram", source)),
    );
    let results = render(&diagrams);
    for ((name, source), result) in diagrams.iter().zip(&results) {
        match result {
            Ok(texts) => assert_eq!(
                texts.len(),
                drawn_texts(source),
                "{name}: Mermaid drew {texts:?} from\n{source}"
            ),
            Err(error) => panic!("{name}: Mermaid refused the diagram: {error}\n{source}"),
        }
    }
    let Ok(hostile_texts) = &results[5] else {
        unreachable!()
    };
    assert!(
        hostile_texts.iter().any(|t| t.contains(&escaped)),
        "the text is drawn as written: {hostile_texts:?}"
    );
    assert!(hostile_texts.iter().any(|t| t.contains("VIOLATION")));
}

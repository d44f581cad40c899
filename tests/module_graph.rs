//! Leaves first: the modules of `src/` import each other without a cycle. The graph is drawn from
//! the source's `use` lines and `crate::…`/`super::…` paths (comments and test-only code left
//! out),
//! as a reviewer would draw it; a `pub use` of a child counts as an edge to it. And small files:
//! none of the library's or mobsync-com's is over 600 lines.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

type Module = Vec<String>;

/// Every `.rs` file under `dir` as its module path (`src/machine/items.rs` → `machine::items`).
fn modules(root: &Path, dir: &Path, out: &mut BTreeMap<Module, String>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            modules(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix(root).unwrap().with_extension("");
            let mut module: Module = rel
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            if matches!(module.last().map(String::as_str), Some("mod" | "lib")) {
                module.pop();
            }
            out.insert(module, fs::read_to_string(&path).unwrap());
        }
    }
}

/// The source without comments and without what only tests compile (from the first
/// `#[cfg(test)]` or `#[cfg(all(test, …))]` on: test modules come last).
fn code(source: &str) -> String {
    let end = ["\n#[cfg(test)]", "\n#[cfg(all(test"]
        .iter()
        .filter_map(|mark| source.find(mark))
        .min()
        .unwrap_or(source.len());
    source[..end]
        .lines()
        .map(|line| line.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Each path the code names through `crate::`, `super::`, `self::` or a `use` of a child.
fn paths(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    let bytes: Vec<char> = code.chars().collect();
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let mut i = 0;
    while i < bytes.len() {
        if !word(bytes[i]) || (i > 0 && (word(bytes[i - 1]) || bytes[i - 1] == ':')) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len()
            && (word(bytes[i])
                || (bytes[i] == ':' && bytes.get(i + 1) == Some(&':'))
                || (bytes[i] == ':' && i > 0 && bytes[i - 1] == ':'))
        {
            i += 1;
        }
        let path: String = bytes[start..i].iter().collect();
        // Grouped imports: `super::{a, b::c}` — each member is a path of its own.
        if path.ends_with("::") && bytes.get(i) == Some(&'{') {
            let end = bytes[i..]
                .iter()
                .position(|&c| c == '}')
                .map_or(bytes.len(), |n| i + n);
            let group: String = bytes[i + 1..end].iter().collect();
            for member in group.split(',') {
                let member = member.trim();
                if !member.is_empty() {
                    found.push(format!("{path}{member}"));
                }
            }
            i = end;
        } else if path.contains("::") {
            found.push(path);
        }
    }
    found
}

/// The module a path leads to from `from`, if it is one of the crate's.
fn resolve(from: &Module, path: &str, all: &BTreeMap<Module, String>) -> Option<Module> {
    let mut parts: Vec<&str> = path.trim_end_matches("::").split("::").collect();
    let mut base: Module = match *parts.first()? {
        "crate" => {
            parts.remove(0);
            Vec::new()
        }
        "super" => {
            let mut base = from.clone();
            while parts.first() == Some(&"super") {
                parts.remove(0);
                base.pop();
            }
            base
        }
        "self" => {
            parts.remove(0);
            from.clone()
        }
        // A bare path is a child of `from` when such a module exists.
        _ => from.clone(),
    };
    base.extend(parts.iter().map(|p| (*p).to_owned()));
    (0..=base.len())
        .rev()
        .map(|n| base[..n].to_vec())
        .find(|m| all.contains_key(m) && (m.len() > from.len() || !path_is_bare(path)))
}

fn path_is_bare(path: &str) -> bool {
    !(path.starts_with("crate::") || path.starts_with("super::") || path.starts_with("self::"))
}

fn name(module: &Module) -> String {
    if module.is_empty() {
        "crate".to_owned()
    } else {
        module.join("::")
    }
}

#[test]
fn no_module_imports_itself_through_a_cycle() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = BTreeMap::new();
    modules(&root, &root, &mut all);
    let mut edges: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (module, source) in &all {
        for path in paths(&code(source)) {
            if let Some(to) = resolve(module, &path, &all)
                && &to != module
            {
                edges.entry(module.clone()).or_default().insert(to);
            }
        }
    }
    // Depth-first search for a back edge.
    fn visit(
        m: &Module,
        edges: &BTreeMap<Module, BTreeSet<Module>>,
        state: &mut BTreeMap<Module, u8>,
        stack: &mut Vec<Module>,
    ) -> Option<Vec<Module>> {
        state.insert(m.clone(), 1);
        stack.push(m.clone());
        for to in edges.get(m).into_iter().flatten() {
            match state.get(to).copied().unwrap_or(0) {
                1 => {
                    let at = stack.iter().position(|s| s == to).unwrap();
                    let mut cycle = stack[at..].to_vec();
                    cycle.push(to.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(cycle) = visit(to, edges, state, stack) {
                        return Some(cycle);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(m.clone(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for module in all.keys() {
        if state.get(module).copied().unwrap_or(0) == 0
            && let Some(cycle) = visit(module, &edges, &mut state, &mut Vec::new())
        {
            let cycle: Vec<String> = cycle.iter().map(name).collect();
            panic!("an import cycle: {}", cycle.join(" → "));
        }
    }
    // The graph is not empty: the reader found the imports.
    assert!(edges.values().map(BTreeSet::len).sum::<usize>() > 100);
}

/// Every `.rs` file under `dir`, with its number of lines.
fn line_counts(dir: &Path, out: &mut Vec<(std::path::PathBuf, usize)>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            line_counts(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            let lines = fs::read_to_string(&path).unwrap().lines().count();
            out.push((path, lines));
        }
    }
}

#[test]
fn no_source_file_of_the_library_or_the_com_layer_is_over_600_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut counts = Vec::new();
    line_counts(&root.join("src"), &mut counts);
    line_counts(&root.join("com").join("src"), &mut counts);
    assert!(counts.len() > 40, "the source files were not found");
    let over: Vec<_> = counts.iter().filter(|(_, lines)| *lines > 600).collect();
    assert!(
        over.is_empty(),
        "small files that each hold one idea: {over:?}"
    );
}

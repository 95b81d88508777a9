//! The direction of the code (docs/architecture.md): every `crate::`,
//! `super::` and `self::` path in `src/` (in `use` lines, inline, and in
//! macros as `$crate::`), and every path through a child module, is
//! resolved to the file it names; a file may use files of its own layer or
//! of a layer below, never one above, and no files may use each other in a
//! circle. Also: no source file is over 600 lines (tests aside).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, lowest first: (layer, path prefixes under `src/`). A file's
/// layer is that of its longest matching prefix.
const LAYERS: &[(&str, &[&str])] = &[
    ("domain", &["domain/"]),
    (
        "server leaves",
        &[
            "server/clock.rs",
            "server/config.rs",
            "server/cookies.rs",
            "server/crypto.rs",
            "server/geo.rs",
            "server/mail.rs",
            "server/moments.rs",
            "server/passwords.rs",
            "server/tokens.rs",
            "server/useragent.rs",
        ],
    ),
    (
        "store contract",
        &["server/store/contract/", "server/store/database_url.rs"],
    ),
    ("store shared SQL", &["server/store/common/"]),
    (
        "store engines",
        &["server/store/sqlite/", "server/store/postgres/"],
    ),
    ("store", &["server/store/mod.rs"]),
    (
        "service foundations",
        &[
            "server/state.rs",
            "server/request.rs",
            "server/events.rs",
            "server/links.rs",
            "server/lifetimes.rs",
            "server/security.rs",
            "server/throttle.rs",
            "server/tracker.rs",
        ],
    ),
    (
        "services",
        &["server/accounts/", "server/sessions/", "server/groups/"],
    ),
    ("server functions", &["api/"]),
    ("components", &["ui/components/"]),
    ("pages", &["ui/pages/", "ui/mod.rs"]),
    ("app", &["app.rs"]),
    (
        "web and start-up",
        &[
            "server/web/",
            "server/boot.rs",
            "server/cli.rs",
            "server/seed.rs",
            "server/mod.rs",
            "lib.rs",
            "main.rs",
        ],
    ),
];

fn layer_of(rel: &str) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    for (i, (_, prefixes)) in LAYERS.iter().enumerate() {
        for p in *prefixes {
            if rel.starts_with(p) && best.is_none_or(|(len, _)| p.len() > len) {
                best = Some((p.len(), i));
            }
        }
    }
    best.map(|(_, i)| i)
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The module path of a file: `src/a/b.rs` and `src/a/b/mod.rs` are `a::b`.
fn module_of(rel: &str) -> Vec<String> {
    let trimmed = rel.trim_end_matches(".rs");
    let mut parts: Vec<String> = trimmed.split('/').map(str::to_string).collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The text without comments, string and char literals, and test modules.
fn code_of(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        let rest = &text[i..];
        if rest.starts_with("//") {
            i += rest.find('\n').unwrap_or(rest.len());
        } else if rest.starts_with("/*") {
            let mut depth = 0;
            while i < b.len() {
                if text[i..].starts_with("/*") {
                    depth += 1;
                    i += 2;
                } else if text[i..].starts_with("*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if rest.starts_with("r#\"") || rest.starts_with("r\"") {
            let hashes = rest[1..].chars().take_while(|c| *c == '#').count();
            let close = format!("\"{}", "#".repeat(hashes));
            let start = 2 + hashes;
            i += start
                + rest[start..]
                    .find(&close)
                    .map_or(rest.len() - start, |e| e + close.len());
            out.push_str("\"\"");
        } else if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if b[i] == b'\'' {
            // A char literal ('x', '\n', '\''), or a lifetime ('a).
            let lit = rest
                .char_indices()
                .skip(1)
                .take(12)
                .find(|(_, c)| *c == '\'')
                .filter(|(end, _)| {
                    let inner = &rest[1..*end];
                    inner.chars().count() == 1 || inner.starts_with('\\')
                });
            match lit {
                Some((end, _)) => {
                    i += end + 1;
                    out.push_str("' '");
                }
                None => {
                    out.push('\'');
                    i += 1;
                }
            }
        } else {
            let c = rest.chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    strip_test_modules(&out)
}

/// Removes `#[cfg(test)] mod name { … }` blocks (tests may reach anywhere).
fn strip_test_modules(code: &str) -> String {
    let mut out = code.to_string();
    while let Some(at) = out.find("#[cfg(test)]") {
        let after = &out[at..];
        let Some(open) = after.find('{') else { break };
        if !after[..open].contains("mod ") {
            out.replace_range(at..at + "#[cfg(test)]".len(), "");
            continue;
        }
        let mut depth = 0;
        let mut end = after.len();
        for (j, c) in after[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + j + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        out.replace_range(at..at + end, "");
    }
    out
}

/// Expands a `use` tree ("a::{b, c::{d as e, *}}") into its paths.
fn expand(tree: &str, prefix: &[String], out: &mut Vec<Vec<String>>) {
    let tree = tree.trim();
    if tree.is_empty() {
        return;
    }
    if let Some(open) = tree.find('{') {
        let head: Vec<String> = tree[..open]
            .split("::")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let mut base = prefix.to_vec();
        base.extend(head);
        let mut depth = 0;
        let mut start = 0;
        for (j, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&inner[start..j], &base, out);
                    start = j + 1;
                }
                _ => {}
            }
        }
        expand(&inner[start..], &base, out);
    } else {
        let path = tree.split(" as ").next().unwrap_or(tree);
        let mut p = prefix.to_vec();
        p.extend(
            path.split("::")
                .map(str::trim)
                .filter(|s| !s.is_empty() && *s != "*" && *s != "self")
                .map(str::to_string),
        );
        out.push(p);
    }
}

struct Resolver {
    /// Module path -> file (relative to `src/`).
    modules: BTreeMap<Vec<String>, String>,
}

impl Resolver {
    fn is_module(&self, m: &[String]) -> bool {
        self.modules.contains_key(m)
    }

    /// The file a path names, from the module `here`.
    fn resolve(&self, here: &[String], path: &[String]) -> Option<String> {
        let mut base: Vec<String>;
        let mut rest = path;
        match rest.first().map(String::as_str) {
            Some("crate" | "$crate" | "vestibule") => {
                base = Vec::new();
                rest = &rest[1..];
            }
            Some("self") => {
                base = here.to_vec();
                rest = &rest[1..];
            }
            Some("super") => {
                base = here.to_vec();
                while rest.first().map(String::as_str) == Some("super") {
                    base.pop();
                    rest = &rest[1..];
                }
            }
            Some(first) => {
                let mut child = here.to_vec();
                child.push(first.to_string());
                if !self.is_module(&child) {
                    return None;
                }
                base = here.to_vec();
            }
            None => return None,
        }
        for seg in rest {
            let mut next = base.clone();
            next.push(seg.clone());
            if self.is_module(&next) {
                base = next;
            } else {
                break;
            }
        }
        self.modules.get(&base).cloned()
    }
}

fn identifier_path(code: &str, at: usize) -> Vec<String> {
    let tail = &code[at..];
    let end = tail
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == ':' || *c == '$'))
        .map_or(tail.len(), |(j, _)| j);
    tail[..end]
        .split("::")
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn imports_run_downward_without_circles_and_files_stay_small() {
    let root = src();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let rel = |p: &Path| {
        p.strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/")
    };
    let resolver = Resolver {
        modules: files.iter().map(|p| (module_of(&rel(p)), rel(p))).collect(),
    };
    let mut problems = Vec::new();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in &files {
        let file = rel(path);
        let text = std::fs::read_to_string(path).unwrap();
        let lines = text.lines().count();
        if lines > 600 {
            problems.push(format!("{file}: {lines} lines (at most 600)"));
        }
        let Some(layer) = layer_of(&file) else {
            problems.push(format!("{file}: in no layer (add it to LAYERS)"));
            continue;
        };
        let here = module_of(&file);
        let code = code_of(&text);
        let mut paths: Vec<Vec<String>> = Vec::new();
        // `use` trees.
        let mut from = 0;
        while let Some(found) = code[from..].find("use ") {
            let at = from + found;
            from = at + 4;
            let before = code[..at].chars().last();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let Some(end) = code[at..].find(';') else {
                break;
            };
            expand(&code[at + 4..at + end], &[], &mut paths);
        }
        // Inline paths anywhere.
        for key in ["crate::", "$crate::", "super::", "self::", "vestibule::"] {
            for (at, _) in code.match_indices(key) {
                let before = code[..at].chars().last();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
                    || (key == "crate::" && before == Some('$'))
                {
                    continue;
                }
                let path = identifier_path(&code, at);
                // `crate::a::{b, c}` is a `use` tree, counted above.
                let end = at + path.iter().map(|s| s.len() + 2).sum::<usize>();
                if code[end.min(code.len())..].starts_with('{') {
                    continue;
                }
                paths.push(path);
            }
        }
        // Paths through a child module (`users::Users` in a `mod.rs`).
        for (module, _) in resolver.modules.range(here.clone()..) {
            if module.len() != here.len() + 1 || !module.starts_with(&here) {
                continue;
            }
            let child = format!("{}::", module[here.len()]);
            for (at, _) in code.match_indices(&child) {
                let before = code[..at].chars().last();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                    continue;
                }
                paths.push(identifier_path(&code, at));
            }
        }
        if code.contains("mod ") {
            for line in code.lines() {
                let l = line.trim();
                if (l.starts_with("mod ") || l.starts_with("pub mod ") || l.contains(" mod "))
                    && l.ends_with('{')
                {
                    problems.push(format!("{file}: an inline module ({l}): give it a file"));
                }
            }
        }
        for p in paths {
            let Some(target) = resolver.resolve(&here, &p) else {
                continue;
            };
            if target == file {
                continue;
            }
            let Some(target_layer) = layer_of(&target) else {
                continue;
            };
            if target_layer > layer {
                problems.push(format!(
                    "{file} ({}) uses {target} ({}) through `{}`: upward",
                    LAYERS[layer].0,
                    LAYERS[target_layer].0,
                    p.join("::")
                ));
            }
            edges.entry(file.clone()).or_default().insert(target);
        }
    }
    // Circles: strongly connected components of more than one file.
    for circle in circles(&edges) {
        problems.push(format!("a circle: {}", circle.join(" -> ")));
    }
    assert!(
        problems.is_empty(),
        "the code's direction is broken:\n  {}",
        problems.join("\n  ")
    );
    // The check has teeth: it sees the known edges.
    let uses = |a: &str, b: &str| edges.get(a).is_some_and(|t| t.contains(b));
    assert!(uses("server/web/pages.rs", "app.rs"), "{edges:?}");
    assert!(uses("api/groups.rs", "server/groups/mod.rs"));
    assert!(uses(
        "server/store/sqlite/mod.rs",
        "server/store/common/users.rs"
    ));
}

/// Tarjan's strongly connected components with more than one member.
fn circles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct T<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        next: usize,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a str) {
        t.index.insert(v, t.next);
        t.low.insert(v, t.next);
        t.next += 1;
        t.stack.push(v);
        t.on.insert(v);
        if let Some(targets) = t.edges.get(v) {
            for w in targets {
                let w = w.as_str();
                if !t.index.contains_key(w) {
                    visit(t, w);
                    let lw = t.low[w];
                    let lv = t.low[v];
                    t.low.insert(v, lv.min(lw));
                } else if t.on.contains(w) {
                    let iw = t.index[w];
                    let lv = t.low[v];
                    t.low.insert(v, lv.min(iw));
                }
            }
        }
        if t.low[v] == t.index[v] {
            let mut scc = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(w);
                scc.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if scc.len() > 1 {
                t.out.push(scc);
            }
        }
    }
    let mut t = T {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !t.index.contains_key(v.as_str()) {
            visit(&mut t, v);
        }
    }
    t.out
}

#[test]
fn the_direction_check_catches_an_upward_path_and_a_circle() {
    let resolver = Resolver {
        modules: [
            (vec![], "lib.rs"),
            (vec!["domain".to_string()], "domain/mod.rs"),
            (vec!["api".to_string()], "api/mod.rs"),
            (vec!["api".to_string(), "auth".to_string()], "api/auth.rs"),
        ]
        .into_iter()
        .map(|(k, v)| (k, v.to_string()))
        .collect(),
    };
    let code = code_of(
        "use super::{auth::Login, x};\n// crate::api::auth in a comment\nlet s = \"crate::domain\";\nfn f() { crate::api::auth::whoami(); }\n#[cfg(test)]\nmod tests { use crate::domain::X; }",
    );
    assert!(!code.contains("in a comment") && !code.contains("crate::domain"));
    assert!(code.contains("crate::api::auth::whoami"));
    let here = vec!["api".to_string(), "auth".to_string()];
    assert_eq!(
        resolver.resolve(&here, &identifier_path("crate::api::auth::whoami", 0)),
        Some("api/auth.rs".into())
    );
    assert_eq!(
        resolver.resolve(&here, &["super".into(), "auth".into(), "Login".into()]),
        Some("api/auth.rs".into())
    );
    assert_eq!(
        resolver.resolve(&["domain".into()], &["crate".into(), "api".into()]),
        Some("api/mod.rs".into())
    );
    assert!(layer_of("api/auth.rs") > layer_of("domain/mod.rs"));
    let mut paths = Vec::new();
    expand("a::{b, c::{d as e, *}, self}", &[], &mut paths);
    assert_eq!(
        paths,
        vec![
            vec!["a".to_string(), "b".into()],
            vec!["a".into(), "c".into(), "d".into()],
            vec!["a".into(), "c".into()],
            vec!["a".into()]
        ]
    );
    let edges: BTreeMap<String, BTreeSet<String>> = [
        ("a".to_string(), BTreeSet::from(["b".to_string()])),
        ("b".into(), BTreeSet::from(["a".to_string()])),
        ("c".into(), BTreeSet::from(["a".to_string()])),
    ]
    .into_iter()
    .collect();
    assert_eq!(circles(&edges).len(), 1);
}

//! The runtime's modules use each other without cycles, at any depth, as `ARCHITECTURE.md`
//! promises: every module of `runtime/src` (`cli`, `cli::setup`, `backend::kratos_file::edit`,
//! …) is read for the paths it names (`crate::…`, `super::…`, `self::…`, a child module's name,
//! `use` groups included; comments, strings and tests aside), each path is resolved to the
//! module it names, and the graph they make must have no cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A module's path below the crate root, as `["cli", "setup"]`.
type Module = Vec<String>;

/// Every module of the source tree at `src`, with its text (up to its inline unit tests).
/// Test-only modules (`#[cfg(test)] mod …;`) are left out.
fn modules(src: &Path) -> BTreeMap<Module, String> {
    let mut found = BTreeMap::new();
    let mut test_only = BTreeSet::new();
    walk(src, src, &mut found);
    for (module, text) in &found {
        let mut lines = text.lines().map(str::trim);
        while let Some(line) = lines.next() {
            if line == "#[cfg(test)]"
                && let Some(name) = lines
                    .next()
                    .and_then(|l| l.strip_prefix("mod "))
                    .and_then(|l| l.strip_suffix(';'))
            {
                let mut child = module.clone();
                child.push(name.to_owned());
                test_only.insert(child);
            }
        }
    }
    found.retain(|module, _| !test_only.iter().any(|t| module.starts_with(t)));
    for text in found.values_mut() {
        if let Some(end) = text.find("#[cfg(test)]\nmod tests {") {
            text.truncate(end);
        }
    }
    found
}

fn walk(src: &Path, dir: &Path, into: &mut BTreeMap<Module, String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(src, &path, into);
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let mut module: Module = path
            .strip_prefix(src)
            .unwrap()
            .with_extension("")
            .iter()
            .map(|part| part.to_string_lossy().into_owned())
            .collect();
        if matches!(module.last().map(String::as_str), Some("mod" | "lib")) {
            module.pop();
        }
        into.insert(module, std::fs::read_to_string(&path).unwrap());
    }
}

/// `text` without comments and without the contents of string and character literals.
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '/' if chars.get(i + 1) == Some(&'/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                i += 2;
                while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                    i += 1;
                }
                i += 2;
            }
            'r' if matches!(chars.get(i + 1), Some('"' | '#'))
                && (i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')) =>
            {
                let hashes = chars[i + 1..].iter().take_while(|c| **c == '#').count();
                if chars.get(i + 1 + hashes) != Some(&'"') {
                    out.push('r');
                    i += 1;
                    continue;
                }
                i += 2 + hashes;
                while i < chars.len()
                    && !(chars[i] == '"'
                        && chars[i + 1..].iter().take_while(|c| **c == '#').count() >= hashes)
                {
                    i += 1;
                }
                i += 1 + hashes;
                out.push_str("\"\"");
            }
            '"' => {
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    i += if chars[i] == '\\' { 2 } else { 1 };
                }
                i += 1;
                out.push_str("\"\"");
            }
            // A character literal (`'a'`, `'\n'`, `'\u{1F600}'`), not a lifetime.
            '\'' if chars.get(i + 2) == Some(&'\'') || chars.get(i + 1) == Some(&'\\') => {
                i += 1;
                while i < chars.len() && chars[i] != '\'' {
                    i += if chars[i] == '\\' { 2 } else { 1 };
                }
                i += 1;
                out.push_str("' '");
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Every path of two or more segments in `code`, with `use` groups expanded:
/// `use super::{a::B, c};` gives `super::a::B` and `super::c`.
fn paths(code: &str) -> Vec<Vec<String>> {
    let tokens = tokenize(code);
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if is_ident(&tokens[i]) && (i == 0 || tokens[i - 1] != "::") {
            i = path_at(&tokens, i, Vec::new(), &mut out);
        } else {
            i += 1;
        }
    }
    out.retain(|path| path.len() > 1);
    out
}

fn is_ident(token: &str) -> bool {
    token
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
}

/// Reads the path that starts at `tokens[at]` after `prefix`, pushing it (or each path of its
/// group) to `out`; returns where it ends.
fn path_at(
    tokens: &[String],
    mut at: usize,
    mut prefix: Vec<String>,
    out: &mut Vec<Vec<String>>,
) -> usize {
    loop {
        if tokens.get(at).is_some_and(|t| t == "{") {
            at += 1;
            while at < tokens.len() && tokens[at] != "}" {
                if is_ident(&tokens[at]) || tokens[at] == "{" {
                    at = path_at(tokens, at, prefix.clone(), out);
                } else {
                    at += 1;
                }
            }
            return at + 1;
        }
        let Some(segment) = tokens.get(at).filter(|t| is_ident(t)) else {
            out.push(prefix);
            return at;
        };
        prefix.push(segment.clone());
        at += 1;
        if tokens.get(at).is_some_and(|t| t == "::") {
            at += 1;
        } else {
            out.push(prefix);
            return at;
        }
    }
}

/// Identifiers, `::`, and every other character on its own.
fn tokenize(code: &str) -> Vec<String> {
    let chars: Vec<char> = code.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            tokens.push(chars[start..i].iter().collect());
        } else if c == ':' && chars.get(i + 1) == Some(&':') {
            tokens.push("::".to_owned());
            i += 2;
        } else {
            if !c.is_whitespace() {
                tokens.push(c.to_string());
            }
            i += 1;
        }
    }
    tokens
}

/// The names each `use` of `code` brings in, with the path each stands for:
/// `use super::{a::B, c as d};` gives `B` for `super::a::B` and `d` for `super::c`.
fn imports(code: &str) -> Vec<(String, Vec<String>)> {
    let tokens = tokenize(code);
    let mut out = Vec::new();
    for (at, token) in tokens.iter().enumerate() {
        if token != "use" || tokens.get(at + 1).is_none_or(|t| !is_ident(t)) {
            continue;
        }
        let mut found = Vec::new();
        let end = path_at(&tokens, at + 1, Vec::new(), &mut found);
        // `use a::B as C;` (one path; in groups a renamed item keeps its own name here).
        let alias = (tokens.get(end).is_some_and(|t| t == "as") && found.len() == 1)
            .then(|| tokens.get(end + 1).cloned())
            .flatten();
        for path in found {
            let Some(last) = path.last().filter(|l| *l != "self" && *l != "*") else {
                continue;
            };
            out.push((alias.clone().unwrap_or_else(|| last.clone()), path));
        }
    }
    out
}

/// What the graph is made from: every module, and the names each one's `use`s bring in.
struct Crate {
    known: BTreeSet<Module>,
    imports: BTreeMap<Module, Vec<(String, Vec<String>)>>,
}

impl Crate {
    /// The module `path`, named in `from`, leads to: the longest run of its segments that
    /// names a module, after `crate`, `super` and `self`, following a name that module brings
    /// in with `use` to where it comes from; `None` when it names none of the crate's
    /// (`std::…`, an enum's variant).
    fn resolve(&self, from: &Module, path: &[String], depth: usize) -> Option<Module> {
        let mut base: Module = match path[0].as_str() {
            "crate" => Vec::new(),
            "self" | "super" => from.clone(),
            _ => {
                let mut child = from.clone();
                child.push(path[0].clone());
                if !self.known.contains(&child) {
                    return None;
                }
                from.clone()
            }
        };
        let mut rest = match path[0].as_str() {
            "crate" | "self" => &path[1..],
            _ => path,
        };
        while rest.first().is_some_and(|s| s == "super") {
            base.pop()?;
            rest = &rest[1..];
        }
        while let Some(segment) = rest.first() {
            let mut next = base.clone();
            next.push(segment.clone());
            if self.known.contains(&next) {
                base = next;
                rest = &rest[1..];
                continue;
            }
            // An item the module brings in from elsewhere lives there.
            let source = self.imports.get(&base).and_then(|names| {
                names
                    .iter()
                    .find(|(name, _)| name == segment)
                    .map(|(_, path)| path)
            });
            if let Some(source) = source
                && depth < 16
                && let Some(found) = self.resolve(&base, source, depth + 1)
            {
                return Some(found);
            }
            break;
        }
        Some(base)
    }
}

/// `code` without its re-exports (`pub use …;`, `pub(crate) use …;`): a module that hands on a
/// name does not use it; whoever names it through the module uses where it comes from.
fn without_reexports(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(at) = rest.find("pub") {
        let after = &rest[at + 3..];
        let visibility = if after.starts_with('(') {
            after.find(')').map_or(0, |end| end + 1)
        } else {
            0
        };
        let starts_word =
            at == 0 || !rest[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_');
        if starts_word && after[visibility..].trim_start().starts_with("use ") {
            out.push_str(&rest[..at]);
            rest = after.find(';').map_or("", |end| &after[end + 1..]);
        } else {
            out.push_str(&rest[..at + 3]);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// Which modules each module uses (itself and the crate root aside).
fn graph(src: &Path) -> BTreeMap<Module, BTreeSet<Module>> {
    let modules: BTreeMap<Module, String> = modules(src)
        .into_iter()
        .map(|(module, text)| (module, code_only(&text)))
        .collect();
    let krate = Crate {
        known: modules.keys().cloned().collect(),
        imports: modules
            .iter()
            .map(|(module, code)| (module.clone(), imports(code)))
            .collect(),
    };
    modules
        .iter()
        .filter(|(module, _)| !module.is_empty())
        .map(|(module, code)| {
            let used = paths(&without_reexports(code))
                .iter()
                .filter_map(|path| krate.resolve(module, path, 0))
                .filter(|used| !used.is_empty() && used != module)
                .collect();
            (module.clone(), used)
        })
        .collect()
}

/// Whether `to` is reached from `from` in `graph`.
fn reaches(from: &Module, to: &Module, graph: &BTreeMap<Module, BTreeSet<Module>>) -> bool {
    let mut seen = BTreeSet::new();
    let mut next = vec![from.clone()];
    while let Some(node) = next.pop() {
        if &node == to {
            return true;
        }
        if seen.insert(node.clone()) {
            next.extend(graph.get(&node).into_iter().flatten().cloned());
        }
    }
    false
}

/// Every use of a module that lies on a cycle, as `a -> b`.
fn on_cycles(graph: &BTreeMap<Module, BTreeSet<Module>>) -> BTreeSet<String> {
    graph
        .iter()
        .flat_map(|(from, used)| used.iter().map(move |to| (from, to)))
        .filter(|(from, to)| reaches(to, from, graph))
        .map(|(from, to)| format!("{} -> {}", from.join("::"), to.join("::")))
        .collect()
}

/// A cycle through `from -> to`, as the modules along it.
fn cycle_through(from: &Module, to: &Module, graph: &BTreeMap<Module, BTreeSet<Module>>) -> String {
    // Breadth first from `to` back to `from`, so the cycle named is a shortest one.
    let mut came_from: BTreeMap<Module, Module> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([to.clone()]);
    while let Some(node) = queue.pop_front() {
        if &node == from {
            break;
        }
        for next in graph.get(&node).into_iter().flatten() {
            if next != to && !came_from.contains_key(next) {
                came_from.insert(next.clone(), node.clone());
                queue.push_back(next.clone());
            }
        }
    }
    let mut path = vec![from.join("::")];
    let mut node = from.clone();
    while let Some(previous) = came_from.get(&node) {
        path.push(previous.join("::"));
        node = previous.clone();
    }
    path.reverse();
    path.insert(0, from.join("::"));
    path.join(" -> ")
}

fn module(path: &str) -> Module {
    path.split("::").map(str::to_owned).collect()
}

#[test]
fn runtime_modules_have_no_import_cycle() {
    let graph = graph(&Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime/src"));
    // The reading sees what it should: submodules, `super::`, groups and re-exports.
    for (from, to) in [
        ("plan", "hooks::lists"),
        ("cli::plan", "cli::output"),
        ("plan", "plan::compare"),
    ] {
        assert!(
            graph
                .get(&module(from))
                .is_some_and(|used| used.contains(&module(to))),
            "{from} should use {to}: {graph:?}"
        );
    }
    let cycles: Vec<String> = on_cycles(&graph)
        .iter()
        .map(|edge| {
            let (from, to) = edge.split_once(" -> ").unwrap();
            format!(
                "import cycle: {}",
                cycle_through(&module(from), &module(to), &graph)
            )
        })
        .collect();
    assert!(cycles.is_empty(), "{}", cycles.join("\n"));
}

#[test]
fn paths_are_resolved_to_the_modules_they_name() {
    let krate = Crate {
        known: [
            "cli",
            "cli::args",
            "cli::output",
            "cli::plan",
            "plan",
            "plan::compare",
        ]
        .into_iter()
        .map(module)
        .collect(),
        // `cli` brings `Io` in from `cli::output`.
        imports: [(
            module("cli"),
            imports("pub use output::{EXIT_OK, Io as Io};"),
        )]
        .into_iter()
        .collect(),
    };
    let code = code_only(
        "use super::{Io, args::{Command, Options}};\n\
         use crate::plan::compare::Resend; // crate::cli::plan in a comment\n\
         let s = \"crate::cli\"; let c = ':'; fn f<'a>(x: &'a str) { super::Mode::Apply; }",
    );
    let used: BTreeSet<Module> = paths(&code)
        .iter()
        .filter_map(|path| krate.resolve(&module("cli::plan"), path, 0))
        .collect();
    assert_eq!(
        used,
        ["cli", "cli::args", "cli::output", "plan::compare"]
            .into_iter()
            .map(module)
            .collect()
    );
    // A re-export hands a name on; it is not a use.
    assert_eq!(
        without_reexports("pub(crate) use a::B;\npub use c::{D, E};\nuse f::G; fn republish() {}"),
        "\n\nuse f::G; fn republish() {}"
    );
    // A cycle at any depth is found and named.
    let graph: BTreeMap<Module, BTreeSet<Module>> = [
        ("cli", vec!["cli::plan"]),
        ("cli::plan", vec!["plan", "cli::args"]),
        ("cli::args", vec!["cli"]),
        ("plan", vec![]),
    ]
    .into_iter()
    .map(|(m, used)| (module(m), used.into_iter().map(module).collect()))
    .collect();
    assert_eq!(
        on_cycles(&graph),
        [
            "cli -> cli::plan",
            "cli::plan -> cli::args",
            "cli::args -> cli"
        ]
        .into_iter()
        .map(str::to_owned)
        .collect()
    );
    assert_eq!(
        cycle_through(&module("cli::args"), &module("cli"), &graph),
        "cli::args -> cli -> cli::plan -> cli::args"
    );
}

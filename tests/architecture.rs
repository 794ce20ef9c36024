//! The runtime's modules use each other without cycles, as `ARCHITECTURE.md` promises: each
//! top-level module of `runtime/src` is read for the `crate::…` paths it names (tests aside), and
//! the graph they make must have no cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The `crate::<module>` names in `text`, up to its unit tests.
fn used_modules(text: &str) -> BTreeSet<String> {
    let text = text
        .find("#[cfg(test)]\nmod tests")
        .map_or(text, |end| &text[..end]);
    let mut used = BTreeSet::new();
    for (at, _) in text.match_indices("crate::") {
        let name: String = text[at + "crate::".len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            used.insert(name);
        }
    }
    used
}

fn read_module(path: &Path, into: &mut BTreeSet<String>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            read_module(&entry.unwrap().path(), into);
        }
    } else if path.extension().is_some_and(|e| e == "rs")
        && !matches!(
            path.file_name().and_then(|n| n.to_str()),
            Some("tests.rs" | "properties.rs" | "conformance.rs")
        )
    {
        into.extend(used_modules(&std::fs::read_to_string(path).unwrap()));
    }
}

#[test]
fn runtime_modules_have_no_import_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime/src");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if name == "lib" {
            continue;
        }
        let mut used = BTreeSet::new();
        read_module(&path, &mut used);
        used.remove(&name);
        graph.insert(name, used);
    }
    let modules: BTreeSet<String> = graph.keys().cloned().collect();
    for used in graph.values_mut() {
        used.retain(|m| modules.contains(m));
    }
    assert!(
        graph.contains_key("plan") && graph["plan"].contains("hooks"),
        "{graph:?}"
    );
    // Depth-first search for a cycle, naming it when there is one.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if let Some(start) = path.iter().position(|n| n == node) {
            panic!("import cycle: {} -> {node}", path[start..].join(" -> "));
        }
        if done.contains(node) {
            return;
        }
        path.push(node.to_owned());
        for next in &graph[node] {
            visit(next, graph, path, done);
        }
        path.pop();
        done.insert(node.to_owned());
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        visit(node, &graph, &mut Vec::new(), &mut done);
    }
}

//! Reading the hook lists out of a document's text without building the rest of it: only the
//! keys on the way to a hook list are looked at, everything else is skipped as it is parsed, and
//! each entry is kept as its JSON text ([`StoredEntry`]). A project document of ten thousand
//! hooks is read in one pass into about its own size, where a value tree of it takes eight
//! times that.
//!
//! [`Paths`] is the tree of keys to look for and [`Found`] what a walk found; [`read_json`]
//! walks a JSON text with them, and the Kratos file backend walks YAML the same way. A walk
//! finds what [`HookLists::take`] and [`verification_enabled`](super::verification_enabled)
//! find in the document's value, with the same errors.

use std::collections::BTreeMap;
use std::fmt;

use ory_actions_core::Scope;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::lists::{HookLists, StoredEntry};
use crate::error::Error;

/// What a document read gives.
#[derive(Debug)]
pub(crate) struct Document {
    /// Its hook lists.
    pub(crate) lists: HookLists,
    /// Whether its identity configuration enables verification.
    pub(crate) verification: bool,
    /// Its top-level `revision_id`, when that is a string (a project's revision).
    pub(crate) revision: Option<String>,
    /// Its top-level `state`, when that is a string (a project's: `deleted` once soft-deleted).
    pub(crate) state: Option<String>,
}

/// What a key on the way leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Leaf {
    /// A hook list.
    List(Scope),
    /// `selfservice.flows.verification.enabled`.
    Verification,
    /// The top-level `revision_id`.
    Revision,
    /// The top-level `state`.
    State,
}

/// A node of [`Paths`]: an object on the way to a hook list, or a [`Leaf`].
#[derive(Debug)]
struct PathNode {
    /// Its JSON pointer in the document.
    pointer: String,
    children: Vec<(String, usize)>,
    leaf: Option<Leaf>,
}

/// The keys a walk follows, from the document's top: those to every hook list of the identity
/// configuration at `root`, to its verification switch, `revision_id` and `state`.
#[derive(Debug)]
pub(crate) struct Paths {
    nodes: Vec<PathNode>,
    /// The nodes from the top to each hook list, in [`Scope::ALL`]'s order.
    to_lists: Vec<Vec<Node>>,
}

/// A node of [`Paths`], by index.
pub(crate) type Node = usize;

impl Paths {
    /// The document's top.
    pub(crate) const TOP: Node = 0;

    /// The paths for the identity configuration at `root`, a JSON pointer (`""` when the
    /// document is the configuration).
    pub(crate) fn new(root: &str) -> Self {
        let mut paths = Paths {
            nodes: vec![PathNode {
                pointer: String::new(),
                children: Vec::new(),
                leaf: None,
            }],
            to_lists: Vec::new(),
        };
        for &scope in Scope::ALL {
            paths.add(
                &format!("{root}{}", scope.config_pointer()),
                Leaf::List(scope),
            );
        }
        paths.add(
            &format!("{root}/selfservice/flows/verification/enabled"),
            Leaf::Verification,
        );
        paths.add("/revision_id", Leaf::Revision);
        paths.add("/state", Leaf::State);
        paths
    }

    fn add(&mut self, pointer: &str, leaf: Leaf) {
        let mut node = Self::TOP;
        let mut chain = vec![node];
        for segment in pointer.trim_start_matches('/').split('/') {
            node = match self.child(node, segment) {
                Some(child) => child,
                None => {
                    let child = self.nodes.len();
                    let pointer = format!("{}/{segment}", self.nodes[node].pointer);
                    self.nodes.push(PathNode {
                        pointer,
                        children: Vec::new(),
                        leaf: None,
                    });
                    self.nodes[node].children.push((segment.to_owned(), child));
                    child
                }
            };
            chain.push(node);
        }
        self.nodes[node].leaf = Some(leaf);
        if let Leaf::List(_) = leaf {
            self.to_lists.push(chain);
        }
    }

    /// The node under `node` at `key`, if the walk follows it.
    pub(crate) fn child(&self, node: Node, key: &str) -> Option<Node> {
        self.nodes[node]
            .children
            .iter()
            .find(|(k, _)| k == key)
            .map(|&(_, child)| child)
    }

    /// What `node` is, when it is not an object on the way.
    pub(crate) fn leaf(&self, node: Node) -> Option<Leaf> {
        self.nodes[node].leaf
    }
}

/// What a walk has found so far.
pub(crate) struct Found<'p> {
    paths: &'p Paths,
    lists: BTreeMap<Scope, Vec<StoredEntry>>,
    verification: bool,
    revision: Option<String>,
    state: Option<String>,
    /// The places that cannot hold what the walk looks for, and why.
    problems: BTreeMap<Node, String>,
    entered: Vec<bool>,
}

impl<'p> Found<'p> {
    /// Nothing found yet, following `paths`.
    pub(crate) fn new(paths: &'p Paths) -> Self {
        Found {
            paths,
            lists: BTreeMap::new(),
            verification: false,
            revision: None,
            state: None,
            problems: BTreeMap::new(),
            entered: vec![false; paths.nodes.len()],
        }
    }

    /// The paths followed.
    pub(crate) fn paths(&self) -> &'p Paths {
        self.paths
    }

    /// The walk comes to `node`. A key given twice counts once, the last time, as a JSON value
    /// keeps it: what an earlier visit found under it is forgotten.
    pub(crate) fn enter(&mut self, node: Node) {
        if std::mem::replace(&mut self.entered[node], true) {
            let prefix = format!("{}/", self.paths.nodes[node].pointer);
            let under = |pointer: &str| {
                pointer == prefix.trim_end_matches('/') || pointer.starts_with(&prefix)
            };
            for other in 0..self.paths.nodes.len() {
                let here = &self.paths.nodes[other];
                if !under(&here.pointer) {
                    continue;
                }
                self.problems.remove(&other);
                match here.leaf {
                    Some(Leaf::List(scope)) => {
                        self.lists.remove(&scope);
                    }
                    Some(Leaf::Verification) => self.verification = false,
                    Some(Leaf::Revision) => self.revision = None,
                    Some(Leaf::State) => self.state = None,
                    None => {}
                }
            }
        }
    }

    /// `node`, an object on the way to a hook list, is `kind` ("a string", …) instead.
    pub(crate) fn not_an_object(&mut self, node: Node, kind: &str) {
        self.problem(node, format!("expected an object, found {kind}"));
    }

    /// `node`, a hook list, is `kind` instead.
    pub(crate) fn not_a_list(&mut self, node: Node, kind: &str) {
        self.problem(node, format!("a hook list must be an array, found {kind}"));
    }

    fn problem(&mut self, node: Node, problem: String) {
        self.problems.insert(node, problem);
    }

    /// The hook list of `scope` is `entries`.
    pub(crate) fn list(&mut self, scope: Scope, entries: Vec<StoredEntry>) {
        self.lists.insert(scope, entries);
    }

    /// Verification is enabled or not.
    pub(crate) fn verification(&mut self, enabled: bool) {
        self.verification = enabled;
    }

    /// The document's revision is `revision`.
    pub(crate) fn revision(&mut self, revision: String) {
        self.revision = Some(revision);
    }

    /// The document's state is `state`.
    pub(crate) fn state(&mut self, state: String) {
        self.state = Some(state);
    }

    /// What the walk found, or a place that could not hold it ([`Error::RemoteDocument`]):
    /// the first on the way to the first hook list in [`Scope::ALL`]'s order that meets one.
    pub(crate) fn finish(mut self) -> Result<Document, Error> {
        let first = self
            .paths
            .to_lists
            .iter()
            .flatten()
            .find(|node| self.problems.contains_key(node));
        if let Some(&node) = first {
            return Err(Error::RemoteDocument {
                pointer: self.paths.nodes[node].pointer.clone(),
                problem: self.problems.remove(&node).unwrap_or_default(),
            });
        }
        Ok(Document {
            lists: HookLists::from_lists(self.lists),
            verification: self.verification,
            revision: self.revision,
            state: self.state,
        })
    }
}

/// Why a JSON text could not be read.
#[derive(Debug)]
pub(crate) enum JsonError {
    /// It is not JSON.
    Syntax(serde_json::Error),
    /// It is, but something on the way to a hook list is not what it must be.
    Shape(Error),
}

/// Reads the hook lists of the identity configuration at `root` (a JSON pointer) out of the
/// JSON `text`, and the switch and revision beside them.
///
/// The text is first read whole as a value tree would read it ([`check_json`]), so that a text
/// is read here exactly when it is read anywhere else: every escape, every number and the depth
/// of everything, hook entries included, is checked, not only what the walk looks at.
pub(crate) fn read_json(text: &str, root: &str) -> Result<Document, JsonError> {
    check_json(text).map_err(JsonError::Syntax)?;
    let paths = Paths::new(root);
    let mut found = Found::new(&paths);
    let mut deserializer = serde_json::Deserializer::from_str(text);
    Walk {
        found: &mut found,
        node: Paths::TOP,
    }
    .deserialize(&mut deserializer)
    .and_then(|()| deserializer.end())
    .map_err(JsonError::Syntax)?;
    found.finish().map_err(JsonError::Shape)
}

/// Whether `text` is one JSON value as `serde_json` reads it into a value tree, without
/// building one: strings with their escapes (a lone surrogate is refused), numbers within
/// `f64` (`1e400` is refused), and at most 127 levels of nesting (`serde_json`'s limit), each
/// refused with its line and column. A walk that skips a value ([`IgnoredAny`], a raw value)
/// checks none of those.
pub(crate) fn check_json(text: &str) -> Result<(), serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    de::Deserialize::deserialize(&mut deserializer).map(|Checked| ())?;
    deserializer.end()
}

/// A JSON value read and checked, and nothing kept ([`check_json`]).
struct Checked;

impl<'de> de::Deserialize<'de> for Checked {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(CheckedVisitor)
            .map(|()| Checked)
    }
}

struct CheckedVisitor;

impl<'de> Visitor<'de> for CheckedVisitor {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<Checked>()?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<Checked, Checked>()?.is_some() {}
        Ok(())
    }
}

/// The walk at one node of the paths.
struct Walk<'f, 'p> {
    found: &'f mut Found<'p>,
    node: Node,
}

impl<'de> DeserializeSeed<'de> for Walk<'_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        self.found.enter(self.node);
        deserializer.deserialize_any(self)
    }
}

impl Walk<'_, '_> {
    /// The value here is of the kind `kind`, which is neither an object nor an array.
    fn scalar(self, kind: &str) {
        match self.found.paths().leaf(self.node) {
            Some(Leaf::List(_)) => self.found.not_a_list(self.node, kind),
            Some(Leaf::Verification | Leaf::Revision | Leaf::State) => {}
            None => self.found.not_an_object(self.node, kind),
        }
    }
}

impl<'de> Visitor<'de> for Walk<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let paths = self.found.paths();
        match paths.leaf(self.node) {
            None => {
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    match paths.child(self.node, &key) {
                        Some(child) => map.next_value_seed(Walk {
                            found: &mut *self.found,
                            node: child,
                        })?,
                        None => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
            }
            Some(leaf) => {
                if let Leaf::List(_) = leaf {
                    self.found.not_a_list(self.node, "an object");
                }
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        match self.found.paths().leaf(self.node) {
            Some(Leaf::List(scope)) => {
                let mut entries = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(raw) = seq.next_element::<Box<RawValue>>()? {
                    entries.push(StoredEntry::from_raw(raw));
                }
                self.found.list(scope, entries);
            }
            leaf => {
                if leaf.is_none() {
                    self.found.not_an_object(self.node, "an array");
                }
                while seq.next_element::<IgnoredAny>()?.is_some() {}
            }
        }
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<(), E> {
        if self.found.paths().leaf(self.node) == Some(Leaf::Verification) {
            self.found.verification(value);
        } else {
            self.scalar("a boolean");
        }
        Ok(())
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<(), E> {
        match self.found.paths().leaf(self.node) {
            Some(Leaf::Revision) => self.found.revision(value.to_owned()),
            Some(Leaf::State) => self.found.state(value.to_owned()),
            _ => self.scalar("a string"),
        }
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.scalar("a number");
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.scalar("a number");
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.scalar("a number");
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.scalar("null");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    const PROJECT: &str = "/services/identity/config";

    /// What reading the value tree finds, to hold the text reader to.
    fn from_value(document: &Value, root: &str) -> Result<(HookLists, bool), String> {
        let verification = super::super::verification_enabled(document, root);
        HookLists::read(document, root)
            .map(|lists| (lists, verification))
            .map_err(|e| e.to_string())
    }

    fn from_text(document: &Value, root: &str) -> Result<(HookLists, bool), String> {
        match read_json(&serde_json::to_string_pretty(document).unwrap(), root) {
            Ok(read) => Ok((read.lists, read.verification)),
            Err(JsonError::Shape(e)) => Err(e.to_string()),
            Err(JsonError::Syntax(e)) => panic!("{e}"),
        }
    }

    #[test]
    fn reads_what_the_value_tree_holds() {
        let entry = json!({"hook": "web_hook", "config": {"url": "https://h.example/a", "method": "POST",
            "auth": {"type": "api_key", "config": {"name": "k", "value": "s3cr3t", "in": "header"}}}});
        let documents = [
            json!({"revision_id": "r1", "state": "deleted", "services": {"identity": {"config": {"selfservice": {"flows": {
                "login": {"before": {"hooks": [entry, {"hook": "session"}]}, "after": {"password": {"hooks": []}, "hooks": [entry]}},
                "verification": {"enabled": true, "after": {"hooks": [entry]}},
                "registration": {"ui_url": "x", "after": {"oidc": {"hooks": [{"hook": "session"}]}}},
            }, "default_browser_return_url": "https://x"}}}, "other": [1, 2, {"a": null}]}}),
            json!({"services": {"identity": {"config": {"selfservice": {"flows": {"verification": {"enabled": "yes"}}}}}}}),
            json!({"services": {"identity": {"config": null}}}),
            json!({"services": {"identity": {"config": {"selfservice": {"flows": {"login": {"before": {"hooks": {"oops": true}}}}}}}}}),
            json!({"services": {"identity": {"config": {"selfservice": {"flows": {"login": {"before": {"hooks": null}}}}}}}}),
            json!({"services": {"identity": {"config": {"selfservice": {"flows": {"login": [1]}}}}}}),
            json!({"services": {"identity": {"config": {"selfservice": 3}}}}),
            json!({"services": "identity"}),
            json!([]),
            json!({}),
        ];
        for document in &documents {
            assert_eq!(
                from_text(document, PROJECT),
                from_value(document, PROJECT),
                "{document}"
            );
        }
        let read = read_json(&documents[0].to_string(), PROJECT).unwrap();
        assert_eq!(read.revision.as_deref(), Some("r1"));
        assert_eq!(read.state.as_deref(), Some("deleted"));
        assert_eq!(
            read.lists.values(Scope::LoginBefore),
            vec![entry, json!({"hook": "session"})]
        );
        assert!(read.verification);
        let config = json!({"selfservice": {"flows": {"settings": {"after": {"hooks": [1]}}}}});
        assert_eq!(from_text(&config, ""), from_value(&config, ""));
    }

    #[test]
    fn a_key_given_twice_counts_the_last_time() {
        let text = r#"{"selfservice": {"flows": {"login": {"before": {"hooks": [{"hook": "a"}]}}},
            "flows": {"settings": {"before": {"hooks": []}}}},
            "selfservice": {"flows": {"settings": {"before": {"hooks": [{"hook": "b"}]}}}}}"#;
        let read = read_json(text, "").unwrap();
        let value: Value = serde_json::from_str(text).unwrap();
        assert_eq!(read.lists, HookLists::read(&value, "").unwrap());
        assert_eq!(read.lists.len(Scope::LoginBefore), 0);
        assert_eq!(read.lists.len(Scope::SettingsBefore), 1);
    }

    /// Whatever a value tree refuses, the reader refuses, with the same message: before, an
    /// entry or a neighbour that only the walk skipped was taken, and the planner panicked on
    /// the entry later.
    #[test]
    fn what_a_value_tree_refuses_is_refused() {
        let in_a_list = |inner: &str| {
            format!(
                r#"{{"selfservice": {{"flows": {{"login": {{"before": {{"hooks": [{{"hook": "web_hook", "config": {inner}}}]}}}}}}}}}}"#
            )
        };
        let deep = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let texts = [
            in_a_list(r#""\ud800""#),
            in_a_list(r#""\udc00 and more""#),
            in_a_list("1e400"),
            in_a_list("-1e400"),
            in_a_list(&deep(128)),
            in_a_list(&deep(10_000)),
            r#"{"dsn": "\ud800", "selfservice": {}}"#.to_owned(),
            r#"{"dsn": 1e400, "selfservice": {}}"#.to_owned(),
            format!(r#"{{"dsn": {}, "selfservice": {{}}}}"#, deep(127)),
            r#"{"\ud800": 1}"#.to_owned(),
        ];
        for text in &texts {
            let tree = serde_json::from_str::<Value>(text).unwrap_err();
            match read_json(text, "") {
                Err(JsonError::Syntax(e)) => {
                    assert_eq!(e.to_string(), tree.to_string());
                    assert!(e.line() > 0 && e.column() > 0, "{e}");
                }
                other => panic!("{text}: {other:?}"),
            }
        }
        // As deep as a value tree goes is read, and its entries can be decoded.
        let text = in_a_list(&deep(120));
        let read = read_json(&text, "").unwrap();
        assert_eq!(read.lists.values(Scope::LoginBefore).len(), 1);
    }

    #[test]
    fn text_that_is_not_json_is_a_syntax_error() {
        for text in ["", "{", r#"{"selfservice": }"#, "{} {}", r#"{"a": [1,]}"#] {
            assert!(
                matches!(read_json(text, ""), Err(JsonError::Syntax(_))),
                "{text}"
            );
        }
    }
}

//! Identity schemas as a hook's body sees them: the traits `ctx.identity.traits` can have.
//!
//! Kratos validates an identity's traits against the JSON Schema of its identity schema (the
//! `traits` property, with the `ory.sh/kratos` extensions, which say nothing of shape). A body
//! reads a trait by its path; what each schema declares at that path decides whether the read
//! can work. Local `$ref`s (`#/definitions/…`, `#/$defs/…`) are followed; `allOf`, `anyOf` and
//! `oneOf` declare the union of their branches (a trait any branch has may exist); a part of a
//! schema that declares no shape (no `type`, `properties` or `items`, a remote `$ref`,
//! `additionalProperties` that is not `false`, `patternProperties`) admits any path below it.
//! An object with `properties` and no `additionalProperties` admits only the properties it
//! names, as Kratos's Console and its presets write them.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::hash::{BuildHasher, Hasher};

use crate::jsonnet::{Json, read_json};
use crate::suggest::did_you_mean;

/// What one schema declares at one place of the traits.
#[derive(Clone, Debug, PartialEq)]
pub enum Trait {
    /// An object with these keys; `open` when it admits keys it does not name.
    Object {
        /// The keys it names, in the order written.
        keys: Vec<(String, Trait)>,
        /// It admits other keys too.
        open: bool,
    },
    /// An array of these items.
    Array(Box<Trait>),
    /// A string, a number, a boolean or null: no key below it.
    Value,
    /// Anything: the schema declares no shape here.
    Any,
}

/// The id of the schema in the file `path` when none is given: the file's name without
/// `.schema.json` or `.json` (`identity/customer.schema.json` is `customer`). The macro names
/// declared schemas with it, and `identity-schemas pull` writes the entries that need no `id`.
pub fn default_id(path: &str) -> &str {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    name.strip_suffix(".schema.json")
        .or_else(|| name.strip_suffix(".json"))
        .unwrap_or(name)
}

/// One identity schema: its name (the path it was read from) and its traits.
#[derive(Clone, Debug, PartialEq)]
pub struct Schema {
    name: String,
    traits: Trait,
}

impl Schema {
    /// Reads the identity schema `text`, named `name` in messages.
    pub fn read(name: &str, text: &str) -> Result<Schema, SchemaError> {
        let error = |problem: String| SchemaError {
            schema: name.to_owned(),
            problem,
        };
        let root = read_json(text).map_err(error)?;
        let mut reader = Reader::new(&root);
        let top = reader.resolve(&root).map_err(error)?;
        let Some(traits) = top
            .and_then(|top| top.get("properties"))
            .and_then(|properties| properties.get("traits"))
        else {
            return Err(error(
                "declares no `properties.traits`: a Kratos identity schema declares the traits \
                 of its identities there"
                    .to_owned(),
            ));
        };
        let traits = reader.shape(traits, 0).map_err(error)?;
        Ok(Schema {
            name: name.to_owned(),
            traits,
        })
    }

    /// The name it was read with.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its traits.
    pub fn traits(&self) -> &Trait {
        &self.traits
    }

    /// Where `steps` lead in this schema: the part that declares them, anything (a part that
    /// declares no shape, or an open object, on the way), or the first step it does not declare.
    fn reach(&self, steps: &[Step<'_>]) -> Reached<'_> {
        /// What indexing a string gives: a string, with no keys.
        static STRING_ITEM: Trait = Trait::Value;
        let mut at = &self.traits;
        for (k, step) in steps.iter().enumerate() {
            at = match (at, step) {
                (Trait::Any, _) => return Reached::Anything,
                (Trait::Object { keys, open }, Step::Key(key)) => {
                    match keys.iter().find(|(name, _)| name == key) {
                        Some((_, below)) => below,
                        None if *open => return Reached::Anything,
                        None => return Reached::Missing(k),
                    }
                }
                (Trait::Array(items), Step::Index) => items,
                // A string may be indexed (`email[0]`).
                (Trait::Value, Step::Index) if k + 1 == steps.len() => &STRING_ITEM,
                // Any other step fails in Jsonnet as it fails here.
                _ => return Reached::Missing(k),
            };
        }
        Reached::At(at)
    }

    /// Where a read of `steps` leaves this schema: `Ok` when it declares the path (or admits
    /// anything on the way), `Err(k)` when it does not declare step `k`.
    fn lookup(&self, steps: &[Step<'_>]) -> Result<(), usize> {
        match self.reach(steps) {
            Reached::Missing(k) => Err(k),
            Reached::At(_) | Reached::Anything => Ok(()),
        }
    }

    /// The keys this schema names after `steps`, if it declares an object there.
    fn keys_after(&self, steps: &[Step<'_>]) -> Vec<&str> {
        match self.reach(steps) {
            Reached::At(Trait::Object { keys, .. }) => {
                keys.iter().map(|(k, _)| k.as_str()).collect()
            }
            _ => Vec::new(),
        }
    }

    /// Every trait path the schema names, dotted (`name.first`; array items add no step).
    pub fn trait_paths(&self) -> Vec<String> {
        self.paths()
            .into_iter()
            .map(|path| path.join("."))
            .collect()
    }

    /// Every path of keys the schema names (array items add no step), to find a misplaced key.
    fn paths(&self) -> Vec<Vec<&str>> {
        fn walk<'a>(at: &'a Trait, prefix: &mut Vec<&'a str>, into: &mut Vec<Vec<&'a str>>) {
            match at {
                Trait::Object { keys, .. } => {
                    for (key, below) in keys {
                        prefix.push(key);
                        into.push(prefix.clone());
                        walk(below, prefix, into);
                        prefix.pop();
                    }
                }
                Trait::Array(items) => walk(items, prefix, into),
                Trait::Value | Trait::Any => {}
            }
        }
        let mut paths = Vec::new();
        walk(&self.traits, &mut Vec::new(), &mut paths);
        paths
    }
}

/// Where a path leads in one schema ([`Schema::reach`]).
enum Reached<'t> {
    /// To the part that declares it.
    At(&'t Trait),
    /// Past a part that admits anything.
    Anything,
    /// Not past step `k`, which the schema does not declare.
    Missing(usize),
}

/// A schema that cannot be read: which one, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaError {
    /// The schema's name.
    pub schema: String,
    /// What is wrong with it.
    pub problem: String,
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the identity schema `{}` {}", self.schema, self.problem)
    }
}

impl std::error::Error for SchemaError {}

/// How many schema nodes a schema may expand to, `$ref`s followed: a few hundred in real
/// schemas; a bound against references that multiply.
const MAX_NODES: usize = 20_000;

/// How many objects deep traits are followed; below, a (recursive) schema admits anything.
const MAX_TRAIT_DEPTH: usize = 32;

/// How many `$ref`s in a row are followed before they count as a cycle.
const MAX_HOPS: usize = 64;

struct Reader<'a> {
    root: &'a Json,
    /// How many more schema parts and `$ref` hops may be followed.
    budget: usize,
    /// Each `$ref` looked up so far, and what it leads to.
    resolved: HashMap<&'a str, Option<&'a Json>>,
    /// The keys of the large objects a pointer went through, for look-ups in constant time.
    index: HashMap<*const Json, HashMap<&'a str, &'a Json>>,
}

/// Objects with more members than this are indexed when a pointer goes through them.
const INDEXED: usize = 16;

impl<'a> Reader<'a> {
    fn new(root: &'a Json) -> Self {
        Reader {
            root,
            budget: MAX_NODES,
            resolved: HashMap::new(),
            index: HashMap::new(),
        }
    }

    /// Takes one unit of the budget.
    fn spend(&mut self) -> Result<(), String> {
        self.budget = self.budget.checked_sub(1).ok_or_else(|| {
            format!("expands to more than {MAX_NODES} parts with its `$ref`s followed")
        })?;
        Ok(())
    }

    /// `node` with its `$ref`s followed; `None` for a reference outside the document.
    fn resolve(&mut self, mut node: &'a Json) -> Result<Option<&'a Json>, String> {
        for _ in 0..MAX_HOPS {
            let Some(reference) = node.get("$ref") else {
                return Ok(Some(node));
            };
            self.spend()?;
            let Some(reference) = reference.as_str() else {
                return Err("has a `$ref` that is not a string".to_owned());
            };
            let Some(pointer) = reference.strip_prefix('#') else {
                return Ok(None);
            };
            let found = match self.resolved.get(reference) {
                Some(found) => *found,
                None => {
                    let found = self.pointer(pointer);
                    self.resolved.insert(reference, found);
                    found
                }
            };
            node = found.ok_or_else(|| {
                format!("has a `$ref` to `{reference}`, which the schema does not have")
            })?;
        }
        Err(format!(
            "follows more than {MAX_HOPS} `$ref`s in a row: a cycle of them, or a chain longer \
             than a schema needs"
        ))
    }

    /// The value at a JSON pointer (`/definitions/name`) in the document.
    fn pointer(&mut self, pointer: &str) -> Option<&'a Json> {
        let mut at = self.root;
        if pointer.is_empty() {
            return Some(at);
        }
        for token in pointer.strip_prefix('/')?.split('/') {
            let token = token.replace("~1", "/").replace("~0", "~");
            at = match at {
                Json::Object(members) if members.len() > INDEXED => {
                    let index = self.index.entry(at as *const Json).or_insert_with(|| {
                        // The last of repeated keys counts, as `Json::get` has it.
                        members.iter().map(|(k, v)| (k.as_str(), v)).collect()
                    });
                    index.get(token.as_str()).copied()?
                }
                Json::Object(_) => at.get(&token)?,
                Json::Array(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(at)
    }

    /// What the schema `node` declares, `depth` levels below the traits (each branch of a
    /// combinator counts a level too, so that no chain of references recurses further).
    fn shape(&mut self, node: &'a Json, depth: usize) -> Result<Trait, String> {
        self.spend()?;
        if depth > MAX_TRAIT_DEPTH {
            return Ok(Trait::Any);
        }
        let Some(node) = self.resolve(node)? else {
            return Ok(Trait::Any);
        };
        let mut shape = self.own_shape(node, depth)?;
        // Every branch a value may match: a trait any of them declares may exist.
        let mut branches: Vec<&'a Json> = Vec::new();
        for combinator in ["allOf", "anyOf", "oneOf"] {
            if let Some(Json::Array(list)) = node.get(combinator) {
                branches.extend(list);
            }
        }
        for conditional in ["then", "else"] {
            branches.extend(node.get(conditional));
        }
        for dependent in ["dependentSchemas", "dependencies"] {
            if let Some(Json::Object(members)) = node.get(dependent) {
                // `dependencies` also maps a key to a list of keys: no schema.
                branches.extend(
                    members
                        .iter()
                        .map(|(_, v)| v)
                        .filter(|v| matches!(v, Json::Object(_))),
                );
            }
        }
        for branch in branches {
            let branch = self.shape(branch, depth + 1)?;
            shape = Some(match shape {
                None => branch,
                Some(shape) => merge(shape, branch),
            });
        }
        Ok(shape.unwrap_or(Trait::Any))
    }

    /// What `node`'s own keywords declare; `None` when they declare no shape.
    fn own_shape(&mut self, node: &'a Json, depth: usize) -> Result<Option<Trait>, String> {
        let types: Vec<&str> = match node.get("type") {
            Some(Json::Str(t)) => vec![t],
            Some(Json::Array(ts)) => ts.iter().filter_map(Json::as_str).collect(),
            _ => Vec::new(),
        };
        let properties = node.get("properties");
        if properties.is_some() || types.contains(&"object") {
            let mut keys: Vec<(String, Trait)> = Vec::new();
            let mut at: HashMap<&str, usize> = HashMap::new();
            if let Some(Json::Object(properties)) = properties {
                for (key, below) in properties {
                    let below = self.shape(below, depth + 1)?;
                    match at.get(key.as_str()) {
                        Some(&i) => keys[i].1 = below,
                        None => {
                            at.insert(key, keys.len());
                            keys.push((key.clone(), below));
                        }
                    }
                }
            }
            let open = properties.is_none()
                || node.get("patternProperties").is_some()
                || node
                    .get("additionalProperties")
                    .is_some_and(|more| *more != Json::Literal("false".to_owned()));
            return Ok(Some(Trait::Object { keys, open }));
        }
        if types.contains(&"array") || node.get("items").is_some() {
            let items = match node.get("items") {
                Some(items @ Json::Object(_)) => self.shape(items, depth + 1)?,
                _ => Trait::Any,
            };
            return Ok(Some(Trait::Array(Box::new(items))));
        }
        Ok((!types.is_empty()).then_some(Trait::Value))
    }
}

/// What two branches of a schema declare together: a path either has may exist.
fn merge(a: Trait, b: Trait) -> Trait {
    match (a, b) {
        (
            Trait::Object {
                keys: mut a,
                open: open_a,
            },
            Trait::Object {
                keys: b,
                open: open_b,
            },
        ) => {
            let mut at: HashMap<String, usize> = a
                .iter()
                .enumerate()
                .map(|(i, (k, _))| (k.clone(), i))
                .collect();
            for (key, below) in b {
                match at.get(&key) {
                    Some(&i) => {
                        let kept = std::mem::replace(&mut a[i].1, Trait::Any);
                        a[i].1 = merge(kept, below);
                    }
                    None => {
                        at.insert(key.clone(), a.len());
                        a.push((key, below));
                    }
                }
            }
            Trait::Object {
                keys: a,
                open: open_a || open_b,
            }
        }
        (Trait::Array(a), Trait::Array(b)) => Trait::Array(Box::new(merge(*a, *b))),
        (Trait::Value, Trait::Value) => Trait::Value,
        _ => Trait::Any,
    }
}

/// One step of a read below `ctx.identity.traits`: `.key` (or `['key']`) or `[number]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step<'a> {
    /// `.key` or `['key']`.
    Key(&'a str),
    /// `[0]`: an item of an array.
    Index,
}

/// The identity schemas of a project, as declared for a crate.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Schemas {
    list: Vec<Schema>,
    fingerprint: u64,
}

/// What the schemas say of a read of traits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// Every schema declares the path (or admits anything on the way).
    Everywhere,
    /// Some schemas do not: each with the step it does not declare.
    Somewhere {
        /// The schemas that lack the path (by index), with the step each lacks.
        lacking: Vec<(usize, usize)>,
    },
    /// No schema declares it; the furthest step any schema declares up to.
    Nowhere {
        /// The first step no schema declares.
        at: usize,
    },
}

impl Schemas {
    /// Reads each `(name, text)`; the first that cannot be read is the error.
    pub fn read<'t>(
        schemas: impl IntoIterator<Item = (&'t str, &'t str)> + Clone,
    ) -> Result<Schemas, SchemaError> {
        let list = schemas
            .clone()
            .into_iter()
            .map(|(name, text)| Schema::read(name, text))
            .collect::<Result<_, _>>()?;
        Ok(Schemas {
            list,
            fingerprint: Schemas::fingerprint_of(schemas),
        })
    }

    /// The [`fingerprint`](Schemas::fingerprint) the schemas `(name, text)` would have, without
    /// reading them.
    pub fn fingerprint_of<'t>(schemas: impl IntoIterator<Item = (&'t str, &'t str)>) -> u64 {
        let mut hasher = foldhash::quality::FixedState::with_seed(0x5c4e_3a11).build_hasher();
        for (name, text) in schemas {
            hasher.write(name.as_bytes());
            hasher.write_u8(0);
            hasher.write(text.as_bytes());
            hasher.write_u8(0);
        }
        hasher.finish()
    }

    /// No schema is declared.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The schemas, in the order declared.
    pub fn list(&self) -> &[Schema] {
        &self.list
    }

    /// A hash of the names and texts read, to tell sets of schemas apart.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// What the schemas say of a read of `steps` below `ctx.identity.traits`.
    pub fn lookup(&self, steps: &[Step<'_>]) -> Lookup {
        let found: Vec<Result<(), usize>> = self.list.iter().map(|s| s.lookup(steps)).collect();
        if found.iter().all(Result::is_ok) {
            return Lookup::Everywhere;
        }
        if found.iter().all(Result::is_err) {
            let at = found.iter().filter_map(|f| f.err()).max().unwrap_or(0);
            return Lookup::Nowhere { at };
        }
        Lookup::Somewhere {
            lacking: found
                .iter()
                .enumerate()
                .filter_map(|(index, f)| f.err().map(|step| (index, step)))
                .collect(),
        }
    }

    /// The keys the schemas name after `steps`, each once, in the order first seen.
    pub fn keys_after(&self, steps: &[Step<'_>]) -> Vec<&str> {
        let mut keys: Vec<&str> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        for schema in &self.list {
            for key in schema.keys_after(steps) {
                if seen.insert(key) {
                    keys.push(key);
                }
            }
        }
        keys
    }

    /// Whether some schema may hold an object (or anything) at `steps`: a read of it can be a
    /// value a guard the analysis does not follow looks into.
    pub fn may_be_object(&self, steps: &[Step<'_>]) -> bool {
        self.list.iter().any(|schema| match schema.reach(steps) {
            Reached::Anything => true,
            Reached::At(at) => !matches!(at, Trait::Value),
            Reached::Missing(_) => false,
        })
    }

    /// The path a read of `steps`, which no schema declares from step `at`, most likely
    /// meant: the key at `at` replaced by a near one the schemas name there, or, for a key
    /// at the wrong level, the path of a trait with that key. Keys only (array items add no
    /// step).
    pub fn suggest(&self, steps: &[Step<'_>], at: usize) -> Option<Vec<String>> {
        let Some(Step::Key(key)) = steps.get(at) else {
            return None;
        };
        let prefix: Vec<String> = steps[..at]
            .iter()
            .filter_map(|s| match s {
                Step::Key(k) => Some((*k).to_owned()),
                Step::Index => None,
            })
            .collect();
        if let Some(near) = did_you_mean(key, self.keys_after(&steps[..at])) {
            let mut path = prefix;
            path.push(near.to_owned());
            return Some(path);
        }
        // The same key (or a near one) elsewhere: `traits.first` for `traits.name.first`.
        let paths: Vec<Vec<&str>> = self.list.iter().flat_map(Schema::paths).collect();
        let lasts: Vec<&str> = paths.iter().filter_map(|p| p.last().copied()).collect();
        let near = if lasts.contains(key) {
            *key
        } else {
            did_you_mean(key, lasts.iter().copied())?
        };
        paths
            .iter()
            .filter(|p| p.last() == Some(&near))
            .min_by_key(|p| p.len())
            .map(|p| p.iter().map(|k| (*k).to_owned()).collect())
    }
}

#[cfg(test)]
mod tests;

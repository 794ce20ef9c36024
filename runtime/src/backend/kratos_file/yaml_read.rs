//! Reading the hook lists of a YAML configuration fast, for plans: the events of block-style
//! YAML ([`yaml_block`], how people write Kratos configurations and how the editor writes hook
//! lists) are walked, only the keys on the way to a hook list are followed ([`Paths`]), and each
//! entry is kept as its JSON text. The reference reading
//! ([`yaml_reference`](super::yaml_reference)) and the lossless editor's tree, which a write
//! needs to keep the file's layout, cost ten times as much and are built for the rest.
//!
//! A fast path may only be faster, never a second opinion: this reader takes only text the
//! reference reads the same, and gives up ([`read`] returns `None`) on anything else — text the
//! line reader does not take (flow collections, quoted or block scalars, anchors, aliases, tags,
//! directives, control characters, anything invalid), keys that are not strings, merge keys, a
//! key given twice. The file is then read by the reference, which also decides what is wrong.

use std::borrow::Cow;

use saphyr_parser::{Event, ScalarStyle};
use serde_json::Value;

use super::yaml_block;
use super::yaml_reference::MAX_DEPTH;
use super::yaml_scalar::{Scalar, resolve};
use crate::error::Error;
use crate::hooks::{Document, Found, Leaf, Node, Paths, StoredEntry, kind};

/// The reader does not take this text: read it whole instead.
struct GiveUp;

/// The hook lists of the YAML configuration `text`, or where something on the way to one is
/// not what it must be; `None` when this reader does not take the text (see the module).
pub(super) fn read(text: &str) -> Option<Result<Document, Error>> {
    let paths = Paths::new("");
    let mut found = Found::new(&paths);
    let mut reader = Reader {
        events: yaml_block::stream(text)?,
        spare: Vec::new(),
    };
    reader.document(&mut found).ok()?;
    Some(found.finish())
}

struct Reader<'a> {
    events: yaml_block::Events<'a>,
    /// Key lists of mappings read before, for the next ones (a list of ten thousand hooks has
    /// thirty thousand mappings).
    spare: Vec<Keys<'a>>,
}

impl<'a> Reader<'a> {
    fn next(&mut self) -> Result<Event<'a>, GiveUp> {
        self.events.next().ok_or(GiveUp)
    }

    /// One document, and nothing else in the stream.
    fn document(&mut self, found: &mut Found<'_>) -> Result<(), GiveUp> {
        let (Event::StreamStart, Event::DocumentStart(_)) = (self.next()?, self.next()?) else {
            return Err(GiveUp);
        };
        let top = self.next()?;
        self.walk(top, Paths::TOP, found)?;
        match (self.next()?, self.next()?) {
            (Event::DocumentEnd, Event::StreamEnd) => Ok(()),
            _ => Err(GiveUp),
        }
    }

    /// The node that starts with `event`, at `node` of the paths.
    fn walk(&mut self, event: Event<'a>, node: Node, found: &mut Found<'_>) -> Result<(), GiveUp> {
        found.enter(node);
        let paths = found.paths();
        match (paths.leaf(node), event) {
            (None, Event::MappingStart(anchor, tag)) => {
                plain(anchor, tag.is_some())?;
                let mut keys = Keys::default();
                loop {
                    let key = match self.next()? {
                        Event::MappingEnd => return Ok(()),
                        event => keys.add(event)?,
                    };
                    let value = self.next()?;
                    match paths.child(node, &key) {
                        Some(child) => self.walk(value, child, found)?,
                        None => drop(self.value(value, 1)?),
                    }
                }
            }
            (Some(Leaf::List(scope)), Event::SequenceStart(anchor, tag)) => {
                plain(anchor, tag.is_some())?;
                let mut entries = Vec::new();
                // Room for an entry as long as the one before: the entries of a list are alike.
                let mut room = 0;
                loop {
                    match self.next()? {
                        Event::SequenceEnd => break,
                        event => {
                            let mut text = Vec::with_capacity(room);
                            self.json(event, 1, &mut text)?;
                            room = text.len() + text.len() / 8 + 16;
                            entries.push(StoredEntry::from_json_text(text));
                        }
                    }
                }
                found.list(scope, entries);
                Ok(())
            }
            (leaf, event) => {
                let value = self.value(event, 1)?;
                match leaf {
                    None => found.not_an_object(node, kind(&value)),
                    Some(Leaf::List(_)) => found.not_a_list(node, kind(&value)),
                    Some(Leaf::Verification) => found.verification(value.as_bool() == Some(true)),
                    Some(Leaf::Revision) => {
                        if let Value::String(revision) = value {
                            found.revision(revision);
                        }
                    }
                    // A configuration file has no state of its own.
                    Some(Leaf::State) => {}
                }
                Ok(())
            }
        }
    }

    /// The node that starts with `event`, as JSON, `depth` levels down (the hook lists'
    /// neighbours, which are small: they go through [`Reader::json`] too).
    fn value(&mut self, event: Event<'a>, depth: usize) -> Result<Value, GiveUp> {
        let mut text = Vec::new();
        self.json(event, depth, &mut text)?;
        serde_json::from_slice(&text).map_err(|_| GiveUp)
    }

    /// The node that starts with `event`, written as JSON text to `out`, `depth` levels down.
    fn json(&mut self, event: Event<'a>, depth: usize, out: &mut Vec<u8>) -> Result<(), GiveUp> {
        if depth > MAX_DEPTH {
            return Err(GiveUp);
        }
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                plain(anchor, tag.is_some())?;
                match resolve(&text, style) {
                    Scalar::Null => out.extend_from_slice(b"null"),
                    Scalar::Bool(true) => out.extend_from_slice(b"true"),
                    Scalar::Bool(false) => out.extend_from_slice(b"false"),
                    Scalar::Int(n) => out.extend_from_slice(n.to_string().as_bytes()),
                    Scalar::Float(n) => write_json(out, &n),
                    Scalar::Str(text) => write_string(out, text),
                }
            }
            Event::SequenceStart(anchor, tag) => {
                plain(anchor, tag.is_some())?;
                out.push(b'[');
                let mut first = true;
                loop {
                    match self.next()? {
                        Event::SequenceEnd => break,
                        event => {
                            if !std::mem::take(&mut first) {
                                out.push(b',');
                            }
                            self.json(event, depth + 1, out)?;
                        }
                    }
                }
                out.push(b']');
            }
            Event::MappingStart(anchor, tag) => {
                plain(anchor, tag.is_some())?;
                let mut keys = self.spare.pop().unwrap_or_default();
                keys.0.clear();
                out.push(b'{');
                loop {
                    let key = match self.next()? {
                        Event::MappingEnd => break,
                        event => keys.add(event)?,
                    };
                    if keys.0.len() > 1 {
                        out.push(b',');
                    }
                    write_string(out, &key);
                    out.push(b':');
                    let event = self.next()?;
                    self.json(event, depth + 1, out)?;
                }
                self.spare.push(keys);
                out.push(b'}');
            }
            _ => return Err(GiveUp),
        }
        Ok(())
    }
}

/// `text` as a JSON string: as it is between quotes when nothing in it needs an escape (the
/// URLs, methods and `base64://` bodies of hook lists), else as `serde_json` writes it.
fn write_string(out: &mut Vec<u8>, text: &str) {
    // A fold rather than `all`: no early exit, so the compiler checks many bytes at a time.
    let plain = text.bytes().fold(true, |plain, b| {
        plain & (b >= 0x20) & (b != b'"') & (b != b'\\')
    });
    if plain {
        out.reserve(text.len() + 2);
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
    } else {
        write_json(out, text);
    }
}

fn write_json<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    serde_json::to_writer(out, value).expect("strings and numbers serialise");
}

/// Gives up on a node with an anchor or a tag.
fn plain(anchor: usize, tagged: bool) -> Result<(), GiveUp> {
    if anchor == 0 && !tagged {
        Ok(())
    } else {
        Err(GiveUp)
    }
}

/// The keys of one mapping so far.
#[derive(Default)]
struct Keys<'a>(Vec<Cow<'a, str>>);

impl<'a> Keys<'a> {
    /// The key that `event` is, if it is a string given once and not a merge key. (Mappings
    /// have a few keys: a list is quicker to search than a hash set.)
    fn add(&mut self, event: Event<'a>) -> Result<Cow<'a, str>, GiveUp> {
        let Event::Scalar(text, style, anchor, tag) = event else {
            return Err(GiveUp);
        };
        plain(anchor, tag.is_some())?;
        if !matches!(resolve(&text, style), Scalar::Str(_))
            || (style == ScalarStyle::Plain && text == "<<")
            || self.0.contains(&text)
        {
            return Err(GiveUp);
        }
        self.0.push(text.clone());
        Ok(text)
    }
}

/// A scalar as JSON ([`resolve`]).
#[cfg(test)]
fn scalar(text: &str, style: ScalarStyle) -> Value {
    match resolve(text, style) {
        Scalar::Null => Value::Null,
        Scalar::Bool(b) => Value::Bool(b),
        Scalar::Int(n) => Value::from(n),
        Scalar::Float(n) => Value::Number(n),
        Scalar::Str(text) => Value::String(text.to_owned()),
    }
}

#[cfg(test)]
mod tests;

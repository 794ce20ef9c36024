//! The reference reading of a YAML configuration: the one that decides whether a file is YAML
//! at all, and what it means.
//!
//! The whole text goes through a YAML 1.2 parser (`saphyr-parser`), event by event, into a JSON
//! value by the core schema, with the limits that keep a hostile file from costing more than its
//! size: at most [`MAX_DEPTH`] levels of nesting, aliases standing for at most [`ALIAS_BUDGET`]
//! nodes in all (a "billion laughs" file is refused after a few thousand events, wherever it is),
//! no alias to the node it is in, and only characters YAML allows. Every refusal names its line
//! and column. The walk keeps its own stack, so no input can exhaust the program's.
//!
//! What it refuses besides what the parser refuses: a key given twice in one mapping, a key
//! that is a collection, more than one document, and tags other than the core schema's (a
//! configuration is data; a tag such as `!foo` means nothing to Kratos).
//!
//! The lossless editor that writes the file must read the same value
//! ([`KratosFile::parse`](super::KratosFile) holds the two together), and the fast readers
//! ([`yaml_read`](super::yaml_read)) take only text where they give the same value.

use std::collections::HashMap;
use std::fmt;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span, Tag};
use serde_json::{Map, Number, Value};

use super::yaml_scalar::{Scalar, core_float, core_int, resolve};

/// How deep collections may nest: as deep as `serde_json` reads JSON (127 levels), so that
/// whatever this reads can be written and read back as JSON, and a hook entry's text can
/// always be decoded. Kratos configurations nest about ten levels.
pub(super) const MAX_DEPTH: usize = 127;

/// How many nodes the aliases of one file may stand for, in all. Configurations use anchors for
/// a few small blocks (a shared hook `config`, merged defaults), a few hundred nodes at most;
/// a hundred thousand nodes is a few megabytes of values, read in milliseconds. A file whose
/// aliases stand for more (nested aliases double or tenfold at each level) is refused as soon
/// as its aliases pass the budget, before anything is built from them.
pub(super) const ALIAS_BUDGET: usize = 100_000;

/// Why a text is not a YAML configuration, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Problem {
    /// 1-based.
    line: usize,
    /// 1-based, in characters.
    column: usize,
    what: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "at line {}, column {}: {}",
            self.line, self.column, self.what
        )
    }
}

impl Problem {
    fn at(span: Span, what: impl Into<String>) -> Self {
        Problem {
            line: span.start.line(),
            column: span.start.col() + 1,
            what: what.into(),
        }
    }

    fn scan(error: &ScanError) -> Self {
        let what = match error.info() {
            // The parser's own bound on nesting, met before this reader's when it looks ahead.
            "recursion limit exceeded" => format!(
                "collections nest too deep here (recursion limit exceeded); a configuration may \
                 nest at most {MAX_DEPTH} levels"
            ),
            info => info.to_owned(),
        };
        Problem {
            line: error.marker().line(),
            column: error.marker().col() + 1,
            what,
        }
    }
}

/// The configuration `text` holds (`null` when it holds no document), or why it is not one.
pub(super) fn read(text: &str) -> Result<Value, Problem> {
    printable(text)?;
    tabs(text)?;
    let mut reader = Reader {
        text,
        parser: Parser::new_from_str(text),
        anchors: HashMap::new(),
        aliased: 0,
        cursor: (0, 0),
    };
    let Event::StreamStart = reader.next()?.0 else {
        return Err(Problem::at(
            Span::default(),
            "the YAML stream does not start",
        ));
    };
    let value = match reader.next()? {
        (Event::StreamEnd, _) => return Ok(Value::Null),
        (Event::DocumentStart(_), _) => reader.document()?,
        (_, span) => return Err(Problem::at(span, "expected a YAML document")),
    };
    match reader.next()? {
        (Event::DocumentEnd, _) => {}
        (_, span) => return Err(Problem::at(span, "expected the end of the document")),
    }
    match reader.next()? {
        (Event::StreamEnd, _) => Ok(value),
        (_, span) => Err(Problem::at(
            span,
            "a second YAML document starts here; a configuration is one document",
        )),
    }
}

/// Whether YAML allows the character `c` in a stream (`c-printable`): not the control
/// characters other than tab, line feed and carriage return, not DEL, not the C1 controls but
/// NEL, and not the non-characters U+FFFE and U+FFFF (surrogates cannot be in a Rust string).
/// The one rule for every reader of a configuration: the fast reader gives up on any character
/// this refuses ([`yaml_block`](super::yaml_block)), so that the refusal is the reference's.
pub(super) fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{a0}'..='\u{d7ff}'
        | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

/// The first character YAML does not allow in a stream ([`allowed`]).
fn printable(text: &str) -> Result<(), Problem> {
    let bad = if text.is_ascii() {
        text.bytes()
            .position(|b| !allowed(char::from(b)))
            .map(|at| (at, char::from(text.as_bytes()[at])))
    } else {
        text.char_indices().find(|&(_, c)| !allowed(c))
    };
    let Some((at, c)) = bad else {
        return Ok(());
    };
    let (line, column) = place(text, at);
    Err(Problem {
        line,
        column,
        what: format!(
            "the character U+{:04X} is not allowed in YAML (control characters other than tab \
             and line breaks are not): write it as an escape in a double-quoted string",
            u32::from(c)
        ),
    })
}

/// Where the quoted scalar that opens at `start` of `chars` closes: the next `'` that is not
/// doubled, or the next `"` that no backslash escapes.
fn closing_quote(chars: &[char], start: usize, style: ScalarStyle) -> Option<usize> {
    let mut at = start + 1;
    while let Some(&c) = chars.get(at) {
        match (style, c) {
            (ScalarStyle::SingleQuoted, '\'') if chars.get(at + 1) == Some(&'\'') => at += 1,
            (ScalarStyle::SingleQuoted, '\'') | (ScalarStyle::DoubleQuoted, '"') => {
                return Some(at);
            }
            (ScalarStyle::DoubleQuoted, '\\') => at += 1,
            _ => {}
        }
        at += 1;
    }
    None
}

/// The line and column (1-based, in characters) of the byte offset `at` of `text`.
fn place(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    (line, column)
}

/// The first tab outside a quoted scalar, a block scalar, a comment or a flow collection, where
/// the text has one: YAML readers of the libyaml family (Kratos's `yaml.v3`, ruamel.yaml) refuse
/// a tab that indents a line or stands between tokens in block context ("found character that
/// cannot start any token"), where the parser here takes some (`\t:`, `\ta: 1`, `-\tx`). Plain
/// scalars are not spared (`a: x\ty`: ruamel.yaml refuses the tab, and a tab there is not worth a
/// second opinion). The places are the parser's own spans, up to the first event it refuses
/// (which [`read`] reports, if no tab before it does).
fn tabs(text: &str) -> Result<(), Problem> {
    if !text.contains('\t') {
        return Ok(());
    }
    // The character ranges (start inclusive, end exclusive) where a tab may stand.
    let mut spared: Vec<(usize, usize)> = Vec::new();
    // Those of plain scalars, where no tab may stand.
    let mut plain: Vec<(usize, usize)> = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut flow: Option<(usize, usize)> = None;
    let mut read_to = chars.len();
    let opens_flow = |start: usize| matches!(chars.get(start), Some('[' | '{'));
    for event in Parser::new_from_str(text) {
        let (event, span) = match event {
            Ok(event) => event,
            Err(error) => {
                read_to = error.marker().index();
                break;
            }
        };
        let start = span.start.index();
        match event {
            // A quoted scalar ends at its closing quote (the parser's span may run over what
            // follows it); a block scalar's span is its content. A plain scalar takes no tab,
            // in flow collections neither (`{e\te}`: ruamel.yaml ends the scalar at the tab).
            Event::Scalar(_, ScalarStyle::Plain, ..) => plain.push((start, span.end.index())),
            Event::Scalar(
                _,
                style @ (ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted),
                ..,
            ) => {
                spared.push((
                    start,
                    closing_quote(&chars, start, style).map_or(start, |at| at + 1),
                ));
            }
            Event::Scalar(..) => spared.push((start, span.end.index())),
            Event::SequenceStart(..) | Event::MappingStart(..) if opens_flow(start) => {
                flow = Some(match flow {
                    Some((from, depth)) => (from, depth + 1),
                    None => (start, 1),
                });
            }
            // A flow collection's end is its bracket (the parser's span runs over the blanks
            // after it); a block collection's end is empty.
            Event::SequenceEnd | Event::MappingEnd
                if matches!(chars.get(start), Some(']' | '}')) =>
            {
                if let Some((from, depth)) = flow {
                    flow = if depth == 1 {
                        spared.push((from, start + 1));
                        None
                    } else {
                        Some((from, depth - 1))
                    };
                }
            }
            _ => {}
        }
    }
    if let Some((from, _)) = flow {
        spared.push((from, chars.len()));
    }
    // Walked in order: `covered` is the furthest end of the ranges that start at or before the
    // character, which is inside one of them when it is before that end.
    spared.sort_unstable();
    plain.sort_unstable();
    let mut ranges = spared.iter().peekable();
    let mut covered = 0;
    let mut plain_ranges = plain.iter().peekable();
    let mut in_plain_to = 0;
    // A comment starts at a `#` at the start of a line or after a blank, outside a scalar.
    let mut comment = false;
    let mut offset = 0;
    for (at, &c) in chars.iter().enumerate().take(read_to.saturating_add(1)) {
        while let Some(&&(from, to)) = ranges.peek() {
            if from > at {
                break;
            }
            covered = covered.max(to);
            ranges.next();
        }
        while let Some(&&(from, to)) = plain_ranges.peek() {
            if from > at {
                break;
            }
            in_plain_to = in_plain_to.max(to);
            plain_ranges.next();
        }
        let in_spared = |at: usize| at < covered && at >= in_plain_to;
        match c {
            '\n' => comment = false,
            '#' if !comment
                && (at == 0 || matches!(chars[at - 1], ' ' | '\t' | '\n' | '\r'))
                && !in_spared(at) =>
            {
                comment = true;
            }
            '\t' if !comment && !in_spared(at) => {
                let (line, column) = place(text, offset);
                return Err(Problem {
                    line,
                    column,
                    what: "a tab here, outside a quoted string, a block scalar (`|`, `>`), a \
                           comment or a flow collection (`[…]`, `{…}`): YAML readers (Kratos's \
                           among them) refuse tabs that indent a line or separate tokens; use \
                           spaces"
                        .into(),
                });
            }
            _ => {}
        }
        offset += c.len_utf8();
    }
    Ok(())
}

struct Reader<'a> {
    text: &'a str,
    parser: Parser<'a, saphyr_parser::StrInput<'a>>,
    /// The value and node count of each anchor, by the parser's id; `None` while its node is
    /// still open.
    anchors: HashMap<usize, Option<(Value, usize)>>,
    /// How many nodes aliases have stood for so far.
    aliased: usize,
    /// A place in `text` as (characters, bytes) before it, which only moves forward as events
    /// come, so that finding the byte offset of a key costs the text between keys, not the
    /// whole text before each one.
    cursor: (usize, usize),
}

/// A collection being read.
enum Open {
    Sequence {
        items: Vec<Value>,
        anchor: usize,
        nodes: usize,
    },
    Mapping {
        map: Map<String, Value>,
        /// The key read, whose value comes next.
        key: Option<Key>,
        /// What merge keys bring in, in order (earlier ones win).
        merged: Vec<Map<String, Value>>,
        anchor: usize,
        nodes: usize,
    },
}

/// A mapping key.
enum Key {
    Named(String),
    /// A merge key (`<<`), where it is.
    Merge(Span),
}

impl Open {
    fn awaits_key(&self) -> bool {
        matches!(self, Open::Mapping { key: None, .. })
    }
}

impl<'a> Reader<'a> {
    /// A key over more than one line must be explicit (`? key`): YAML 1.2 keeps an implicit
    /// key to one line, and ruamel.yaml and yaml.v3 refuse a longer one; the parser here takes
    /// one in a flow mapping (`{a\n b: c}`).
    fn one_line(&mut self, span: Span) -> Result<(), Problem> {
        if span.start.line() == span.end.line() {
            return Ok(());
        }
        let before = &self.text[..self.byte_offset(span.start.index())];
        if before
            .trim_end_matches([' ', '\t', '\n', '\r'])
            .ends_with('?')
        {
            return Ok(());
        }
        Err(Problem::at(
            span,
            "this key runs over more than one line; a key that is not explicit (`? key`) must \
             be on one line",
        ))
    }

    /// The byte offset of the character at `index` (the parser's places count characters).
    fn byte_offset(&mut self, index: usize) -> usize {
        if index < self.cursor.0 {
            self.cursor = (0, 0);
        }
        let (mut chars, mut bytes) = self.cursor;
        for c in self.text[bytes..].chars() {
            if chars == index {
                break;
            }
            chars += 1;
            bytes += c.len_utf8();
        }
        self.cursor = (chars, bytes);
        bytes
    }

    fn next(&mut self) -> Result<(Event<'a>, Span), Problem> {
        match self.parser.next_event() {
            Some(Ok(event)) => Ok(event),
            Some(Err(error)) => Err(Problem::scan(&error)),
            None => Err(Problem::at(Span::default(), "the YAML stream ends early")),
        }
    }

    /// The node of one document, read without recursion.
    fn document(&mut self) -> Result<Value, Problem> {
        let mut open: Vec<Open> = Vec::new();
        loop {
            let (event, span) = self.next()?;
            // A node that is complete, with its node count.
            let (value, nodes) = match event {
                Event::Scalar(text, style, anchor, tag) => {
                    if open.last().is_some_and(Open::awaits_key) {
                        self.one_line(span)?;
                        let merge = style == ScalarStyle::Plain && tag.is_none() && text == "<<";
                        let key = key_text(&text, style, tag.as_deref(), span)?;
                        if anchor > 0 {
                            self.anchors
                                .insert(anchor, Some((Value::String(key.clone()), 1)));
                        }
                        let key = if merge {
                            Key::Merge(span)
                        } else {
                            Key::Named(key)
                        };
                        self.key(&mut open, key, span)?;
                        continue;
                    }
                    let value = scalar(&text, style, tag.as_deref(), span)?;
                    if anchor > 0 {
                        self.anchors.insert(anchor, Some((value.clone(), 1)));
                    }
                    (value, 1)
                }
                Event::SequenceStart(anchor, tag) => {
                    self.open(&mut open, true, anchor, tag.as_deref(), span)?;
                    continue;
                }
                Event::MappingStart(anchor, tag) => {
                    self.open(&mut open, false, anchor, tag.as_deref(), span)?;
                    continue;
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    let (value, anchor, nodes) = match open.pop() {
                        Some(Open::Sequence {
                            items,
                            anchor,
                            nodes,
                        }) => (Value::Array(items), anchor, nodes),
                        Some(Open::Mapping {
                            mut map,
                            merged,
                            anchor,
                            nodes,
                            ..
                        }) => {
                            for other in merged {
                                for (key, value) in other {
                                    map.entry(key).or_insert(value);
                                }
                            }
                            (Value::Object(map), anchor, nodes)
                        }
                        None => {
                            return Err(Problem::at(span, "a collection ends that never began"));
                        }
                    };
                    if anchor > 0 {
                        self.anchors.insert(anchor, Some((value.clone(), nodes)));
                    }
                    (value, nodes)
                }
                Event::Alias(id) => {
                    let (value, nodes) = match self.anchors.get(&id) {
                        Some(Some((value, nodes))) => (value, *nodes),
                        Some(None) => {
                            return Err(Problem::at(
                                span,
                                "this alias refers to a node it is inside of (a cycle); an \
                                 alias may only repeat a node that is complete",
                            ));
                        }
                        None => return Err(Problem::at(span, "this alias names no anchor")),
                    };
                    self.aliased = self.aliased.saturating_add(nodes);
                    if self.aliased > ALIAS_BUDGET {
                        return Err(Problem::at(
                            span,
                            format!(
                                "the aliases up to here stand for more than {ALIAS_BUDGET} \
                                 nodes in all (an alias bomb?); a configuration's aliases may \
                                 repeat at most {ALIAS_BUDGET} nodes"
                            ),
                        ));
                    }
                    if open.last().is_some_and(Open::awaits_key) {
                        let key = match value {
                            Value::String(key) => key.clone(),
                            Value::Array(_) | Value::Object(_) => {
                                return Err(Problem::at(
                                    span,
                                    "a mapping key here is a collection; keys must be strings",
                                ));
                            }
                            scalar => scalar.to_string(),
                        };
                        self.key(&mut open, Key::Named(key), span)?;
                        continue;
                    }
                    (value.clone(), nodes)
                }
                _ => return Err(Problem::at(span, "unexpected YAML event")),
            };
            match open.last_mut() {
                None => return Ok(value),
                Some(Open::Sequence {
                    items, nodes: n, ..
                }) => {
                    items.push(value);
                    *n = n.saturating_add(nodes);
                }
                Some(Open::Mapping {
                    map,
                    key,
                    merged,
                    nodes: n,
                    ..
                }) => {
                    *n = n.saturating_add(nodes);
                    match key.take() {
                        Some(Key::Named(key)) => {
                            map.insert(key, value);
                        }
                        Some(Key::Merge(at)) => merge(merged, value, at)?,
                        None => return Err(Problem::at(span, "a value without a key")),
                    }
                }
            }
        }
    }

    /// A sequence or a mapping starts.
    fn open(
        &mut self,
        open: &mut Vec<Open>,
        sequence: bool,
        anchor: usize,
        tag: Option<&Tag>,
        span: Span,
    ) -> Result<(), Problem> {
        if open.last().is_some_and(Open::awaits_key) {
            return Err(Problem::at(
                span,
                "a mapping key here is a collection; keys must be strings",
            ));
        }
        if open.len() >= MAX_DEPTH {
            return Err(Problem::at(
                span,
                format!(
                    "collections nest deeper than {MAX_DEPTH} levels here; a configuration may \
                     nest at most {MAX_DEPTH}"
                ),
            ));
        }
        collection_tag(tag, sequence, span)?;
        if anchor > 0 {
            self.anchors.insert(anchor, None);
        }
        open.push(if sequence {
            Open::Sequence {
                items: Vec::new(),
                anchor,
                nodes: 1,
            }
        } else {
            Open::Mapping {
                map: Map::new(),
                key: None,
                merged: Vec::new(),
                anchor,
                nodes: 1,
            }
        });
        Ok(())
    }

    /// The key of the mapping open last is `key`.
    fn key(&mut self, open: &mut [Open], key: Key, span: Span) -> Result<(), Problem> {
        let Some(Open::Mapping { map, key: slot, .. }) = open.last_mut() else {
            return Err(Problem::at(span, "a key outside a mapping"));
        };
        if let Key::Named(key) = &key
            && map.contains_key(key)
        {
            return Err(Problem::at(
                span,
                format!("the key `{key}` is given twice in this mapping; give each key once"),
            ));
        }
        *slot = Some(key);
        Ok(())
    }
}

/// A scalar mapping key as a JSON key: its text, but `null` for a plain key that is null
/// (empty or `~`), as YAML libraries write a null key in JSON. A key's tag may only be `!!str`.
fn key_text(
    text: &str,
    style: ScalarStyle,
    tag: Option<&Tag>,
    span: Span,
) -> Result<String, Problem> {
    match tag {
        None => Ok(match resolve(text, style) {
            Scalar::Null => "null".to_owned(),
            _ => text.to_owned(),
        }),
        Some(tag) if core_suffix(tag) == Some("str") => Ok(text.to_owned()),
        Some(tag) => Err(Problem::at(
            span,
            format!("the tag `{tag}` is not one a key can have; a key may be tagged only `!!str`"),
        )),
    }
}

/// What a merge key (`<<`) brings: a mapping, or a list of mappings.
fn merge(merged: &mut Vec<Map<String, Value>>, value: Value, span: Span) -> Result<(), Problem> {
    let refused = || {
        Problem::at(
            span,
            "a merge key (`<<`) takes a mapping or a list of mappings",
        )
    };
    match value {
        Value::Object(map) => merged.push(map),
        Value::Array(items) => {
            for item in items {
                match item {
                    Value::Object(map) => merged.push(map),
                    _ => return Err(refused()),
                }
            }
        }
        _ => return Err(refused()),
    }
    Ok(())
}

/// The tags a value may have: only the core schema's.
const CORE_TAGS: &str = "`!!str`, `!!int`, `!!float`, `!!bool`, `!!null`, `!!seq` and `!!map`";

fn core_suffix(tag: &Tag) -> Option<&str> {
    tag.is_yaml_core_schema().then_some(tag.suffix.as_str())
}

fn collection_tag(tag: Option<&Tag>, sequence: bool, span: Span) -> Result<(), Problem> {
    let Some(tag) = tag else {
        return Ok(());
    };
    match core_suffix(tag) {
        Some("seq") if sequence => Ok(()),
        Some("map") if !sequence => Ok(()),
        _ => Err(Problem::at(
            span,
            format!(
                "the tag `{tag}` is not one this {} can have; a configuration may use only {CORE_TAGS}",
                if sequence { "sequence" } else { "mapping" }
            ),
        )),
    }
}

/// A scalar as JSON, by its tag or, untagged, by the core schema ([`resolve`]).
fn scalar(text: &str, style: ScalarStyle, tag: Option<&Tag>, span: Span) -> Result<Value, Problem> {
    let untagged = |text: &str, style| match resolve(text, style) {
        Scalar::Null => Value::Null,
        Scalar::Bool(b) => Value::Bool(b),
        Scalar::Int(n) => Value::from(n),
        Scalar::Float(n) => Value::Number(n),
        Scalar::Str(text) => Value::String(text.to_owned()),
    };
    let Some(tag) = tag else {
        return Ok(untagged(text, style));
    };
    let not = |what: &str| {
        Problem::at(
            span,
            format!("`{text}` is tagged `{tag}` but is not {what}"),
        )
    };
    match core_suffix(tag) {
        Some("str") => Ok(Value::String(text.to_owned())),
        Some("null") => match untagged(text, ScalarStyle::Plain) {
            Value::Null => Ok(Value::Null),
            _ => Err(not("null")),
        },
        Some("bool") => match untagged(text, ScalarStyle::Plain) {
            Value::Bool(b) => Ok(Value::Bool(b)),
            _ => Err(not("a boolean")),
        },
        Some("int") => match core_int(text) {
            Some(_) => Ok(untagged(text, ScalarStyle::Plain)),
            None => Err(not("an integer")),
        },
        Some("float") => {
            if core_float(text) || core_int(text).is_some_and(|(radix, _, _)| radix == 10) {
                Ok(text
                    .parse::<f64>()
                    .ok()
                    .and_then(Number::from_f64)
                    .map_or_else(|| Value::String(text.to_owned()), Value::Number))
            } else if matches!(
                text.trim_start_matches(['+', '-']),
                ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN"
            ) {
                Ok(Value::String(text.to_owned()))
            } else {
                Err(not("a number"))
            }
        }
        _ => Err(Problem::at(
            span,
            format!(
                "the tag `{tag}` is not one a configuration can use; it may use only {CORE_TAGS}"
            ),
        )),
    }
}

#[cfg(test)]
mod tests;

//! The events of the simplest YAML, read line by line at the speed of a byte scan: block
//! mappings and sequences of single-line plain, single-quoted and double-quoted (without
//! escapes) scalars, with comments, which is how a person writes a Kratos configuration and how
//! the lossless editor writes hook lists. A configuration of ten thousand hooks is 3 MB of it,
//! which a general YAML parser reads ten times slower.
//!
//! Anything else gives `None`, and the general parser reads the text: flow collections, block
//! scalars, double-quoted scalars with escapes, scalars over several lines, anchors, aliases,
//! tags, explicit keys, document markers and directives, tabs, and any character YAML does not
//! allow (the reference's rule, `yaml_reference::allowed`). What this reader does take, it reads
//! as that parser does (`yaml_read`'s tests hold the two together).

use std::borrow::Cow;

use saphyr_parser::{Event, ScalarStyle};

// Deeper collections are left to the reference, which refuses them.
use super::yaml_reference::{MAX_DEPTH, allowed};

/// One line with content: its indentation, and the content after it.
#[derive(Clone, Copy)]
struct Line<'a> {
    indent: usize,
    text: &'a str,
}

/// The events of `text` (a stream of one document whose top is a block mapping), or `None`
/// when it is not YAML this reader takes. [`stream`] gives them one at a time.
#[cfg(test)]
pub(super) fn events(text: &str) -> Option<Vec<Event<'_>>> {
    let mut stream = stream(text)?;
    let events: Vec<Event<'_>> = stream.by_ref().collect();
    (!stream.failed).then_some(events)
}

/// The events of `text` one at a time, read as the reader asks for them (a list of ten
/// thousand hooks is two hundred thousand events, which are never all held); `None` when the
/// text is not YAML this reader takes at a glance. The stream ends early (and
/// [`Events::failed`] says so) where the text turns out not to be.
pub(super) fn stream(text: &str) -> Option<Events<'_>> {
    // What YAML refuses ([`allowed`], the reference's own rule, so that its refusal is the
    // one given), and what this reader leaves to the general parser: tabs (which YAML readers
    // refuse in most places this reader would meet them), NEL and the Unicode line and
    // paragraph separators (line breaks to YAML 1.1 readers), and byte order marks.
    let unusual = |c: char| {
        !allowed(c) || matches!(c, '\t' | '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}')
    };
    let gives_up = if text.is_ascii() {
        // The ASCII characters `unusual` takes: the controls but line feed and carriage
        // return, tab included, and DEL. Byte by byte, in a loop the compiler widens.
        debug_assert!((0..=0x7f_u8).all(|b| unusual(char::from(b)) == ascii_unusual(b)));
        text.bytes().fold(false, |seen, b| seen | ascii_unusual(b))
    } else {
        text.chars().any(unusual)
    };
    if gives_up {
        return None;
    }
    let mut lines = Vec::new();
    // Carriage returns are rare: the lines are searched for one only when the text has one.
    let bytes = text.as_bytes();
    let has_cr = memchr::memchr(b'\r', bytes).is_some();
    let mut start = 0;
    while start <= bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |at| start + at);
        let line = &text[start..end];
        start = end + 1;
        let line = if has_cr {
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.contains('\r') {
                return None;
            }
            line
        } else {
            line
        };
        let content = line.trim_start_matches(' ');
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        if content.starts_with("---") || content.starts_with("...") || content.starts_with('%') {
            return None;
        }
        lines.push(Line {
            indent: line.len() - content.len(),
            text: content,
        });
    }
    // The top must be a mapping at the first column: the stream gives up on anything else.
    lines.first()?;
    Some(Events {
        lines,
        at: 0,
        frames: Vec::new(),
        next: Next::StreamStart,
        pending: None,
        failed: false,
    })
}

/// `unusual` of an ASCII character (see [`stream`]).
fn ascii_unusual(b: u8) -> bool {
    (b < 0x20 && b != b'\n' && b != b'\r') || b == 0x7f
}

/// The events of a text, made as they are asked for: the block mappings and sequences open
/// are a stack of frames, where a recursive reader would have its calls.
pub(super) struct Events<'a> {
    lines: Vec<Line<'a>>,
    /// The next line to read.
    at: usize,
    /// The collections open, innermost last.
    frames: Vec<Frame>,
    next: Next,
    /// An event made with the one given last, to give next.
    pending: Option<Event<'a>>,
    /// Whether the text turned out not to be YAML this reader takes; the stream has ended.
    pub(super) failed: bool,
}

/// A collection open, with the indentation of its keys or of its `-`.
#[derive(Clone, Copy)]
enum Frame {
    Mapping(usize),
    Sequence(usize),
}

/// Where the stream is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Next {
    StreamStart,
    DocumentStart,
    /// The top mapping opens.
    Top,
    /// Inside the collections.
    Body,
    StreamEnd,
    Done,
}

impl<'a> Iterator for Events<'a> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        if let Some(event) = self.pending.take() {
            return Some(event);
        }
        let event = match self.next {
            Next::StreamStart => {
                self.next = Next::DocumentStart;
                Some(Event::StreamStart)
            }
            Next::DocumentStart => {
                self.next = Next::Top;
                Some(Event::DocumentStart(false))
            }
            Next::Top => {
                self.next = Next::Body;
                self.open(Frame::Mapping(0))
            }
            Next::Body => self.body(),
            Next::StreamEnd => {
                self.next = Next::Done;
                Some(Event::StreamEnd)
            }
            Next::Done => None,
        };
        if event.is_none() && self.next != Next::Done {
            self.failed = true;
            self.next = Next::Done;
        }
        event
    }
}

impl<'a> Events<'a> {
    fn line(&self) -> Option<Line<'a>> {
        self.lines.get(self.at).copied()
    }

    /// A collection opens: `None` when that is too deep.
    fn open(&mut self, frame: Frame) -> Option<Event<'a>> {
        self.frames.push(frame);
        if self.frames.len() > MAX_DEPTH {
            return None;
        }
        Some(match frame {
            Frame::Mapping(_) => Event::MappingStart(0, None),
            Frame::Sequence(_) => Event::SequenceStart(0, None),
        })
    }

    /// The next event inside the collections open.
    fn body(&mut self) -> Option<Event<'a>> {
        let Some(&frame) = self.frames.last() else {
            // The top mapping has closed: every line must have been read.
            if self.at != self.lines.len() {
                return None;
            }
            self.next = Next::StreamEnd;
            return Some(Event::DocumentEnd);
        };
        let line = self.line();
        match frame {
            // A block mapping whose keys are at `indent`.
            Frame::Mapping(indent) => {
                let Some(line) = line.filter(|line| line.indent >= indent) else {
                    self.frames.pop();
                    return Some(Event::MappingEnd);
                };
                if line.indent > indent {
                    return None;
                }
                let (key, value) = key_value(line.text)?;
                self.at += 1;
                self.pending = Some(match value {
                    Some(value) => scalar(value)?,
                    None => self.value_below(indent)?,
                });
                Some(key)
            }
            // A block sequence whose `-` are at `indent`.
            Frame::Sequence(indent) => {
                let Some(line) = line.filter(|line| {
                    line.indent > indent || (line.indent == indent && is_entry(line.text))
                }) else {
                    self.frames.pop();
                    return Some(Event::SequenceEnd);
                };
                if line.indent > indent {
                    return None;
                }
                let rest = line.text[1..].trim_start_matches(' ');
                if rest.is_empty() || rest.starts_with('#') {
                    return None;
                }
                let column = indent + (line.text.len() - rest.len());
                if is_entry(rest) {
                    return None;
                }
                if key_value(rest).is_some() {
                    // `- key: value`: a mapping whose keys are at the column of `key`.
                    self.lines[self.at] = Line {
                        indent: column,
                        text: rest,
                    };
                    self.open(Frame::Mapping(column))
                } else {
                    let event = scalar(rest)?;
                    self.at += 1;
                    Some(event)
                }
            }
        }
    }

    /// The first event of the value of a key at `indent` that has nothing after its `:`: a
    /// block node on the lines below (a sequence may sit at the key's own indentation), or
    /// null.
    fn value_below(&mut self, indent: usize) -> Option<Event<'a>> {
        match self.line() {
            Some(next) if next.indent > indent => {
                if is_entry(next.text) {
                    self.open(Frame::Sequence(next.indent))
                } else if key_value(next.text).is_some() {
                    self.open(Frame::Mapping(next.indent))
                } else {
                    None
                }
            }
            Some(next) if next.indent == indent && is_entry(next.text) => {
                self.open(Frame::Sequence(indent))
            }
            _ => Some(plain("")),
        }
    }
}

/// Whether `text` is an entry of a block sequence (`- …` or a lone `-`).
fn is_entry(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

/// `key: value` or `key:`: the key's event and the value's text, if any.
fn key_value(text: &str) -> Option<(Event<'_>, Option<&str>)> {
    let (key, rest) = if text.starts_with('\'') {
        let (key, rest) = single_quoted(text)?;
        (Event::Scalar(key, ScalarStyle::SingleQuoted, 0, None), rest)
    } else if text.starts_with('"') {
        let (key, rest) = double_quoted(text)?;
        (Event::Scalar(key, ScalarStyle::DoubleQuoted, 0, None), rest)
    } else {
        let end = pair(text, b':', b' ').or_else(|| text.ends_with(':').then(|| text.len() - 1))?;
        let key = &text[..end];
        if key.is_empty()
            || key.ends_with(' ')
            || !plain_start(key)
            || pair(key, b' ', b'#').is_some()
        {
            return None;
        }
        (plain(key), &text[end..])
    };
    let rest = rest.strip_prefix(':')?;
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    let value = rest.trim_start_matches(' ');
    if value.is_empty() {
        return Some((key, None));
    }
    if value.starts_with('#') {
        // `key: # comment` is an empty value; rare enough to leave to the general parser.
        return None;
    }
    Some((key, Some(value)))
}

/// A scalar value written after `key: ` or `- `, comments and trailing spaces cut.
fn scalar(text: &str) -> Option<Event<'_>> {
    if text.starts_with(['\'', '"']) {
        let (value, rest, style) = if text.starts_with('"') {
            let (value, rest) = double_quoted(text)?;
            (value, rest, ScalarStyle::DoubleQuoted)
        } else {
            let (value, rest) = single_quoted(text)?;
            (value, rest, ScalarStyle::SingleQuoted)
        };
        let rest = rest.trim_start_matches(' ');
        return (rest.is_empty() || rest.starts_with('#'))
            .then_some(Event::Scalar(value, style, 0, None));
    }
    let value = match pair(text, b' ', b'#') {
        Some(comment) => &text[..comment],
        None => text,
    }
    .trim_end_matches(' ');
    if !plain_start(value) || pair(value, b':', b' ').is_some() || value.ends_with(':') {
        return None;
    }
    Some(plain(value))
}

/// Where `first` followed by `second` first stands in `text` (both ASCII).
fn pair(text: &str, first: u8, second: u8) -> Option<usize> {
    let bytes = text.as_bytes();
    memchr::memchr_iter(first, bytes).find(|&at| bytes.get(at + 1) == Some(&second))
}

fn plain(text: &str) -> Event<'_> {
    Event::Scalar(Cow::Borrowed(text), ScalarStyle::Plain, 0, None)
}

/// Whether a plain scalar may start as `text` does in block context: not with an indicator
/// (`-`, `?` and `:` only when a space or the end follows them).
fn plain_start(text: &str) -> bool {
    let mut chars = text.chars();
    match chars.next() {
        None => false,
        Some('-' | '?' | ':') => chars.next().is_some_and(|c| c != ' '),
        Some(
            '[' | ']' | '{' | '}' | ',' | '#' | '&' | '*' | '!' | '|' | '>' | '\'' | '"' | '%'
            | '@' | '`',
        ) => false,
        Some(_) => true,
    }
}

/// A double-quoted scalar without escapes at the start of `text` (`"https://a.example/"`, as
/// people quote URLs): its value and the text after it. One with a backslash is left to the
/// general parser, which knows YAML's escapes.
fn double_quoted(text: &str) -> Option<(Cow<'_, str>, &str)> {
    let body = text.strip_prefix('"')?;
    let end = body.find(['"', '\\'])?;
    (body.as_bytes()[end] == b'"').then(|| (Cow::Borrowed(&body[..end]), &body[end + 1..]))
}

/// A single-quoted scalar at the start of `text` (`''` is a quote): its value and the text
/// after it.
fn single_quoted(text: &str) -> Option<(Cow<'_, str>, &str)> {
    let body = text.strip_prefix('\'')?;
    let mut value: Option<String> = None;
    let mut start = 0;
    let mut from = 0;
    loop {
        let quote = from + body[from..].find('\'')?;
        if body[quote + 1..].starts_with('\'') {
            value
                .get_or_insert_with(String::new)
                .push_str(&body[start..=quote]);
            start = quote + 2;
            from = quote + 2;
            continue;
        }
        let rest = &body[quote + 1..];
        let value = match value {
            None => Cow::Borrowed(&body[..quote]),
            Some(mut value) => {
                value.push_str(&body[start..quote]);
                Cow::Owned(value)
            }
        };
        return Some((value, rest));
    }
}

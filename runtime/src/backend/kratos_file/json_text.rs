//! Editing the text of a JSON configuration in its own style. A hook list that is there is
//! replaced where it stands; a list that is not is added, with the objects above it that are
//! missing, at the end of the deepest object of its path that is there. What is written follows
//! the file: its indentation unit (spaces or a tab), one line or many, its line breaks and the
//! spacing after `:` and `,`; keys of entries come in the order a person writes them. Every other
//! byte of the text stays as it was.

use std::ops::Range;

use serde_json::Value;

use super::key_order::{EntryPath, child_path, in_written_order};

/// How a JSON text is laid out, as far as new text has to match it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Style {
    /// Pretty-printed over many lines (else all on one line).
    multi_line: bool,
    /// One level of indentation: spaces or a tab.
    unit: String,
    /// `\n` or `\r\n`.
    newline: &'static str,
    /// `: ` or `:`.
    colon: &'static str,
    /// `, ` or `,` between items on one line.
    comma: &'static str,
}

impl Style {
    /// The style of `text`. Where the text does not show a choice (one level of indentation,
    /// say), two spaces and a space after `:` and `,`.
    pub(super) fn of(text: &str) -> Style {
        let colon = match bytes_after(text, b':').first() {
            Some(b' ') | None => ": ",
            Some(_) => ":",
        };
        // Commas at the ends of lines say nothing about commas within one.
        let comma = match bytes_after(text, b',')
            .into_iter()
            .find(|b| !matches!(b, b'\n' | b'\r'))
        {
            Some(b' ') => ", ",
            Some(_) => ",",
            None if colon == ":" => ",",
            None => ", ",
        };
        Style {
            multi_line: text.trim_end().contains('\n'),
            unit: indentation_unit(text).unwrap_or_else(|| "  ".into()),
            newline: if text.contains("\r\n") { "\r\n" } else { "\n" },
            colon,
            comma,
        }
    }

    /// `value` as JSON text, its first line at the end of a line indented by `indent`.
    /// `path` places objects inside a hook entry, for the order of their keys.
    fn write(&self, out: &mut String, value: &Value, path: EntryPath<'_>, indent: &str) {
        match value {
            Value::Array(items) => self.write_array(out, items, None, indent),
            Value::Object(object) => {
                let fields = in_written_order(object, path);
                self.write_collection(
                    out,
                    ('{', '}'),
                    &fields,
                    indent,
                    |out, (key, value), inner| {
                        out.push_str(&json_string(key));
                        out.push_str(self.colon);
                        self.write(out, value, child_path(path, key).as_deref(), inner);
                    },
                );
            }
            scalar => out.push_str(&scalar.to_string()),
        }
    }

    /// A hook list: an array of entries.
    fn list(&self, entries: &[Value], indent: &str) -> String {
        let mut out = String::new();
        self.write_array(&mut out, entries, Some(&[]), indent);
        out
    }

    /// `items`, objects among them at `item_path`.
    fn write_array(
        &self,
        out: &mut String,
        items: &[Value],
        item_path: EntryPath<'_>,
        indent: &str,
    ) {
        self.write_collection(out, ('[', ']'), items, indent, |out, item, inner| {
            self.write(out, item, item_path, inner);
        });
    }

    /// `[…]` or `{…}` around `items`, each written by `write` at the indentation of the items;
    /// `[]` or `{}` when there are none.
    fn write_collection<T>(
        &self,
        out: &mut String,
        (open, close): (char, char),
        items: &[T],
        indent: &str,
        write: impl Fn(&mut String, &T, &str),
    ) {
        out.push(open);
        let inner = format!("{indent}{}", self.unit);
        for (index, item) in items.iter().enumerate() {
            if index > 0 {
                out.push_str(if self.multi_line { "," } else { self.comma });
            }
            if self.multi_line {
                out.push_str(self.newline);
                out.push_str(&inner);
            }
            write(out, item, &inner);
        }
        if self.multi_line && !items.is_empty() {
            out.push_str(self.newline);
            out.push_str(indent);
        }
        out.push(close);
    }

    /// The value of a new member whose key is the first of `path`: the objects down the rest
    /// of `path`, then the list.
    fn nested(&self, path: &[&str], entries: &[Value], indent: &str) -> String {
        match path {
            [] => self.list(entries, indent),
            [key, rest @ ..] => {
                let mut out = String::new();
                let member = [*key];
                self.write_collection(&mut out, ('{', '}'), &member, indent, |out, key, inner| {
                    out.push_str(&json_string(key));
                    out.push_str(self.colon);
                    out.push_str(&self.nested(rest, entries, inner));
                });
                out
            }
        }
    }

    /// This style, for text written inside the object `object` of `text`: an object a
    /// multi-line file keeps on one line gets its new members on that line too.
    fn inside(&self, text: &str, object: &Object) -> Style {
        let one_line = !object.members.is_empty() && !text[object.span.clone()].contains('\n');
        Style {
            multi_line: self.multi_line && !one_line,
            ..self.clone()
        }
    }
}

/// `text` with the list at `path` (keys from the root object down) holding `entries`, written
/// in `style`; `None` when the text does not have objects all the way down to where the list
/// goes.
pub(super) fn set_list(
    text: &str,
    path: &[&str],
    entries: &[Value],
    style: &Style,
) -> Option<String> {
    let mut start = skip_space(text.as_bytes(), 0);
    for (depth, segment) in path.iter().enumerate() {
        let object = object_at(text, start)?;
        let Some(member) = object.members.iter().rev().find(|m| m.key == *segment) else {
            return Some(add_member(text, &object, &path[depth..], entries, style));
        };
        if depth + 1 == path.len() {
            let list = style.list(entries, line_indent(text, member.key_start));
            let mut edited = text.to_owned();
            edited.replace_range(member.value.clone(), &list);
            return Some(edited);
        }
        start = member.value.start;
    }
    None
}

/// `text` with a member `path[0]` added at the end of `object`, holding the objects down the
/// rest of `path` and the list.
fn add_member(
    text: &str,
    object: &Object,
    path: &[&str],
    entries: &[Value],
    style: &Style,
) -> String {
    let style = style.inside(text, object);
    let closing_indent = line_indent(text, object.span.start);
    let indent = match object.members.last() {
        Some(last) if style.multi_line => line_indent(text, last.key_start).to_owned(),
        _ => format!("{closing_indent}{}", style.unit),
    };
    let member = format!(
        "{}{}{}",
        json_string(path[0]),
        style.colon,
        style.nested(&path[1..], entries, &indent)
    );
    let mut edited = text.to_owned();
    match object.members.last() {
        Some(last) if style.multi_line => {
            let insertion = format!(",{}{indent}{member}", style.newline);
            edited.insert_str(last.value.end, &insertion);
        }
        Some(last) => edited.insert_str(last.value.end, &format!("{}{member}", style.comma)),
        None if style.multi_line => {
            let newline = style.newline;
            let object_text = format!("{{{newline}{indent}{member}{newline}{closing_indent}}}");
            edited.replace_range(object.span.clone(), &object_text);
        }
        None => edited.replace_range(object.span.clone(), &format!("{{{member}}}")),
    }
    edited
}

/// A JSON string literal.
fn json_string(text: &str) -> String {
    serde_json::to_string(text).expect("strings serialise")
}

/// An object of the text.
struct Object {
    /// From its `{` to just after its `}`.
    span: Range<usize>,
    members: Vec<Member>,
}

/// A member of an object.
struct Member {
    key: String,
    /// Where its key's opening quote is.
    key_start: usize,
    value: Range<usize>,
}

/// The object whose `{` is at `start`; `None` if there is none.
fn object_at(text: &str, start: usize) -> Option<Object> {
    let bytes = text.as_bytes();
    if bytes.get(start) != Some(&b'{') {
        return None;
    }
    let mut members = Vec::new();
    let mut at = skip_space(bytes, start + 1);
    if bytes.get(at) == Some(&b'}') {
        return Some(Object {
            span: start..at + 1,
            members,
        });
    }
    loop {
        let key_start = at;
        if bytes.get(key_start) != Some(&b'"') {
            return None;
        }
        let key_end = string_end(bytes, key_start)?;
        let key = serde_json::from_str(&text[key_start..key_end]).ok()?;
        at = skip_space(bytes, key_end);
        if bytes.get(at) != Some(&b':') {
            return None;
        }
        let value_start = skip_space(bytes, at + 1);
        let value_end = value_end(bytes, value_start)?;
        members.push(Member {
            key,
            key_start,
            value: value_start..value_end,
        });
        at = skip_space(bytes, value_end);
        match bytes.get(at)? {
            b',' => at = skip_space(bytes, at + 1),
            b'}' => {
                return Some(Object {
                    span: start..at + 1,
                    members,
                });
            }
            _ => return None,
        }
    }
}

/// Just after the value that starts at `start`.
fn value_end(bytes: &[u8], start: usize) -> Option<usize> {
    match bytes.get(start)? {
        b'"' => string_end(bytes, start),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut at = start;
            loop {
                match bytes.get(at)? {
                    b'"' => {
                        at = string_end(bytes, at)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(at + 1);
                        }
                    }
                    _ => {}
                }
                at += 1;
            }
        }
        _ => {
            let length = bytes[start..]
                .iter()
                .position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                .unwrap_or(bytes.len() - start);
            Some(start + length)
        }
    }
}

/// Just after the string whose opening quote is at `start`.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut at = start + 1;
    loop {
        match bytes.get(at)? {
            b'\\' => at += 2,
            b'"' => return Some(at + 1),
            _ => at += 1,
        }
    }
}

/// The first offset from `at` on that is not JSON white space.
fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while matches!(bytes.get(at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        at += 1;
    }
    at
}

/// The white space that starts the line `at` is on.
fn line_indent(text: &str, at: usize) -> &str {
    let start = text[..at].rfind('\n').map_or(0, |newline| newline + 1);
    let line = &text[start..];
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

/// The byte after each `punctuation` outside strings, in order.
fn bytes_after(text: &str, punctuation: u8) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut after = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'"' => match string_end(bytes, at) {
                Some(end) => at = end,
                None => break,
            },
            b if b == punctuation => {
                after.extend(bytes.get(at + 1));
                at += 1;
            }
            _ => at += 1,
        }
    }
    after
}

/// One level of indentation: a tab if lines are indented with tabs, else the smallest step by
/// which a line is indented more than the one before. `None` when no line is indented.
fn indentation_unit(text: &str) -> Option<String> {
    let mut previous = 0;
    let mut step: Option<usize> = None;
    for line in text.lines().filter(|line| !line.trim().is_empty()) {
        let indent = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
        if indent.starts_with('\t') {
            return Some("\t".into());
        }
        if indent.len() > previous {
            let increase = indent.len() - previous;
            step = Some(step.map_or(increase, |step| step.min(increase)));
        }
        previous = indent.len();
    }
    step.map(|spaces| " ".repeat(spaces))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_style_is_read_from_the_text() {
        let two = Style::of("{\n  \"a\": {\n    \"b\": [1, 2]\n  }\n}\n");
        assert_eq!((two.multi_line, two.unit.as_str()), (true, "  "));
        let four =
            Style::of("{\r\n    \"a\": 1,\r\n    \"b\": {\r\n        \"c\": 2\r\n    }\r\n}");
        assert_eq!(
            (four.unit.as_str(), four.newline, four.colon),
            ("    ", "\r\n", ": ")
        );
        let tabs = Style::of("{\n\t\"a\": {\n\t\t\"b\": 1\n\t}\n}\n");
        assert_eq!(tabs.unit, "\t");
        let minified = Style::of("{\"a\":{\"b\":1},\"c\":\"x, y: z\"}\n");
        assert_eq!(
            (minified.multi_line, minified.colon, minified.comma),
            (false, ":", ",")
        );
        let spaced = Style::of("{\"a\": \"x,y:z\", \"b\": 1}");
        assert_eq!((spaced.colon, spaced.comma), (": ", ", "));
    }

    #[test]
    fn a_list_goes_into_the_object_that_is_there() {
        let text = "{\n\t\"a\": {\n\t\t\"x\": 1\n\t},\n\t\"z\": {}\n}\n";
        let style = Style::of(text);
        let entries = [json!({"config": {"url": "u"}, "hook": "web_hook"})];
        let edited = set_list(text, &["a", "b", "hooks"], &entries, &style).unwrap();
        assert_eq!(
            edited,
            "{\n\t\"a\": {\n\t\t\"x\": 1,\n\t\t\"b\": {\n\t\t\t\"hooks\": [\n\t\t\t\t{\n\t\t\t\t\t\"hook\": \"web_hook\",\n\t\t\t\t\t\"config\": {\n\t\t\t\t\t\t\"url\": \"u\"\n\t\t\t\t\t}\n\t\t\t\t}\n\t\t\t]\n\t\t}\n\t},\n\t\"z\": {}\n}\n"
        );
        let edited = set_list(text, &["z", "hooks"], &[], &style).unwrap();
        assert_eq!(
            edited,
            "{\n\t\"a\": {\n\t\t\"x\": 1\n\t},\n\t\"z\": {\n\t\t\"hooks\": []\n\t}\n}\n"
        );
    }

    #[test]
    fn an_object_on_one_line_in_a_multi_line_file_stays_on_one_line() {
        let text = "{\n  \"a\": {\"x\": 1},\n  \"b\": 2\n}\n";
        let edited = set_list(
            text,
            &["a", "hooks"],
            &[json!({"hook": "session"})],
            &Style::of(text),
        );
        assert_eq!(
            edited.unwrap(),
            "{\n  \"a\": {\"x\": 1, \"hooks\": [{\"hook\": \"session\"}]},\n  \"b\": 2\n}\n"
        );
    }

    #[test]
    fn strings_and_odd_keys_are_skipped_not_misread() {
        let text = "{\"s\": \"} ] { [ \\\" ,\", \"n\": -1.5e3, \"t\": [true, null], \"a\\u0062\": {\"hooks\": []}}";
        let edited = set_list(text, &["ab", "hooks"], &[json!(1)], &Style::of(text)).unwrap();
        assert_eq!(
            edited,
            "{\"s\": \"} ] { [ \\\" ,\", \"n\": -1.5e3, \"t\": [true, null], \"a\\u0062\": {\"hooks\": [1]}}"
        );
        assert_eq!(set_list(text, &["s", "hooks"], &[], &Style::of(text)), None);
    }
}

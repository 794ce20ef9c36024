//! The parts of a `Cargo.toml` the macro reads, built from the events of `toml_parser` (the
//! parser the `toml` crate uses, without serde): tables, arrays and strings; every other value
//! is kept as [`Toml::Other`]. Cargo reads the manifest before rustc runs, so a manifest that
//! gets here is valid TOML; a parse error is still reported, not ignored.

use toml_parser::decoder::Encoding;
use toml_parser::parser::{EventReceiver, parse_document};
use toml_parser::{ErrorSink, ParseError, Raw, Source, Span};

/// A TOML value, as far as the macro needs one.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Toml {
    Str(String),
    Array(Vec<Toml>),
    Table(Vec<(String, Toml)>),
    /// A number, boolean or date.
    Other,
}

impl Toml {
    /// The value of `key` in a table.
    pub(crate) fn get(&self, key: &str) -> Option<&Toml> {
        match self {
            Toml::Table(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The table at `path` below this one, made as needed; `None` when a value that is not a
    /// table is in the way.
    fn table_at(&mut self, path: &[String]) -> Option<&mut Vec<(String, Toml)>> {
        let Toml::Table(entries) = self else {
            return None;
        };
        let Some((first, rest)) = path.split_first() else {
            return Some(entries);
        };
        let at = match entries.iter().position(|(k, _)| k == first) {
            Some(at) => at,
            None => {
                entries.push((first.clone(), Toml::Table(Vec::new())));
                entries.len() - 1
            }
        };
        match &mut entries[at].1 {
            // `[a.b]` after `[[a]]` is in the last table of `a`.
            Toml::Array(items) => items.last_mut()?.table_at(rest),
            table => table.table_at(rest),
        }
    }

    /// A new table at the end of the array of tables at `path` (`[[path]]`), made as needed.
    fn push_table(&mut self, path: &[String]) {
        let Some((last, parents)) = path.split_last() else {
            return;
        };
        let Some(table) = self.table_at(parents) else {
            return;
        };
        match table.iter_mut().find(|(k, _)| k == last) {
            Some((_, Toml::Array(items))) => items.push(Toml::Table(Vec::new())),
            // A key defined twice: cargo refuses such a manifest before the macro runs.
            Some(_) => {}
            None => table.push((last.clone(), Toml::Array(vec![Toml::Table(Vec::new())]))),
        }
    }

    /// Sets `value` at the dotted key `path` below this table (the last one given wins).
    fn set(&mut self, path: &[String], value: Toml) {
        let Some((last, parents)) = path.split_last() else {
            return;
        };
        if let Some(table) = self.table_at(parents) {
            match table.iter_mut().find(|(k, _)| k == last) {
                Some((_, kept)) => *kept = value,
                None => table.push((last.clone(), value)),
            }
        }
    }
}

/// Reads `text` as TOML; the first parse error, with its place, when it is not.
pub(crate) fn read(text: &str) -> Result<Toml, String> {
    let source = Source::new(text);
    let tokens = source.lex().into_vec();
    let mut builder = Builder {
        input: text,
        root: Toml::Table(Vec::new()),
        table: Vec::new(),
        key: Vec::new(),
        header: None,
        array_table: false,
        open: Vec::new(),
        errors: Vec::new(),
    };
    let mut errors: Vec<ParseError> = Vec::new();
    parse_document(&tokens, &mut builder, &mut errors);
    errors.extend(std::mem::take(&mut builder.errors));
    if let Some(error) = errors.first() {
        let at = error.unexpected().map_or(0, |span| span.start());
        let line = text[..at.min(text.len())].matches('\n').count() + 1;
        return Err(format!("line {line}: {}", error.description()));
    }
    Ok(builder.root)
}

/// A value being built: an array, or an inline table with the key being read in it.
enum Open {
    Array(Vec<Toml>),
    Inline(Toml, Vec<String>),
}

struct Builder<'i> {
    input: &'i str,
    root: Toml,
    /// The table the last header opened.
    table: Vec<String>,
    /// The dotted key being read at the top level.
    key: Vec<String>,
    /// The keys of the header being read.
    header: Option<Vec<String>>,
    /// The header being read is an array of tables (`[[…]]`).
    array_table: bool,
    open: Vec<Open>,
    errors: Vec<ParseError>,
}

/// The text of `span` in `input`, read as `kind`.
fn raw(input: &str, span: Span, kind: Option<Encoding>) -> Raw<'_> {
    let text = input.get(span.start()..span.end()).unwrap_or_default();
    Raw::new_unchecked(text, kind, span)
}

impl Builder<'_> {
    /// A value is complete: into the array or inline table it is in, or at its key.
    fn value(&mut self, value: Toml) {
        match self.open.last_mut() {
            Some(Open::Array(items)) => items.push(value),
            Some(Open::Inline(table, key)) => {
                let key = std::mem::take(key);
                table.set(&key, value);
            }
            None => {
                let key = std::mem::take(&mut self.key);
                let path: Vec<String> = self.table.iter().cloned().chain(key).collect();
                self.root.set(&path, value);
            }
        }
    }
}

impl EventReceiver for Builder<'_> {
    fn std_table_open(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        self.header = Some(Vec::new());
        self.array_table = false;
    }

    fn std_table_close(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        self.table = self.header.take().unwrap_or_default();
        let table = self.table.clone();
        // An empty table is a table all the same.
        let _ = self.root.table_at(&table);
    }

    fn array_table_open(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        self.header = Some(Vec::new());
        self.array_table = true;
    }

    fn array_table_close(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        self.table = self.header.take().unwrap_or_default();
        let table = self.table.clone();
        self.root.push_table(&table);
    }

    fn inline_table_open(&mut self, _span: Span, _error: &mut dyn ErrorSink) -> bool {
        self.open
            .push(Open::Inline(Toml::Table(Vec::new()), Vec::new()));
        true
    }

    fn inline_table_close(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        if let Some(Open::Inline(table, _)) = self.open.pop() {
            self.value(table);
        }
    }

    fn array_open(&mut self, _span: Span, _error: &mut dyn ErrorSink) -> bool {
        self.open.push(Open::Array(Vec::new()));
        true
    }

    fn array_close(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        if let Some(Open::Array(items)) = self.open.pop() {
            self.value(Toml::Array(items));
        }
    }

    fn simple_key(&mut self, span: Span, kind: Option<Encoding>, _error: &mut dyn ErrorSink) {
        let mut key = String::new();
        raw(self.input, span, kind).decode_key(&mut key, &mut self.errors);
        match (&mut self.header, self.open.last_mut()) {
            (Some(header), _) => header.push(key),
            (None, Some(Open::Inline(_, path))) => path.push(key),
            (None, _) => self.key.push(key),
        }
    }

    fn scalar(&mut self, span: Span, kind: Option<Encoding>, _error: &mut dyn ErrorSink) {
        let mut text = String::new();
        let _ = raw(self.input, span, kind).decode_scalar(&mut text, &mut self.errors);
        self.value(match kind {
            Some(_) => Toml::Str(text),
            None => Toml::Other,
        });
    }

    fn error(&mut self, span: Span, _error: &mut dyn ErrorSink) {
        self.errors
            .push(ParseError::new("invalid TOML").with_unexpected(span));
    }
}

#[cfg(test)]
mod tests {
    use super::{Toml, read};

    fn s(text: &str) -> Toml {
        Toml::Str(text.to_owned())
    }

    #[test]
    fn reads_tables_keys_arrays_and_strings() {
        let text = r#"
# A comment
[package]
name = "shop" # trailing
version = "0.1.0"
edition = 2024
metadata.other = { a = 1 }

[[bin]]
name = "ignored"

[package.metadata.ory-actions]
identity-schemas = [
    "identity/customer.schema.json",
    { path = 'identity/email.json', id = "preset://email" },
    """multi""",
]

[dependencies]
ory-actions = { path = "..", features = ["testkit"] }
"#;
        let toml = read(text).unwrap();
        let package = toml.get("package").unwrap();
        assert_eq!(package.get("name"), Some(&s("shop")));
        assert_eq!(package.get("edition"), Some(&Toml::Other));
        let list = package
            .get("metadata")
            .and_then(|m| m.get("ory-actions"))
            .and_then(|o| o.get("identity-schemas"))
            .unwrap();
        assert_eq!(
            list,
            &Toml::Array(vec![
                s("identity/customer.schema.json"),
                Toml::Table(vec![
                    ("path".to_owned(), s("identity/email.json")),
                    ("id".to_owned(), s("preset://email")),
                ]),
                s("multi"),
            ])
        );
        assert!(package.get("metadata").unwrap().get("other").is_some());
        // An array of tables holds its tables, and leaks its keys nowhere.
        assert_eq!(toml.get("name"), None);
        assert_eq!(
            toml.get("bin"),
            Some(&Toml::Array(vec![Toml::Table(vec![(
                "name".to_owned(),
                s("ignored")
            )])]))
        );
        let tables = read(
            "[[package.metadata.ory-actions.identity-schemas]]\npath = \"a.json\"\nid = \"x\"\n\n\
             [[package.metadata.ory-actions.identity-schemas]]\npath = \"b.json\"\n\
             [package.metadata.ory-actions.identity-schemas.extra]\nk = \"v\"\n",
        )
        .unwrap();
        assert_eq!(
            tables
                .get("package")
                .and_then(|p| p.get("metadata"))
                .and_then(|m| m.get("ory-actions"))
                .and_then(|o| o.get("identity-schemas")),
            Some(&Toml::Array(vec![
                Toml::Table(vec![
                    ("path".to_owned(), s("a.json")),
                    ("id".to_owned(), s("x")),
                ]),
                Toml::Table(vec![
                    ("path".to_owned(), s("b.json")),
                    (
                        "extra".to_owned(),
                        Toml::Table(vec![("k".to_owned(), s("v"))])
                    ),
                ]),
            ]))
        );
        assert_eq!(
            toml.get("dependencies")
                .and_then(|d| d.get("ory-actions"))
                .and_then(|o| o.get("features")),
            Some(&Toml::Array(vec![s("testkit")]))
        );
        let dotted =
            read("package.metadata.ory-actions.identity-schemas = [\"x.json\"]\n").unwrap();
        assert_eq!(
            dotted
                .get("package")
                .and_then(|p| p.get("metadata"))
                .and_then(|m| m.get("ory-actions"))
                .and_then(|o| o.get("identity-schemas")),
            Some(&Toml::Array(vec![s("x.json")]))
        );
        assert!(read("[package\n").unwrap_err().starts_with("line 1: "));
        assert!(read("a = \"unterminated\n").is_err());
        assert!(read("a = = 1\n").is_err());
    }
}

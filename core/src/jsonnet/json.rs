//! A JSON document read with the template parser: JSON is a subset of Jsonnet, so the lexer and
//! parser that check bodies (bounded in depth, on a thread of their own when deep) also read the
//! identity schemas that `action!` checks trait reads against, and the macro crate needs no JSON
//! crate of its own.

use super::ast::{Expr, FieldName, Member, Node, UnaryOp};
use super::{lex, line_and_column, with_tree};

/// The largest document read: identity schemas are a few kilobytes.
pub const MAX_JSON_BYTES: usize = 1 << 20;

/// A JSON value. Numbers are kept as written.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    /// `null`, `true`, `false` or a number, as written.
    Literal(String),
    /// A string, escapes read.
    Str(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, its keys in the order written.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// The value of `key` when this is an object that has it (the last one, if repeated).
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string this is, if it is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// Reads `text` as one JSON value; the error says where it is not JSON.
pub fn read_json(text: &str) -> Result<Json, String> {
    if text.len() > MAX_JSON_BYTES {
        return Err(format!(
            "is {} bytes; at most {MAX_JSON_BYTES} are read",
            text.len()
        ));
    }
    let tokens = lex::lex(text).map_err(|problem| {
        let (line, column) = line_and_column(text, problem.offset);
        format!(
            "is not JSON at line {line}, column {column}: {}",
            problem.message
        )
    })?;
    let answer = with_tree(&tokens, |tree| match tree {
        Ok(tree) => value(&tree).map_err(|at| {
            let (line, column) = line_and_column(text, at);
            format!("is not JSON at line {line}, column {column}")
        }),
        Err(problem) => {
            let (line, column) = line_and_column(text, problem.offset);
            Err(match problem.kind {
                super::ProblemKind::TooDeep(limit) => {
                    format!("nests deeper than {limit} levels at line {line}, column {column}")
                }
                _ => format!(
                    "is not JSON at line {line}, column {column}: {}",
                    problem.message
                ),
            })
        }
    });
    answer.value()
}

/// The JSON value `node` is, or the offset of what is not JSON.
fn value(node: &Node<'_>) -> Result<Json, usize> {
    Ok(match &node.expr {
        Expr::Literal(text) => Json::Literal((*text).to_owned()),
        Expr::Unary(UnaryOp::Minus, inner) => match &inner.expr {
            Expr::Literal(text) if text.starts_with(|c: char| c.is_ascii_digit()) => {
                Json::Literal(format!("-{text}"))
            }
            _ => return Err(node.at),
        },
        Expr::Str(..) => Json::Str(node.string().ok_or(node.at)?.into_owned()),
        Expr::Array(items) => Json::Array(items.iter().map(value).collect::<Result<_, _>>()?),
        Expr::Object(members) => {
            let mut object = Vec::with_capacity(members.len());
            for member in members {
                let Member::Field {
                    name: FieldName::Str(key),
                    params: None,
                    value: item,
                    colons: 1,
                } = member
                else {
                    return Err(node.at);
                };
                let key = key.string().ok_or(key.at)?.into_owned();
                object.push((key, value(item)?));
            }
            Json::Object(object)
        }
        _ => return Err(node.at),
    })
}

#[cfg(test)]
mod tests {
    use super::{Json, read_json};

    #[test]
    fn reads_json_and_refuses_the_rest() {
        let json = read_json(r#"{"a": [1, -2.5e3, true, null, "x\u00e9"], "b": {}}"#).unwrap();
        assert_eq!(
            json.get("a"),
            Some(&Json::Array(vec![
                Json::Literal("1".into()),
                Json::Literal("-2.5e3".into()),
                Json::Literal("true".into()),
                Json::Literal("null".into()),
                Json::Str("xé".into()),
            ]))
        );
        assert_eq!(json.get("b"), Some(&Json::Object(vec![])));
        for (text, error) in [
            ("{a: 1}", "is not JSON at line 1, column 1"),
            ("{\"a\": 1 + 2}", "is not JSON at line 1, column 7"),
            ("{\"a\": }", "is not JSON at line 1, column 7"),
            ("local x = 1; x", "is not JSON at line 1, column 1"),
        ] {
            let found = read_json(text).unwrap_err();
            assert!(found.starts_with(error), "{text}: {found}");
        }
        let deep = format!("{}{}", "[".repeat(600), "]".repeat(600));
        assert!(
            read_json(&deep)
                .unwrap_err()
                .starts_with("nests deeper than")
        );
        let huge = format!("\"{}\"", "x".repeat(super::MAX_JSON_BYTES));
        assert!(read_json(&huge).unwrap_err().contains("at most"));
    }
}

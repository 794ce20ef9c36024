//! Stage one: the syntax of `action! { … }`, with the span of every token kept.
//!
//! An invocation is a comma-separated list of `key: value` fields. A value is an identifier, a
//! literal, a list `[a, b]`, a call `env("VAR")`, a struct `api_key { … }`, a map, or else any
//! Rust expression (`format!("…")`, `tenant.url()`), kept as its tokens up to the next comma.
//! What each key accepts is decided in [`crate::valid`]; this stage only knows the shapes.

use proc_macro2::TokenStream;
use quote::{ToTokens, TokenStreamExt};
use syn::ext::IdentExt;
use syn::parse::discouraged::Speculative as _;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Ident, Lit, LitBool, LitStr, Token, braced, bracketed, parenthesized, token};

/// The fields of one invocation, in the order written.
pub(crate) struct Input {
    pub(crate) fields: Vec<Field>,
}

/// `key: value`.
pub(crate) struct Field {
    pub(crate) key: Ident,
    pub(crate) value: Value,
}

/// A value as written.
pub(crate) enum Value {
    /// `registration`, `POST`, `all`.
    Ident(Ident),
    /// `"…"` or `r#"…"#`.
    Str(LitStr),
    /// `true` or `false`.
    Bool(LitBool),
    /// Any other literal (numbers, characters, byte strings).
    Other(Lit),
    /// `[a, b]`.
    List {
        bracket: token::Bracket,
        items: Punctuated<Value, Token![,]>,
    },
    /// `env("VAR")`, `file("path")`.
    Call {
        name: Ident,
        paren: token::Paren,
        args: Punctuated<Value, Token![,]>,
    },
    /// `api_key { name: "…", … }`.
    Struct {
        name: Ident,
        brace: token::Brace,
        fields: Punctuated<Field, Token![,]>,
    },
    /// `{ "Name": value, … }`.
    Map {
        brace: token::Brace,
        entries: Punctuated<MapEntry, Token![,]>,
    },
    /// Any other Rust expression, as its tokens: `format!("…")`, `tenant.url()`, `&name`.
    Expr(TokenStream),
}

/// `"key": value` in a map.
pub(crate) struct MapEntry {
    pub(crate) key: MapKey,
    pub(crate) value: Value,
}

/// The key of a map entry: a string literal, or a name the program computes, written as a
/// variable or a parenthesized expression.
pub(crate) enum MapKey {
    /// `"X-Tenant"`.
    Str(LitStr),
    /// `name` or `(expression)`.
    Computed(TokenStream),
}

impl Parse for MapEntry {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let key = if input.peek(LitStr) {
            MapKey::Str(input.parse()?)
        } else if input.peek(token::Paren) || input.peek(Ident::peek_any) {
            MapKey::Computed(input.step(|cursor| {
                let (tree, rest) = cursor.token_tree().expect("peeked a token");
                // `(expression)`: the expression, without the parentheses that delimit it.
                let tokens = match tree {
                    proc_macro2::TokenTree::Group(group)
                        if group.delimiter() == proc_macro2::Delimiter::Parenthesis =>
                    {
                        group.stream()
                    }
                    tree => TokenStream::from(tree),
                };
                Ok((tokens, rest))
            })?)
        } else {
            return Err(input.error(
                "expected a header name: a string literal, a variable or a parenthesized \
                 expression such as `(format!(\"X-{tenant}\"))`",
            ));
        };
        input.parse::<Token![:]>()?;
        let value = input.parse()?;
        Ok(MapEntry { key, value })
    }
}

impl ToTokens for MapKey {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        match self {
            MapKey::Str(lit) => lit.to_tokens(tokens),
            MapKey::Computed(expr) => tokens.extend(expr.clone()),
        }
    }
}

impl ToTokens for MapEntry {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        self.key.to_tokens(tokens);
        tokens.append(proc_macro2::Punct::new(':', proc_macro2::Spacing::Alone));
        self.value.to_tokens(tokens);
    }
}

impl Parse for Input {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let fields = Punctuated::<Field, Token![,]>::parse_terminated(input)?;
        Ok(Input {
            fields: fields.into_iter().collect(),
        })
    }
}

impl Parse for Field {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let key = if input.peek(Ident::peek_any) {
            Ident::parse_any(input)?
        } else {
            return Err(input.error("expected a key such as `flow`, `timing` or `url`"));
        };
        input.parse::<Token![:]>()?;
        let value = input.parse()?;
        Ok(Field { key, value })
    }
}

impl Parse for Value {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        // One of the macro's own shapes, when that is the whole value; else an expression. A
        // list, map or struct that does not parse is reported as such, not taken for one.
        let fork = input.fork();
        match Value::parse_shape(&fork) {
            Ok(value) if fork.is_empty() || fork.peek(Token![,]) => {
                input.advance_to(&fork);
                return Ok(value);
            }
            Err(error)
                if input.peek(token::Bracket)
                    || input.peek(token::Brace)
                    || (input.peek(Ident::peek_any) && input.peek2(token::Brace)) =>
            {
                return Err(error);
            }
            _ => {}
        }
        let tokens = input.step(|cursor| {
            let mut rest = *cursor;
            let mut tokens = TokenStream::new();
            while let Some((tree, next)) = rest.token_tree() {
                if matches!(&tree, proc_macro2::TokenTree::Punct(p) if p.as_char() == ',') {
                    break;
                }
                tokens.extend([tree]);
                rest = next;
            }
            Ok((tokens, rest))
        })?;
        if tokens.is_empty() {
            return Value::parse_shape(input);
        }
        Ok(Value::Expr(tokens))
    }
}

impl Value {
    /// The macro's own shapes of value.
    fn parse_shape(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.peek(Lit) {
            return Ok(match input.parse::<Lit>()? {
                Lit::Str(s) => Value::Str(s),
                Lit::Bool(b) => Value::Bool(b),
                other => Value::Other(other),
            });
        }
        if input.peek(token::Bracket) {
            let content;
            let bracket = bracketed!(content in input);
            let items = Punctuated::parse_terminated(&content)?;
            return Ok(Value::List { bracket, items });
        }
        if input.peek(token::Brace) {
            let content;
            let brace = braced!(content in input);
            let entries = Punctuated::parse_terminated(&content)?;
            return Ok(Value::Map { brace, entries });
        }
        if input.peek(Ident::peek_any) {
            let name = Ident::parse_any(input)?;
            if input.peek(token::Paren) {
                let content;
                let paren = parenthesized!(content in input);
                let args = Punctuated::parse_terminated(&content)?;
                return Ok(Value::Call { name, paren, args });
            }
            if input.peek(token::Brace) {
                let content;
                let brace = braced!(content in input);
                let fields = Punctuated::parse_terminated(&content)?;
                return Ok(Value::Struct {
                    name,
                    brace,
                    fields,
                });
            }
            return Ok(Value::Ident(name));
        }
        Err(input.error(
            "expected a value: a name such as `registration`, a string literal, `true` or \
             `false`, a list `[…]`, `env(\"VAR\")`, `api_key { … }` or a map `{ \"Name\": … }`",
        ))
    }
}

impl Value {
    /// What kind of value this is, for "expected …, found …" messages.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Value::Ident(_) => "a name",
            Value::Str(_) => "a string literal",
            Value::Bool(_) => "a boolean",
            Value::Other(_) => "a literal",
            Value::List { .. } => "a list",
            Value::Call { .. } => "a call",
            Value::Struct { .. } => "a struct",
            Value::Map { .. } => "a map",
            Value::Expr(_) => "an expression",
        }
    }
}

impl ToTokens for Field {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        self.key.to_tokens(tokens);
        tokens.append(proc_macro2::Punct::new(':', proc_macro2::Spacing::Alone));
        self.value.to_tokens(tokens);
    }
}

impl ToTokens for Value {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        match self {
            Value::Ident(i) => i.to_tokens(tokens),
            Value::Str(s) => s.to_tokens(tokens),
            Value::Bool(b) => b.to_tokens(tokens),
            Value::Other(l) => l.to_tokens(tokens),
            Value::List { bracket, items } => bracket.surround(tokens, |t| items.to_tokens(t)),
            Value::Call { name, paren, args } => {
                name.to_tokens(tokens);
                paren.surround(tokens, |t| args.to_tokens(t));
            }
            Value::Struct {
                name,
                brace,
                fields,
            } => {
                name.to_tokens(tokens);
                brace.surround(tokens, |t| fields.to_tokens(t));
            }
            Value::Map { brace, entries } => brace.surround(tokens, |t| entries.to_tokens(t)),
            Value::Expr(expr) => tokens.extend(expr.clone()),
        }
    }
}

//! Jsonnet's tokens, cut as go-jsonnet (the engine Kratos runs) cuts them: its escapes, its
//! text blocks, its numbers and its greedy operators, quirks included, so that a template is
//! refused here exactly when Kratos would refuse it.

use std::borrow::Cow;
use std::fmt;

use super::Problem;

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    BraceL,
    BraceR,
    BracketL,
    BracketR,
    Comma,
    Dollar,
    Dot,
    ParenL,
    ParenR,
    Semicolon,
    Identifier,
    Number,
    Operator,
    Str(StrKind),
    Assert,
    Else,
    Error,
    False,
    For,
    Function,
    If,
    Import,
    ImportStr,
    ImportBin,
    In,
    Local,
    Null,
    SelfKw,
    Super,
    TailStrict,
    Then,
    True,
    EndOfFile,
}

/// The five ways to write a string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StrKind {
    /// `"…"`, with escapes.
    Double,
    /// `'…'`, with escapes.
    Single,
    /// `@"…"`, verbatim.
    VerbatimDouble,
    /// `@'…'`, verbatim.
    VerbatimSingle,
    /// `|||` … `|||`, verbatim.
    Block,
}

impl StrKind {
    /// Whether escapes are read in strings of this kind.
    pub(crate) fn escaped(self) -> bool {
        matches!(self, StrKind::Double | StrKind::Single)
    }
}

/// One token and where it starts, as a byte offset into the template.
#[derive(Clone, Debug)]
pub(crate) struct Token<'s> {
    pub(crate) kind: Kind,
    pub(crate) start: usize,
    /// The identifier, number or operator; a string's text (escapes still unread): a slice of
    /// the template unless the lexer had to change it (a number's `_`, a verbatim string's
    /// doubled quotes, a text block's indentation).
    pub(crate) text: Cow<'s, str>,
    /// For an operator: the run of operator characters it was cut from, when go-jsonnet cut
    /// it short (a run may not end in `+ - ~ ! $` unless it is one character long).
    pub(crate) cut_from: Option<String>,
}

impl fmt::Display for Token<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            Kind::Identifier => write!(f, "identifier `{}`", self.text),
            Kind::Number => write!(f, "number `{}`", self.text),
            Kind::Operator => write!(f, "`{}`", self.text),
            Kind::Str(_) => f.write_str("a string"),
            Kind::EndOfFile => f.write_str("the end of the body"),
            kind => write!(f, "`{}`", kind.spelling()),
        }
    }
}

impl Kind {
    /// How a token of this kind is written, for messages.
    pub(crate) fn spelling(self) -> &'static str {
        match self {
            Kind::BraceL => "{",
            Kind::BraceR => "}",
            Kind::BracketL => "[",
            Kind::BracketR => "]",
            Kind::Comma => ",",
            Kind::Dollar => "$",
            Kind::Dot => ".",
            Kind::ParenL => "(",
            Kind::ParenR => ")",
            Kind::Semicolon => ";",
            Kind::Identifier => "an identifier",
            Kind::Number => "a number",
            Kind::Operator => "an operator",
            Kind::Str(_) => "a string",
            Kind::Assert => "assert",
            Kind::Else => "else",
            Kind::Error => "error",
            Kind::False => "false",
            Kind::For => "for",
            Kind::Function => "function",
            Kind::If => "if",
            Kind::Import => "import",
            Kind::ImportStr => "importstr",
            Kind::ImportBin => "importbin",
            Kind::In => "in",
            Kind::Local => "local",
            Kind::Null => "null",
            Kind::SelfKw => "self",
            Kind::Super => "super",
            Kind::TailStrict => "tailstrict",
            Kind::Then => "then",
            Kind::True => "true",
            Kind::EndOfFile => "the end of the body",
        }
    }
}

fn keyword(word: &str) -> Kind {
    match word {
        "assert" => Kind::Assert,
        "else" => Kind::Else,
        "error" => Kind::Error,
        "false" => Kind::False,
        "for" => Kind::For,
        "function" => Kind::Function,
        "if" => Kind::If,
        "import" => Kind::Import,
        "importstr" => Kind::ImportStr,
        "importbin" => Kind::ImportBin,
        "in" => Kind::In,
        "local" => Kind::Local,
        "null" => Kind::Null,
        "self" => Kind::SelfKw,
        "super" => Kind::Super,
        "tailstrict" => Kind::TailStrict,
        "then" => Kind::Then,
        "true" => Kind::True,
        _ => Kind::Identifier,
    }
}

/// Whether `word` is a keyword, which `.word` cannot read.
pub(crate) fn is_keyword(word: &str) -> bool {
    keyword(word) != Kind::Identifier
}

fn is_identifier_first(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_identifier(b: u8) -> bool {
    is_identifier_first(b) || b.is_ascii_digit()
}

fn is_symbol(b: u8) -> bool {
    matches!(
        b,
        b'!' | b'$'
            | b':'
            | b'~'
            | b'+'
            | b'-'
            | b'&'
            | b'|'
            | b'^'
            | b'='
            | b'<'
            | b'>'
            | b'*'
            | b'/'
            | b'%'
    )
}

struct Lexer<'a> {
    input: &'a [u8],
    source: &'a str,
    pos: usize,
    tokens: Vec<Token<'a>>,
    /// The end of the last run of operator characters that was cut to one character: every
    /// token inside it is cut too, which keeps `------1` linear.
    cut_run_end: usize,
}

/// Cuts `source` into tokens, ending with [`Kind::EndOfFile`] (placed after the trailing
/// white space and comments).
pub(crate) fn lex(source: &str) -> Result<Vec<Token<'_>>, Problem> {
    let mut lexer = Lexer {
        input: source.as_bytes(),
        source,
        pos: 0,
        // About one token for every three bytes of a typical body, such as
        // `{ id: ctx.identity.id, email: ctx.identity.traits.email }`: most bodies need no
        // second allocation (the list lives only as long as the check).
        tokens: Vec::with_capacity(source.len() / 3 + 8),
        cut_run_end: 0,
    };
    lexer.run()?;
    Ok(lexer.tokens)
}

impl<'a> Lexer<'a> {
    fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    fn rest(&self) -> &[u8] {
        &self.input[self.pos..]
    }

    fn emit(&mut self, kind: Kind, start: usize, text: impl Into<Cow<'a, str>>) {
        self.tokens.push(Token {
            kind,
            start,
            text: text.into(),
            cut_from: None,
        });
    }

    fn run(&mut self) -> Result<(), Problem> {
        loop {
            while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
                self.pos += 1;
            }
            let start = self.pos;
            let Some(b) = self.peek() else {
                self.emit(Kind::EndOfFile, start, "");
                return Ok(());
            };
            let single = match b {
                b'{' => Some(Kind::BraceL),
                b'}' => Some(Kind::BraceR),
                b'[' => Some(Kind::BracketL),
                b']' => Some(Kind::BracketR),
                b',' => Some(Kind::Comma),
                b'.' => Some(Kind::Dot),
                b'(' => Some(Kind::ParenL),
                b')' => Some(Kind::ParenR),
                b';' => Some(Kind::Semicolon),
                _ => None,
            };
            if let Some(kind) = single {
                self.pos += 1;
                self.emit(kind, start, "");
                continue;
            }
            match b {
                b'0'..=b'9' => self.number()?,
                b'"' | b'\'' => self.quoted(b)?,
                b'@' => self.verbatim()?,
                _ if is_identifier_first(b) => {
                    while self.peek().is_some_and(is_identifier) {
                        self.pos += 1;
                    }
                    let word = &self.source[start..self.pos];
                    self.emit(keyword(word), start, word);
                }
                _ if is_symbol(b) || b == b'#' => self.symbol()?,
                _ => {
                    let c = self.source[start..].chars().next().unwrap_or('?');
                    return Err(Problem::new(
                        start,
                        format!(
                            "`{}` cannot appear outside a string or a comment",
                            c.escape_debug()
                        ),
                    ));
                }
            }
        }
    }

    /// A number as go-jsonnet lexes it: JSON's grammar without the sign, and `_` between
    /// digits. The first character is a digit.
    fn number(&mut self) -> Result<(), Problem> {
        #[derive(Clone, Copy, PartialEq)]
        enum State {
            Begin,
            AfterZero,
            AfterOneToNine,
            AfterDot,
            AfterDigit,
            AfterUnderscore,
            AfterE,
            AfterExpSign,
            AfterExpDigit,
            AfterExpUnderscore,
        }
        let start = self.pos;
        let mut state = State::Begin;
        let junk = |at: usize, what: &str| Err(Problem::new(at, what.to_owned()));
        loop {
            let b = self.peek();
            let digit = b.is_some_and(|b| b.is_ascii_digit());
            state = match state {
                State::Begin if b == Some(b'0') => State::AfterZero,
                State::Begin => State::AfterOneToNine,
                State::AfterZero => match b {
                    Some(b'.') => State::AfterDot,
                    Some(b'e' | b'E') => State::AfterE,
                    Some(b'_') => {
                        return junk(
                            self.pos,
                            "a number that starts with `0` cannot go on with `_`: write `0` \
                             alone, or digits from 1 to 9 first",
                        );
                    }
                    _ => break,
                },
                State::AfterOneToNine | State::AfterDigit => match b {
                    Some(b'.') if state == State::AfterOneToNine => State::AfterDot,
                    Some(b'e' | b'E') => State::AfterE,
                    Some(b'_') => State::AfterUnderscore,
                    _ if digit => state,
                    _ => break,
                },
                State::AfterDot if digit => State::AfterDigit,
                State::AfterDot => {
                    return junk(
                        self.pos,
                        "a number needs a digit after its decimal point, such as `1.0`",
                    );
                }
                State::AfterUnderscore | State::AfterExpUnderscore => match b {
                    _ if digit && state == State::AfterUnderscore => State::AfterOneToNine,
                    _ if digit => State::AfterExpDigit,
                    _ => {
                        return junk(
                            self.pos,
                            "`_` in a number must stand between two digits, such as `1_000`",
                        );
                    }
                },
                State::AfterE => match b {
                    Some(b'+' | b'-') => State::AfterExpSign,
                    _ if digit => State::AfterExpDigit,
                    _ => {
                        return junk(
                            self.pos,
                            "an exponent needs digits, such as `1e3` or `1e-3`",
                        );
                    }
                },
                State::AfterExpSign if digit => State::AfterExpDigit,
                State::AfterExpSign => {
                    return junk(
                        self.pos,
                        "an exponent needs digits after its sign, such as `1e-3`",
                    );
                }
                State::AfterExpDigit => match b {
                    Some(b'_') => State::AfterExpUnderscore,
                    _ if digit => State::AfterExpDigit,
                    _ => break,
                },
            };
            self.pos += 1;
        }
        let text = &self.source[start..self.pos];
        if text.contains('_') {
            self.emit(Kind::Number, start, text.replace('_', ""));
        } else {
            self.emit(Kind::Number, start, text);
        }
        Ok(())
    }

    /// `"…"` or `'…'`: a backslash keeps the next character in the string.
    fn quoted(&mut self, quote: u8) -> Result<(), Problem> {
        let start = self.pos;
        self.pos += 1;
        loop {
            match self.peek() {
                None => return Err(unterminated(start, quote)),
                Some(b) if b == quote => break,
                Some(b'\\') if self.pos + 1 < self.input.len() => self.pos += 2,
                Some(_) => self.pos += 1,
            }
        }
        let text = &self.source[start + 1..self.pos];
        self.pos += 1;
        let kind = if quote == b'"' {
            StrKind::Double
        } else {
            StrKind::Single
        };
        self.emit(Kind::Str(kind), start, text);
        Ok(())
    }

    /// `@"…"` or `@'…'`: no escapes, a doubled quote stands for one.
    fn verbatim(&mut self) -> Result<(), Problem> {
        let start = self.pos;
        self.pos += 1;
        let (quote, kind) = match self.peek() {
            Some(b'"') => (b'"', StrKind::VerbatimDouble),
            Some(b'\'') => (b'\'', StrKind::VerbatimSingle),
            _ => {
                return Err(Problem::new(
                    start,
                    "`@` must be followed by a quote: a verbatim string is `@\"…\"` or `@'…'`"
                        .into(),
                ));
            }
        };
        self.pos += 1;
        let mut text = String::new();
        let mut from = self.pos;
        loop {
            match self.peek() {
                None => return Err(unterminated(start, quote)),
                Some(b) if b == quote => {
                    text.push_str(&self.source[from..=self.pos]);
                    if self.input.get(self.pos + 1) == Some(&quote) {
                        self.pos += 2;
                        from = self.pos;
                    } else {
                        text.pop();
                        self.pos += 1;
                        break;
                    }
                }
                Some(_) => self.pos += 1,
            }
        }
        self.emit(Kind::Str(kind), start, text);
        Ok(())
    }

    /// A comment, a text block or an operator.
    fn symbol(&mut self) -> Result<(), Problem> {
        let start = self.pos;
        let rest = self.rest();
        if rest.starts_with(b"#") || rest.starts_with(b"//") {
            while self.peek().is_some_and(|b| b != b'\n') {
                self.pos += 1;
            }
            return Ok(());
        }
        if rest.starts_with(b"/*") {
            return match self.source[start + 2..].find("*/") {
                Some(end) => {
                    self.pos = start + 2 + end + 2;
                    Ok(())
                }
                None => Err(Problem::new(
                    start,
                    "this comment is never closed: end it with `*/`".into(),
                )),
            };
        }
        if rest.starts_with(b"|||") {
            return self.text_block();
        }
        // Any run of operator characters is one operator, but `//`, `/*` and `|||` start
        // something else (go-jsonnet stops before any `/` and before `||`).
        self.pos += 1;
        if start < self.cut_run_end {
            self.pos = self.cut_run_end;
        }
        while let Some(b) = self.peek() {
            if !is_symbol(b) || b == b'/' || (b == b'|' && self.rest().starts_with(b"||")) {
                break;
            }
            self.pos += 1;
        }
        let run = &self.source[start..self.pos];
        // go-jsonnet: a run longer than one character may not end in `+ - ~ ! $`; it winds
        // back, and (as it looks at the last character only once) down to one character.
        let mut cut_from = None;
        if run.len() > 1 && run.ends_with(['+', '-', '~', '!', '$']) {
            cut_from = Some(run.chars().take(8).collect());
            self.cut_run_end = self.pos;
            self.pos = start + 1;
        }
        let text = &self.source[start..self.pos];
        let kind = if text == "$" {
            Kind::Dollar
        } else {
            Kind::Operator
        };
        self.tokens.push(Token {
            kind,
            start,
            text: Cow::Borrowed(text),
            cut_from,
        });
        Ok(())
    }

    /// `|||` or `|||-`, a line break, then lines that all start with the first line's
    /// indentation, up to a line indented less that holds `|||`.
    fn text_block(&mut self) -> Result<(), Problem> {
        let start = self.pos;
        self.pos += 3;
        let chomp = self.peek() == Some(b'-');
        if chomp {
            self.pos += 1;
        }
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r')) {
            self.pos += 1;
        }
        if self.peek() != Some(b'\n') {
            return Err(Problem::new(
                start,
                "a text block needs a line break right after its opening `|||`".into(),
            ));
        }
        self.pos += 1;
        let mut text = String::new();
        while self.peek() == Some(b'\n') {
            self.pos += 1;
            text.push('\n');
        }
        let indent_len = self
            .rest()
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count();
        if indent_len == 0 {
            return Err(Problem::new(
                start,
                "the first line of a text block must be indented".into(),
            ));
        }
        let indent = self.input[self.pos..self.pos + indent_len].to_vec();
        loop {
            self.pos += indent_len;
            let line_start = self.pos;
            while self.peek() != Some(b'\n') {
                if self.peek().is_none() {
                    return Err(Problem::new(
                        start,
                        "this text block is never closed: end it with `|||` on a line \
                         indented less than its text"
                            .into(),
                    ));
                }
                self.pos += 1;
            }
            text.push_str(&self.source[line_start..self.pos]);
            text.push('\n');
            self.pos += 1;
            while self.peek() == Some(b'\n') {
                self.pos += 1;
                text.push('\n');
            }
            if !self.rest().starts_with(&indent) {
                while matches!(self.peek(), Some(b' ' | b'\t')) {
                    self.pos += 1;
                }
                if !self.rest().starts_with(b"|||") {
                    return Err(Problem::new(
                        start,
                        "a line of this text block is indented less than its first line: \
                         indent it the same, or close the block with `|||`"
                            .into(),
                    ));
                }
                self.pos += 3;
                if chomp {
                    text.pop();
                }
                self.emit(Kind::Str(StrKind::Block), start, text);
                return Ok(());
            }
        }
    }
}

fn unterminated(start: usize, quote: u8) -> Problem {
    Problem::new(
        start,
        format!(
            "this string is never closed: end it with `{}`",
            char::from(quote)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(source: &str) -> Vec<(Kind, String)> {
        lex(source)
            .unwrap()
            .into_iter()
            .map(|t| (t.kind, t.text.into_owned()))
            .collect()
    }

    #[test]
    fn operators_are_greedy_and_wound_back_like_go_jsonnet() {
        let ops = |source: &str| -> Vec<String> {
            kinds(source)
                .into_iter()
                .filter(|(k, _)| *k == Kind::Operator)
                .map(|(_, t)| t)
                .collect()
        };
        assert_eq!(ops("a == -b"), ["==", "-"]);
        assert_eq!(ops("a==-b"), ["=", "=", "-"]);
        assert_eq!(ops("a||b"), ["||"]);
        assert_eq!(ops("a+/b"), ["+", "/"]);
        assert_eq!(ops("{a::: 1}"), [":::"]);
    }

    #[test]
    fn strings_keep_their_text() {
        assert_eq!(
            kinds(r#"@"a""b" 'c\'d'"#)[..2],
            [
                (Kind::Str(StrKind::VerbatimDouble), "a\"b".to_owned()),
                (Kind::Str(StrKind::Single), "c\\'d".to_owned()),
            ]
        );
        assert_eq!(
            kinds("|||-\n  a\n\n   b\n|||")[0],
            (Kind::Str(StrKind::Block), "a\n\n b".to_owned())
        );
    }

    #[test]
    fn numbers_drop_their_underscores() {
        assert_eq!(kinds("1_000.5e1_0")[0], (Kind::Number, "1000.5e10".into()));
        assert_eq!(lex("1.e3").unwrap_err().offset, 2);
        assert_eq!(lex("0_1").unwrap_err().offset, 1);
    }
}

//! Scalars as the YAML 1.2 core schema reads them: the one reading of `null`, `true`, `0x1f`,
//! `1e3`, … that the reference ([`yaml_reference`](super::yaml_reference)) and the fast reader
//! ([`yaml_read`](super::yaml_read)) share, so that the two cannot disagree on what a scalar is.

use saphyr_parser::ScalarStyle;
use serde_json::Number;

/// A scalar, as the YAML 1.2 core schema reads it: quoted and block scalars are strings; a
/// plain one is null, a boolean, an integer, a float or a string by its spelling. An integer
/// beyond 64 bits, or an infinite or NaN float, stays the text it is.
pub(super) enum Scalar<'t> {
    Null,
    Bool(bool),
    Int(i64),
    Float(Number),
    Str(&'t str),
}

/// The value a scalar `text` written in `style` stands for ([`Scalar`]).
pub(super) fn resolve(text: &str, style: ScalarStyle) -> Scalar<'_> {
    if style != ScalarStyle::Plain {
        return Scalar::Str(text);
    }
    match text {
        "true" | "True" | "TRUE" => return Scalar::Bool(true),
        "false" | "False" | "FALSE" => return Scalar::Bool(false),
        "null" | "Null" | "NULL" | "~" | "" => return Scalar::Null,
        _ => {}
    }
    // Most scalars are words, which are neither.
    if !text.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '-' | '+' | '.')) {
        return Scalar::Str(text);
    }
    if let Some((radix, digits, negative)) = core_int(text) {
        return i128::from_str_radix(digits, radix)
            .ok()
            .and_then(|magnitude| i64::try_from(if negative { -magnitude } else { magnitude }).ok())
            .map_or(Scalar::Str(text), Scalar::Int);
    }
    match text {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => Scalar::Str(text),
        _ if core_float(text) => text
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map_or(Scalar::Str(text), Scalar::Float),
        _ => Scalar::Str(text),
    }
}

fn all_digits(text: &str, radix: u32) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_digit(radix))
}

/// A core schema integer (`[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`): its radix, digits and
/// sign.
pub(super) fn core_int(text: &str) -> Option<(u32, &str, bool)> {
    if let Some(hex) = text.strip_prefix("0x") {
        return all_digits(hex, 16).then_some((16, hex, false));
    }
    if let Some(octal) = text.strip_prefix("0o") {
        return all_digits(octal, 8).then_some((8, octal, false));
    }
    let (digits, negative) = match text.strip_prefix('-') {
        Some(digits) => (digits, true),
        None => (text.strip_prefix('+').unwrap_or(text), false),
    };
    all_digits(digits, 10).then_some((10, digits, negative))
}

/// Whether `text` is a finite core schema float:
/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
pub(super) fn core_float(text: &str) -> bool {
    let body = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let mantissa = match mantissa.split_once('.') {
        Some(("", fraction)) => all_digits(fraction, 10),
        Some((whole, fraction)) => {
            all_digits(whole, 10) && fraction.chars().all(|c| c.is_ascii_digit())
        }
        None => all_digits(mantissa, 10),
    };
    let exponent = exponent.is_none_or(|e| all_digits(e.strip_prefix(['+', '-']).unwrap_or(e), 10));
    mantissa && exponent
}

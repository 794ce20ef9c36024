//! The line of a template a problem is on, with a caret under its column, for messages.

/// The line `line` of `source` (from 1) with a caret under `column` (from 1, in characters),
/// numbered as rustc numbers lines:
///
/// ```text
///   |
/// 3 |   email: ctx.identity.traits.email,,
///   |                                    ^
/// ```
///
/// `None` when the template has no such line. Tabs are kept, so the caret stays under its
/// character.
pub fn excerpt(source: &str, line: usize, column: usize) -> Option<String> {
    let text = source.lines().nth(line.checked_sub(1)?)?;
    let number = line.to_string();
    let gutter = " ".repeat(number.len());
    let padding: String = text
        .chars()
        .take(column.saturating_sub(1))
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    Some(format!(
        "{gutter} |\n{number} | {text}\n{gutter} | {padding}^"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_caret_sits_under_the_column() {
        assert_eq!(
            excerpt("function(ctx) {\n\tid: ctx.identty.id,\n}", 2, 10).unwrap(),
            "  |\n2 | \tid: ctx.identty.id,\n  | \t        ^"
        );
        assert_eq!(
            excerpt("a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk", 11, 1).unwrap(),
            "   |\n11 | k\n   | ^"
        );
        assert_eq!(excerpt("x", 2, 1), None);
        assert_eq!(excerpt("x", 0, 1), None);
    }
}

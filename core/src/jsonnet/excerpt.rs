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
/// character. Of a line longer than 100 characters, only the 100 around the column
/// are shown, with `…` for the rest.
pub fn excerpt(source: &str, line: usize, column: usize) -> Option<String> {
    let text = source.lines().nth(line.checked_sub(1)?)?;
    let number = line.to_string();
    let gutter = " ".repeat(number.len());
    let chars: Vec<char> = text.chars().collect();
    let at = column.saturating_sub(1).min(chars.len());
    let (from, to) = if chars.len() <= WIDE {
        (0, chars.len())
    } else {
        let from = at.saturating_sub(WIDE / 2).min(chars.len() - WIDE);
        (from, from + WIDE)
    };
    let mut shown: String = chars[from..to].iter().collect();
    let mut padding: String = chars[from..at]
        .iter()
        .map(|c| if *c == '\t' { '\t' } else { ' ' })
        .collect();
    if from > 0 {
        shown.insert(0, '…');
        padding.insert(0, ' ');
    }
    if to < chars.len() {
        shown.push('…');
    }
    Some(format!(
        "{gutter} |\n{number} | {shown}\n{gutter} | {padding}^"
    ))
}

/// The most characters of a line an excerpt shows.
const WIDE: usize = 100;

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
        // A long line is cut around the column.
        let long = format!("{}x{}", "a".repeat(300), "b".repeat(300));
        let shown = excerpt(&long, 1, 301).unwrap();
        assert_eq!(
            shown,
            format!(
                "  |\n1 | …{}x{}…\n  |  {}^",
                "a".repeat(50),
                "b".repeat(49),
                " ".repeat(50)
            )
        );
        let start = excerpt(&long, 1, 2).unwrap();
        assert_eq!(start, format!("  |\n1 | {}…\n  |  ^", "a".repeat(100)));
        let end = excerpt(&long, 1, 601).unwrap();
        assert_eq!(
            end,
            format!("  |\n1 | …{}\n  |  {}^", "b".repeat(100), " ".repeat(99))
        );
        assert_eq!(excerpt("x", 0, 1), None);
    }
}

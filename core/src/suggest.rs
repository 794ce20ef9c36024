//! "Did you mean …?" for names that are almost right.

/// The candidate closest to `input`, if one is close enough to be a likely typo.
///
/// A candidate that differs only in case always counts; otherwise up to one edit per three
/// characters (at least one) is allowed.
pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = input.to_ascii_lowercase();
    let budget = (input.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != input)
        .map(|c| {
            let distance = if c.eq_ignore_ascii_case(input) {
                0
            } else {
                strsim::damerau_levenshtein(&lower, &c.to_ascii_lowercase()).max(1)
            };
            (distance, c)
        })
        .filter(|(distance, _)| *distance <= budget)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn finds_near_misses_only() {
        let flows = [
            "login",
            "registration",
            "recovery",
            "settings",
            "verification",
        ];
        assert_eq!(did_you_mean("registraton", flows), Some("registration"));
        assert_eq!(did_you_mean("settigns", flows), Some("settings"));
        assert_eq!(did_you_mean("logn", flows), Some("login"));
        assert_eq!(did_you_mean("checkout", flows), None);
        assert_eq!(did_you_mean("post", ["GET", "POST", "PUT"]), Some("POST"));
        assert_eq!(did_you_mean("x", ["GET"]), None);
    }
}

//! The answers of the body checks, kept for templates checked again: a program checks the same
//! template once per action that uses it and again at each step (declaring, planning,
//! rendering), and the checks are pure.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash};

use rustc_hash::FxHasher;
use std::sync::Mutex;

/// How many answers are kept; past that the memo starts again (templates are few, and an
/// unbounded memo would grow with computed templates that are all different). The callers
/// keep out templates larger than [`super::MAX_BODY_BYTES`], so the memo holds at most
/// 16 MiB of them.
const KEPT: usize = 256;

/// A bounded memo of a pure function. Its keys are whole templates, written in the program
/// (or computed by it): hashed with a fast hash rather than one made against collisions an
/// attacker could choose.
pub(super) struct Memo<K, V>(Mutex<Option<Kept<K, V>>>);

type Kept<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

impl<K: Hash + Eq, V: Clone> Memo<K, V> {
    pub(super) const fn new() -> Self {
        Memo(Mutex::new(None))
    }

    /// The answer for `key`, computed by `compute` the first time (and again while it is
    /// [`Answer::Passing`]).
    pub(super) fn get(&self, key: K, compute: impl FnOnce() -> Answer<V>) -> V {
        if let Ok(guard) = self.0.lock()
            && let Some(value) = guard.as_ref().and_then(|kept| kept.get(&key))
        {
            return value.clone();
        }
        // Computed outside the lock: another thread may check another template meanwhile.
        let value = match compute() {
            Answer::Lasting(value) => value,
            Answer::Passing(value) => return value,
        };
        if let Ok(mut guard) = self.0.lock() {
            let kept = guard.get_or_insert_with(Kept::default);
            if kept.len() >= KEPT {
                kept.clear();
            }
            kept.insert(key, value.clone());
        }
        value
    }
}

/// An answer of a check, and whether it may be kept.
pub(super) enum Answer<V> {
    /// The answer for the template, whenever it is checked.
    Lasting(V),
    /// The answer the check could give now: no thread with a stack large enough for the
    /// template could be started, so it was refused as too deep; another time it may be
    /// checked in full.
    Passing(V),
}

impl<V> Answer<V> {
    /// The answer, kept or not.
    pub(super) fn value(self) -> V {
        match self {
            Answer::Lasting(value) | Answer::Passing(value) => value,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passing_answers_are_computed_again_and_lasting_ones_kept() {
        let memo = Memo::new();
        assert_eq!(memo.get("t", || Answer::Passing(1)), 1);
        assert_eq!(memo.get("t", || Answer::Lasting(2)), 2);
        assert_eq!(memo.get("t", || Answer::Lasting(3)), 2);
    }
}

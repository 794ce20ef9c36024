//! The answers of the body checks, kept for templates checked again: a program checks the same
//! template once per action that uses it (ten thousand actions may share one body) and again at
//! some steps, and the checks are pure. A template is kept from its second check on: a stack
//! whose bodies all differ pays no copy of each.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hash};
use std::sync::Mutex;

use foldhash::fast::RandomState;

/// How many answers are kept; past that the memo starts again (templates are few, and an
/// unbounded memo would grow with computed templates that are all different). The callers
/// keep out templates larger than [`super::MAX_BODY_BYTES`], so the memo holds at most
/// 16 MiB of them.
const KEPT: usize = 256;

/// How many templates checked once are remembered (by their hash only).
const SEEN: usize = 16_384;

/// A bounded memo of a pure function.
pub(super) struct Memo<K, V>(Mutex<Option<Inner<K, V>>>);

struct Inner<K, V> {
    /// How keys are hashed: one hash of each key serves both maps (a collision only costs a
    /// comparison). Randomly seeded, once per memo.
    state: RandomState,
    /// The answers kept, by the hash of their key.
    kept: HashMap<u64, Vec<(K, V)>, RandomState>,
    /// How many answers `kept` holds.
    len: usize,
    /// The hashes of the keys checked once and not kept.
    seen: HashSet<u64, RandomState>,
}

impl<K, V: Clone> Memo<K, V> {
    pub(super) const fn new() -> Self {
        Memo(Mutex::new(None))
    }

    /// The answer for the key `probe` stands for (`same` tells it among keys; `key` makes it),
    /// computed by `compute` unless kept; kept from the second time it is asked for (not while
    /// it is [`Answer::Passing`]).
    pub(super) fn get<Q: Hash + ?Sized>(
        &self,
        probe: &Q,
        same: impl Fn(&K) -> bool,
        key: impl FnOnce() -> K,
        compute: impl FnOnce() -> Answer<V>,
    ) -> V {
        let mut hash = 0;
        let mut again = false;
        if let Ok(mut guard) = self.0.lock() {
            let inner = guard.get_or_insert_with(|| Inner {
                state: RandomState::default(),
                kept: HashMap::default(),
                len: 0,
                seen: HashSet::default(),
            });
            hash = inner.state.hash_one(probe);
            if let Some((_, value)) = inner
                .kept
                .get(&hash)
                .and_then(|bucket| bucket.iter().find(|(k, _)| same(k)))
            {
                return value.clone();
            }
            if inner.seen.len() >= SEEN {
                inner.seen.clear();
            }
            again = !inner.seen.insert(hash);
        }
        // Computed outside the lock: another thread may check another template meanwhile.
        let value = match compute() {
            Answer::Lasting(value) => value,
            Answer::Passing(value) => return value,
        };
        if again
            && let Ok(mut guard) = self.0.lock()
            && let Some(inner) = guard.as_mut()
        {
            if inner.len >= KEPT {
                inner.kept.clear();
                inner.len = 0;
            }
            inner
                .kept
                .entry(hash)
                .or_default()
                .push((key(), value.clone()));
            inner.len += 1;
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
    fn passing_answers_are_computed_again_and_lasting_ones_kept_from_the_second_time() {
        let memo: Memo<String, i32> = Memo::new();
        let get = |compute: fn() -> Answer<i32>| {
            memo.get("t", |k: &String| k == "t", || "t".to_owned(), compute)
        };
        assert_eq!(get(|| Answer::Passing(1)), 1);
        // Seen once already: this answer is kept.
        assert_eq!(get(|| Answer::Lasting(2)), 2);
        assert_eq!(get(|| Answer::Lasting(3)), 2);
        // Another key is computed twice before it is kept.
        let other = |compute: fn() -> Answer<i32>| {
            memo.get("u", |k: &String| k == "u", || "u".to_owned(), compute)
        };
        assert_eq!(other(|| Answer::Lasting(4)), 4);
        assert_eq!(other(|| Answer::Lasting(5)), 5);
        assert_eq!(other(|| Answer::Lasting(6)), 5);
    }
}

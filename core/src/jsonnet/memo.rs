//! The answers of the body checks, kept for templates checked again: a program checks the same
//! template once per action that uses it and again at each step (declaring, planning,
//! rendering), and the checks are pure.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

/// How many answers are kept; past that the memo starts again (templates are few, and an
/// unbounded memo would grow with computed templates that are all different). The callers
/// keep out templates larger than [`super::MAX_BODY_BYTES`], so the memo holds at most
/// 16 MiB of them.
const KEPT: usize = 256;

/// A bounded memo of a pure function.
pub(super) struct Memo<K, V>(Mutex<Option<HashMap<K, V>>>);

impl<K: Hash + Eq, V: Clone> Memo<K, V> {
    pub(super) const fn new() -> Self {
        Memo(Mutex::new(None))
    }

    /// The answer for `key`, computed by `compute` the first time.
    pub(super) fn get(&self, key: K, compute: impl FnOnce() -> V) -> V {
        if let Ok(guard) = self.0.lock()
            && let Some(value) = guard.as_ref().and_then(|kept| kept.get(&key))
        {
            return value.clone();
        }
        // Computed outside the lock: another thread may check another template meanwhile.
        let value = compute();
        if let Ok(mut guard) = self.0.lock() {
            let kept = guard.get_or_insert_with(HashMap::new);
            if kept.len() >= KEPT {
                kept.clear();
            }
            kept.insert(key, value.clone());
        }
        value
    }
}

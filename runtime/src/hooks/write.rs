//! [`ListWrite`]: one hook list an apply changes, as the plan made it. The plan knows which
//! entries of the list as read stay and which declared hooks come in (and which entry each
//! replaces), so a backend writes from that ([`ListWrite::edits`]) instead of working it out
//! again by comparing entries.

use std::fmt;
use std::sync::Arc;

use ory_actions_core::{Platform, Scope};
use serde_json::Value;

use super::{Declared, StoredEntry, wipe};

/// One hook list an apply changes: the list as read, and the list to be, whose entries are
/// either entries of the list as read, kept as they are, or declared hooks, written out from
/// their declaration only when the list is written (so that a plan of ten thousand hooks holds no
/// JSON entry per hook). `Debug` shows the list and its length, never an entry.
#[derive(Clone, PartialEq)]
pub(crate) struct ListWrite {
    /// The list.
    pub(crate) scope: Scope,
    /// The platform the declared entries are written for.
    platform: Platform,
    /// The list as read; `None` when the backend had no such list.
    before: Option<Vec<StoredEntry>>,
    /// The list after the change.
    entries: Vec<WriteEntry>,
}

/// One entry of a list after the change.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum WriteEntry {
    /// The entry at this index of the list as read, as it is.
    Kept(usize),
    /// A declared hook, in place of the entry at `replaces` of the list as read (the same hook,
    /// changed, or written again with what the backend left out) or, without it, new.
    Declared {
        declared: Arc<Declared>,
        replaces: Option<usize>,
    },
    /// An entry given as it is written (tests of the backends).
    #[cfg(test)]
    Value(Value),
}

/// One entry of a list after the change, as [`ListWrite::after`] gives it.
pub(crate) enum After<'a> {
    /// An entry of the list as read.
    Stored(&'a StoredEntry),
    /// A declared hook.
    Declared(&'a super::WebHook),
    /// An entry given as it is written (tests of the backends).
    #[cfg(test)]
    Value(&'a Value),
}

/// One step of turning the list as read into the list to be: at index `at` (of the list as it
/// is when the step is taken), `removed` entries go and the entries `added` of the list to be
/// come in their place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct EntryEdit {
    pub(crate) at: usize,
    pub(crate) removed: usize,
    pub(crate) added: std::ops::Range<usize>,
}

/// The entries of a list as written; their secrets are overwritten when dropped.
pub(crate) struct Values(Vec<Value>);

impl std::ops::Deref for Values {
    type Target = [Value];

    fn deref(&self) -> &[Value] {
        &self.0
    }
}

impl Drop for Values {
    fn drop(&mut self) {
        self.0.iter_mut().for_each(wipe);
    }
}

impl ListWrite {
    /// The write of `scope`'s list, read as `before`, to be `entries`.
    pub(crate) fn new(
        scope: Scope,
        platform: Platform,
        before: Option<Vec<StoredEntry>>,
        entries: Vec<WriteEntry>,
    ) -> Self {
        ListWrite {
            scope,
            platform,
            before,
            entries,
        }
    }

    /// A write given as values, the way a test states one: an entry equal to the next entry of
    /// `before` that equals it (after the last one kept) is kept.
    #[cfg(test)]
    pub(crate) fn of_values(scope: Scope, before: Option<Vec<Value>>, entries: Vec<Value>) -> Self {
        let old = before.as_deref().unwrap_or_default();
        let mut next = 0;
        let entries = entries
            .into_iter()
            .map(
                |value| match old[next.min(old.len())..].iter().position(|o| *o == value) {
                    Some(offset) => {
                        next += offset + 1;
                        WriteEntry::Kept(next - 1)
                    }
                    None => WriteEntry::Value(value),
                },
            )
            .collect();
        ListWrite {
            scope,
            platform: Platform::Kratos,
            before: before.map(|list| list.iter().map(StoredEntry::new).collect()),
            entries,
        }
    }

    /// Whether the backend had this list before.
    pub(crate) fn existed(&self) -> bool {
        self.before.is_some()
    }

    /// How many entries the list had before (0 when it had none).
    pub(crate) fn len_before(&self) -> usize {
        self.before.as_ref().map_or(0, Vec::len)
    }

    /// The entries of the list after the change, as the plan keeps them.
    pub(crate) fn entries(&self) -> &[WriteEntry] {
        &self.entries
    }

    /// Every entry of the list after the change, as the plan keeps it: an entry kept as it was
    /// read, a declared hook as what it means, never written out.
    pub(crate) fn after(&self) -> impl Iterator<Item = After<'_>> {
        self.entries.iter().map(|entry| match entry {
            WriteEntry::Kept(at) => After::Stored(self.kept(*at)),
            WriteEntry::Declared { declared, .. } => After::Declared(&declared.hook),
            #[cfg(test)]
            WriteEntry::Value(value) => After::Value(value),
        })
    }

    /// The entry at `index` of the list after the change, as it is written.
    pub(crate) fn entry(&self, index: usize) -> Value {
        match &self.entries[index] {
            WriteEntry::Kept(at) => self.kept(*at).value(),
            WriteEntry::Declared { declared, .. } => declared.hook.encode(self.platform),
            #[cfg(test)]
            WriteEntry::Value(value) => value.clone(),
        }
    }

    /// The `hook` of every entry of the list after the change (`web_hook` for a declared one).
    pub(crate) fn hooks(&self) -> Vec<Option<String>> {
        (0..self.entries.len())
            .map(|index| match &self.entries[index] {
                WriteEntry::Kept(at) => self.kept(*at).hook(),
                WriteEntry::Declared { .. } => Some("web_hook".to_owned()),
                #[cfg(test)]
                WriteEntry::Value(value) => {
                    value.get("hook").and_then(Value::as_str).map(str::to_owned)
                }
            })
            .collect()
    }

    /// Every entry of the list after the change, as written.
    pub(crate) fn values(&self) -> Values {
        Values((0..self.entries.len()).map(|i| self.entry(i)).collect())
    }

    fn kept(&self, at: usize) -> &StoredEntry {
        &self
            .before
            .as_ref()
            .expect("a kept entry comes from the list as read")[at]
    }

    /// The steps that turn the list as read into the list to be, from the end of the list
    /// backwards, so that taking one step leaves the indices of the next valid. Entries that
    /// stay are not touched: an entry kept, and a declared hook written in place of the entry
    /// it replaces when it is written exactly as that entry is. Nothing is compared but those.
    pub(crate) fn edits(&self) -> Vec<EntryEdit> {
        let before = self.before.as_deref().unwrap_or_default();
        // The entries that stay, as (index before, index after), in order.
        let mut stays: Vec<(usize, usize)> = Vec::new();
        for (index, entry) in self.entries.iter().enumerate() {
            let old = match entry {
                WriteEntry::Kept(at) => Some(*at),
                WriteEntry::Declared {
                    replaces: Some(at), ..
                } if before.get(*at).is_some_and(|old| {
                    let mut new = self.entry(index);
                    let same = old.value() == new;
                    wipe(&mut new);
                    same
                }) =>
                {
                    Some(*at)
                }
                _ => None,
            };
            // The plan keeps the entries it does not change in their order; an entry out of
            // that order is written again.
            if let Some(at) = old
                && stays.last().is_none_or(|&(last, _)| last < at)
            {
                stays.push((at, index));
            }
        }
        let mut edits = Vec::new();
        let (mut from_old, mut from_new) = (0, 0);
        for (old, new) in stays
            .into_iter()
            .chain([(before.len(), self.entries.len())])
        {
            if old > from_old || new > from_new {
                edits.push(EntryEdit {
                    at: from_old,
                    removed: old - from_old,
                    added: from_new..new,
                });
            }
            (from_old, from_new) = (old + 1, new + 1);
        }
        edits.reverse();
        edits
    }
}

impl fmt::Debug for ListWrite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListWrite")
            .field("scope", &self.scope)
            .field("entries", &self.entries.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn edits(before: &[Value], after: &[Value]) -> Vec<EntryEdit> {
        ListWrite::of_values(Scope::LoginBefore, Some(before.to_vec()), after.to_vec()).edits()
    }

    #[test]
    fn only_the_entries_that_change_are_edited() {
        let (a, b, c, x) = (json!("a"), json!("b"), json!("c"), json!("x"));
        let same = [a.clone(), b.clone(), c.clone()];
        assert_eq!(edits(&same, &same), vec![]);
        // b replaced by x.
        assert_eq!(
            edits(&same, &[a.clone(), x.clone(), c.clone()]),
            vec![EntryEdit {
                at: 1,
                removed: 1,
                added: 1..2
            }]
        );
        // x added at the end, a removed at the start: the later step first.
        assert_eq!(
            edits(&same[..2], &[b.clone(), x.clone()]),
            vec![
                EntryEdit {
                    at: 2,
                    removed: 0,
                    added: 1..2
                },
                EntryEdit {
                    at: 0,
                    removed: 1,
                    added: 0..0
                },
            ]
        );
        // A list that was empty, and one that empties.
        assert_eq!(
            edits(&[], std::slice::from_ref(&x)),
            vec![EntryEdit {
                at: 0,
                removed: 0,
                added: 0..1
            }]
        );
        assert_eq!(
            edits(&same, &[]),
            vec![EntryEdit {
                at: 0,
                removed: 3,
                added: 0..0
            }]
        );
    }

    #[test]
    fn applying_the_edits_gives_the_list_to_be() {
        let before: Vec<Value> = (0..6).map(|i| json!(i)).collect();
        let cases: [&[i64]; 6] = [
            &[0, 1, 2, 3, 4, 5],
            &[0, 9, 2, 8, 4],
            &[9, 0, 1, 2, 3, 4, 5, 8],
            &[],
            &[5],
            &[1, 3, 9, 9, 5],
        ];
        for case in cases {
            let after: Vec<Value> = case.iter().map(|i| json!(i)).collect();
            let write =
                ListWrite::of_values(Scope::LoginBefore, Some(before.clone()), after.clone());
            let mut list = before.clone();
            for EntryEdit { at, removed, added } in write.edits() {
                list.splice(at..at + removed, added.map(|i| write.entry(i)));
            }
            assert_eq!(list, after, "{case:?}");
        }
    }
}

//! Web hook entries, both ways: what an [`Action`](crate::Action) renders into a hook list
//! ([`rendered`]; the rendering is `action/render.rs`), what an entry a backend holds means
//! ([`entry`]), and the lists themselves ([`lists`]). Every backend and every output goes through here, so an entry is written and
//! read in one place, and secrets are found in one place.

mod entry;
mod lists;
mod read;
mod rendered;
mod url;
mod write;

pub use entry::REDACTED;
#[cfg(feature = "testkit")]
pub(crate) use entry::field_slot;
pub(crate) use entry::{Entry, HookKey, Method, StoredAuth, StoredBody, WebHook, kind};
pub(crate) use lists::{HookLists, StoredEntry, verification_enabled};
pub(crate) use read::{Document, Found, JsonError, Leaf, Node, Paths, read_json};
pub(crate) use rendered::{Declared, wipe};
pub use rendered::{RenderedHook, Secrets};
pub(crate) use url::HookUrl;
pub(crate) use write::{After, EntryEdit, ListWrite, WriteEntry};

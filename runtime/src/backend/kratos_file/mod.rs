//! The self-hosted Kratos backend: a configuration file (YAML or JSON), edited in place.
//!
//! [`KratosFile`] ([`file`](mod@file)) is the file and its [`Backend`](crate::backend::Backend)
//! implementation: reading and parsing the file, and the write protocol (a file changed by
//! someone else since it was read is not overwritten; an edit must give exactly the expected
//! configuration). Only the hook lists that change are rewritten ([`edit`]), with a lossless
//! YAML editor or, for JSON, in the file's own layout ([`json_text`]): comments, key order,
//! quoting and everything else stay byte for byte, and what is written looks hand-written
//! ([`key_order`]). The file is replaced atomically ([`atomic`]), so a crash never leaves half a
//! configuration. The body templates hooks name by path are read where Kratos reads them
//! ([`paths`]).
//!
//! Every read of the file gives one verdict, for every command: the file is read only if it is
//! a regular file of at most 16 MiB ([`CONFIG_LIMIT`], `ory_actions_core::file`); a YAML file is
//! YAML if the reference reading ([`yaml_reference`], a YAML 1.2 parser with limits on nesting
//! and aliases) takes it, and is refused if the editor that writes it reads it otherwise
//! ([`KratosFile::parse`]); the fast reader ([`yaml_read`]) takes only block YAML that the two
//! read the same. A JSON file is what `serde_json` reads, everywhere in it
//! ([`read_json`](crate::hooks::read_json)).

mod atomic;
mod edit;
mod file;
mod json_text;
mod key_order;
mod paths;
#[cfg(feature = "schema")]
pub(crate) mod schema;
mod yaml_block;
mod yaml_read;
mod yaml_reference;
mod yaml_scalar;
mod yaml_values;

pub(crate) use file::KratosFile;
pub(crate) use paths::{KratosPaths, PathMap};

/// The most a configuration (or schema) file may hold: 16 MiB, as a project's answer (a
/// configuration of ten thousand hooks is 3 MB).
const CONFIG_LIMIT: u64 = 16 * 1024 * 1024;

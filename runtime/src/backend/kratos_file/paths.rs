//! Where Kratos's files are on this machine, and reading a body template Kratos reads from its
//! disk (`file://X` or a bare path).
//!
//! Kratos reads `file://X` with `os.ReadFile(X)`: a relative `X` is relative to Kratos's working
//! directory, an absolute one is a path on Kratos's machine or in its container. Here a relative
//! path is read from [`KratosPaths::dir`] (`--kratos-dir`; the current directory by default, as
//! if Kratos ran from it), and an absolute one through the longest matching [`PathMap`]
//! (`--path-map /etc/config/kratos=./kratos`), or as it is.
//!
//! Any regular file Kratos could read is read (at most 1 MiB), but its content is shown — in a
//! plan, in exported code — only when it is a Jsonnet template: a function of `ctx`, or any
//! Jsonnet in a file named `*.jsonnet` or `*.libsonnet`. A configuration therefore cannot make a
//! plan print another file: a key file, a `.env` or a JSON credential (JSON is Jsonnet too) is
//! read, found not to be a template, and reported without its content.

use std::path::{Path, PathBuf};

use ory_actions_core::BodyShape;

use ory_actions_core::jsonnet::{BodyError, check_body};
use ory_actions_core::reference::kratos_path;

/// The most of a body file that is read.
const LIMIT: u64 = 1024 * 1024;

/// `--path-map FROM=TO`: the files Kratos sees under `FROM` (a path on its machine or in its
/// container) are under `TO` here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PathMap {
    from: PathBuf,
    to: PathBuf,
}

impl PathMap {
    /// Parses `FROM=TO`; `FROM` must be absolute (`/etc/config/kratos`), `TO` not empty.
    pub(crate) fn parse(text: &str) -> Result<PathMap, String> {
        let example = "such as `/etc/config/kratos=./kratos`";
        let (from, to) = text.split_once('=').ok_or_else(|| {
            format!("a path map is KRATOS_PATH=LOCAL_PATH, {example}, not `{text}`")
        })?;
        let (from, to) = (from.trim(), to.trim());
        if !from.starts_with('/') && !Path::new(from).is_absolute() {
            return Err(format!(
                "a path map starts with an absolute path on Kratos's machine, {example}, not \
                 `{from}` (relative paths are relative to Kratos's working directory: give \
                 --kratos-dir for those)"
            ));
        }
        if to.is_empty() {
            return Err(format!(
                "a path map needs a local path after `=`, {example}"
            ));
        }
        Ok(PathMap {
            from: PathBuf::from(from),
            to: PathBuf::from(to),
        })
    }
}

/// Where Kratos's working directory and paths are on this machine.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct KratosPaths {
    /// Kratos's working directory here (`--kratos-dir`); the current directory when `None`.
    dir: Option<PathBuf>,
    /// The path maps, longest `from` first.
    maps: Vec<PathMap>,
}

impl KratosPaths {
    /// Relative paths from `dir` (the current directory when `None`), absolute ones through
    /// `maps` (the longest prefix wins).
    pub(crate) fn new(dir: Option<PathBuf>, mut maps: Vec<PathMap>) -> Self {
        maps.sort_by_key(|map| std::cmp::Reverse(map.from.components().count()));
        KratosPaths { dir, maps }
    }

    /// Where the file Kratos reads as `path` is here.
    pub(crate) fn local(&self, path: &str) -> PathBuf {
        let named = Path::new(path);
        if named.is_relative() && !path.starts_with('/') {
            return match &self.dir {
                Some(dir) => dir.join(named),
                None => named.to_path_buf(),
            };
        }
        self.maps
            .iter()
            .find_map(|map| {
                named
                    .strip_prefix(&map.from)
                    .ok()
                    .map(|rest| map.to.join(rest))
            })
            .unwrap_or_else(|| named.to_path_buf())
    }

    /// The Jsonnet text of the body `reference` (`file://X` or a bare `X`), read where Kratos
    /// would read it; or why it is not read or not shown.
    pub(crate) fn read_body(&self, reference: &str) -> Result<String, String> {
        let (text, path, shown) = self.read_named(reference)?;
        if shows_as_template(&text, &path) {
            Ok(text)
        } else {
            Err(format!(
                "{shown} is not a Jsonnet template, so it is not shown"
            ))
        }
    }

    /// An identity schema the configuration names by file path (`file://…` or a bare path),
    /// read where Kratos reads it.
    pub(crate) fn read_schema(&self, reference: &str) -> Result<String, String> {
        self.read_named(reference).map(|(text, _, _)| text)
    }

    /// The text of the file `reference` names, where it is here, and how messages show it.
    fn read_named(&self, reference: &str) -> Result<(String, PathBuf, String), String> {
        let named = kratos_path(reference);
        let path = self.local(named);
        let shown = if path == Path::new(named) {
            format!("`{reference}`")
        } else {
            format!("`{reference}` (here {})", path.display())
        };
        let bytes = ory_actions_core::file::read(&path, LIMIT).map_err(|problem| {
            if std::fs::metadata(&path).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound) {
                format!("{shown} is not on this machine; {}", self.hint(named))
            } else {
                format!("{shown} {problem}")
            }
        })?;
        let text = String::from_utf8(bytes).map_err(|_| format!("{shown} is not UTF-8 text"))?;
        Ok((text, path, shown))
    }

    /// How to point at a file that was not found.
    fn hint(&self, named: &str) -> &'static str {
        if Path::new(named).is_relative() && !named.starts_with('/') {
            if self.dir.is_some() {
                "Kratos reads a relative path from its working directory: is --kratos-dir \
                 (ORY_ACTIONS_KRATOS_DIR) that directory?"
            } else {
                "Kratos reads a relative path from its working directory, taken to be the \
                 current one here: give it with --kratos-dir DIR (or ORY_ACTIONS_KRATOS_DIR)"
            }
        } else {
            "if Kratos runs elsewhere (a container), say where its files are here with \
             --path-map KRATOS_PATH=LOCAL_PATH (or ORY_ACTIONS_PATH_MAP)"
        }
    }
}

/// Whether `text`, read from `path`, may be shown: a Jsonnet function (of `ctx`, or one Kratos
/// would refuse), or any Jsonnet in a file whose name says it is Jsonnet. Text that does not
/// parse, or a constant in a file of another name (JSON with credentials is valid Jsonnet), is
/// not shown.
fn shows_as_template(text: &str, path: &Path) -> bool {
    let named_jsonnet = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("jsonnet") || e.eq_ignore_ascii_case("libsonnet"));
    match check_body(text) {
        Ok(BodyShape::Function)
        | Err(
            BodyError::MissingCtx { .. }
            | BodyError::ParamNeedsDefault { .. }
            | BodyError::ReturnsFunction,
        ) => true,
        Err(BodyError::Syntax { .. } | BodyError::Url { .. } | BodyError::TooLarge { .. }) => false,
        Ok(BodyShape::Constant) | Err(_) => named_jsonnet,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_from_the_directory_absolute_ones_through_the_longest_map() {
        let maps = ["/etc/config=./a", "/etc/config/kratos=./b"]
            .map(|m| PathMap::parse(m).unwrap())
            .to_vec();
        let paths = KratosPaths::new(Some("/srv/kratos".into()), maps);
        assert_eq!(
            paths.local("t/x.jsonnet"),
            Path::new("/srv/kratos/t/x.jsonnet")
        );
        assert_eq!(
            paths.local("/etc/config/kratos/w.jsonnet"),
            Path::new("./b/w.jsonnet")
        );
        assert_eq!(
            paths.local("/etc/config/other.jsonnet"),
            Path::new("./a/other.jsonnet")
        );
        assert_eq!(
            paths.local("/etc/configx/w.jsonnet"),
            Path::new("/etc/configx/w.jsonnet")
        );
        assert_eq!(
            KratosPaths::default().local("t/x.jsonnet"),
            Path::new("t/x.jsonnet")
        );
    }

    #[test]
    fn path_maps_are_absolute_on_the_left() {
        assert!(PathMap::parse("/etc/config/kratos=./kratos").is_ok());
        for bad in ["/etc", "etc=./k", "/etc=", "=./k"] {
            assert!(PathMap::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn only_jsonnet_templates_are_shown() {
        let any = Path::new("x.txt");
        let jsonnet = Path::new("x.jsonnet");
        assert!(shows_as_template("function(ctx) { a: 1 }", any));
        assert!(shows_as_template("function(context) {}", any));
        assert!(shows_as_template("{ a: 1 }", jsonnet));
        assert!(!shows_as_template(
            "{\"private_key\": \"k\"}",
            Path::new("key.json")
        ));
        assert!(!shows_as_template("SECRET=1\nOTHER=2\n", any));
        assert!(!shows_as_template(
            "-----BEGIN PRIVATE KEY-----\nabc\n",
            jsonnet
        ));
    }
}

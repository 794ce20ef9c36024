//! Validation of an identity configuration against a Kratos configuration schema (feature
//! `schema`, on by default).
//!
//! Only problems under `/selfservice/flows` count: those are the lists ory-actions writes, and
//! Ory Network's configuration differs from self-hosted Kratos elsewhere (it has no `dsn`, for
//! one).

use std::path::Path;

use serde_json::Value;

const SCHEMA_URL: &str = "https://github.com/ory/kratos/embedx/config.schema.json";

/// A compiled Kratos configuration schema (`kratos-config.schema.json` of Kratos's repository).
pub(crate) struct KratosSchema {
    schemas: boon::Schemas,
    index: boon::SchemaIndex,
}

impl KratosSchema {
    /// Compiles the schema at `path`. Its one external reference, `ory://tracing-config`, is
    /// resolved to a schema that accepts anything.
    pub(crate) fn load(path: &Path) -> Result<Self, String> {
        let text = ory_actions_core::file::read_text(path, super::CONFIG_LIMIT)
            .map_err(|e| format!("the Kratos schema {} {e}", path.display()))?;
        let schema: Value = serde_json::from_str(&text)
            .map_err(|e| format!("the Kratos schema {} is not JSON: {e}", path.display()))?;
        let mut compiler = boon::Compiler::new();
        compiler.enable_format_assertions();
        let mut schemas = boon::Schemas::new();
        let failed = |e: boon::CompileError| format!("cannot compile the Kratos schema: {e}");
        compiler
            .add_resource("ory://tracing-config", serde_json::json!({}))
            .map_err(failed)?;
        compiler.add_resource(SCHEMA_URL, schema).map_err(failed)?;
        let index = compiler.compile(SCHEMA_URL, &mut schemas).map_err(failed)?;
        Ok(KratosSchema { schemas, index })
    }

    /// The problems of `identity_config` in its hook lists, one line each.
    pub(crate) fn problems(&self, identity_config: &Value) -> Vec<String> {
        match self.schemas.validate(identity_config, self.index) {
            Ok(()) => Vec::new(),
            Err(error) => {
                let mut out = Vec::new();
                leaves(&error, &mut out);
                out.retain(|line| line.starts_with("/selfservice/flows"));
                out.dedup();
                out
            }
        }
    }
}

fn leaves(error: &boon::ValidationError<'_, '_>, out: &mut Vec<String>) {
    if error.causes.is_empty() {
        out.push(format!("{}: {}", error.instance_location, error.kind));
    }
    for cause in &error.causes {
        leaves(cause, out);
    }
}

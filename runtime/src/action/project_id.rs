//! [`ProjectId`]: the Ory Network project of an action, when it is not the stack's.

use std::borrow::Cow;

use ory_actions_core::names::check_project_id;

use super::read_env;
use crate::error::ReadError;

/// The Ory Network project an action belongs to, when it is not the stack's.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ProjectId {
    /// A project id written in the program.
    Literal(Cow<'static, str>),
    /// A project id read from an environment variable when the program runs.
    Env(Cow<'static, str>),
}

impl ProjectId {
    /// The project id, reading the environment if it comes from there.
    pub fn resolve(&self) -> Result<String, ReadError> {
        match self {
            ProjectId::Literal(id) => Ok(id.to_string()),
            ProjectId::Env(var) => {
                let id = read_env(var, "a project id")?;
                check_project_id(&id).map_err(|problem| ReadError::NotProjectId {
                    var: var.to_string(),
                    problem,
                })?;
                Ok(id)
            }
        }
    }
}

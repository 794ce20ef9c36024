//! [`Stack`]: the actions a program manages, and what it may delete.

use std::borrow::Cow;

use crate::action::{Action, ProjectId};
use crate::payload::Samples;

/// Which web hooks that the stack does not declare it owns, and so deletes.
///
/// As with `kubectl apply --prune`, deleting undeclared hooks is opt-in. Entries that are not
/// web hooks (`session`, `revoke_active_sessions`, …) are never owned, whatever the policy.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Prune {
    /// Own only the declared hooks; list the others as unmanaged. The default.
    #[default]
    None,
    /// Own every web hook of the project: the stack is the whole truth.
    All,
    /// Own the web hooks whose URL starts with this prefix.
    UrlPrefix(Cow<'static, str>),
}

impl Prune {
    /// Whether a web hook calling `url` that no action declares is owned, and so deleted.
    pub fn owns(&self, url: &str) -> bool {
        match self {
            Prune::None => false,
            Prune::All => true,
            Prune::UrlPrefix(prefix) => url.starts_with(prefix.as_ref()),
        }
    }
}

/// The actions of a program, the project they belong to, and the prune policy.
///
/// As with [`std::process::Command`], each setter takes the stack and returns it, and each
/// getter is the setter's name with `get_`.
///
/// ```
/// use ory_actions::{Action, Flow, Prune, Stack, Timing};
///
/// let stack = Stack::new()
///     .project("550e8400-e29b-41d4-a716-446655440000")
///     .prune(Prune::UrlPrefix("https://hooks.example.com/".into()))
///     .action(Action::builder(Flow::Login, Timing::Before, "https://hooks.example.com/login").build()?);
/// assert_eq!(stack.get_actions().len(), 1);
/// # Ok::<(), ory_actions::InvalidAction>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[must_use]
pub struct Stack {
    project: Option<ProjectId>,
    allowed_projects: Option<Vec<Cow<'static, str>>>,
    prune: Prune,
    actions: Vec<Action>,
    samples: Samples,
    /// Where the samples come from.
    samples_from: SamplesFrom,
}

/// Where a stack's samples come from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum SamplesFrom {
    /// The default sample identity.
    #[default]
    Default,
    /// The identity schemas an action's crate declares: a sample identity per schema.
    DeclaredSchemas,
    /// [`Stack::samples`].
    Given,
}

impl Stack {
    /// An empty stack: no actions, no project (taken from `ORY_PROJECT_ID` or `--project`), and
    /// [`Prune::None`].
    pub fn new() -> Self {
        Stack::default()
    }

    /// The project of every action that does not name its own `project_id`.
    pub fn project(mut self, id: impl Into<Cow<'static, str>>) -> Self {
        self.project = Some(ProjectId::Literal(id.into()));
        self
    }

    /// The project, read from an environment variable when the program runs.
    pub fn project_from_env(mut self, var: impl Into<Cow<'static, str>>) -> Self {
        self.project = Some(ProjectId::Env(var.into()));
        self
    }

    /// The only Ory Network projects a run may read or write. A run that would touch another
    /// (named by an action, `--project`, the stack or the environment) stops before its first
    /// request, naming the project and where it came from. `--allowed-projects` and
    /// `ORY_ACTIONS_ALLOWED_PROJECTS` narrow it further: a project must be in every list given.
    ///
    /// ```
    /// use ory_actions::Stack;
    ///
    /// let stack = Stack::new().allowed_projects(["550e8400-e29b-41d4-a716-446655440000"]);
    /// assert_eq!(stack.get_allowed_projects().map(|ids| ids.len()), Some(1));
    /// ```
    pub fn allowed_projects(
        mut self,
        ids: impl IntoIterator<Item = impl Into<Cow<'static, str>>>,
    ) -> Self {
        self.allowed_projects = Some(ids.into_iter().map(Into::into).collect());
        self
    }

    /// The projects the stack allows ([`Stack::allowed_projects`]), when it names them.
    pub fn get_allowed_projects(&self) -> Option<&[Cow<'static, str>]> {
        self.allowed_projects.as_deref()
    }

    /// The sample contexts that `render --payloads`, plan's body checks and
    /// [`Stack::snapshot`] evaluate bodies with (default: [`Samples::new`]).
    pub fn samples(mut self, samples: Samples) -> Self {
        self.samples = samples;
        self.samples_from = SamplesFrom::Given;
        self
    }

    /// Once an action's crate declares identity schemas, and no samples were given: a sample
    /// identity per schema, so that what compiles is also what payloads show.
    fn samples_of_declared_schemas(&mut self) {
        if self.samples_from != SamplesFrom::Default {
            return;
        }
        let Some(declared) = self
            .actions
            .iter()
            .map(Action::identity_schemas)
            .find(|declared| !declared.files.is_empty())
        else {
            return;
        };
        // `action!` read each as JSON when it compiled; one that serde cannot take (a comment)
        // leaves the default samples.
        let parsed: Option<Vec<(&str, serde_json::Value)>> = declared
            .files
            .iter()
            .map(|file| Some((file.id, serde_json::from_str(file.text).ok()?)))
            .collect();
        if let Some(parsed) = parsed
            && let Ok(samples) =
                Samples::new().identity_schemas(parsed.iter().map(|(id, schema)| (*id, schema)))
        {
            self.samples = samples;
            self.samples_from = SamplesFrom::DeclaredSchemas;
        }
    }

    /// The sample contexts of this stack.
    pub fn get_samples(&self) -> &Samples {
        &self.samples
    }

    /// Which web hooks that no action declares the stack owns, so that `apply` deletes them
    /// (default: [`Prune::None`], none).
    pub fn prune(mut self, prune: Prune) -> Self {
        self.prune = prune;
        self
    }

    /// Adds an action. Two actions that declare the same hook (the same list, HTTP method and
    /// URL) make every plan fail, with an error that names both.
    pub fn action(mut self, action: Action) -> Self {
        let declares = !action.identity_schemas().files.is_empty();
        self.actions.push(action);
        if declares {
            self.samples_of_declared_schemas();
        }
        self
    }

    /// Adds several actions, in order, as [`Stack::action`] adds one: for a `Vec` made by a
    /// function, or an iterator over tenants.
    pub fn actions(mut self, actions: impl IntoIterator<Item = Action>) -> Self {
        let before = self.actions.len();
        if self.actions.is_empty() {
            // A `Vec` given to an empty stack keeps its buffer (std collects a vector's own
            // iterator in place): ten thousand actions are not copied.
            self.actions = actions.into_iter().collect();
        } else {
            self.actions.extend(actions);
        }
        if self.actions[before..]
            .iter()
            .any(|action| !action.identity_schemas().files.is_empty())
        {
            self.samples_of_declared_schemas();
        }
        self
    }

    /// The actions, in the order they were added.
    pub fn get_actions(&self) -> &[Action] {
        &self.actions
    }

    /// The actions, taken out of the stack.
    pub(crate) fn into_actions(self) -> Vec<Action> {
        self.actions
    }

    /// The stack's own project, if it names one.
    pub fn get_project(&self) -> Option<&ProjectId> {
        self.project.as_ref()
    }

    /// Which undeclared web hooks the stack owns ([`Stack::prune`]).
    pub fn get_prune(&self) -> &Prune {
        &self.prune
    }
}

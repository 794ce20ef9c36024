//! The payloads of an action's body, evaluated by `payload` for sample contexts.

use super::{Action, HeaderValue};
use crate::error::Problem;
use crate::payload::{BodyOf, Encoding, SamplePayload, Samples, Templates, payloads_of};

impl Action {
    /// The payload of this action's body in each of its hook lists, for the sample context of
    /// that list and phase. Empty when the action has no body, or a body Kratos fetches or reads
    /// itself (`url(..)`, `kratos_file(..)`), which is not evaluated here.
    pub fn payloads(&self, samples: &Samples) -> Vec<SamplePayload> {
        payloads_of(&[(self.body_of(), self.scopes())], samples)
            .pop()
            .unwrap_or_default()
    }

    /// How its requests send the payload: a form when a plain `Content-Type` header says so.
    pub fn encoding(&self) -> Encoding {
        Encoding::of_content_types(self.headers().filter_map(|(name, value)| match value {
            HeaderValue::Plain(text) if name.eq_ignore_ascii_case("content-type") => {
                Some(text.as_ref())
            }
            _ => None,
        }))
    }

    /// What evaluating its body needs.
    pub(crate) fn body_of(&self) -> BodyOf<'_> {
        // A body with a problem was kept by `action!` for `Action::check` to report.
        let body_problem = self
            .deferred
            .0
            .iter()
            .any(|p| matches!(p, Problem::Body(_)));
        BodyOf {
            source: self.body().and_then(|body| body.source()),
            checked: if body_problem {
                Templates::Unchecked
            } else {
                Templates::Checked(self.plain.0.as_deref())
            },
            flags: self.flags(),
            encoding: self.encoding(),
        }
    }
}

//! The payloads of an [`Action`]'s body: what Kratos sends for the sample context of each of its
//! hook lists ([`crate::payload`] evaluates them).

use ory_actions_core::Scope;

use super::Action;
use crate::payload::{SamplePayload, Samples, payloads_of};

impl Action {
    /// The payload of this action's body in each of its hook lists, for the sample context of
    /// that list and phase. Empty when the action has no body, or a body Kratos fetches or reads
    /// itself (`url(..)`, `kratos_file(..)`), which is not evaluated here.
    pub fn payloads(&self, samples: &Samples) -> Vec<SamplePayload> {
        self.payloads_in(self.scopes(), samples)
    }

    /// [`Action::payloads`] for the lists `scopes`.
    pub(crate) fn payloads_in(&self, scopes: &[Scope], samples: &Samples) -> Vec<SamplePayload> {
        payloads_of(&[(self, scopes)], samples)
            .pop()
            .unwrap_or_default()
    }
}

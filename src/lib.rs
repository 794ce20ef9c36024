//! ory-actions

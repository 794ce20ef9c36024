//! Collects every error of one invocation, so that all of them are reported together.

use std::fmt::Display;

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;

/// The errors found so far. Dropping it without [`Errors::finish`] is a bug in the macro, and
/// panics, so that no error is ever silently lost.
pub(crate) struct Errors {
    errors: Option<Vec<syn::Error>>,
}

impl Errors {
    pub(crate) fn new() -> Self {
        Errors {
            errors: Some(Vec::new()),
        }
    }

    fn list(&mut self) -> &mut Vec<syn::Error> {
        self.errors.as_mut().expect("errors used after finish")
    }

    /// An error at one span.
    pub(crate) fn at(&mut self, span: Span, message: impl Display) {
        self.list().push(syn::Error::new(span, message));
    }

    /// An error covering the tokens of `node`, from its first token to its last.
    pub(crate) fn spanned(&mut self, node: &impl ToTokens, message: impl Display) {
        self.list().push(syn::Error::new_spanned(node, message));
    }

    /// The value of `result`; or `None`, with its error reported at `span`.
    pub(crate) fn handle<T>(&mut self, span: Span, result: Result<T, impl Display>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(problem) => {
                self.at(span, problem);
                None
            }
        }
    }

    /// An error that stops parsing.
    pub(crate) fn push(&mut self, error: syn::Error) {
        self.list().push(error);
    }

    /// Whether nothing was reported.
    pub(crate) fn is_empty(&self) -> bool {
        self.errors.as_ref().is_none_or(Vec::is_empty)
    }

    /// The errors as `compile_error!` invocations, or `None` when there are none.
    pub(crate) fn finish(mut self) -> Option<TokenStream> {
        let errors = self.errors.take().expect("finish called twice");
        if errors.is_empty() {
            None
        } else {
            Some(errors.into_iter().map(|e| e.to_compile_error()).collect())
        }
    }
}

#[cfg(test)]
impl Errors {
    /// The messages collected, for unit tests.
    pub(crate) fn into_messages(mut self) -> Vec<String> {
        let errors = self.errors.take().expect("finish called twice");
        errors.iter().map(ToString::to_string).collect()
    }
}

impl Drop for Errors {
    fn drop(&mut self) {
        if self.errors.is_some() && !std::thread::panicking() {
            panic!("action!: errors were collected but never reported");
        }
    }
}

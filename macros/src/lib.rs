//! The `action!` macro of [ory-actions](https://docs.rs/ory-actions). Use it through the
//! `ory-actions` crate, which documents it; the expansion refers to `::ory_actions`.

mod ast;
mod ctxt;
mod expand;
mod manifest;
mod model;
mod schemas;
mod valid;

use proc_macro::TokenStream;

/// Declares an Ory Action, checked at compile time. See the `ory-actions` crate for the syntax.
#[proc_macro]
pub fn action(input: TokenStream) -> TokenStream {
    action_impl(input.into()).into()
}

fn action_impl(input: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    let mut errors = ctxt::Errors::new();
    let action = match syn::parse2::<ast::Input>(input) {
        Ok(input) => valid::validate(&input, &mut errors),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    match (errors.finish(), action) {
        (None, Some(action)) => expand::action(&action),
        (Some(errors), _) => expand::placeholder(errors),
        (None, None) => unreachable!("validation failed without reporting an error"),
    }
}

#[cfg(test)]
mod fuzz;

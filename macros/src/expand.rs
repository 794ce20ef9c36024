//! Stage three: tokens for a checked declaration. Nothing is checked again here.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned as _;
use syn::{Ident, LitStr};

use ory_actions_core::AuthMethods;
use ory_actions_core::fields::FIELDS;

use crate::model::{Action, Auth, Body, HeaderValue, ProjectId, Secret, Text};

/// The expression `action!` expands to: a value of the runtime's `Action` type.
pub(crate) fn action(action: &Action) -> TokenStream {
    let private = quote!(::ory_actions::__private);
    let name = option(action.name.as_ref().map(text));
    let flow = variant(&action.flow);
    let timing = variant(&action.timing);
    let auth_method = option(action.lists.auth_method.as_ref().map(
        |auth_method| match auth_method {
            AuthMethods::All => quote!(#private::AuthMethods::All),
            AuthMethods::Fallback => quote!(#private::AuthMethods::Fallback),
            AuthMethods::Only(methods) => {
                let methods = methods.iter().map(variant);
                quote!(#private::AuthMethods::Only(#private::vec![#(#private::AuthMethod::#methods),*]))
            }
        },
    ));
    let url = text(&action.url);
    let method = variant(&action.method);
    let body = option(action.body.as_ref().map(|body| match body {
        Body::Inline(source) => quote!(#private::Body::inline(#source)),
        Body::File(path) => {
            let content = include_relative(path);
            quote!(#private::Body::from_file(#path, #content))
        }
        Body::Url(url) => {
            let url = text(url);
            quote!(#private::Body::url(#url))
        }
        Body::KratosFile(path) => {
            let path = text(path);
            quote!(#private::Body::kratos_file(#path))
        }
        Body::Computed(source) => {
            let source = computed_text(source);
            quote!(#private::Body::inline(#source))
        }
    }));
    // Each flag given, by its place in the table of fields.
    let flags = FIELDS.iter().enumerate().filter_map(|(at, field)| {
        let value = action.flags.given(field)?;
        Some(quote!(.with(&#private::FIELDS[#at], #value)))
    });
    let auth = option(action.auth.as_ref().map(|auth| match auth {
        Auth::ApiKey {
            name,
            value,
            location,
        } => {
            let name = text(name);
            let value = secret(value);
            let location = variant(location);
            quote!(#private::Auth::api_key(#name, #value, #private::ApiKeyIn::#location))
        }
        Auth::BasicAuth { user, password } => {
            let user = text(user);
            let password = secret(password);
            quote!(#private::Auth::basic_auth(#user, #password))
        }
    }));
    let project_id = option(action.project_id.as_ref().map(|id| match id {
        ProjectId::Literal(id) => {
            quote!(#private::ProjectId::Literal(#private::Cow::Borrowed(#id)))
        }
        ProjectId::Env(var) => {
            quote!(#private::ProjectId::Env(#private::Cow::Borrowed(#var)))
        }
        ProjectId::Computed(id) => {
            let id = computed_text(id);
            quote!(#private::ProjectId::Literal(#id))
        }
    }));
    let headers = action.headers.iter().map(|header| {
        let name = &header.name;
        let value = match &header.value {
            HeaderValue::Plain(value) => {
                quote!(#private::HeaderValue::Plain(#private::Cow::Borrowed(#value)))
            }
            HeaderValue::Secret(value) => {
                let value = secret(value);
                quote!(#private::HeaderValue::Secret(#value))
            }
            HeaderValue::Computed(value) => {
                quote_spanned!(value.span()=> #private::header(#value))
            }
        };
        let name = text(name);
        quote!((#name, #value))
    });
    let id = option(action.id.as_ref().map(text));
    // Included, so that rustc rebuilds the crate when a schema changes, and for the checks of
    // computed bodies, plan's comparison and `identity-schemas pull` when the program runs.
    let schemas = action
        .identity_schemas
        .iter()
        .flat_map(|declared| &declared.files)
        .map(|file| {
            let lit = LitStr::new(&file.relative, Span::call_site());
            let id = LitStr::new(&file.id, Span::call_site());
            let content = include_relative(&lit);
            quote!(#private::DeclaredSchema { path: #lit, id: #id, text: #content })
        });
    let identity_schemas = match &action.identity_schemas {
        Some(_) => quote!(#private::DeclaredSchemas {
            dir: #private::env!("CARGO_MANIFEST_DIR"),
            files: &[#(#schemas),*],
        }),
        None => quote!(#private::DeclaredSchemas { dir: "", files: &[] }),
    };
    // The manifest too, where there is one: rustc rebuilds the crate when it changes, so that
    // declaring schemas (or changing the list) rechecks every body.
    let manifest = crate::schemas::track_manifest().then(|| {
        let content = include_relative(&LitStr::new("Cargo.toml", Span::call_site()));
        quote!(const _: &str = #content;)
    });
    quote! {
        {
        #manifest
        #private::action(
            #private::Parts {
                name: #name,
                flow: #private::Flow::#flow,
                timing: #private::Timing::#timing,
                auth_method: #auth_method,
                project_id: #project_id,
                hook: #private::HookFields {
                    url: #url,
                    method: #private::HttpMethod::#method,
                    body: #body,
                    flags: #private::FlagValues::default() #(#flags)*,
                    auth: #auth,
                    headers: #private::vec![#(#headers),*],
                    id: #id,
                },
                identity_schemas: #identity_schemas,
            },
            #private::Location::new(#private::file!(), #private::line!(), #private::column!()),
        )
        }
    }
}

/// What `action!` expands to when it reported errors: the errors and a well-typed stand-in, so
/// that the user sees those errors and nothing else.
pub(crate) fn placeholder(errors: TokenStream) -> TokenStream {
    quote! {
        {
            #errors
            ::ory_actions::__private::placeholder()
        }
    }
}

fn option(value: Option<TokenStream>) -> TokenStream {
    match value {
        Some(value) => quote!(::ory_actions::__private::Option::Some(#value)),
        None => quote!(::ory_actions::__private::Option::None),
    }
}

/// The variant name of a fieldless enum value, from its derived `Debug`.
fn variant(value: &impl std::fmt::Debug) -> Ident {
    Ident::new(&format!("{value:?}"), Span::call_site())
}

fn secret(secret: &Secret) -> TokenStream {
    match secret {
        Secret::Env(var) => quote!(::ory_actions::__private::Secret::env(#var)),
        Secret::File(path) => quote!(::ory_actions::__private::Secret::file(#path)),
        // Typed as a `Secret` where it is written, so that a bare string is a type error there.
        Secret::Computed(value) => {
            quote_spanned!(value.span()=> ::ory_actions::__private::secret(#value))
        }
    }
}

/// A text value: a literal borrowed as it is, or an expression the program evaluates.
fn text(text: &Text) -> TokenStream {
    match text {
        Text::Literal(lit) => quote!(::ory_actions::__private::Cow::Borrowed(#lit)),
        Text::Computed(value) => computed_text(value),
    }
}

/// An expression of a `str`-like type, owned; a value of another type is a type error at it.
fn computed_text(value: &TokenStream) -> TokenStream {
    quote_spanned!(value.span()=> ::ory_actions::__private::text(#value))
}

/// `include_str!` of a path relative to the calling crate's manifest directory, so that rustc
/// rebuilds the crate when the file changes.
fn include_relative(path: &LitStr) -> TokenStream {
    if std::path::Path::new(&path.value()).is_absolute() {
        quote!(::ory_actions::__private::include_str!(#path))
    } else {
        quote!(::ory_actions::__private::include_str!(
            ::ory_actions::__private::concat!(
                ::ory_actions::__private::env!("CARGO_MANIFEST_DIR"),
                "/",
                #path
            )
        ))
    }
}

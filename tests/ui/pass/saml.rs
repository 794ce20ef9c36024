//! `auth_method: saml` after login, registration and settings: the lists Ory Network has (and
//! self-hosted Kratos has not; a plan against a Kratos configuration file refuses them).

use ory_actions::{Scope, action};

fn main() {
    let login = action! { flow: login, timing: after, auth_method: saml, url: "https://h.example/1" };
    let registration = action! {
        flow: registration,
        timing: after,
        auth_method: [password, saml],
        url: "https://h.example/2",
        response_parse: true,
    };
    let settings = action! { flow: settings, timing: after, auth_method: saml, url: "https://h.example/3" };
    assert_eq!(login.scopes(), [Scope::LoginAfterSaml]);
    assert_eq!(
        registration.scopes(),
        [Scope::RegistrationAfterPassword, Scope::RegistrationAfterSaml]
    );
    assert_eq!(settings.scopes(), [Scope::SettingsAfterSaml]);
    assert_eq!(
        settings.render(ory_actions::Secrets::Redacted).unwrap()[0].pointer(),
        "/services/identity/config/selfservice/flows/settings/after/saml/hooks"
    );

    let all = action! { flow: registration, timing: after, auth_method: all, url: "https://h.example/4" };
    assert_eq!(all.scopes().len(), 6);
    assert!(all.scopes().contains(&Scope::RegistrationAfterSaml));
}

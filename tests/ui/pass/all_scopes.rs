//! Every one of the 32 hook lists Ory has (the 29 of self-hosted Kratos and the three `saml`
//! lists of Ory Network), each declared once; the actions land in exactly the runtime's scopes.

use ory_actions::{Scope, action};

fn main() {
    let actions = [
        action! { flow: login, timing: before, url: "https://h.example/1" },
        action! { flow: login, timing: after, auth_method: fallback, url: "https://h.example/2" },
        action! { flow: login, timing: after, auth_method: password, url: "https://h.example/3" },
        action! { flow: login, timing: after, auth_method: oidc, url: "https://h.example/4" },
        action! { flow: login, timing: after, auth_method: code, url: "https://h.example/5" },
        action! { flow: login, timing: after, auth_method: webauthn, url: "https://h.example/6" },
        action! { flow: login, timing: after, auth_method: passkey, url: "https://h.example/7" },
        action! { flow: login, timing: after, auth_method: totp, url: "https://h.example/8" },
        action! { flow: login, timing: after, auth_method: lookup_secret, url: "https://h.example/9" },
        action! { flow: login, timing: after, auth_method: saml, url: "https://h.example/30" },
        action! { flow: registration, timing: before, url: "https://h.example/10" },
        action! { flow: registration, timing: after, auth_method: fallback, url: "https://h.example/11" },
        action! { flow: registration, timing: after, auth_method: password, url: "https://h.example/12" },
        action! { flow: registration, timing: after, auth_method: oidc, url: "https://h.example/13" },
        action! { flow: registration, timing: after, auth_method: code, url: "https://h.example/14" },
        action! { flow: registration, timing: after, auth_method: webauthn, url: "https://h.example/15" },
        action! { flow: registration, timing: after, auth_method: passkey, url: "https://h.example/16" },
        action! { flow: registration, timing: after, auth_method: saml, url: "https://h.example/31" },
        action! { flow: recovery, timing: before, url: "https://h.example/17" },
        action! { flow: recovery, timing: after, url: "https://h.example/18" },
        action! { flow: settings, timing: before, url: "https://h.example/19" },
        action! { flow: settings, timing: after, auth_method: fallback, url: "https://h.example/20" },
        action! { flow: settings, timing: after, auth_method: password, url: "https://h.example/21" },
        action! { flow: settings, timing: after, auth_method: oidc, url: "https://h.example/22" },
        action! { flow: settings, timing: after, auth_method: webauthn, url: "https://h.example/23" },
        action! { flow: settings, timing: after, auth_method: passkey, url: "https://h.example/24" },
        action! { flow: settings, timing: after, auth_method: totp, url: "https://h.example/25" },
        action! { flow: settings, timing: after, auth_method: lookup_secret, url: "https://h.example/26" },
        action! { flow: settings, timing: after, auth_method: profile, url: "https://h.example/27" },
        action! { flow: settings, timing: after, auth_method: saml, url: "https://h.example/32" },
        action! { flow: verification, timing: before, url: "https://h.example/28" },
        action! { flow: verification, timing: after, url: "https://h.example/29" },
    ];
    let scopes: Vec<Scope> = actions.iter().flat_map(|a| a.scopes().to_vec()).collect();
    assert_eq!(scopes, Scope::ALL);
}

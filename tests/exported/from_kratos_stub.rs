// Exported by ory-actions from Kratos config SOURCE.
// Secrets are read from the environment when the program runs; set these first:
//   WEBHOOK_3_PASSWORD: the basic auth password of POST https://test.kratos.ory.sh/after_login_password_hook in login after password
//   WEBHOOK_6_API_KEY: the api key of POST https://test.kratos.ory.sh/after_registration_global_hook in registration after (fallback)

use ory_actions::{Action, action};

/// The web hooks of Kratos config SOURCE.
pub fn actions() -> Vec<Action> {
    vec![
        action! {
            flow: login,
            timing: before,
            url: "https://test.kratos.ory.sh/before_login_hook",
            headers: { "X-Custom-Header": "test" },
        },
        action! {
            flow: login,
            timing: after,
            auth_method: fallback,
            url: "https://test.kratos.ory.sh/after_login_global_hook",
            // Kept as a reference to the template Kratos reads:
            // `/path/to/template.jsonnet` is not on this machine; if Kratos runs elsewhere
            // (a container), say where its files are here with --path-map
            // KRATOS_PATH=LOCAL_PATH (or ORY_ACTIONS_PATH_MAP).
            body: kratos_file("/path/to/template.jsonnet"),
            headers: { "X-Custom-Header": "test" },
        },
        action! {
            flow: login,
            timing: after,
            auth_method: password,
            url: "https://test.kratos.ory.sh/after_login_password_hook",
            // Kept as a reference to the template Kratos reads:
            // `/path/to/template.jsonnet` is not on this machine; if Kratos runs elsewhere
            // (a container), say where its files are here with --path-map
            // KRATOS_PATH=LOCAL_PATH (or ORY_ACTIONS_PATH_MAP).
            body: kratos_file("/path/to/template.jsonnet"),
            auth: basic_auth { user: "test-user", password: env("WEBHOOK_3_PASSWORD") },
            headers: { "X-Custom-Header": "test" },
        },
        action! {
            flow: login,
            timing: after,
            auth_method: oidc,
            url: "https://test.kratos.ory.sh/after_login_oidc_hook",
            method: GET,
            // Kept as a reference to the template Kratos reads:
            // `/path/to/template.jsonnet` is not on this machine; if Kratos runs elsewhere
            // (a container), say where its files are here with --path-map
            // KRATOS_PATH=LOCAL_PATH (or ORY_ACTIONS_PATH_MAP).
            body: kratos_file("/path/to/template.jsonnet"),
            headers: { "X-Custom-Header": "test" },
        },
        action! {
            flow: registration,
            timing: before,
            url: "https://test.kratos.ory.sh/before_registration_hook",
            method: GET,
            headers: { "X-Custom-Header": "test" },
        },
        action! {
            flow: registration,
            timing: after,
            auth_method: fallback,
            url: "https://test.kratos.ory.sh/after_registration_global_hook",
            // Kept as a reference to the template Kratos reads:
            // `/path/to/template.jsonnet` is not on this machine; if Kratos runs elsewhere
            // (a container), say where its files are here with --path-map
            // KRATOS_PATH=LOCAL_PATH (or ORY_ACTIONS_PATH_MAP).
            body: kratos_file("/path/to/template.jsonnet"),
            auth: api_key { name: "My-Key", value: env("WEBHOOK_6_API_KEY"), in: header },
            headers: { "X-Custom-Header": "test" },
        },
        action! {
            flow: registration,
            timing: after,
            auth_method: password,
            url: "https://test.kratos.ory.sh/after_registration_password_hook",
            // Kept as a reference to the template Kratos reads:
            // `/path/to/template.jsonnet` is not on this machine; if Kratos runs elsewhere
            // (a container), say where its files are here with --path-map
            // KRATOS_PATH=LOCAL_PATH (or ORY_ACTIONS_PATH_MAP).
            body: kratos_file("/path/to/template.jsonnet"),
            headers: { "X-Custom-Header": "test" },
        },
        action! {
            flow: registration,
            timing: after,
            auth_method: oidc,
            url: "https://test.kratos.ory.sh/after_registration_oidc_hook",
            method: GET,
            // Kept as a reference to the template Kratos reads:
            // `/path/to/template.jsonnet` is not on this machine; if Kratos runs elsewhere
            // (a container), say where its files are here with --path-map
            // KRATOS_PATH=LOCAL_PATH (or ORY_ACTIONS_PATH_MAP).
            body: kratos_file("/path/to/template.jsonnet"),
            headers: { "X-Custom-Header": "test" },
        },
        action! {
            flow: recovery,
            timing: after,
            url: "https://test.kratos.ory.sh/after_recovery_hook",
            method: GET,
            // Kept as a reference to the template Kratos reads:
            // `/path/to/template.jsonnet` is not on this machine; if Kratos runs elsewhere
            // (a container), say where its files are here with --path-map
            // KRATOS_PATH=LOCAL_PATH (or ORY_ACTIONS_PATH_MAP).
            body: kratos_file("/path/to/template.jsonnet"),
            headers: { "X-Custom-Header": "test" },
        },
        action! {
            flow: settings,
            timing: after,
            auth_method: fallback,
            url: "https://test.kratos.ory.sh/after_settings_global_hook",
            // Kept as a reference to the template Kratos reads:
            // `/path/to/template.jsonnet` is not on this machine; if Kratos runs elsewhere
            // (a container), say where its files are here with --path-map
            // KRATOS_PATH=LOCAL_PATH (or ORY_ACTIONS_PATH_MAP).
            body: kratos_file("/path/to/template.jsonnet"),
            headers: { "X-Custom-Header": "test" },
        },
        action! {
            flow: settings,
            timing: after,
            auth_method: password,
            url: "https://test.kratos.ory.sh/after_settings_password_hook",
            // Kept as a reference to the template Kratos reads:
            // `/path/to/template.jsonnet` is not on this machine; if Kratos runs elsewhere
            // (a container), say where its files are here with --path-map
            // KRATOS_PATH=LOCAL_PATH (or ORY_ACTIONS_PATH_MAP).
            body: kratos_file("/path/to/template.jsonnet"),
            headers: { "X-Custom-Header": "test" },
        },
        action! {
            flow: settings,
            timing: after,
            auth_method: profile,
            url: "https://test.kratos.ory.sh/after_settings_profile_hook",
            // Kept as a reference to the template Kratos reads:
            // `/path/to/template.jsonnet` is not on this machine; if Kratos runs elsewhere
            // (a container), say where its files are here with --path-map
            // KRATOS_PATH=LOCAL_PATH (or ORY_ACTIONS_PATH_MAP).
            body: kratos_file("/path/to/template.jsonnet"),
            headers: { "X-Custom-Header": "test" },
        },
        action! {
            flow: verification,
            timing: after,
            url: "https://test.kratos.ory.sh/after_verification_hook",
            method: GET,
            // Kept as a reference to the template Kratos reads:
            // `/path/to/template.jsonnet` is not on this machine; if Kratos runs elsewhere
            // (a container), say where its files are here with --path-map
            // KRATOS_PATH=LOCAL_PATH (or ORY_ACTIONS_PATH_MAP).
            body: kratos_file("/path/to/template.jsonnet"),
            headers: { "X-Custom-Header": "test" },
        },
    ]
}

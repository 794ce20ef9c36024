use ory_actions::action;

fn main() {
    // Ory Network has `saml` lists after login, registration and settings only: recovery and
    // verification run one list for every method, and `before` hooks too.
    let _ = action! {
        flow: recovery,
        timing: after,
        auth_method: saml,
        url: "https://api.example.com/hook",
    };
    let _ = action! {
        flow: login,
        timing: before,
        auth_method: saml,
        url: "https://api.example.com/hook",
    };
}

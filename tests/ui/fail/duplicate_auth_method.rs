use ory_actions::action;

fn main() {
    let _ = action! {
        flow: login,
        timing: after,
        auth_method: [oidc, password, oidc],
        url: "https://api.example.com/hook",
    };
}

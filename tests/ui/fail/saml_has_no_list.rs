use ory_actions::action;

fn main() {
    let _ = action! {
        flow: login,
        timing: after,
        auth_method: saml,
        url: "https://api.example.com/hook",
    };
}

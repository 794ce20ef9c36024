use ory_actions::action;

fn main() {
    let _ = action! {
        flow: registration,
        timing: after,
        auth_method: [password, totp],
        url: "https://api.example.com/hook",
    };
}

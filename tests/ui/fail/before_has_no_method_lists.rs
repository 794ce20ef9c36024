use ory_actions::action;

fn main() {
    let _ = action! {
        flow: login,
        timing: before,
        auth_method: password,
        url: "https://api.example.com/hook",
    };
}

use ory_actions::action;

fn main() {
    let _ = action! {
        flow: login,
        timing: before,
        url: "https://api.example.com/hook",
        auth: api_key { name: "X-Api-Key", value: "abc123", in: header },
    };
    let _ = action! {
        flow: login,
        timing: before,
        url: "https://api.example.com/hook",
        auth: basic_auth { user: "ory", password: "hunter2" },
    };
}

use ory_actions::action;

fn main() {
    let _ = action! {
        flow: login,
        timing: before,
        url: "https://api.example.com/hook",
        auth: apikey { name: "X-Api-Key", value: env("KEY") },
    };
    let _ = action! {
        flow: login,
        timing: before,
        url: "https://api.example.com/hook",
        auth: api_key { name: "X Api Key", value: env("1KEY"), in: query },
    };
    let _ = action! {
        flow: login,
        timing: before,
        url: "https://api.example.com/hook",
        auth: basic_auth { user: "ory" },
    };
}

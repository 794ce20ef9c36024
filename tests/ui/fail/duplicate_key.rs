use ory_actions::action;

fn main() {
    let _ = action! {
        flow: login,
        timing: before,
        url: "https://api.example.com/hook",
        url: "https://api.example.com/other",
    };
}
